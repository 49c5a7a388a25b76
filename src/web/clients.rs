//! The windows of this origin as the service worker sees them (`clients.matchAll`), with their
//! visibility: the truth about which pages live, whatever messages they managed to send.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ClientQueryOptions, ClientType, ServiceWorkerGlobalScope, VisibilityState, WindowClient,
};

pub struct Window {
    pub id: String,
    pub visible: bool,
}

/// Every window client of the origin, controlled or not; none outside a service worker.
async fn window_clients() -> Result<Vec<WindowClient>, JsValue> {
    let Ok(scope) = js_sys::global().dyn_into::<ServiceWorkerGlobalScope>() else {
        return Ok(Vec::new());
    };
    let options = ClientQueryOptions::new();
    options.set_include_uncontrolled(true);
    options.set_type(ClientType::Window);
    let clients = JsFuture::from(scope.clients().match_all_with_options(&options)).await?;
    Ok(js_sys::Array::from(&clients)
        .iter()
        .map(|client| client.unchecked_into())
        .collect())
}

/// Every window of the origin, controlled or not; none outside a service worker.
pub async fn windows() -> Result<Vec<Window>, JsValue> {
    Ok(window_clients()
        .await?
        .into_iter()
        .map(|client| Window {
            id: client.id(),
            visible: client.visibility_state() == VisibilityState::Visible,
        })
        .collect())
}

/// Posts `message` to one window: the focused one, else a visible one, else any. False when no
/// window is open.
pub async fn post_to_one(message: &JsValue) -> Result<bool, JsValue> {
    let mut clients = window_clients().await?;
    // Best first: focused, then visible (false sorts first, so the keys are negated).
    clients.sort_by_key(|client| {
        (
            !client.focused(),
            client.visibility_state() != VisibilityState::Visible,
        )
    });
    match clients.first() {
        Some(client) => {
            client.post_message(message)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

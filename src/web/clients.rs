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

/// Every window of the origin, controlled or not; none outside a service worker.
pub async fn windows() -> Result<Vec<Window>, JsValue> {
    let Ok(scope) = js_sys::global().dyn_into::<ServiceWorkerGlobalScope>() else {
        return Ok(Vec::new());
    };
    let options = ClientQueryOptions::new();
    options.set_include_uncontrolled(true);
    options.set_type(ClientType::Window);
    let clients = JsFuture::from(scope.clients().match_all_with_options(&options)).await?;
    Ok(js_sys::Array::from(&clients)
        .iter()
        .map(|client| {
            let client: WindowClient = client.unchecked_into();
            Window {
                id: client.id(),
                visible: client.visibility_state() == VisibilityState::Visible,
            }
        })
        .collect())
}

//! The page's side of uploads the browser carries: the worker hands a large file to a page,
//! which starts its Background Fetch (a worker may not), so the upload outlives the worker and
//! the page. The page also finds the fetches still running after a reload, to show their bytes.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{Headers, RequestInit, RequestRedirect};

use crate::core::backup::{carried_target, fetch_tag, id_of_tag, HandedUpload};
use crate::core::log::redact;
use crate::web::http::upload_form;
use crate::web::sources::{self, Wanted};
use crate::web::store::{Store, StoreError};
use crate::web::{background_fetch, json};

/// Why a page could not start a Background Fetch; the worker then sends the file itself.
#[derive(Debug, thiserror::Error)]
pub enum CarryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("not an upload request: {0}")]
    Request(String),
    #[error("not logged in")]
    NotLoggedIn,
    #[error("{0} is no longer queued")]
    NotQueued(String),
    #[error("{0} cannot be read: {1}")]
    Unreadable(String, String),
    #[error("the browser refused: {0}")]
    Browser(String),
}

fn browser(error: JsValue) -> CarryError {
    let message = js_sys::Error::from(error.clone())
        .message()
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into());
    CarryError::Browser(message)
}

/// Starts the Background Fetch of the upload the worker handed over, read from its source as the
/// worker would read it. Resolves to `{id, name, size, registration}`; the error's words never
/// hold the API key (a browser's message may quote the request's address).
pub async fn start(value: JsValue) -> Result<JsValue, String> {
    let store = Store::open().await.map_err(|e| e.to_string())?;
    let key = match store.load_login().await {
        Ok(login) => login.map(|login| login.credential.secret().to_owned()),
        Err(e) => return Err(e.to_string()),
    };
    start_with(&store, value)
        .await
        .map_err(|e| redact(&e.to_string(), &[key.as_deref().unwrap_or_default()]))
}

async fn start_with(store: &Store, value: JsValue) -> Result<JsValue, CarryError> {
    let upload: HandedUpload =
        json::from_js(value).map_err(|e| CarryError::Request(e.to_string()))?;
    let login = store.load_login().await?.ok_or(CarryError::NotLoggedIn)?;
    let row = store
        .load_item(&upload.id)
        .await?
        .ok_or_else(|| CarryError::NotQueued(upload.name.clone()))?;
    let unreadable = |reason: String| CarryError::Unreadable(upload.name.clone(), reason);
    let blob = sources::open(store, &Wanted::of(&row))
        .await
        .map_err(unreadable)?;
    let sidecar = match &upload.sidecar {
        Some(path) => sources::open_sidecar(store, &upload.source, path).await,
        None => None,
    };
    let fields: Vec<(&str, String)> = upload
        .fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.clone()))
        .collect();
    let form = upload_form(&blob, &upload.name, &fields, sidecar.as_ref())
        .map_err(|e| unreadable(e.to_string()))?;
    let origin = web_sys::window()
        .ok_or_else(|| CarryError::Browser("not a page".into()))?
        .location()
        .origin()
        .map_err(browser)?;
    let target = carried_target(&login.server, &origin, &login.credential, &upload.checksum);
    let headers = Headers::new().map_err(browser)?;
    for (name, value) in &target.headers {
        headers.append(name, value).map_err(browser)?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    init.set_headers(&headers);
    // As the worker's own requests: a redirect is never followed with the file.
    init.set_redirect(RequestRedirect::Manual);
    let request = web_sys::Request::new_with_str_and_init(&target.url, &init).map_err(browser)?;
    let manager = background_fetch::page_manager().await.map_err(browser)?;
    let tag = fetch_tag(&upload.id);
    let registration = background_fetch::fetch(&manager, &tag, &request, &upload.name)
        .await
        .map_err(browser)?;
    carried(&upload.id, &upload.name, upload.size, &registration).map_err(browser)
}

fn carried(id: &str, name: &str, size: u64, registration: &JsValue) -> Result<JsValue, JsValue> {
    let view = Object::new();
    Reflect::set(&view, &"id".into(), &id.into())?;
    Reflect::set(&view, &"name".into(), &name.into())?;
    Reflect::set(&view, &"size".into(), &(size as f64).into())?;
    Reflect::set(&view, &"registration".into(), registration)?;
    Ok(view.into())
}

/// The app's Background Fetches still running (after a reload, say), each with its file's name
/// and size from the queue.
pub async fn running() -> Result<Vec<JsValue>, String> {
    let manager = background_fetch::page_manager()
        .await
        .map_err(|e| browser(e).to_string())?;
    let store = Store::open().await.map_err(|e| e.to_string())?;
    let tags = background_fetch::ids(&manager)
        .await
        .map_err(|e| browser(e).to_string())?;
    let mut running = Vec::new();
    for tag in tags {
        let Some(id) = id_of_tag(&tag) else {
            continue;
        };
        let Ok(Some(registration)) = background_fetch::get(&manager, &tag).await else {
            continue;
        };
        let row = store.load_item(id).await.map_err(|e| e.to_string())?;
        let (name, size) = row.map_or((id.to_owned(), 0), |row| (row.name, row.size));
        running.push(carried(id, &name, size, &registration).map_err(|e| browser(e).to_string())?);
    }
    Ok(running)
}

//! The browser's Background Fetch (`registration.backgroundFetch`), which web-sys does not
//! cover: reached by name. A page starts a fetch (a worker may not); the worker asks whether one
//! is running and reads its answer when the browser reports the end.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Response, ResponseType, ServiceWorkerGlobalScope};

use crate::core::backup::{HttpReply, RequestError, RequestResult};

fn property(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
}

/// Calls `target.name(...args)` and awaits the promise it returns.
async fn call(target: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = property(target, name)?
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{name} is not a function here")))?;
    let args: Array = args.iter().copied().collect();
    let promise: Promise = function.apply(target, &args)?.dyn_into()?;
    JsFuture::from(promise).await
}

fn manager_of(registration: &JsValue) -> Option<JsValue> {
    property(registration, "backgroundFetch")
        .ok()
        .filter(|manager| !manager.is_undefined() && !manager.is_null())
}

/// The worker's `registration.backgroundFetch`; None outside a worker or where the browser has
/// no Background Fetch.
pub fn worker_manager() -> Option<JsValue> {
    let scope = js_sys::global()
        .dyn_into::<ServiceWorkerGlobalScope>()
        .ok()?;
    manager_of(scope.registration().as_ref())
}

/// The page's `registration.backgroundFetch` (of the worker's registration, once it is ready).
pub async fn page_manager() -> Result<JsValue, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("not a page"))?;
    let container = property(window.navigator().as_ref(), "serviceWorker")?;
    let ready: Promise = property(&container, "ready")?
        .dyn_into()
        .map_err(|_| JsValue::from_str("this browser has no service workers"))?;
    let registration = JsFuture::from(ready).await?;
    manager_of(&registration)
        .ok_or_else(|| JsValue::from_str("this browser has no Background Fetch"))
}

/// The running fetch of this tag, if any.
pub async fn get(manager: &JsValue, tag: &str) -> Result<Option<JsValue>, JsValue> {
    let found = call(manager, "get", &[&JsValue::from_str(tag)]).await?;
    Ok((!found.is_undefined() && !found.is_null()).then_some(found))
}

/// The tags of the running fetches.
pub async fn ids(manager: &JsValue) -> Result<Vec<String>, JsValue> {
    let ids = call(manager, "getIds", &[]).await?;
    Ok(Array::from(&ids)
        .iter()
        .filter_map(|id| id.as_string())
        .collect())
}

/// Starts a fetch of one request, shown by the browser under `title`; resolves to its
/// `BackgroundFetchRegistration` (which reports `uploaded` of `uploadTotal` by `progress`).
pub async fn fetch(
    manager: &JsValue,
    tag: &str,
    request: &web_sys::Request,
    title: &str,
) -> Result<JsValue, JsValue> {
    let requests: Array = std::iter::once(JsValue::from(request)).collect();
    let options = js_sys::Object::new();
    Reflect::set(&options, &"title".into(), &title.into())?;
    call(manager, "fetch", &[&tag.into(), &requests, &options]).await
}

/// The tag of a fetch's registration.
pub fn tag_of(registration: &JsValue) -> Option<String> {
    property(registration, "id").ok()?.as_string()
}

/// The answer of a finished fetch of one request, read as the worker reads its own: status and
/// text. A fetch with no answer (failed, aborted) is a network error with the browser's reason.
pub async fn outcome(registration: &JsValue) -> RequestResult {
    let reason = property(registration, "failureReason")
        .ok()
        .and_then(|reason| reason.as_string())
        .filter(|reason| !reason.is_empty())
        .unwrap_or_else(|| "no answer".into());
    let lost = || RequestError::Network(format!("Background Fetch: {reason}"));
    let records = call(registration, "matchAll", &[])
        .await
        .map_err(|_| lost())?;
    let Some(record) = Array::from(&records).iter().next() else {
        return Err(lost());
    };
    let ready: Promise = property(&record, "responseReady")
        .and_then(|ready| ready.dyn_into())
        .map_err(|_| lost())?;
    let response: Response = JsFuture::from(ready)
        .await
        .and_then(|response| response.dyn_into())
        .map_err(|_| lost())?;
    if response.type_() == ResponseType::Opaqueredirect {
        return Err(RequestError::Redirect);
    }
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.map_err(|_| lost())?,
        Err(_) => return Err(lost()),
    };
    Ok(HttpReply {
        status: response.status(),
        body: text.as_string().unwrap_or_default(),
        retry_after: response.headers().get("retry-after").ok().flatten(),
    })
}

/// What the browser shows for a finished fetch (success and fail events have `updateUI`; an
/// abort has not). A refusal changes nothing: the browser keeps its own words.
pub async fn update_ui(event: &JsValue, title: &str) {
    let options = js_sys::Object::new();
    if Reflect::set(&options, &"title".into(), &title.into()).is_ok() {
        let _ = call(event, "updateUI", &[&options]).await;
    }
}

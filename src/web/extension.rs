//! The browser extension's own APIs (`chrome.alarms`, `chrome.cookies`, `chrome.action`), which
//! its service worker has and a PWA's has not. web-sys has none of them, so they are reached
//! by name; each call says `false` where the API is absent (the PWA), so the caller uses the
//! web's way instead.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Chromium refuses alarms sooner or more often than this (MV3).
const ALARM_MIN_MS: i64 = 30_000;

/// `chrome.<api>` where the worker is an extension's and was granted the API.
fn chrome_api(api: &str) -> Result<Option<Object>, JsValue> {
    let chrome = Reflect::get(&js_sys::global(), &"chrome".into())?;
    if !chrome.is_object() {
        return Ok(None);
    }
    Ok(Reflect::get(&chrome, &api.into())?
        .dyn_into::<Object>()
        .ok())
}

/// Calls `api.method(arg)` and waits for the promise it returns.
async fn call(api: &Object, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(api, &method.into())?.dyn_into()?;
    let returned = match args {
        [] => function.call0(api)?,
        [a] => function.call1(api, a)?,
        [a, b] => function.call2(api, a, b)?,
        _ => return Err(js_sys::Error::new("at most two arguments").into()),
    };
    match returned.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

fn object(fields: &[(&str, JsValue)]) -> Result<Object, JsValue> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &(*name).into(), value)?;
    }
    Ok(object)
}

fn minutes(ms: i64) -> JsValue {
    JsValue::from_f64(ms.max(ALARM_MIN_MS) as f64 / 60_000.0)
}

/// When an alarm fires.
pub enum AlarmWhen {
    /// Once, as soon as the browser allows (30 s on).
    Soonest,
    Every {
        period_ms: i64,
    },
}

/// Calls `chrome.<api>.<method>(args())` and waits for it; false (nothing built or called)
/// where the worker has no such API.
async fn call_if_present(
    api: &str,
    method: &str,
    args: impl FnOnce() -> Result<Vec<JsValue>, JsValue>,
) -> Result<bool, JsValue> {
    let Some(object) = chrome_api(api)? else {
        return Ok(false);
    };
    call(&object, method, &args()?).await?;
    Ok(true)
}

/// Sets (or replaces) the alarm `name`; false without `chrome.alarms`.
pub async fn set_alarm(name: &str, when: AlarmWhen) -> Result<bool, JsValue> {
    call_if_present("alarms", "create", || {
        let info = match when {
            AlarmWhen::Soonest => object(&[("delayInMinutes", minutes(0))])?,
            AlarmWhen::Every { period_ms } => object(&[("periodInMinutes", minutes(period_ms))])?,
        };
        Ok(vec![name.into(), info.into()])
    })
    .await
}

const SESSION_COOKIE: &str = "immich_access_token";

/// Gives the server's live-updates socket the session: an extension's WebSocket carries only a
/// cookie of the server's set with SameSite None (TOOLCHAIN.md), so the session cookie Immich
/// reads is set that way, as Immich sets its own (path /), for the server's origin only and out
/// of reach of its pages' scripts. False without `chrome.cookies`.
pub async fn set_session_cookie(origin: &str, token: &str) -> Result<bool, JsValue> {
    call_if_present("cookies", "set", || {
        let details = object(&[
            ("url", origin.into()),
            ("path", "/".into()),
            ("name", SESSION_COOKIE.into()),
            ("value", token.into()),
            ("sameSite", "no_restriction".into()),
            ("secure", JsValue::TRUE),
            ("httpOnly", JsValue::TRUE),
        ])?;
        Ok(vec![details.into()])
    })
    .await
}

/// Removes the session cookie `set_session_cookie` set (logged out); false without
/// `chrome.cookies`.
pub async fn remove_session_cookie(origin: &str) -> Result<bool, JsValue> {
    call_if_present("cookies", "remove", || {
        let details = object(&[("url", origin.into()), ("name", SESSION_COOKIE.into())])?;
        Ok(vec![details.into()])
    })
    .await
}

/// The text on the extension's toolbar button (empty: none); false without `chrome.action`.
pub async fn set_badge(text: &str) -> Result<bool, JsValue> {
    call_if_present("action", "setBadgeText", || {
        Ok(vec![object(&[("text", text.into())])?.into()])
    })
    .await
}

//! Asking the browser to wake the service worker later: a one-off Background Sync (as soon as
//! the network allows) and a Periodic Background Sync (where granted, at the browser's pace).
//! web-sys has neither API outside its unstable flag, so they are reached by name. An
//! extension's worker is woken by its alarms instead (`chrome.alarms`, 30 s on at the soonest).

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::web::extension::{self, AlarmWhen};

fn manager(name: &str) -> Result<Option<Object>, JsValue> {
    let registration = Reflect::get(&js_sys::global(), &"registration".into())?;
    if registration.is_undefined() {
        return Ok(None);
    }
    let manager = Reflect::get(&registration, &name.into())?;
    Ok(manager.dyn_into::<Object>().ok())
}

async fn call_register(manager: &Object, args: &[JsValue]) -> Result<(), JsValue> {
    let register: Function = Reflect::get(manager, &"register".into())?.dyn_into()?;
    let promise: Promise = match args {
        [tag] => register.call1(manager, tag)?,
        [tag, options] => register.call2(manager, tag, options)?,
        _ => return Err(js_sys::Error::new("register takes a tag and options").into()),
    }
    .dyn_into()?;
    JsFuture::from(promise).await?;
    Ok(())
}

/// Registers a one-off Background Sync (an extension: an alarm named `tag`); false where the
/// browser has neither.
pub async fn register_sync(tag: &str) -> Result<bool, JsValue> {
    if extension::set_alarm(tag, AlarmWhen::Soonest).await? {
        return Ok(true);
    }
    let Some(sync) = manager("sync")? else {
        return Ok(false);
    };
    call_register(&sync, &[tag.into()]).await?;
    Ok(true)
}

/// Registers a Periodic Background Sync (an extension: a periodic alarm, named apart from the
/// one-off's so neither replaces the other); false where the browser has none. Refused (an
/// error) unless the user installed the app and the browser granted the permission.
pub async fn register_periodic_sync(tag: &str, min_interval_ms: i64) -> Result<bool, JsValue> {
    let every = AlarmWhen::Every {
        period_ms: min_interval_ms,
    };
    if extension::set_alarm(&format!("{tag}-periodic"), every).await? {
        return Ok(true);
    }
    let Some(periodic) = manager("periodicSync")? else {
        return Ok(false);
    };
    let options = Object::new();
    Reflect::set(
        &options,
        &"minInterval".into(),
        &JsValue::from_f64(min_interval_ms as f64),
    )?;
    call_register(&periodic, &[tag.into(), options.into()]).await?;
    Ok(true)
}

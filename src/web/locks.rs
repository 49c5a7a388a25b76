//! Web Locks (`navigator.locks`): one holder of a name per origin, across tabs, worker instances
//! and a worker update. web-sys has the API only behind its unstable flag, so the two calls
//! used are declared here.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen]
extern "C" {
    type LockManager;

    #[wasm_bindgen(method, js_name = request)]
    fn request(
        this: &LockManager,
        name: &str,
        callback: &Closure<dyn FnMut(JsValue) -> Promise>,
    ) -> Promise;
}

fn lock_manager() -> Result<LockManager, JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into())?;
    let locks = Reflect::get(&navigator, &"locks".into())?;
    if locks.is_undefined() {
        return Err(js_sys::Error::new("this browser has no Web Locks").into());
    }
    Ok(locks.unchecked_into())
}

/// Runs `job` while holding the lock `name`, waiting for it while another holder has it.
pub async fn with_lock<T: 'static>(
    name: &str,
    job: impl Future<Output = T> + 'static,
) -> Result<T, JsValue> {
    let manager = lock_manager()?;
    let result = Rc::new(RefCell::new(None));
    let slot = Rc::clone(&result);
    let mut job = Some(job);
    let callback = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
        let slot = Rc::clone(&slot);
        let job = job.take();
        future_to_promise(async move {
            if let Some(job) = job {
                *slot.borrow_mut() = Some(job.await);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    JsFuture::from(manager.request(name, &callback)).await?;
    drop(callback);
    let value = result.borrow_mut().take();
    value.ok_or_else(|| js_sys::Error::new("the lock was granted without running its job").into())
}

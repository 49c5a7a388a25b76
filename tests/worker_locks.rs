//! Web Locks in a real service worker: two runs asking for the same lock never overlap; the
//! second waits and then runs.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::future::join;
use gloo_timers::future::TimeoutFuture;
use immich_background::web::locks::with_lock;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

#[wasm_bindgen_test]
async fn a_second_holder_waits_for_the_first() {
    let name = format!("test-lock-{}", js_sys::Math::random());
    let events = Rc::new(RefCell::new(Vec::new()));
    let job = |label: &'static str| {
        let events = Rc::clone(&events);
        async move {
            events.borrow_mut().push(format!("{label} in"));
            TimeoutFuture::new(50).await;
            events.borrow_mut().push(format!("{label} out"));
            label
        }
    };
    let (first, second) = join(with_lock(&name, job("a")), with_lock(&name, job("b"))).await;
    assert_eq!((first.expect("a ran"), second.expect("b ran")), ("a", "b"));
    assert_eq!(
        *events.borrow(),
        vec!["a in", "a out", "b in", "b out"],
        "the second ran only after the first let go"
    );
}

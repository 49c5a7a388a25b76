//! Uploads the browser carries, as the worker performs them: the engine's upload goes to a page,
//! which starts the Background Fetch (a worker may not); the driver makes sure one started, and
//! the browser's report of the end (`backgroundfetchsuccess`, `fail`, `abort`) is recorded in
//! the queue and handed to the run.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures_util::future::{FutureExt, LocalBoxFuture};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsValue;

use crate::core::backup::{
    carried_report, fetch_tag, id_of_tag, Engine, EngineConfig, Input, UploadRequest,
    HAND_OVER_METHOD,
};
use crate::web::console::now_ms;
use crate::web::store::Store;
use crate::web::{background_fetch, clients, json};

use super::work::Done;
use super::{forward, log, Control, DriverError};

/// How long a page has to start the Background Fetch it was handed, and how long the browser's
/// report of one that ended may take to reach the queue.
const START_WITHIN_MS: i64 = 15_000;
const POLL_MS: u32 = 1_000;

/// Whether a page can start a Background Fetch now: one is open, and the browser has them.
pub(super) async fn can_hand_over() -> Result<bool, JsValue> {
    Ok(background_fetch::worker_manager().is_some() && !clients::windows().await?.is_empty())
}

/// The uploads in the hands of a page or the browser, each with a number telling a hand-over
/// from an earlier one of the same file.
#[derive(Default)]
pub(super) struct Handed {
    current: RefCell<HashMap<String, u64>>,
    handovers: Cell<u64>,
}

impl Handed {
    fn hand(&self, id: &str) -> u64 {
        let number = self.handovers.get().wrapping_add(1);
        self.handovers.set(number);
        self.current.borrow_mut().insert(id.to_owned(), number);
        number
    }

    fn is_current(&self, id: &str, number: u64) -> bool {
        self.current.borrow().get(id) == Some(&number)
    }

    /// Whether `input` goes to the engine. A refusal counts only for the upload in a page's
    /// hands: a late one must not take back the same file the worker is sending meanwhile. The
    /// answer of an upload ends the hand-over.
    pub(super) fn admits(&self, input: &Input) -> bool {
        match input {
            Input::CarrierRefused { id, .. } => self.current.borrow_mut().remove(id).is_some(),
            Input::UploadReply { id, .. } => {
                self.current.borrow_mut().remove(id);
                true
            }
            _ => true,
        }
    }
}

/// The uploads a new run awaits because the browser carries them (a run cut off after handing
/// them over): watched as if this run had handed them over.
pub(super) fn awaited(
    engine: &Engine,
    handed: &Rc<Handed>,
    store: &Rc<Store>,
) -> Vec<LocalBoxFuture<'static, Done>> {
    let now = now_ms();
    engine
        .items()
        .iter()
        .filter(|item| item.is_carried(now))
        .map(|item| {
            let number = handed.hand(&item.id);
            let (handed, store) = (Rc::clone(handed), Rc::clone(store));
            watch(handed, store, item.id.clone(), number, now).boxed_local()
        })
        .collect()
}

/// Hands the upload to one page, which starts its Background Fetch; then watches it start.
pub(super) fn hand_over(
    handed: Rc<Handed>,
    store: Rc<Store>,
    request: UploadRequest,
) -> LocalBoxFuture<'static, Done> {
    let id = request.id.clone();
    let number = handed.hand(&id);
    async move {
        let posted_at = now_ms();
        let message = serde_json::json!({ "method": HAND_OVER_METHOD, "args": request });
        let posted = match json::to_js(&message) {
            Ok(payload) => clients::post_to_one(&payload).await,
            Err(e) => Err(e.into()),
        };
        match posted {
            Ok(true) => watch(handed, store, id, number, posted_at).await,
            Ok(false) => refused(id, "no page is open to start it".into()),
            Err(e) => refused(
                id,
                format!("no page could be asked: {}", DriverError::from(e)),
            ),
        }
    }
    .boxed_local()
}

fn refused(id: String, reason: String) -> Done {
    Done::last(Input::CarrierRefused { id, reason })
}

/// Resolves once the fetch runs, or the upload was answered meanwhile (a report of the browser's
/// that settled the stored row), or with a refusal when neither happened within
/// `START_WITHIN_MS` of `since`: the engine then sends the file itself.
async fn watch(handed: Rc<Handed>, store: Rc<Store>, id: String, number: u64, since: i64) -> Done {
    let tag = fetch_tag(&id);
    loop {
        if !handed.is_current(&id, number) {
            return Done::last(Input::Tick);
        }
        if let Some(manager) = background_fetch::worker_manager() {
            if let Ok(Some(_)) = background_fetch::get(&manager, &tag).await {
                return Done::last(Input::Tick);
            }
        }
        // An ended fetch is no longer found; its report settles the stored row.
        if let Ok(Some(row)) = store.load_item(&id).await {
            if !row.is_carried(now_ms()) {
                return Done::last(Input::Tick);
            }
        }
        if now_ms() - since >= START_WITHIN_MS {
            let reason = "no Background Fetch started within 15 s".to_owned();
            return refused(id, reason);
        }
        TimeoutFuture::new(POLL_MS).await;
    }
}

/// The browser's report of a Background Fetch's end (success, fail or abort event): its answer
/// settles the stored row (with the backup record, in one transaction), goes to a run of this
/// instance that awaits it, and a file that reached the server is named in the browser's UI.
pub async fn settle(event: JsValue) -> Result<(), DriverError> {
    let registration = js_sys::Reflect::get(&event, &"registration".into())?;
    let Some(tag) = background_fetch::tag_of(&registration) else {
        return Ok(());
    };
    let Some(id) = id_of_tag(&tag) else {
        return Ok(());
    };
    let result = background_fetch::outcome(&registration).await;
    let store = Store::open().await?;
    let credential = store.load_login().await?.map(|login| login.credential);
    let row = store.load_item(id).await?;
    let name = row.as_ref().map_or(id, |row| row.name.as_str()).to_owned();
    if let Some(mut row) = row {
        let policy = EngineConfig::default().retry;
        if row.settle_carried(result.clone(), now_ms(), &policy) {
            store.save_items(&[row]).await?;
        }
    }
    let secrets = credential
        .as_ref()
        .map(|credential| credential.secret())
        .into_iter()
        .collect::<Vec<_>>();
    let (level, line, backed_up) = carried_report(&name, &result, &secrets);
    log(&store, level, line).await;
    forward(Control::Input(Input::UploadReply {
        id: id.to_owned(),
        result,
    }));
    if backed_up {
        background_fetch::update_ui(&event, &format!("Backed up {name}")).await;
    }
    Ok(())
}

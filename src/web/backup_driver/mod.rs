//! The service worker's driver of one backup run: one run at a time per origin (a Web Lock held
//! for the run), and the run loop, which feeds `core::backup::Engine` what happened and performs
//! what it hands out. When a run starts and stops is the lifecycle's (`web::service_driver`).

use std::cell::RefCell;
use std::rc::Rc;

use futures_channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures_util::future::{pending, FutureExt, LocalBoxFuture};
use futures_util::stream::{FuturesUnordered, StreamExt};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsValue;

use futures_channel::oneshot;

use crate::core::backup::{Carrier, Engine, EngineConfig, Input, ItemState, Output, RunSetup};
use crate::core::channel::{ChannelMessage, StopReason, SystemStop};
use crate::core::log::{LogEntry, LogLevel};
use crate::core::session::{claim_queue, QueueClaim};
use crate::web::console::{self, now_ms};
use crate::web::http::ImmichHttp;
use crate::web::locks;
use crate::web::notify;
use crate::web::sources::Wanted;
use crate::web::store::{Store, StoreError};
use carried::Handed;
use work::{album, check, hash, probe, upload, Done, KnownAssets};

mod carried;
mod scanning;
mod work;

pub use carried::settle as settle_carried;

/// Held for a run: a second worker instance (an update mid-run) waits for it.
const RUN_LOCK: &str = "immich-background/backup-run";
/// While waiting, how often the stored service record is read: a Stop or Pause sent to another
/// worker instance reaches this run through it.
const STOP_POLL_MS: i64 = 1_000;

/// What the lifecycle asks of the run going on in this instance.
pub enum Control {
    /// The user's stop: at once.
    Stop,
    /// End after the request on its way, with this reason.
    Halt(StopReason, String),
    /// Files were queued: take them in.
    Queued,
    /// What happened outside the run, for its engine: a page's refusal to start a Background
    /// Fetch, the browser's report of one that ended.
    Input(Input),
}

/// How a run ended, for the lifecycle.
pub struct RunEnd {
    pub reason: StopReason,
    pub failed: u32,
}

thread_local! {
    /// Set while this instance runs a backup. Claimed and released without an await in
    /// between, so two messages can never both start a run.
    static RUN: RefCell<Option<UnboundedSender<Control>>> = const { RefCell::new(None) };
    /// Wake-ups of the browser's that wait for the run of this instance to end.
    static WAITING: RefCell<Vec<oneshot::Sender<()>>> = const { RefCell::new(Vec::new()) };
}

fn claim() -> Option<UnboundedReceiver<Control>> {
    RUN.with(|run| {
        let mut run = run.borrow_mut();
        if run.is_some() {
            return None;
        }
        let (sender, receiver) = unbounded();
        *run = Some(sender);
        Some(receiver)
    })
}

fn release() {
    RUN.with(|run| run.borrow_mut().take());
    for waiter in WAITING.with(|waiting| std::mem::take(&mut *waiting.borrow_mut())) {
        let _ = waiter.send(());
    }
}

/// Resolves when the run of this instance ends (at once when none is going): a Background Sync
/// stays open while the run it woke goes on.
pub async fn run_finished() {
    let receiver = RUN.with(|run| {
        run.borrow().as_ref().map(|_| {
            let (sender, receiver) = oneshot::channel();
            WAITING.with(|waiting| waiting.borrow_mut().push(sender));
            receiver
        })
    });
    if let Some(receiver) = receiver {
        let _ = receiver.await;
    }
}

pub fn is_running() -> bool {
    RUN.with(|run| run.borrow().is_some())
}

/// Hands `control` to the run of this instance; false when there is none.
pub fn forward(control: Control) -> bool {
    RUN.with(|run| {
        run.borrow()
            .as_ref()
            .is_some_and(|sender| sender.unbounded_send(control).is_ok())
    })
}

/// Why the worker could not do what a message or a wake-up asked.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("not a channel message: {0}")]
    Message(String),
    #[error("the browser refused: {0}")]
    Browser(String),
}

impl From<JsValue> for DriverError {
    fn from(value: JsValue) -> Self {
        let message = js_sys::Error::from(value.clone())
            .message()
            .as_string()
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "unknown error".into());
        DriverError::Browser(message)
    }
}

pub async fn log(store: &Store, level: LogLevel, message: String) {
    let entry = LogEntry {
        at_ms: now_ms(),
        level,
        message,
    };
    console::print(&entry);
    if let Err(e) = store.append_log(&entry).await {
        web_sys::console::error_1(&format!("[immich-background] log not stored: {e}").into());
    }
}

async fn announce(stop: SystemStop) -> Result<(), DriverError> {
    Ok(notify::broadcast(&ChannelMessage::SystemStop(stop)).await?)
}

/// Runs the backup in this instance, waiting for the lock while another instance holds it.
/// None when there was nothing to run any more (another instance settled it meanwhile).
pub async fn run(store: Rc<Store>, new_run: bool) -> Result<Option<RunEnd>, DriverError> {
    let Some(control) = claim() else {
        forward(Control::Queued);
        return Ok(None);
    };
    let result = locks::with_lock(RUN_LOCK, run_locked(Rc::clone(&store), new_run, control)).await;
    release();
    let (stop, failed) = match result {
        Ok(Ok(Some(end))) => end,
        Ok(Ok(None)) => return Ok(None),
        Ok(Err(e)) => (failed(&store, e).await, 0),
        Err(e) => (failed(&store, DriverError::from(e)).await, 0),
    };
    let reason = stop.reason;
    announce(stop).await?;
    Ok(Some(RunEnd { reason, failed }))
}

/// A run the worker could not carry on: logged, and told to the pages as `failed`.
async fn failed(store: &Store, error: DriverError) -> SystemStop {
    let message = format!("The backup stopped on an error: {error}");
    log(store, LogLevel::Severe, message.clone()).await;
    SystemStop {
        reason: StopReason::Failed,
        message,
    }
}

/// The run, once the lock is held, and how many files failed in it. None when there was
/// nothing to run any more (another instance settled it while this one waited for the lock).
async fn run_locked(
    store: Rc<Store>,
    mut new_run: bool,
    mut control: UnboundedReceiver<Control>,
) -> Result<Option<(SystemStop, u32)>, DriverError> {
    loop {
        let service = store.load_service().await?;
        if !new_run && (!service.wanted || service.paused) {
            return Ok(None);
        }
        let Some(login) = store.load_login().await? else {
            let stop = SystemStop {
                reason: StopReason::Unauthorized,
                message: "Log in to your Immich server before backing up.".into(),
            };
            return Ok(Some((stop, 0)));
        };
        let owner = store.load_queue_owner().await?;
        let unfinished = store.queue_counts().await?.unfinished();
        match claim_queue(owner.as_ref(), &login.owner(), unfinished) {
            QueueClaim::Keep => {}
            QueueClaim::Take => store.save_queue_owner(&login.owner()).await?,
            QueueClaim::Refuse(message) => {
                let stop = SystemStop {
                    reason: StopReason::Unauthorized,
                    message,
                };
                return Ok(Some((stop, 0)));
            }
        }
        let (settings, warnings) = store.load_settings().await?;
        for warning in warnings {
            log(&store, LogLevel::Warning, warning).await;
        }
        let http = ImmichHttp::new(login.server.clone(), Some(login.credential.clone()));
        let stopped = scanning::scan_folders(&store, &http, &mut control).await?;
        if new_run {
            store.drop_finished_picked().await?;
        }
        let config = EngineConfig::default();
        let (queue, stored) = store.run_start(config.page_rows).await?;
        let setup = RunSetup {
            queue,
            stored,
            settings,
            server: login.server.api_base().to_owned(),
            secrets: vec![login.credential.secret().to_owned()],
            new_run,
            seed: (js_sys::Math::random() * u64::MAX as f64) as u64,
            background_fetch: carried::can_hand_over().await?,
        };
        let mut engine = Engine::new(setup, config, now_ms());
        match stopped {
            Some(Control::Stop) => engine.handle_input(Input::Stop, now_ms()),
            Some(Control::Halt(reason, message)) => {
                engine.handle_input(Input::Halt { reason, message }, now_ms());
            }
            Some(Control::Queued | Control::Input(_)) | None => {}
        }
        let known = KnownAssets {
            store: Rc::clone(&store),
            user_id: login.user_id.as_str().into(),
        };
        let stop = drive(&mut engine, &known, &http, &mut control).await?;
        // Files queued while the run was ending start the next one.
        let queued =
            std::iter::from_fn(|| control.try_recv().ok()).any(|c| matches!(c, Control::Queued));
        if !queued || stop.reason != StopReason::Completed {
            let failed = engine.counts().get(ItemState::FailedPermanent);
            return Ok(Some((stop, failed)));
        }
        announce(stop).await?;
        new_run = true;
    }
}

async fn drive(
    engine: &mut Engine,
    known: &KnownAssets,
    http: &ImmichHttp,
    control: &mut UnboundedReceiver<Control>,
) -> Result<SystemStop, DriverError> {
    let store = &known.store;
    let mut work: FuturesUnordered<LocalBoxFuture<'static, Done>> = FuturesUnordered::new();
    let handed = Rc::new(Handed::default());
    work.extend(carried::awaited(engine, &handed, store));
    // Rows changed in a row are written in one transaction, before whatever output follows them.
    let mut rows = Vec::new();
    loop {
        let output = engine.poll_output();
        if !matches!(output, Output::Persist(_)) && !rows.is_empty() {
            store.save_items(&std::mem::take(&mut rows)).await?;
        }
        match output {
            Output::Ended(stop) => return Ok(stop),
            Output::Wait(until) => {
                let input = next_input(&mut work, control, until, store, engine).await?;
                if handed.admits(&input) {
                    engine.handle_input(input, now_ms());
                }
            }
            Output::Persist(changed) => rows.extend(changed),
            Output::Load { limit } => {
                let loaded = waiting_rows(store, engine, limit, false).await?;
                engine.handle_input(loaded, now_ms());
            }
            Output::Hash { id, method, .. } => {
                work.push(hash(known.clone(), wanted(engine, id), method));
            }
            Output::Check(request) => work.push(check(http.clone(), request)),
            Output::Upload(request) if request.carrier == Carrier::BackgroundFetch => {
                let store = Rc::clone(store);
                work.push(carried::hand_over(Rc::clone(&handed), store, request));
            }
            Output::Upload(request) => {
                let file = wanted(engine, request.id.clone());
                work.push(upload(Rc::clone(store), http.clone(), request, file));
            }
            Output::Probe => work.push(probe(http.clone())),
            Output::AddToAlbum { name, asset_ids } => {
                work.push(album(http.clone(), name, asset_ids));
            }
            Output::Post(message) => {
                if let Err(e) = notify::broadcast(&message).await {
                    web_sys::console::warn_2(&"[immich-background] progress not sent".into(), &e);
                }
            }
            // Without the permission there is nothing to show; the pages still have the state.
            Output::Notify(kind, payload) => notify::show(kind, &payload).await.unwrap_or(()),
            Output::CloseNotification(kind) => notify::close(kind).await.unwrap_or(()),
            Output::Log(level, message) => log(store, level, message).await,
        }
    }
}

/// The stored waiting rows the engine does not hold, up to `limit`, for `Input::Loaded`;
/// `count`: how many more wait is counted (files were queued), not only whether any do.
async fn waiting_rows(
    store: &Store,
    engine: &Engine,
    limit: usize,
    count: bool,
) -> Result<Input, DriverError> {
    let known = |id: &str| engine.item(id).is_some();
    let (rows, waiting) = store
        .waiting_page(limit, known, engine.held(), count)
        .await?;
    Ok(Input::Loaded { rows, waiting })
}

/// Where the engine's file `id` is read from; Err when the run does not know it.
fn wanted(engine: &Engine, id: String) -> Result<Wanted, String> {
    engine.item(&id).map(Wanted::of).ok_or(id)
}

/// Waits for the first of: finished work, a page's control, the engine's time, or a stop
/// recorded by another worker instance.
async fn next_input(
    work: &mut FuturesUnordered<LocalBoxFuture<'static, Done>>,
    control: &mut UnboundedReceiver<Control>,
    until: Option<i64>,
    store: &Store,
    engine: &Engine,
) -> Result<Input, DriverError> {
    loop {
        let wait = until.map_or(STOP_POLL_MS, |at| (at - now_ms()).clamp(0, STOP_POLL_MS));
        let mut timer = TimeoutFuture::new(u32::try_from(wait).unwrap_or(0)).fuse();
        let mut finished = if work.is_empty() {
            pending().boxed_local().fuse()
        } else {
            work.next().boxed_local().fuse()
        };
        let mut message = control.next().fuse();
        futures_util::select! {
            done = finished => {
                if let Some(Done { input, then }) = done {
                    drop(finished);
                    if let Some(then) = then {
                        work.push(then);
                    }
                    return Ok(input);
                }
            }
            message = message => match message {
                Some(Control::Stop) => return Ok(Input::Stop),
                Some(Control::Halt(reason, message)) => return Ok(Input::Halt { reason, message }),
                Some(Control::Queued) => {
                    return waiting_rows(store, engine, engine.page_rows(), true).await;
                }
                Some(Control::Input(input)) => return Ok(input),
                None => {}
            },
            () = timer => {
                if until.is_some_and(|at| now_ms() >= at) {
                    return Ok(Input::Tick);
                }
                // Another worker instance may have handled the page's stop or pause.
                let service = store.load_service().await?;
                if !service.wanted {
                    return Ok(Input::Stop);
                }
                if service.paused {
                    let message = "Backup paused.".to_owned();
                    return Ok(Input::Halt { reason: StopReason::Paused, message });
                }
            }
        }
    }
}

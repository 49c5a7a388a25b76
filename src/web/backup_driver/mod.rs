//! The service worker's driver of backup runs, and its only file that uses the others: channel
//! messages in, one run at a time per origin (a Web Lock held for the run), and the run loop,
//! which feeds `core::backup::Engine` what happened and performs what it hands out.

use std::cell::RefCell;
use std::rc::Rc;

use futures_channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures_util::future::{pending, FutureExt, LocalBoxFuture};
use futures_util::stream::{FuturesUnordered, StreamExt};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsValue;

use crate::core::backup::{Engine, EngineConfig, Input, Output, RunSetup, STOPPED};
use crate::core::channel::{ChannelMessage, Phase, ProgressUpdate, StopReason, SystemStop};
use crate::core::log::{LogEntry, LogLevel};
use crate::core::progress::UploadState;
use crate::web::console::{self, now_ms};
use crate::web::http::ImmichHttp;
use crate::web::locks;
use crate::web::notify;
use crate::web::store::{Store, StoreError};
use work::{check, hash, probe, upload, Done};

mod work;

/// Held for a run: a second worker instance (an update mid-run) waits for it.
const RUN_LOCK: &str = "immich-background/backup-run";
/// While waiting, how often the stored request is read: a Stop sent to another worker
/// instance reaches this run through it.
const STOP_POLL_MS: i64 = 1_000;

/// What a page asks of the run going on in this instance.
enum Control {
    Stop,
    Queued,
}

thread_local! {
    /// Set while this instance runs a backup. Claimed and released without an await in
    /// between, so two messages can never both start a run.
    static RUN: RefCell<Option<UnboundedSender<Control>>> = const { RefCell::new(None) };
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
}

/// Hands `control` to the run of this instance; false when there is none.
fn forward(control: Control) -> bool {
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

async fn log(store: &Store, level: LogLevel, message: String) {
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

pub async fn handle_message(data: JsValue) -> Result<(), DriverError> {
    let store = Store::open().await?;
    let json: serde_json::Value =
        serde_wasm_bindgen::from_value(data).map_err(|e| DriverError::Message(e.to_string()))?;
    let message = match ChannelMessage::from_json(&json) {
        Ok(message) => message,
        Err(e) => {
            log(&store, LogLevel::Warning, format!("ignored a message: {e}")).await;
            return Ok(());
        }
    };
    match message {
        ChannelMessage::Start => {
            store.set_run_requested(true).await?;
            if forward(Control::Queued) {
                return Ok(());
            }
            run(store, true).await
        }
        ChannelMessage::Stop => {
            store.set_run_requested(false).await?;
            if !forward(Control::Stop) {
                announce(SystemStop {
                    reason: StopReason::StoppedByUser,
                    message: STOPPED.to_owned(),
                })
                .await?;
            }
            Ok(())
        }
        // A page that (re)opened asks for the state; a run going on reports by itself.
        ChannelMessage::UpdateNotification(None) => {
            if RUN.with(|run| run.borrow().is_some()) {
                return Ok(());
            }
            report_idle(&store).await?;
            wake_with(store).await
        }
        other => {
            let method = other.to_json()["method"].to_string();
            let message = format!("ignored {method}: pages do not send it");
            log(&store, LogLevel::Warning, message).await;
            Ok(())
        }
    }
}

/// On activate, sync or any wake-up: continue a backup the user started and did not stop.
pub async fn wake() -> Result<(), DriverError> {
    let store = Store::open().await?;
    wake_with(store).await
}

async fn wake_with(store: Store) -> Result<(), DriverError> {
    if store.run_requested().await? {
        run(store, false).await
    } else {
        Ok(())
    }
}

async fn report_idle(store: &Store) -> Result<(), DriverError> {
    let items = store.load_queue().await?;
    let update = ProgressUpdate {
        state: UploadState::from_items(&items, None, None),
        notification: None,
        phase: Phase::Idle,
        file_bytes_done: None,
        file_bytes_total: None,
        notice: None,
    };
    Ok(notify::broadcast(&ChannelMessage::UpdateNotification(Some(update))).await?)
}

async fn announce(stop: SystemStop) -> Result<(), DriverError> {
    Ok(notify::broadcast(&ChannelMessage::SystemStop(stop)).await?)
}

/// Runs the backup in this instance, unless it runs one already; waits for the lock while
/// another instance holds it.
async fn run(store: Store, new_run: bool) -> Result<(), DriverError> {
    let Some(control) = claim() else {
        forward(Control::Queued);
        return Ok(());
    };
    let store = Rc::new(store);
    let result = locks::with_lock(RUN_LOCK, run_locked(Rc::clone(&store), new_run, control)).await;
    release();
    let stop = match result {
        Ok(Ok(Some(stop))) => stop,
        Ok(Ok(None)) => return Ok(()),
        Ok(Err(e)) => failed(&store, e).await,
        Err(e) => failed(&store, DriverError::from(e)).await,
    };
    store
        .set_run_requested(stop.reason.resumes_on_wake())
        .await?;
    announce(stop).await
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

/// The run, once the lock is held. None when there was nothing to run any more (another
/// instance finished it while this one waited for the lock).
async fn run_locked(
    store: Rc<Store>,
    mut new_run: bool,
    mut control: UnboundedReceiver<Control>,
) -> Result<Option<SystemStop>, DriverError> {
    loop {
        if !new_run && !store.run_requested().await? {
            return Ok(None);
        }
        let Some(login) = store.load_login().await? else {
            return Ok(Some(SystemStop {
                reason: StopReason::Unauthorized,
                message: "Log in to your Immich server before backing up.".into(),
            }));
        };
        let (settings, warnings) = store.load_settings().await?;
        for warning in warnings {
            log(&store, LogLevel::Warning, warning).await;
        }
        let setup = RunSetup {
            queue: store.load_queue().await?,
            settings,
            server: login.server.api_base().to_owned(),
            secrets: vec![login.api_key.expose().to_owned()],
            new_run,
            seed: (js_sys::Math::random() * u64::MAX as f64) as u64,
        };
        let http = ImmichHttp::new(login.server, Some(login.api_key));
        let mut engine = Engine::new(setup, EngineConfig::default(), now_ms());
        let stop = drive(&mut engine, &store, &http, &mut control).await?;
        // Files queued while the run was ending start the next one.
        let queued =
            std::iter::from_fn(|| control.try_recv().ok()).any(|c| matches!(c, Control::Queued));
        if !queued {
            return Ok(Some(stop));
        }
        announce(stop).await?;
        new_run = true;
    }
}

async fn drive(
    engine: &mut Engine,
    store: &Rc<Store>,
    http: &ImmichHttp,
    control: &mut UnboundedReceiver<Control>,
) -> Result<SystemStop, DriverError> {
    let mut work: FuturesUnordered<LocalBoxFuture<'static, Done>> = FuturesUnordered::new();
    loop {
        match engine.poll_output() {
            Output::Ended(stop) => return Ok(stop),
            Output::Wait(until) => {
                let input = next_input(&mut work, control, until, store).await?;
                engine.handle_input(input, now_ms());
            }
            Output::Persist(rows) => store.save_items(&rows).await?,
            Output::Delete(ids) => store.delete_items(&ids).await?,
            Output::Hash { id, .. } => work.push(hash(Rc::clone(store), id)),
            Output::Check(request) => work.push(check(http.clone(), request)),
            Output::Upload(request) => work.push(upload(Rc::clone(store), http.clone(), request)),
            Output::Probe => work.push(probe(http.clone())),
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

/// Waits for the first of: finished work, a page's control, the engine's time, or a stop
/// recorded by another worker instance.
async fn next_input(
    work: &mut FuturesUnordered<LocalBoxFuture<'static, Done>>,
    control: &mut UnboundedReceiver<Control>,
    until: Option<i64>,
    store: &Store,
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
                Some(Control::Queued) => {
                    return Ok(Input::Queued(store.load_queue().await?));
                }
                None => {}
            },
            () = timer => {
                if until.is_some_and(|at| now_ms() >= at) {
                    return Ok(Input::Tick);
                }
                if !store.run_requested().await? {
                    return Ok(Input::Stop);
                }
            }
        }
    }
}

//! The service worker's driver of the background service: every event of the worker (a page's
//! message, a Background Sync, a periodic sync, activation) becomes inputs of
//! `core::lifecycle::Lifecycle`, and its outputs are performed here: runs started and stopped
//! (`backup_driver`), the record stored, wake-ups registered, messages and notifications sent.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures_util::future::LocalBoxFuture;
use futures_util::FutureExt;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsValue;

use crate::core::backup::{Input as RunInput, Refusal};
use crate::core::channel::{ChannelMessage, Phase, ProgressUpdate, StopReason, Visibility};
use crate::core::immich;
use crate::core::lifecycle::{Command, Input, Lifecycle, Output, WakeKind};
use crate::core::log::LogLevel;
use crate::core::session::Credential;
use crate::core::sync::SyncOutcome;
use crate::web::backup_driver::{self, log, Control, DriverError};
use crate::web::console::now_ms;
use crate::web::http::ImmichHttp;
use crate::web::realtime_driver::LiveRequest;
use crate::web::store::Store;
use crate::web::{clients, json, notify, realtime_driver, sync_driver, wakeups};

/// The longest a run goes without the lifecycle looking at the time.
const MAX_TICK_MS: i64 = 5_000;

thread_local! {
    /// The service of this worker instance, read from the store at its first event.
    static SERVICE: RefCell<Option<Lifecycle>> = const { RefCell::new(None) };
    /// The lifecycle asked for a sync (`Output::SyncLibrary`): it runs once the event's backup
    /// work is done.
    static SYNC_WANTED: Cell<bool> = const { Cell::new(false) };
}

/// A channel message from a page (`source` is the sending window's client id).
pub async fn handle_message(data: JsValue, source: Option<String>) -> Result<(), DriverError> {
    let store = Rc::new(Store::open().await?);
    let json: serde_json::Value =
        json::from_js(data).map_err(|e| DriverError::Message(e.to_string()))?;
    // A page could not start the Background Fetch it was handed: the run's engine sends the
    // file itself. Without a run here nobody waits for it (a later run watches on its own).
    if let Some(Refusal { id, reason }) = Refusal::from_message(&json) {
        backup_driver::forward(Control::Input(RunInput::CarrierRefused { id, reason }));
        return Ok(());
    }
    let message = match ChannelMessage::from_json(&json) {
        Ok(message) => message,
        Err(e) => {
            log(&store, LogLevel::Warning, format!("ignored a message: {e}")).await;
            return Ok(());
        }
    };
    let command = |command| vec![Input::Command(command)];
    let inputs = match message {
        ChannelMessage::Start => {
            let mut inputs = observe(&store, None).await?;
            inputs.push(Input::Command(Command::Start));
            inputs
        }
        ChannelMessage::SyncNow => command(Command::SyncNow),
        ChannelMessage::Stop => command(Command::Stop),
        ChannelMessage::Pause => command(Command::Pause),
        ChannelMessage::Resume => command(Command::Resume),
        ChannelMessage::Cancel => command(Command::Cancel),
        ChannelMessage::PageState(page) => {
            let source = source.as_deref().map(|id| (id, page.visibility));
            let mut inputs = observe(&store, source).await?;
            inputs.push(Input::Conditions {
                wifi: page.wifi,
                charging: page.charging,
            });
            inputs
        }
        // A page that (re)opened or heard nothing for a while asks for the state.
        ChannelMessage::UpdateNotification(None) => {
            if !backup_driver::is_running() {
                report_idle(&store).await?;
            }
            let mut inputs = observe(&store, None).await?;
            inputs.push(Input::Wake(WakeKind::Message));
            inputs
        }
        other => {
            let method = other.to_json()["method"].to_string();
            let message = format!("ignored {method}: pages do not send it");
            log(&store, LogLevel::Warning, message).await;
            return Ok(());
        }
    };
    process(&store, inputs).await?;
    realtime_driver::follow_login(&store).await?;
    if SYNC_WANTED.replace(false) {
        sync_library(&store).await?;
    }
    Ok(())
}

/// Syncs the library mirror; a session the server revoked stops every service.
async fn sync_library(store: &Rc<Store>) -> Result<(), DriverError> {
    let report = sync_driver::sync_until_current(store).await?;
    if report.is_some_and(|report| report.outcome == SyncOutcome::SessionRevoked) {
        process(store, vec![Input::AuthChecked { accepted: false }]).await?;
    }
    Ok(())
}

/// What the live updates ask of the service.
fn answer_live(request: LiveRequest) -> LocalBoxFuture<'static, Result<(), DriverError>> {
    async move {
        match request {
            LiveRequest::Sync => sync_library(&Rc::new(Store::open().await?)).await,
            LiveRequest::SessionEnded => session_ended().await,
            LiveRequest::CheckLogin => check_login().await,
        }
    }
    .boxed_local()
}

/// The live updates heard this session logged out on the server: the login and the mirror are
/// wiped as by Log out, and every service stops asking to log in again.
async fn session_ended() -> Result<(), DriverError> {
    let store = Rc::new(Store::open().await?);
    store.log_out().await?;
    log(
        &store,
        LogLevel::Warning,
        "This session was logged out on the server: the login and the library mirror are wiped"
            .into(),
    )
    .await;
    process(&store, vec![Input::AuthChecked { accepted: false }]).await
}

/// The live updates were refused: the login is checked with the server now.
async fn check_login() -> Result<(), DriverError> {
    let store = Rc::new(Store::open().await?);
    if let Some(input) = check_auth(&store).await? {
        process(&store, vec![input]).await?;
    }
    if SYNC_WANTED.replace(false) {
        sync_library(&store).await?;
    }
    Ok(())
}

/// A wake-up of the browser's. Resolves once what it started is over; true when the browser
/// should wake the worker again (a run is still wanted or due).
pub async fn wake(kind: WakeKind) -> Result<bool, DriverError> {
    let store = Rc::new(Store::open().await?);
    let mut inputs = observe(&store, None).await?;
    inputs.push(Input::Wake(kind));
    process(&store, inputs).await?;
    // A run due within the time the browser gives this event is waited for.
    while let Some(until) = with_service(|service| service.hold_until(now_ms())).flatten() {
        let wait = u32::try_from((until - now_ms()).max(0)).unwrap_or(u32::MAX);
        TimeoutFuture::new(wait).await;
        process(&store, vec![Input::Tick]).await?;
    }
    backup_driver::run_finished().await;
    if SYNC_WANTED.replace(false) {
        sync_library(&store).await?;
    }
    Ok(with_service(|service| service.wants_wake_up()).unwrap_or(false))
}

/// What the worker sees when an event arrives: the queue and the windows. `source` is a page
/// that reported its own visibility (a closing page is no longer counted).
async fn observe(
    store: &Store,
    source: Option<(&str, Visibility)>,
) -> Result<Vec<Input>, DriverError> {
    let unfinished = store.queue_counts().await?.unfinished();
    let windows = clients::windows().await?;
    let (mut open, mut visible) = (0, 0);
    for window in windows {
        let visibility = match source {
            Some((id, visibility)) if id == window.id => visibility,
            _ if window.visible => Visibility::Visible,
            _ => Visibility::Hidden,
        };
        match visibility {
            Visibility::Closed => {}
            Visibility::Visible => (open, visible) = (open + 1, visible + 1),
            Visibility::Hidden => open += 1,
        }
    }
    Ok(vec![
        Input::Queue {
            unfinished,
            folders: store.count_folders().await?,
        },
        Input::Pages { open, visible },
    ])
}

fn with_service<T>(f: impl FnOnce(&mut Lifecycle) -> T) -> Option<T> {
    SERVICE.with(|service| service.borrow_mut().as_mut().map(f))
}

/// Feeds the inputs, and what performing the outputs brings back, through the lifecycle.
async fn process(store: &Rc<Store>, inputs: Vec<Input>) -> Result<(), DriverError> {
    let (settings, _) = store.load_settings().await?;
    if with_service(|_| ()).is_none() {
        let record = store.load_service().await?;
        // Another event of this instance may have loaded it meanwhile: that one stands.
        SERVICE.with(|service| {
            service
                .borrow_mut()
                .get_or_insert_with(|| Lifecycle::new(record, settings.clone()));
        });
    }
    let mut inputs = inputs;
    inputs.insert(0, Input::Settings(settings));
    let mut outputs = step(inputs);
    loop {
        let mut start = None;
        let mut followed = Vec::new();
        for output in outputs {
            match output {
                Output::StartRun { new_run } => start = Some(new_run),
                output => followed.extend(perform(store, output).await?),
            }
        }
        // Started last: the run lasts, and the record and the pages are told first.
        if let Some(new_run) = start {
            let end = run_with_ticks(store, new_run).await?;
            followed.push(ended(end, store).await?);
        }
        if followed.is_empty() {
            return Ok(());
        }
        outputs = step(followed);
    }
}

fn step(inputs: Vec<Input>) -> Vec<Output> {
    with_service(|service| {
        service.handle_inputs(inputs, now_ms());
        std::iter::from_fn(|| service.poll_output()).collect()
    })
    .unwrap_or_default()
}

/// The run, while the lifecycle gets the ticks it asks for (the last page gone for good, a
/// condition report gone stale).
async fn run_with_ticks(
    store: &Rc<Store>,
    new_run: bool,
) -> Result<Option<backup_driver::RunEnd>, DriverError> {
    let run = backup_driver::run(Rc::clone(store), new_run).fuse();
    futures_util::pin_mut!(run);
    loop {
        let next = with_service(|service| service.next_wake()).flatten();
        let wait = next.map_or(MAX_TICK_MS, |at| (at - now_ms()).clamp(0, MAX_TICK_MS));
        let mut timer = TimeoutFuture::new(u32::try_from(wait).unwrap_or(0)).fuse();
        futures_util::select! {
            end = run => return end,
            () = timer => {
                // A run is going, so nothing here starts one.
                let mut inputs = vec![Input::Tick];
                while !inputs.is_empty() {
                    let mut followed = Vec::new();
                    for output in step(inputs) {
                        followed.extend(perform(store, output).await?);
                    }
                    inputs = followed;
                }
            }
        }
    }
}

/// How the run ended, or that another instance settled it while this one waited for the lock
/// (as stored: paused or not).
async fn ended(end: Option<backup_driver::RunEnd>, store: &Store) -> Result<Input, DriverError> {
    Ok(match end {
        Some(end) => Input::RunEnded {
            reason: end.reason,
            failed: end.failed,
        },
        None => Input::RunSettledElsewhere {
            paused: store.load_service().await?.paused,
        },
    })
}

/// Performs one output; returns the input it brings back, if any.
async fn perform(store: &Rc<Store>, output: Output) -> Result<Option<Input>, DriverError> {
    match output {
        Output::Persist(record) => store.save_service(&record).await?,
        Output::StartRun { .. } => {}
        Output::MergeQueued => {
            backup_driver::forward(Control::Queued);
        }
        Output::StopRun { reason, message } => {
            let control = match reason {
                StopReason::StoppedByUser => Control::Stop,
                reason => Control::Halt(reason, message),
            };
            // No run here: another instance runs it and reads the stored record.
            backup_driver::forward(control);
        }
        Output::ClearUnsent => {
            let removed = store.delete_unsent().await?;
            let message = format!("Backup cancelled: {removed} files not yet sent left the queue");
            log(store, LogLevel::Info, message).await;
            // The pages heard the run end before the rows left: they get the numbers again.
            report_idle(store).await?;
        }
        Output::RegisterSync(tag) => {
            if let Err(e) = wakeups::register_sync(tag).await {
                console_warn("Background Sync not registered", &e);
            }
        }
        Output::RegisterPeriodicSync { min_interval_ms } => {
            let tag = crate::core::lifecycle::BACKUP_SYNC_TAG;
            if let Err(e) = wakeups::register_periodic_sync(tag, min_interval_ms).await {
                console_warn("Periodic Background Sync not registered", &e);
            }
        }
        Output::CheckAuth => return check_auth(store).await,
        // Done once the event's backup work is: see `handle_message` and `wake`.
        Output::SyncLibrary => SYNC_WANTED.set(true),
        Output::Live { connected } => {
            realtime_driver::set_wanted(store, connected, answer_live).await?
        }
        Output::Post(message) => notify::broadcast(&message).await?,
        // Without the permission there is nothing to show; the pages still have the state.
        Output::Notify(kind, payload) => notify::show(kind, &payload).await.unwrap_or(()),
        Output::Log(level, message) => log(store, level, message).await,
    }
    Ok(None)
}

/// Whether the server still takes the stored credentials; only a refusal is an answer.
async fn check_auth(store: &Store) -> Result<Option<Input>, DriverError> {
    let Some(login) = store.load_login().await? else {
        return Ok(None);
    };
    // A session is checked as the mobile app checks it on resume; a key by reading its user.
    let is_session = matches!(login.credential, Credential::Session(_));
    let http = ImmichHttp::new(login.server, Some(login.credential));
    let reply = if is_session {
        http.post_json("/auth/validateToken", "{}".into()).await
    } else {
        http.get("/users/me").await
    };
    Ok(match reply {
        Ok(reply) => Some(Input::AuthChecked {
            accepted: !immich::refuses_credentials(reply.status),
        }),
        // Unreachable: the backup's own outage handling has that.
        Err(_) => None,
    })
}

fn console_warn(what: &str, error: &JsValue) {
    web_sys::console::warn_2(&format!("[immich-background] {what}:").into(), error);
}

async fn report_idle(store: &Store) -> Result<(), DriverError> {
    let update = ProgressUpdate {
        state: store.queue_counts().await?.upload_state(None, None),
        notification: None,
        phase: Phase::Idle,
        file_bytes_done: None,
        file_bytes_total: None,
        notice: None,
    };
    Ok(notify::broadcast(&ChannelMessage::UpdateNotification(Some(update))).await?)
}

//! The service worker's driver of the live updates: `core::realtime::RealtimeEngine` decides;
//! this opens the socket (`socket`), feeds the engine its frames and a timer, and performs the
//! rest in order: batches written to the mirror, syncs, the session's end, the pages told.
//!
//! The socket lives in the worker while it is alive; the pages keep it alive by reporting every
//! 20 s while they live (www/lib/presence.js), and a run holds it by itself.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use futures_util::future::LocalBoxFuture;
use gloo_timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;

use crate::core::channel::ChannelMessage;
use crate::core::log::{redact, LogLevel};
use crate::core::realtime::{
    RealtimeBatch, RealtimeEngine, RealtimeInput, RealtimeOutput, RealtimeSetup, RealtimeWork,
    SocketCommand,
};
use crate::core::session::LoginId;
use crate::web::backup_driver::{log, DriverError};
use crate::web::console::now_ms;
use crate::web::extension;
use crate::web::socket::{Socket, SocketEvent};
use crate::web::store::{Login, Store};
use crate::web::{notify, sync_driver};

/// What the live updates ask of the background service, which alone may act on its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveRequest {
    /// A sync (a connect, or changes the events did not carry whole).
    Sync,
    /// This session was logged out on the server.
    SessionEnded,
    /// The socket was refused: check the login with the server.
    CheckLogin,
}

/// How the background service answers a `LiveRequest` (given with `set_wanted`).
pub type Answer = fn(LiveRequest) -> LocalBoxFuture<'static, Result<(), DriverError>>;

thread_local! {
    static LIVE: RefCell<Option<Live>> = const { RefCell::new(None) };
    static ANSWER: Cell<Option<Answer>> = const { Cell::new(None) };
    /// What the lifecycle last wanted: a login stored later (by a page) starts the socket.
    static WANTED: Cell<bool> = const { Cell::new(false) };
    /// The engine's work, done in order by one task so a batch's writes come before the sync
    /// it asks for.
    static WORK: RefCell<VecDeque<RealtimeWork>> = const { RefCell::new(VecDeque::new()) };
    static WORKING: Cell<bool> = const { Cell::new(false) };
}

struct Live {
    engine: RealtimeEngine,
    /// The login the engine is for: another login gets another engine.
    login: LoginId,
    /// Redacted from the log lines (the server's words may echo it); an extension's socket
    /// carries it as a cookie of the server's.
    secret: String,
    /// The server's origin, which the cookie is for.
    origin: String,
    socket: Option<Socket>,
    /// Tells the current socket's events from those of one closed before.
    generation: u64,
    timer: Option<Timeout>,
}

fn login_id(login: &Login) -> LoginId {
    LoginId::new(login.server.api_base(), &login.credential)
}

/// The lifecycle wants the socket open or closed (`Output::Live`). Only a session login has
/// one: an API key cannot open it (the page says so).
pub async fn set_wanted(store: &Store, wanted: bool, answer: Answer) -> Result<(), DriverError> {
    ANSWER.set(Some(answer));
    WANTED.set(wanted);
    if wanted {
        engine_for_stored_login(store).await?;
    }
    feed(RealtimeInput::Wanted(wanted));
    Ok(())
}

/// A page may have logged in or out since: the socket follows the stored login.
pub async fn follow_login(store: &Store) -> Result<(), DriverError> {
    if WANTED.get() && engine_for_stored_login(store).await? {
        feed(RealtimeInput::Wanted(true));
    }
    Ok(())
}

/// Keeps the engine of the stored login (none for a login without live updates); true when
/// it is new.
async fn engine_for_stored_login(store: &Store) -> Result<bool, DriverError> {
    let Some(login) = store.load_login().await? else {
        stop();
        return Ok(false);
    };
    let id = login_id(&login);
    let current = LIVE.with(|live| live.borrow().as_ref().is_some_and(|live| live.login == id));
    if current {
        return Ok(false);
    }
    let seed = (js_sys::Math::random() * u64::MAX as f64) as u64;
    let api_base = login.server.api_base();
    let setup = RealtimeSetup::for_login(api_base, &login.credential, login.session_id, seed);
    let setup = match setup {
        Ok(Some(setup)) => setup,
        Ok(None) => {
            stop();
            return Ok(false);
        }
        // The address comes from a stored ServerUrl: always one socket_url takes.
        Err(e) => {
            stop();
            console_warn(&format!("no socket for this server: {e}"));
            return Ok(false);
        }
    };
    let fresh = Live {
        engine: RealtimeEngine::new(setup),
        login: id,
        secret: login.credential.secret().to_owned(),
        origin: login.server.origin(),
        socket: None,
        generation: 0,
        timer: None,
    };
    // The engine of another login goes, and its socket closes with it.
    LIVE.with(|live| live.replace(Some(fresh)));
    Ok(true)
}

/// Forgets the live updates (logged out): the socket closes, nothing more is done.
pub fn stop() {
    LIVE.with(|live| live.take());
}

fn feed(input: RealtimeInput) {
    let now = now_u64();
    let outputs: Vec<RealtimeOutput> = LIVE.with(|live| {
        let mut live = live.borrow_mut();
        let Some(live) = live.as_mut() else {
            return Vec::new();
        };
        live.engine.handle_input(input, now);
        std::iter::from_fn(|| live.engine.poll_output()).collect()
    });
    for output in outputs {
        perform(output);
    }
    arm_timer(now);
}

fn perform(output: RealtimeOutput) {
    match output {
        RealtimeOutput::Socket(SocketCommand::Open(url)) => spawn_local(open(url)),
        RealtimeOutput::Socket(SocketCommand::Send(frame)) => with_live(|live| {
            // A failed send is followed by the socket's close, which the engine hears.
            if let Some(socket) = &live.socket {
                let _ = socket.send(&frame);
            }
        }),
        // A newer generation: an open still on its way (setting the cookie) is dropped.
        RealtimeOutput::Socket(SocketCommand::Close) => with_live(|live| {
            live.generation += 1;
            live.socket = None;
        }),
        RealtimeOutput::Work(work) => {
            WORK.with(|queue| queue.borrow_mut().push_back(work));
            if !WORKING.replace(true) {
                spawn_local(work_through());
            }
        }
    }
}

fn with_live(f: impl FnOnce(&mut Live)) {
    LIVE.with(|live| live.borrow_mut().as_mut().map(f));
}

async fn open(url: String) {
    let opening = LIVE.with(|live| {
        live.borrow_mut().as_mut().map(|live| {
            live.generation += 1;
            live.socket = None;
            (live.generation, live.origin.clone(), live.secret.clone())
        })
    });
    let Some((generation, origin, secret)) = opening else {
        return;
    };
    let current = move || {
        LIVE.with(|live| {
            live.borrow()
                .as_ref()
                .is_some_and(|live| live.generation == generation)
        })
    };
    // An extension's socket carries the session only as a cookie it sets (a PWA's has the
    // cookie of its own origin); without it the server refuses the socket, which the engine
    // hears and answers.
    if let Err(e) = extension::set_session_cookie(&origin, &secret).await {
        let why = redact(&format!("{e:?}"), &[&secret]);
        console_warn(&format!(
            "the session cookie for live updates was not set: {why}"
        ));
    }
    if !current() {
        return;
    }
    let on_event = move |event: SocketEvent| {
        if current() {
            feed(match event {
                SocketEvent::Opened => RealtimeInput::Opened,
                SocketEvent::Frame(frame) => RealtimeInput::Frame(frame),
                SocketEvent::Closed => RealtimeInput::Closed,
            });
        }
    };
    match Socket::open(&url, on_event) {
        Ok(socket) => with_live(|live| live.socket = Some(socket)),
        Err(_) => feed(RealtimeInput::OpenFailed),
    }
}

fn arm_timer(now: u64) {
    with_live(|live| {
        live.timer = live.engine.next_wake().map(|at| {
            // Beyond i32::MAX ms a browser fires a timer at once.
            let wait = u32::try_from(at.saturating_sub(now).min(i32::MAX as u64)).unwrap_or(0);
            Timeout::new(wait, || feed(RealtimeInput::Tick))
        });
    });
}

async fn work_through() {
    while let Some(next) = WORK.with(|queue| queue.borrow_mut().pop_front()) {
        if let Err(e) = work(next).await {
            console_warn(&format!("live update not applied: {e}"));
        }
    }
    WORKING.set(false);
}

async fn work(work: RealtimeWork) -> Result<(), DriverError> {
    match work {
        RealtimeWork::Apply(batch) => apply(batch).await,
        RealtimeWork::CatchUp => ask(LiveRequest::Sync).await,
        RealtimeWork::SessionDeleted => {
            let ended = LIVE.with(|live| live.borrow().as_ref().map(|l| l.login.clone()));
            stop();
            // The page's own Log out wipes the login first: then nothing is left to end.
            let stored = Store::open().await?.load_login().await?;
            if stored.is_some_and(|login| Some(login_id(&login)) == ended) {
                ask(LiveRequest::SessionEnded).await?;
            }
            Ok(())
        }
        RealtimeWork::CheckLogin => ask(LiveRequest::CheckLogin).await,
        RealtimeWork::State(state) => {
            let status = state.status(now_u64());
            Ok(notify::broadcast(&ChannelMessage::LiveState(status)).await?)
        }
        RealtimeWork::Log(level, message) => {
            let secret = LIVE.with(|live| live.borrow().as_ref().map(|l| l.secret.clone()));
            let line = redact(&message, &[secret.as_deref().unwrap_or_default()]);
            log_live(&Store::open().await?, level, line).await
        }
    }
}

/// A batch: its writes in one transaction and the pages told once, then the sync it asks for,
/// then the server's details.
async fn apply(batch: RealtimeBatch) -> Result<(), DriverError> {
    let store = Store::open().await?;
    if !batch.ops.is_empty() {
        store.apply_live_ops(&batch.ops).await?;
        notify::broadcast(&ChannelMessage::LibraryChanged).await?;
    }
    let message = format!(
        "Live updates: {} events, {} writes{}",
        batch.events,
        batch.ops.len(),
        if batch.sync { ", and a sync" } else { "" }
    );
    log_live(&store, LogLevel::Debug, message).await?;
    if batch.sync {
        ask(LiveRequest::Sync).await?;
    }
    if batch.server_changed {
        sync_driver::refresh_server_details().await?;
    }
    Ok(())
}

/// Detailed entries only with the setting "Advanced troubleshooting", as the backup's.
async fn log_live(store: &Store, level: LogLevel, line: String) -> Result<(), DriverError> {
    if level == LogLevel::Debug && !store.load_settings().await?.0.advanced_troubleshooting {
        return Ok(());
    }
    log(store, level, line).await;
    Ok(())
}

async fn ask(request: LiveRequest) -> Result<(), DriverError> {
    match ANSWER.get() {
        Some(answer) => answer(request).await,
        None => Ok(()),
    }
}

fn now_u64() -> u64 {
    u64::try_from(now_ms()).unwrap_or(0)
}

fn console_warn(what: &str) {
    web_sys::console::warn_1(&format!("[immich-background] {what}").into());
}

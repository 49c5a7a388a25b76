//! The live updates of one login as one sans-IO state machine: the socket opened when the
//! lifecycle wants it, kept alive, opened again after a loss (exponential backoff with jitter),
//! its events read and applied in batches, a catch-up sync at each connect (the socket says
//! nothing of what happened before it, whether it was lost, closed, or this worker is new).
//!
//! ```text
//!   inputs                               RealtimeEngine              outputs
//!   wanted or not (lifecycle)    ──▶     off / opening / open /  ──▶ open, send, close the socket
//!   socket opened, failed, frame,──▶     retrying at T           ──▶ apply a batch, catch up,
//!   closed; a tick at the wake-up        + Connection, Debouncer     session deleted, check login
//!                                                                ──▶ state for the pages, log
//! ```

use std::collections::VecDeque;

use super::debounce::{Debouncer, RealtimeBatch};
use super::events::{read_event, RealtimeEvent};
use super::{reconnect_delay, CloseReason, ConnInput, ConnOutput, Connection, RealtimeSetup};
use crate::core::channel::LiveStatus;
use crate::core::log::LogLevel;

#[derive(Clone, Debug, PartialEq)]
pub enum RealtimeInput {
    /// Whether the lifecycle wants the socket open.
    Wanted(bool),
    /// The WebSocket asked for by `Open` is open.
    Opened,
    /// The WebSocket could not be opened.
    OpenFailed,
    Frame(String),
    /// The WebSocket closed (by the server, the network or the browser).
    Closed,
    /// The time of `next_wake` came.
    Tick,
}

/// How the live updates stand, for the pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveState {
    Off,
    Connecting,
    Live,
    /// Lost; the next attempt is at this time.
    Retrying {
        at: u64,
    },
    /// The server refused the socket while the login is good (no session cookie reaches it):
    /// not tried again until wanted anew.
    Refused,
}

impl LiveState {
    /// What the pages say of it at `now`.
    pub fn status(self, now: u64) -> LiveStatus {
        let message = match self {
            LiveState::Off => "Live updates off while the app is not in front".to_string(),
            LiveState::Connecting => "Live updates: connecting…".to_string(),
            LiveState::Live => "Live updates on: changes on the server show here".to_string(),
            LiveState::Retrying { at } => format!(
                "Live updates lost: trying again in {} s",
                at.saturating_sub(now).div_ceil(1000)
            ),
            LiveState::Refused => {
                "Live updates unavailable: the server did not take this app's \
                                   session on its socket (serve the app from your server's address)"
                    .to_string()
            }
        };
        LiveStatus {
            live: self == LiveState::Live,
            message,
        }
    }
}

/// What the engine asks of its driver: the socket's commands are done at once, the work in
/// order and in its turn (it waits on the store, a sync or the pages).
#[derive(Clone, Debug, PartialEq)]
pub enum RealtimeOutput {
    Socket(SocketCommand),
    Work(RealtimeWork),
}

#[derive(Clone, Debug, PartialEq)]
pub enum SocketCommand {
    /// Open a WebSocket to this address.
    Open(String),
    Send(String),
    /// Close the WebSocket; nothing more is read from it.
    Close,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RealtimeWork {
    /// Write the batch's ops in one transaction, then sync if it asks, then ask the server's
    /// details again if it asks.
    Apply(RealtimeBatch),
    /// The socket is connected: a quick sync brings what happened while it was not.
    CatchUp,
    /// This session was logged out on the server: stop every service and forget the login.
    SessionDeleted,
    /// The server refused the socket's credentials: check the login with the server.
    CheckLogin,
    State(LiveState),
    Log(LogLevel, String),
}

enum Phase {
    Off,
    Opening,
    Open(Box<Connection>),
    Retrying { at: u64 },
    Refused,
}

pub struct RealtimeEngine {
    setup: RealtimeSetup,
    wanted: bool,
    phase: Phase,
    /// Failed attempts since the last connection, for the backoff.
    attempts: u32,
    /// The open socket was told "unauthorized": when it closes, it is not opened again.
    refused: bool,
    debouncer: Debouncer,
    /// The open connection's deadline (its last `WakeAt`).
    connection_wake: Option<u64>,
    rng: u64,
    state: LiveState,
    out: VecDeque<RealtimeOutput>,
}

impl RealtimeEngine {
    pub fn new(setup: RealtimeSetup) -> Self {
        // xorshift must not start at zero.
        let rng = setup.seed | 1;
        RealtimeEngine {
            setup,
            wanted: false,
            phase: Phase::Off,
            attempts: 0,
            refused: false,
            debouncer: Debouncer::default(),
            connection_wake: None,
            rng,
            state: LiveState::Off,
            out: VecDeque::new(),
        }
    }

    pub fn handle_input(&mut self, input: RealtimeInput, now: u64) {
        match input {
            RealtimeInput::Wanted(wanted) => self.wanted(wanted),
            RealtimeInput::Opened => {
                if matches!(self.phase, Phase::Opening) {
                    self.phase = Phase::Open(Box::new(Connection::new(now)));
                }
            }
            RealtimeInput::OpenFailed => {
                if matches!(self.phase, Phase::Opening) {
                    self.lost("the socket could not be opened", now);
                }
            }
            RealtimeInput::Frame(frame) => self.feed_connection(ConnInput::Frame(frame), now),
            RealtimeInput::Closed => self.feed_connection(ConnInput::Closed, now),
            RealtimeInput::Tick => {
                self.feed_connection(ConnInput::Tick, now);
                if let Phase::Retrying { at } = self.phase {
                    if now >= at {
                        self.open();
                    }
                }
            }
        }
        self.drain_connection(now);
        if let Some(batch) = self.debouncer.take_due(now) {
            self.work(RealtimeWork::Apply(batch));
        }
        self.post_state();
    }

    pub fn poll_output(&mut self) -> Option<RealtimeOutput> {
        self.out.pop_front()
    }

    /// When the engine wants a `Tick`: the connection's deadline, a reconnect, a batch due.
    pub fn next_wake(&self) -> Option<u64> {
        let phase = match &self.phase {
            Phase::Open(_) => self.connection_wake,
            Phase::Retrying { at } => Some(*at),
            Phase::Off | Phase::Opening | Phase::Refused => None,
        };
        [phase, self.debouncer.due()].into_iter().flatten().min()
    }

    fn wanted(&mut self, wanted: bool) {
        self.wanted = wanted;
        match (&mut self.phase, wanted) {
            (Phase::Off, true) => self.open(),
            (Phase::Open(connection), false) => connection.disconnect(),
            (Phase::Opening | Phase::Retrying { .. } | Phase::Refused, false) => self.off(),
            _ => {}
        }
    }

    fn open(&mut self) {
        self.refused = false;
        self.phase = Phase::Opening;
        self.socket(SocketCommand::Open(self.setup.url.clone()));
    }

    fn off(&mut self) {
        if matches!(self.phase, Phase::Opening) {
            self.socket(SocketCommand::Close);
        }
        self.phase = Phase::Off;
        self.attempts = 0;
        self.flush();
    }

    fn feed_connection(&mut self, input: ConnInput, now: u64) {
        if let Phase::Open(connection) = &mut self.phase {
            connection.handle_input(input, now);
        }
    }

    fn drain_connection(&mut self, now: u64) {
        loop {
            let Phase::Open(connection) = &mut self.phase else {
                return;
            };
            let Some(output) = connection.poll_output() else {
                return;
            };
            match output {
                ConnOutput::Send(frame) => self.socket(SocketCommand::Send(frame)),
                ConnOutput::WakeAt(at) => self.connection_wake = Some(at),
                ConnOutput::Connected => self.connected(),
                ConnOutput::Event { name, args } => self.event(&name, &args, now),
                ConnOutput::Close(reason) => self.closed(reason, now),
            }
        }
    }

    fn connected(&mut self) {
        self.attempts = 0;
        self.log(LogLevel::Info, "Live updates connected".into());
        self.work(RealtimeWork::CatchUp);
    }

    fn event(&mut self, name: &str, args: &[serde_json::Value], now: u64) {
        let event = match read_event(name, args) {
            Ok(event) => event,
            Err(error) => {
                // Nothing is lost: the sync brings whatever the event was about.
                self.log(LogLevel::Warning, error.to_string());
                RealtimeEvent::Changed(name.to_string())
            }
        };
        match event {
            RealtimeEvent::SessionDeleted(id) => {
                let ours = self.setup.session_id.as_ref().is_none_or(|own| *own == id);
                if ours {
                    self.log(
                        LogLevel::Warning,
                        "This session was logged out on the server".into(),
                    );
                    self.work(RealtimeWork::SessionDeleted);
                }
            }
            RealtimeEvent::Unauthorized => {
                self.log(
                    LogLevel::Warning,
                    "The server refused the live updates' login".into(),
                );
                // A revoked login shows in the check; a good one means the socket gets no
                // session cookie (not served from the server's site), and retrying cannot help.
                self.refused = true;
                self.work(RealtimeWork::CheckLogin);
            }
            RealtimeEvent::Ignored(name) => {
                self.log(LogLevel::Debug, format!("Live update {name} ignored"));
            }
            event => self.debouncer.push(event, now),
        }
    }

    fn closed(&mut self, reason: CloseReason, now: u64) {
        self.socket(SocketCommand::Close);
        if !self.wanted {
            self.off();
            return;
        }
        if self.refused {
            self.flush();
            self.phase = Phase::Refused;
            return;
        }
        self.lost(&reason.to_string(), now);
    }

    /// The socket is gone while wanted: what arrived is applied, another attempt is scheduled.
    fn lost(&mut self, why: &str, now: u64) {
        self.flush();
        let jitter = self.next_jitter();
        let delay = reconnect_delay(self.attempts, jitter);
        self.attempts = self.attempts.saturating_add(1);
        let at = now.saturating_add(delay);
        self.phase = Phase::Retrying { at };
        self.log(
            LogLevel::Info,
            format!(
                "Live updates lost ({why}); trying again in {} s",
                delay.div_ceil(1000)
            ),
        );
    }

    fn flush(&mut self) {
        if let Some(batch) = self.debouncer.flush() {
            self.work(RealtimeWork::Apply(batch));
        }
    }

    fn post_state(&mut self) {
        let state = match &self.phase {
            Phase::Off => LiveState::Off,
            Phase::Opening => LiveState::Connecting,
            Phase::Open(connection) if connection.is_connected() => LiveState::Live,
            Phase::Open(_) => LiveState::Connecting,
            Phase::Retrying { at } => LiveState::Retrying { at: *at },
            Phase::Refused => LiveState::Refused,
        };
        if state != self.state {
            self.state = state;
            self.work(RealtimeWork::State(state));
        }
    }

    fn socket(&mut self, command: SocketCommand) {
        self.out.push_back(RealtimeOutput::Socket(command));
    }

    fn work(&mut self, work: RealtimeWork) {
        self.out.push_back(RealtimeOutput::Work(work));
    }

    fn log(&mut self, level: LogLevel, message: String) {
        self.work(RealtimeWork::Log(level, message));
    }

    /// xorshift64: the jitter needs spread, not secrecy.
    fn next_jitter(&mut self) -> f64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1u64 << 53) as f64
    }
}

//! One WebSocket's life as a socket.io client sees it: the handshake, the heartbeat, the
//! namespace connect and the events, as a sans-IO state machine.
//!
//! The driver creates a [`Connection`] when the WebSocket opened, feeds it every text frame, the
//! socket's close and timer ticks, and performs what [`Connection::poll_output`] hands out until
//! [`ConnOutput::Close`]. Reconnecting is the driver's (with [`super::reconnect_delay`]): a
//! connection is never reused.
//!
//! ```text
//!   WebSocket open ─▶ AwaitingOpen ──0{sid,pingInterval,..}──▶ Opened ──40{sid}──▶ Connected
//!                     (handshake timeout)     sends "40"       (heartbeat)  ─▶ Connected
//!   any state ──1, 41, 44, a malformed frame, a missed heartbeat, the socket's close──▶ Closed
//! ```
//!
//! The heartbeat (Engine.IO v4): the server pings every `pingInterval` and the client answers at
//! once; the client counts the connection dead when nothing at all arrived for `pingInterval +
//! pingTimeout` (socket.io-client's rule, which a half-open TCP connection would otherwise
//! hide for minutes). Before the open packet the limit is [`HANDSHAKE_TIMEOUT_MS`].

use std::collections::VecDeque;

use serde_json::Value;
use thiserror::Error;

use super::packet::{self, EnginePacket, PacketError, SocketPacket, DEFAULT_MAX_PAYLOAD};

/// How long the server may take to send its open packet after the WebSocket opened
/// (socket.io-client's default `timeout`).
pub const HANDSHAKE_TIMEOUT_MS: u64 = 20_000;

/// What happened to the WebSocket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnInput {
    /// A text frame arrived.
    Frame(String),
    /// The WebSocket closed or failed (its close or error event).
    Closed,
    /// The timer asked for by [`ConnOutput::WakeAt`] fired (an early tick is harmless).
    Tick,
}

/// What the driver does.
#[derive(Clone, Debug, PartialEq)]
pub enum ConnOutput {
    /// Write this text frame.
    Send(String),
    /// The server accepted the namespace "/" (its `40{"sid":...}` came): events follow.
    Connected,
    /// A server event on "/" (`42["name", args...]`), its arguments as sent.
    Event { name: String, args: Vec<Value> },
    /// Close the WebSocket (if it is not closed yet). Nothing comes out afterwards.
    Close(CloseReason),
    /// Call `handle_input(Tick, t)` at `t` (ms since the epoch); replaces any earlier WakeAt.
    WakeAt(u64),
}

/// Why a connection ended: the driver decides from it whether and when to reconnect.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CloseReason {
    #[error("the server closed the connection")]
    ServerClosed,
    #[error("the server stopped answering (no heartbeat)")]
    PingTimeout,
    #[error("the server sent something unreadable: {0}")]
    Malformed(PacketError),
    #[error("the connection was lost")]
    TransportClosed,
    #[error("the server refused the connection: {0}")]
    ConnectRefused(String),
    #[error("the connection was closed by this app")]
    ClientClosed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    AwaitingOpen,
    /// The open packet came and "40" was sent; `connected` once the server's "40" came.
    Opened {
        connected: bool,
    },
    Closed,
}

/// One WebSocket's socket.io session. See the module documentation.
#[derive(Debug)]
pub struct Connection {
    state: State,
    /// `pingInterval + pingTimeout` once open.
    silence_limit: u64,
    max_payload: u64,
    /// When the connection counts as dead if nothing arrives before.
    deadline: u64,
    /// The last deadline handed out as WakeAt.
    announced: Option<u64>,
    out: VecDeque<ConnOutput>,
}

impl Connection {
    /// Call when the WebSocket opened: the server's open packet is due within
    /// [`HANDSHAKE_TIMEOUT_MS`].
    pub fn new(now: u64) -> Self {
        let mut conn = Connection {
            state: State::AwaitingOpen,
            silence_limit: HANDSHAKE_TIMEOUT_MS,
            max_payload: DEFAULT_MAX_PAYLOAD,
            deadline: now.saturating_add(HANDSHAKE_TIMEOUT_MS),
            announced: None,
            out: VecDeque::new(),
        };
        conn.announce();
        conn
    }

    pub fn handle_input(&mut self, input: ConnInput, now: u64) {
        if self.is_closed() {
            return;
        }
        match input {
            ConnInput::Frame(frame) => self.on_frame(&frame, now),
            ConnInput::Closed => self.close(CloseReason::TransportClosed),
            ConnInput::Tick if now >= self.deadline => self.close(CloseReason::PingTimeout),
            // The driver's timer fired early or the driver lost it: arm it again.
            ConnInput::Tick => self.announced = None,
        }
        self.announce();
    }

    pub fn poll_output(&mut self) -> Option<ConnOutput> {
        self.out.pop_front()
    }

    /// Leaves politely: sends the namespace disconnect when the namespace connect was sent,
    /// then closes with [`CloseReason::ClientClosed`]. Nothing once closed.
    pub fn disconnect(&mut self) {
        if let State::Opened { .. } = self.state {
            self.out
                .push_back(ConnOutput::Send(packet::DISCONNECT.to_owned()));
        }
        if !self.is_closed() {
            self.close(CloseReason::ClientClosed);
        }
    }

    /// Whether the server's namespace connect came (and the connection is not closed).
    pub fn is_connected(&self) -> bool {
        self.state == State::Opened { connected: true }
    }

    /// Whether [`ConnOutput::Close`] was handed out (or is queued).
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    fn on_frame(&mut self, frame: &str, now: u64) {
        if frame.len() as u64 > self.max_payload {
            let error = PacketError::TooLarge {
                len: frame.len(),
                max: self.max_payload,
            };
            return self.close(CloseReason::Malformed(error));
        }
        let packet = match packet::decode(frame) {
            Ok(packet) => packet,
            Err(error) => return self.close(CloseReason::Malformed(error)),
        };
        let connected = match self.state {
            State::AwaitingOpen => return self.on_open(packet, now),
            State::Opened { connected } => connected,
            State::Closed => return,
        };
        // Any frame shows the connection alive, as in socket.io-client.
        self.deadline = now.saturating_add(self.silence_limit);
        match packet {
            EnginePacket::Open(_) => {
                let error = PacketError::Unexpected("a second open packet");
                self.close(CloseReason::Malformed(error));
            }
            EnginePacket::Close => self.close(CloseReason::ServerClosed),
            EnginePacket::Ping(data) => self.out.push_back(ConnOutput::Send(packet::pong(&data))),
            EnginePacket::Pong | EnginePacket::Upgrade | EnginePacket::Noop => {}
            EnginePacket::Message(message) => self.on_message(message, connected),
        }
    }

    fn on_open(&mut self, packet: EnginePacket, now: u64) {
        let EnginePacket::Open(open) = packet else {
            let error = PacketError::Unexpected("a packet before the open packet");
            return self.close(CloseReason::Malformed(error));
        };
        self.silence_limit = open.ping_interval.saturating_add(open.ping_timeout);
        self.max_payload = open.max_payload;
        self.deadline = now.saturating_add(self.silence_limit);
        self.state = State::Opened { connected: false };
        self.out
            .push_back(ConnOutput::Send(packet::CONNECT.to_owned()));
    }

    /// Packets for other namespaces, events before the connect, acks (this client asks for
    /// none) and binary packets are ignored. An event asking for an ack gets none: socket.io
    /// only acks when a handler calls back, and the server's emits here never wait for one.
    fn on_message(&mut self, message: SocketPacket, connected: bool) {
        match message {
            SocketPacket::Connect { nsp, .. } if nsp == "/" && !connected => {
                self.state = State::Opened { connected: true };
                self.out.push_back(ConnOutput::Connected);
            }
            SocketPacket::Disconnect { nsp } if nsp == "/" => {
                self.close(CloseReason::ServerClosed);
            }
            SocketPacket::ConnectError { nsp, message } if nsp == "/" => {
                self.close(CloseReason::ConnectRefused(message));
            }
            SocketPacket::Event {
                nsp, name, args, ..
            } if nsp == "/" && connected => {
                self.out.push_back(ConnOutput::Event { name, args });
            }
            _ => {}
        }
    }

    fn close(&mut self, reason: CloseReason) {
        self.state = State::Closed;
        self.out.push_back(ConnOutput::Close(reason));
    }

    /// Hands out the deadline when the driver does not know it yet.
    fn announce(&mut self) {
        if !self.is_closed() && self.announced != Some(self.deadline) {
            self.announced = Some(self.deadline);
            self.out.push_back(ConnOutput::WakeAt(self.deadline));
        }
    }
}

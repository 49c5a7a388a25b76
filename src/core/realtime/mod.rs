//! Realtime: the server's socket.io events keep the mirror live.
//!
//! Immich pushes events (`on_upload_success`, `on_asset_delete`, ...) over socket.io on an
//! Engine.IO v4 WebSocket. This module is the client side of that protocol, sans-IO like the
//! rest of the core: the web driver owns the WebSocket and the timers, and feeds frames in.
//!
//! - `packet`: the Engine.IO / socket.io text frames, decoded into types or a `PacketError`.
//! - `connection`: one WebSocket's life (handshake, heartbeat, namespace connect, events) as a
//!   state machine: `Connection` with `handle_input` / `poll_output`.
//! - `backoff`: the delay before a reconnect.
//! - `url`: the socket.io address from the server's API base.
//! - `setup`: which logins have live updates (sessions only), and their engine's setup.
//! - `events`: what an event means for the mirror (rows to write, or a sync to ask for).
//! - `debounce`: events applied together at most once per 5 s, each asset's last state.
//! - `engine`: `RealtimeEngine`, the live updates of one login: the socket wanted or not,
//!   reconnects, events into batches, a catch-up sync at each connect.

mod backoff;
mod connection;
mod debounce;
mod engine;
mod events;
mod packet;
mod setup;
mod url;

pub use backoff::{reconnect_delay, BASE_DELAY_MS, MAX_DELAY_MS};
pub use connection::{CloseReason, ConnInput, ConnOutput, Connection, HANDSHAKE_TIMEOUT_MS};
pub use debounce::{Debouncer, RealtimeBatch, DEBOUNCE_MS};
pub use engine::{
    LiveState, RealtimeEngine, RealtimeInput, RealtimeOutput, RealtimeWork, SocketCommand,
};
pub use events::{read_event, EventError, RealtimeEvent};
pub use packet::{decode, EnginePacket, Open, PacketError, SocketPacket, DEFAULT_MAX_PAYLOAD};
pub use setup::RealtimeSetup;
pub use url::{socket_url, SocketUrlError};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

//! socket.io over WebSocket at `/api/socket.io`, enough for Immich's server-to-client events.

pub mod connection;
pub mod hub;
pub mod packet;

//! Test switches for the socket, no real Immich has them (no login needed), so tests can show
//! how a client meets a connection that breaks or a server that stops talking:
//!
//! - `GET /api/fake-immich/sockets` -> `{"open": N, "silent": bool, "sockets": [{"userId",
//!   "email", "sessionId"}]}`: `open` counts every open WebSocket, `sockets` lists those connected
//!   to the namespace as a user (`sessionId` null for an API key), so a test can wait for a
//!   client's reconnect.
//! - `POST /api/fake-immich/sockets/drop` closes every open socket at once (the TCP connection
//!   ends without a WebSocket close frame, as when a proxy restarts) -> `{"closed": N}`.
//! - `POST /api/fake-immich/sockets/silence {"silent": true|false}` -> `{"silent": bool}`: while
//!   silent the server sends no frame on any socket (no pings; events are lost, not queued, as a
//!   hung server loses them) and answers no new socket's handshake until switched back; the TCP
//!   connections stay open, so a client only notices by the missing ping.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::json_body::JsonBody;
use crate::state::SharedState;

pub const PATH: &str = "/api/fake-immich/sockets";
pub const DROP_PATH: &str = "/api/fake-immich/sockets/drop";
pub const SILENCE_PATH: &str = "/api/fake-immich/sockets/silence";

pub async fn list(State(state): State<SharedState>) -> Json<Value> {
    let owners = state.hub.owners();
    let sockets: Vec<Value> = owners
        .iter()
        .flatten()
        .map(|owner| {
            json!({
                "userId": owner.user_id,
                "email": owner.email,
                "sessionId": owner.session_id,
            })
        })
        .collect();
    Json(json!({
        "open": owners.len(),
        "silent": state.hub.is_silent(),
        "sockets": sockets,
    }))
}

pub async fn drop_all(State(state): State<SharedState>) -> Json<Value> {
    Json(json!({ "closed": state.hub.drop_all() }))
}

/// The request body; unknown fields are refused so a misspelt one cannot pass unnoticed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Silence {
    silent: bool,
}

pub async fn silence(
    State(state): State<SharedState>,
    JsonBody(request): JsonBody<Silence>,
) -> Json<Value> {
    state.hub.set_silent(request.silent);
    Json(json!({ "silent": request.silent }))
}

//! One socket.io client over a WebSocket: handshake, heartbeat, namespace connect, events.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use tokio::sync::mpsc::unbounded_channel;
use tokio::time::{sleep_until, Instant};

use super::hub::Registration;
use super::packet::{EnginePacket, SocketPacket};
use crate::auth::authenticate;
use crate::error::error_body;
use crate::state::SharedState;
use crate::store::User;

const PING_TIMEOUT: Duration = Duration::from_secs(20);
const MAX_PAYLOAD: u64 = 1_000_000;

/// socket.io's own error body for handshakes it cannot serve.
fn handshake_error(code: u8, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "code": code, "message": message })),
    )
        .into_response()
}

pub async fn upgrade(
    State(state): State<SharedState>,
    headers: HeaderMap,
    uri: Uri,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // Browsers let any page open a WebSocket anywhere; the origin is the only guard.
    if !state.allowed_origins.admit_socket(&headers) {
        return error_body(StatusCode::FORBIDDEN, "Origin not allowed");
    }
    let query = Query::<HashMap<String, String>>::try_from_uri(&uri)
        .map(|Query(query)| query)
        .unwrap_or_default();
    if query.get("EIO").map(String::as_str) != Some("4") {
        return handshake_error(5, "Unsupported protocol version");
    }
    // Only the WebSocket transport exists here; long-polling clients are turned away.
    let (Some("websocket"), Ok(ws)) = (query.get("transport").map(String::as_str), ws) else {
        return handshake_error(0, "Transport unknown");
    };
    // Like Immich, an unauthenticated client completes the handshake and is then told to go.
    let user = authenticate(&state.store, &headers, &uri)
        .ok()
        .map(|authed| authed.user);
    ws.on_upgrade(move |socket| async move {
        // The socket is gone either way; there is nobody left to report an error to.
        let _ = Connection::new(socket, state, user).run().await;
    })
}

enum Flow {
    Continue,
    Close,
}

struct Connection {
    socket: WebSocket,
    state: SharedState,
    user: Option<User>,
    sid: String,
    /// Held only so the hub drops this socket when the connection ends.
    _subscription: Option<Registration>,
}

impl Connection {
    fn new(socket: WebSocket, state: SharedState, user: Option<User>) -> Self {
        Self {
            socket,
            state,
            user,
            sid: uuid::Uuid::new_v4().simple().to_string(),
            _subscription: None,
        }
    }

    async fn send(&mut self, frame: String) -> Result<(), axum::Error> {
        self.socket.send(Message::Text(frame.into())).await
    }

    async fn run(mut self) -> Result<(), axum::Error> {
        let ping_interval = self.state.ping_interval;
        let open = json!({
            "sid": self.sid,
            "upgrades": [],
            "pingInterval": ping_interval.as_millis() as u64,
            "pingTimeout": PING_TIMEOUT.as_millis() as u64,
            "maxPayload": MAX_PAYLOAD,
        });
        self.send(EnginePacket::Open(open.to_string()).encode())
            .await?;

        let (frames_tx, mut frames_rx) = unbounded_channel::<String>();
        let mut frames_tx = Some(frames_tx);
        let mut deadline = Instant::now() + ping_interval;
        let mut awaiting_pong = false;
        loop {
            tokio::select! {
                incoming = self.socket.recv() => {
                    let text = match incoming {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Ok(()),
                        // Binary packets are unsupported; WebSocket ping/pong is answered below us.
                        Some(Ok(_)) => continue,
                    };
                    match EnginePacket::decode(text.as_str()) {
                        Ok(EnginePacket::Pong(_)) => {
                            awaiting_pong = false;
                            deadline = Instant::now() + ping_interval;
                        }
                        // Probes belong to transport upgrades, answered for completeness.
                        Ok(EnginePacket::Ping(payload)) => self.send(EnginePacket::Pong(payload).encode()).await?,
                        Ok(EnginePacket::Message(payload)) => {
                            if let Flow::Close = self.on_message(&payload, &mut frames_tx).await? {
                                return self.socket.send(Message::Close(None)).await;
                            }
                        }
                        Ok(EnginePacket::Close) | Err(_) => return self.socket.send(Message::Close(None)).await,
                        Ok(_) => {}
                    }
                }
                Some(frame) = frames_rx.recv() => self.send(frame).await?,
                _ = sleep_until(deadline) => {
                    if awaiting_pong {
                        return self.socket.send(Message::Close(None)).await;
                    }
                    self.send(EnginePacket::Ping(String::new()).encode()).await?;
                    awaiting_pong = true;
                    deadline = Instant::now() + PING_TIMEOUT;
                }
            }
        }
    }

    /// Handles a socket.io packet. `frames` is handed to the hub on the first namespace connect.
    async fn on_message(
        &mut self,
        payload: &str,
        frames: &mut Option<tokio::sync::mpsc::UnboundedSender<String>>,
    ) -> Result<Flow, axum::Error> {
        match SocketPacket::decode(payload) {
            Ok(SocketPacket::Connect { namespace, .. }) => {
                let reply = SocketPacket::Connect {
                    namespace: namespace.clone(),
                    data: Some(json!({ "sid": uuid::Uuid::new_v4().simple().to_string() })),
                };
                self.send(reply.to_frame()).await?;
                let Some(user) = &self.user else {
                    // Immich's words for a socket without valid credentials.
                    let error = SocketPacket::Event {
                        namespace: namespace.clone(),
                        data: Value::from(vec!["error", "unauthorized"]),
                    };
                    self.send(error.to_frame()).await?;
                    self.send(SocketPacket::Disconnect { namespace }.to_frame())
                        .await?;
                    return Ok(Flow::Close);
                };
                if let Some(frames) = frames.take() {
                    self._subscription = Some(self.state.hub.register(&user.id, frames));
                }
                Ok(Flow::Continue)
            }
            Ok(SocketPacket::Disconnect { .. }) | Err(_) => Ok(Flow::Close),
            // Clients have nothing to ask this server; their events and acks are ignored.
            Ok(_) => Ok(Flow::Continue),
        }
    }
}

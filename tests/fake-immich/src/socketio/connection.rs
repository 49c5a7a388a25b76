//! One socket.io client over a WebSocket: handshake, heartbeat, namespace connect, events, and
//! the hub's commands (events to send, drop at once; nothing at all while the server is silent).

use std::collections::HashMap;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use tokio::time::{sleep_until, Instant};

use super::hub::{Command, Hub, Owner, Registration};
use super::packet::{EnginePacket, SocketPacket};
use crate::auth::{authenticate_headers, Authed};
use crate::error::error_body;
use crate::routes::server_version;
use crate::state::SharedState;

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
    // Like Immich, an unauthenticated client completes the handshake and is then told to go;
    // credentials in the URL do not count (Immich's socket reads the headers only).
    let authed = authenticate_headers(&state.store, &headers).ok();
    // A silent server answers no new socket until it speaks again, as a hung process would.
    wait_until_audible(&state.hub).await;
    ws.on_upgrade(move |socket| async move {
        // The socket is gone either way; there is nobody left to report an error to.
        let _ = Connection::new(socket, state, authed).run().await;
    })
}

async fn wait_until_audible(hub: &Hub) {
    // An error means the hub is gone, and with it any reason to wait.
    let _ = hub.silence().wait_for(|silent| !silent).await;
}

enum Flow {
    Continue,
    Close,
}

struct Connection {
    socket: WebSocket,
    state: SharedState,
    authed: Option<Authed>,
    sid: String,
}

impl Connection {
    fn new(socket: WebSocket, state: SharedState, authed: Option<Authed>) -> Self {
        Self {
            socket,
            state,
            authed,
            sid: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    /// Sends a frame, unless the server is silent: then every frame is withheld (lost).
    async fn send(&mut self, frame: String) -> Result<(), axum::Error> {
        if self.state.hub.is_silent() {
            return Ok(());
        }
        self.socket.send(Message::Text(frame.into())).await
    }

    async fn run(mut self) -> Result<(), axum::Error> {
        // Held so the hub counts this socket until the connection ends.
        let (registration, mut commands) = self.state.hub.open();
        let (ping_interval, ping_timeout) = (self.state.ping_interval, self.state.ping_timeout);
        let open = json!({
            "sid": self.sid,
            "upgrades": [],
            "pingInterval": ping_interval.as_millis() as u64,
            "pingTimeout": ping_timeout.as_millis() as u64,
            "maxPayload": MAX_PAYLOAD,
        });
        self.send(EnginePacket::Open(open.to_string()).encode())
            .await?;

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
                            if let Flow::Close = self.on_message(&payload, &registration).await? {
                                return self.socket.send(Message::Close(None)).await;
                            }
                        }
                        Ok(EnginePacket::Close) | Err(_) => return self.socket.send(Message::Close(None)).await,
                        Ok(_) => {}
                    }
                }
                command = commands.recv() => match command {
                    Some(Command::Frame(frame)) => self.send(frame).await?,
                    // Returning drops the socket: the TCP connection ends without a close frame.
                    Some(Command::Drop) | None => return Ok(()),
                },
                _ = sleep_until(deadline) => {
                    if self.state.hub.is_silent() {
                        // No ping, so no pong to miss; the client notices the missing ping.
                        awaiting_pong = false;
                        deadline = Instant::now() + ping_interval;
                        continue;
                    }
                    if awaiting_pong {
                        return self.socket.send(Message::Close(None)).await;
                    }
                    self.send(EnginePacket::Ping(String::new()).encode()).await?;
                    awaiting_pong = true;
                    deadline = Instant::now() + ping_timeout;
                }
            }
        }
    }

    /// Handles a socket.io packet; a namespace connect subscribes `registration` to the events of
    /// the caller's user and session, then (as Immich does) tells the server's version.
    async fn on_message(
        &mut self,
        payload: &str,
        registration: &Registration,
    ) -> Result<Flow, axum::Error> {
        match SocketPacket::decode(payload) {
            Ok(SocketPacket::Connect { namespace, .. }) => {
                let reply = SocketPacket::Connect {
                    namespace: namespace.clone(),
                    data: Some(json!({ "sid": uuid::Uuid::new_v4().simple().to_string() })),
                };
                self.send(reply.to_frame()).await?;
                let Some(authed) = &self.authed else {
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
                registration.subscribe(Owner {
                    user_id: authed.user.id.clone(),
                    email: authed.user.email.clone(),
                    session_id: authed.session.as_ref().map(|session| session.id.clone()),
                });
                let version = SocketPacket::Event {
                    namespace,
                    data: json!(["on_server_version", server_version()]),
                };
                self.send(version.to_frame()).await?;
                Ok(Flow::Continue)
            }
            Ok(SocketPacket::Disconnect { .. }) | Err(_) => Ok(Flow::Close),
            // Clients have nothing to ask this server; their events and acks are ignored.
            Ok(_) => Ok(Flow::Continue),
        }
    }
}

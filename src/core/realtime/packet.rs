//! The text frames of Engine.IO v4 and the socket.io v5 packets inside them, decoded into types.
//!
//! Hand-written because no maintained crate does client-side socket.io framing without bringing
//! its own transport (and tokio). Only what a websocket-only client reads is here: one Engine.IO
//! packet per WebSocket text frame (no polling payloads, no `b` base64 binary), and the socket.io
//! packet in an Engine.IO message. Every way a frame can be wrong is a [`PacketError`], never a
//! panic: the frames come from the network.
//!
//! The grammar, as socket.io-parser 4 writes it:
//!
//! ```text
//! frame   = engine-type [data]            engine-type: 0 open, 1 close, 2 ping, 3 pong,
//!                                                      4 message, 5 upgrade, 6 noop
//! message = socket-type [attachments "-"] [namespace ","] [ack-id] [json]
//!                                         socket-type: 0 connect, 1 disconnect, 2 event,
//!                                                      3 ack, 4 connect error,
//!                                                      5 binary event, 6 binary ack
//! ```
//!
//! Binary socket.io packets (5 and 6) announce attachments that follow as binary WebSocket
//! frames, which this client never reads: they decode as [`SocketPacket::Binary`] and the
//! connection ignores them (Immich sends none).

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

/// Why a frame could not be read. Carries no frame content: it may end up in logs.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PacketError {
    #[error("an empty frame")]
    Empty,
    #[error("a frame of {len} bytes, more than the server's limit of {max}")]
    TooLarge { len: usize, max: u64 },
    #[error("an unknown Engine.IO packet type {0:?}")]
    UnknownEngineType(char),
    #[error("an Engine.IO message without a socket.io packet")]
    EmptyMessage,
    #[error("an unknown socket.io packet type {0:?}")]
    UnknownSocketType(char),
    #[error("the {packet} packet is cut short")]
    Truncated { packet: &'static str },
    #[error("the {packet} packet is not valid JSON: {reason}")]
    Json {
        packet: &'static str,
        reason: String,
    },
    #[error("the open packet is not as Engine.IO v4 sends it: {0}")]
    BadOpen(String),
    #[error("the acknowledgement id is not a number")]
    BadAckId,
    #[error("the {packet} packet's payload is not valid: {why}")]
    BadPayload {
        packet: &'static str,
        why: &'static str,
    },
    #[error("the server sent {0}")]
    Unexpected(&'static str),
}

/// The server's handshake (`0{"sid",...}`): the heartbeat timing and the size limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    pub sid: String,
    /// Milliseconds between the server's pings.
    pub ping_interval: u64,
    /// Milliseconds the server waits for the pong (and the client waits past the interval).
    pub ping_timeout: u64,
    /// The largest frame in bytes; Engine.IO's default when the server leaves it out.
    pub max_payload: u64,
}

/// Engine.IO's default `maxHttpBufferSize`, and Immich's (it leaves it as is).
pub const DEFAULT_MAX_PAYLOAD: u64 = 1_000_000;

/// One Engine.IO packet.
#[derive(Clone, Debug, PartialEq)]
pub enum EnginePacket {
    Open(Open),
    Close,
    /// A ping, with the data to echo in the pong (empty from a v4 server outside upgrades).
    Ping(String),
    Pong,
    Message(SocketPacket),
    Upgrade,
    Noop,
}

/// One socket.io packet; `nsp` is "/" when the frame names none.
#[derive(Clone, Debug, PartialEq)]
pub enum SocketPacket {
    /// The server accepted the namespace connect; `sid` is the namespace socket's id.
    Connect {
        nsp: String,
        sid: Option<String>,
    },
    Disconnect {
        nsp: String,
    },
    Event {
        nsp: String,
        ack: Option<u64>,
        name: String,
        args: Vec<Value>,
    },
    Ack {
        nsp: String,
        id: Option<u64>,
        args: Vec<Value>,
    },
    /// The server refused the namespace connect (`44{"message":...}`).
    ConnectError {
        nsp: String,
        message: String,
    },
    /// A binary event or ack (5, 6): its attachments come as binary frames, never read here.
    Binary,
}

/// The namespace connect sent on open, without auth payload (Immich reads headers and cookies).
pub const CONNECT: &str = "40";
/// The namespace disconnect sent to leave politely.
pub const DISCONNECT: &str = "41";

/// The pong answering a ping with this data.
pub fn pong(data: &str) -> String {
    format!("3{data}")
}

/// Decodes one WebSocket text frame.
pub fn decode(frame: &str) -> Result<EnginePacket, PacketError> {
    let mut chars = frame.chars();
    let kind = chars.next().ok_or(PacketError::Empty)?;
    let data = chars.as_str();
    match kind {
        '0' => decode_open(data).map(EnginePacket::Open),
        '1' => Ok(EnginePacket::Close),
        '2' => Ok(EnginePacket::Ping(data.to_owned())),
        '3' => Ok(EnginePacket::Pong),
        '4' => decode_socket(data).map(EnginePacket::Message),
        '5' => Ok(EnginePacket::Upgrade),
        '6' => Ok(EnginePacket::Noop),
        other => Err(PacketError::UnknownEngineType(other)),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenJson {
    sid: String,
    ping_interval: u64,
    ping_timeout: u64,
    max_payload: Option<u64>,
}

fn decode_open(data: &str) -> Result<Open, PacketError> {
    let open: OpenJson = serde_json::from_str(data).map_err(|err| match err.classify() {
        serde_json::error::Category::Data => PacketError::BadOpen(err.to_string()),
        _ => json_error("open", &err),
    })?;
    Ok(Open {
        sid: open.sid,
        ping_interval: open.ping_interval,
        ping_timeout: open.ping_timeout,
        max_payload: open.max_payload.unwrap_or(DEFAULT_MAX_PAYLOAD),
    })
}

fn json_error(packet: &'static str, err: &serde_json::Error) -> PacketError {
    if err.is_eof() {
        PacketError::Truncated { packet }
    } else {
        PacketError::Json {
            packet,
            reason: err.to_string(),
        }
    }
}

fn decode_socket(text: &str) -> Result<SocketPacket, PacketError> {
    let mut chars = text.chars();
    let kind = chars.next().ok_or(PacketError::EmptyMessage)?;
    let rest = chars.as_str();
    let packet = match kind {
        '0' => "connect",
        '1' => "disconnect",
        '2' => "event",
        '3' => "ack",
        '4' => "connect error",
        '5' | '6' => return Ok(SocketPacket::Binary),
        other => return Err(PacketError::UnknownSocketType(other)),
    };
    // The namespace runs to the comma, or to the end as socket.io-parser reads it.
    let (nsp, rest) = match rest.strip_prefix('/') {
        Some(_) => match rest.split_once(',') {
            Some((nsp, rest)) => (nsp, rest),
            None => (rest, ""),
        },
        None => ("/", rest),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (id, json) = rest.split_at(digits);
    let id = match id {
        "" => None,
        id => Some(id.parse::<u64>().map_err(|_| PacketError::BadAckId)?),
    };
    let payload = match json {
        "" => None,
        json => Some(serde_json::from_str::<Value>(json).map_err(|e| json_error(packet, &e))?),
    };
    let nsp = nsp.to_owned();
    let bad = |why| PacketError::BadPayload { packet, why };
    match (kind, payload) {
        ('0', Some(Value::Object(map))) => {
            let sid = map.get("sid").and_then(Value::as_str).map(str::to_owned);
            Ok(SocketPacket::Connect { nsp, sid })
        }
        ('0', _) => Err(bad("it must be an object")),
        ('1', None) => Ok(SocketPacket::Disconnect { nsp }),
        ('1', Some(_)) => Err(bad("it must be empty")),
        ('2', Some(Value::Array(items))) => {
            let mut items = items.into_iter();
            match items.next() {
                Some(Value::String(name)) => Ok(SocketPacket::Event {
                    nsp,
                    ack: id,
                    name,
                    args: items.collect(),
                }),
                Some(_) => Err(bad("the event name must be a string")),
                None => Err(bad("the event has no name")),
            }
        }
        ('2', _) => Err(bad("it must be an array starting with the event name")),
        ('3', Some(Value::Array(args))) => Ok(SocketPacket::Ack { nsp, id, args }),
        ('3', _) => Err(bad("it must be an array")),
        (_, Some(Value::String(message))) => Ok(SocketPacket::ConnectError { nsp, message }),
        (_, Some(Value::Object(map))) => {
            let message = match map.get("message") {
                Some(Value::String(message)) => message.clone(),
                _ => Value::Object(map).to_string(),
            };
            Ok(SocketPacket::ConnectError { nsp, message })
        }
        (_, _) => Err(bad("it must be an object with a message")),
    }
}

//! Engine.IO v4 and socket.io v5 text framing.
//!
//! Over a WebSocket each frame holds one Engine.IO packet: a type digit and a payload. A
//! socket.io packet travels as the payload of an Engine.IO `4` (message):
//! `<type>[<namespace>,][<ack id>][<json>]`, for example `42["on_upload_success",{...}]`.

use serde_json::Value;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PacketError {
    #[error("empty packet")]
    Empty,
    #[error("unknown Engine.IO packet type {0:?}")]
    UnknownEngineType(char),
    #[error("unknown socket.io packet type {0:?}")]
    UnknownSocketType(char),
    #[error("binary socket.io packets are not supported")]
    Binary,
    #[error("socket.io payload is not JSON: {0}")]
    Payload(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnginePacket {
    Open(String),
    Close,
    Ping(String),
    Pong(String),
    Message(String),
    Upgrade,
    Noop,
}

impl EnginePacket {
    pub fn decode(text: &str) -> Result<Self, PacketError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or(PacketError::Empty)?;
        let payload = chars.as_str().to_string();
        Ok(match kind {
            '0' => Self::Open(payload),
            '1' => Self::Close,
            '2' => Self::Ping(payload),
            '3' => Self::Pong(payload),
            '4' => Self::Message(payload),
            '5' => Self::Upgrade,
            '6' => Self::Noop,
            other => return Err(PacketError::UnknownEngineType(other)),
        })
    }

    pub fn encode(&self) -> String {
        match self {
            Self::Open(payload) => format!("0{payload}"),
            Self::Close => "1".into(),
            Self::Ping(payload) => format!("2{payload}"),
            Self::Pong(payload) => format!("3{payload}"),
            Self::Message(payload) => format!("4{payload}"),
            Self::Upgrade => "5".into(),
            Self::Noop => "6".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SocketPacket {
    Connect {
        namespace: String,
        data: Option<Value>,
    },
    Disconnect {
        namespace: String,
    },
    /// `data` is the JSON array `[name, ...args]`.
    Event {
        namespace: String,
        data: Value,
    },
    /// Acks and connect errors: a server that only pushes events never acts on them.
    Other {
        kind: char,
    },
}

const DEFAULT_NAMESPACE: &str = "/";

impl SocketPacket {
    /// An event on the default namespace, the only one Immich uses.
    pub fn event(name: &str, payload: &Value) -> Self {
        Self::Event {
            namespace: DEFAULT_NAMESPACE.into(),
            data: Value::Array(vec![Value::String(name.into()), payload.clone()]),
        }
    }

    pub fn decode(text: &str) -> Result<Self, PacketError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or(PacketError::Empty)?;
        if matches!(kind, '5' | '6') {
            return Err(PacketError::Binary);
        }
        let rest = chars.as_str();
        let (namespace, rest) = match rest.strip_prefix('/') {
            Some(_) => match rest.split_once(',') {
                Some((namespace, rest)) => (namespace.to_string(), rest),
                None => (rest.to_string(), ""),
            },
            None => (DEFAULT_NAMESPACE.to_string(), rest),
        };
        // The ack id only matters for acknowledgements, which this server never requests.
        let json = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        let data = if json.is_empty() {
            None
        } else {
            Some(serde_json::from_str(json).map_err(|e| PacketError::Payload(e.to_string()))?)
        };
        match kind {
            '0' => Ok(Self::Connect { namespace, data }),
            '1' => Ok(Self::Disconnect { namespace }),
            '2' => Ok(Self::Event {
                namespace,
                data: data.unwrap_or(Value::Null),
            }),
            '3' | '4' => Ok(Self::Other { kind }),
            other => Err(PacketError::UnknownSocketType(other)),
        }
    }

    pub fn encode(&self) -> String {
        let prefix = |kind: char, namespace: &str| {
            if namespace == DEFAULT_NAMESPACE {
                kind.to_string()
            } else {
                format!("{kind}{namespace},")
            }
        };
        match self {
            Self::Connect { namespace, data } => {
                let data = data.as_ref().map(Value::to_string).unwrap_or_default();
                format!("{}{data}", prefix('0', namespace))
            }
            Self::Disconnect { namespace } => prefix('1', namespace),
            Self::Event { namespace, data } => format!("{}{data}", prefix('2', namespace)),
            Self::Other { kind } => kind.to_string(),
        }
    }

    /// The Engine.IO frame carrying this packet.
    pub fn to_frame(&self) -> String {
        EnginePacket::Message(self.encode()).encode()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn engine_packets_round_trip() {
        for text in [
            "0{\"sid\":\"x\"}",
            "1",
            "2",
            "3",
            "3probe",
            "4hello",
            "5",
            "6",
        ] {
            let packet = EnginePacket::decode(text).expect("decodes");
            assert_eq!(packet.encode(), text);
        }
        assert_eq!(
            EnginePacket::decode("2probe"),
            Ok(EnginePacket::Ping("probe".into()))
        );
    }

    #[test]
    fn engine_rejects_garbage() {
        assert_eq!(EnginePacket::decode(""), Err(PacketError::Empty));
        assert_eq!(
            EnginePacket::decode("9"),
            Err(PacketError::UnknownEngineType('9'))
        );
    }

    #[test]
    fn connect_on_default_and_other_namespaces() {
        assert_eq!(
            SocketPacket::decode("0"),
            Ok(SocketPacket::Connect {
                namespace: "/".into(),
                data: None
            })
        );
        assert_eq!(
            SocketPacket::decode("0/admin,{\"token\":\"t\"}"),
            Ok(SocketPacket::Connect {
                namespace: "/admin".into(),
                data: Some(json!({"token": "t"}))
            })
        );
        assert_eq!(
            SocketPacket::decode("1/admin"),
            Ok(SocketPacket::Disconnect {
                namespace: "/admin".into()
            })
        );
    }

    #[test]
    fn event_frame_matches_socket_io_wire_format() {
        let frame = SocketPacket::event("on_upload_success", &json!({"id": "a"})).to_frame();
        assert_eq!(frame, r#"42["on_upload_success",{"id":"a"}]"#);
    }

    #[test]
    fn event_with_ack_id_and_namespace_decodes() {
        assert_eq!(
            SocketPacket::decode(r#"2/chat,12["hi",1]"#),
            Ok(SocketPacket::Event {
                namespace: "/chat".into(),
                data: json!(["hi", 1])
            })
        );
    }

    #[test]
    fn connect_reply_encodes_sid() {
        let packet = SocketPacket::Connect {
            namespace: "/".into(),
            data: Some(json!({"sid": "abc"})),
        };
        assert_eq!(packet.to_frame(), r#"40{"sid":"abc"}"#);
        let other = SocketPacket::Disconnect {
            namespace: "/x".into(),
        };
        assert_eq!(other.to_frame(), "41/x,");
    }

    #[test]
    fn socket_rejects_binary_and_bad_json() {
        assert_eq!(SocketPacket::decode("51-[\"x\"]"), Err(PacketError::Binary));
        assert!(matches!(
            SocketPacket::decode("2[oops"),
            Err(PacketError::Payload(_))
        ));
        assert_eq!(
            SocketPacket::decode("8"),
            Err(PacketError::UnknownSocketType('8'))
        );
        assert_eq!(SocketPacket::decode(""), Err(PacketError::Empty));
    }
}

use serde_json::{json, Value};

use super::super::{decode, EnginePacket, Open, PacketError, SocketPacket};
use super::{recorded, FIXTURES, FRAMES};

fn event(frame: &str) -> (String, Vec<Value>) {
    match decode(frame) {
        Ok(EnginePacket::Message(SocketPacket::Event {
            nsp, name, args, ..
        })) => {
            assert_eq!(nsp, "/");
            (name, args)
        }
        other => panic!("{frame}: {other:?}"),
    }
}

#[test]
fn every_recorded_frame_decodes() {
    for file in FIXTURES {
        for (_, frame) in recorded(file) {
            let packet = decode(&frame).unwrap_or_else(|e| panic!("{frame}: {e}"));
            match packet {
                EnginePacket::Open(_) | EnginePacket::Ping(_) => {}
                EnginePacket::Message(SocketPacket::Connect { sid: Some(_), .. }) => {}
                EnginePacket::Message(SocketPacket::Event { args, .. }) => {
                    assert_eq!(args.len(), 1, "{frame}")
                }
                other => panic!("{frame}: {other:?}"),
            }
        }
    }
}

#[test]
fn the_open_packet_reads_as_recorded() {
    let (_, frame) = &recorded(FRAMES)[0];
    assert_eq!(
        decode(frame),
        Ok(EnginePacket::Open(Open {
            sid: "z3RpTaAv4rLeB3CrAAAG".into(),
            ping_interval: 25_000,
            ping_timeout: 20_000,
            max_payload: 1_000_000,
        }))
    );
}

#[test]
fn the_recorded_events_keep_their_names_and_arguments() {
    let frames = recorded(FRAMES);
    let events: Vec<(String, Vec<Value>)> = frames
        .iter()
        .filter(|(_, f)| f.starts_with("42"))
        .map(|(_, f)| event(f))
        .collect();
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "on_server_version",
            "on_upload_success",
            "AssetUploadReadyV2",
            "on_upload_success",
            "AssetUploadReadyV2",
            "on_upload_success",
            "AssetUploadReadyV2",
            "on_asset_trash",
            "on_asset_restore",
            "on_album_update",
            "on_asset_update",
            "on_asset_delete",
            "on_asset_delete",
        ]
    );
    let version = json!({"major": 3, "minor": 1, "patch": 0, "prerelease": null});
    assert_eq!(events[0].1, [version]);
    let blue = "c5365045-3141-4ba4-a548-425fd7d649a2";
    assert_eq!(events[7].1, [json!([blue])]);
    assert_eq!(events[9].1, [json!("4dcb3bde-c1c9-47da-9ade-a6b878110e79")]);
    // Text outside ASCII arrives intact.
    assert_eq!(
        events[5].1[0]["originalFileName"],
        json!("blue photo ünï.jpg")
    );
    assert_eq!(
        events[6].1[0]["asset"]["originalFileName"],
        json!("blue photo ünï.jpg")
    );
}

#[test]
fn engine_packets_without_payload() {
    assert_eq!(decode("1"), Ok(EnginePacket::Close));
    assert_eq!(decode("2"), Ok(EnginePacket::Ping(String::new())));
    assert_eq!(decode("2probe"), Ok(EnginePacket::Ping("probe".into())));
    assert_eq!(decode("3"), Ok(EnginePacket::Pong));
    assert_eq!(decode("5"), Ok(EnginePacket::Upgrade));
    assert_eq!(decode("6"), Ok(EnginePacket::Noop));
}

#[test]
fn an_open_packet_without_max_payload_gets_the_default() {
    let open = decode("0{\"sid\":\"a\",\"pingInterval\":1,\"pingTimeout\":2}");
    let Ok(EnginePacket::Open(open)) = open else {
        panic!("{open:?}")
    };
    assert_eq!(open.max_payload, super::super::DEFAULT_MAX_PAYLOAD);
}

#[test]
fn namespaces_and_ack_ids() {
    assert_eq!(
        decode("42/admin,17[\"hi\",{\"a\":[1,2]},\"x\",3.5]"),
        Ok(EnginePacket::Message(SocketPacket::Event {
            nsp: "/admin".into(),
            ack: Some(17),
            name: "hi".into(),
            args: vec![json!({"a": [1, 2]}), json!("x"), json!(3.5)],
        }))
    );
    assert_eq!(
        decode("429[\"e\"]"),
        Ok(EnginePacket::Message(SocketPacket::Event {
            nsp: "/".into(),
            ack: Some(9),
            name: "e".into(),
            args: vec![],
        }))
    );
    assert_eq!(
        decode("41/admin,"),
        Ok(EnginePacket::Message(SocketPacket::Disconnect {
            nsp: "/admin".into()
        }))
    );
    // socket.io-parser reads a namespace without its comma to the end of the frame.
    assert_eq!(
        decode("41/admin"),
        Ok(EnginePacket::Message(SocketPacket::Disconnect {
            nsp: "/admin".into()
        }))
    );
    assert_eq!(
        decode("43/admin,5[true]"),
        Ok(EnginePacket::Message(SocketPacket::Ack {
            nsp: "/admin".into(),
            id: Some(5),
            args: vec![json!(true)],
        }))
    );
}

#[test]
fn connect_errors_carry_the_message() {
    let refused = |frame| match decode(frame) {
        Ok(EnginePacket::Message(SocketPacket::ConnectError { message, .. })) => message,
        other => panic!("{frame}: {other:?}"),
    };
    assert_eq!(
        refused("44{\"message\":\"Not authorized\"}"),
        "Not authorized"
    );
    assert_eq!(refused("44\"plain text\""), "plain text");
    assert_eq!(refused("44{\"data\":1}"), "{\"data\":1}");
}

#[test]
fn binary_packets_are_recognized_not_read() {
    assert_eq!(
        decode("451-[\"x\",{\"_placeholder\":true,\"num\":0}]"),
        Ok(EnginePacket::Message(SocketPacket::Binary))
    );
    assert_eq!(
        decode("461-/a,3[]"),
        Ok(EnginePacket::Message(SocketPacket::Binary))
    );
}

#[test]
fn malformed_frames_are_typed_errors() {
    use PacketError::*;
    let bad = |why| BadPayload {
        packet: "event",
        why,
    };
    let cases: Vec<(&str, PacketError)> = vec![
        ("", Empty),
        ("7", UnknownEngineType('7')),
        ("x", UnknownEngineType('x')),
        ("é", UnknownEngineType('é')),
        ("4", EmptyMessage),
        ("47[]", UnknownSocketType('7')),
        ("4é", UnknownSocketType('é')),
        (
            "42",
            bad("it must be an array starting with the event name"),
        ),
        (
            "42{}",
            bad("it must be an array starting with the event name"),
        ),
        ("42[]", bad("the event has no name")),
        ("42[1,2]", bad("the event name must be a string")),
        ("4299999999999999999999[\"e\"]", BadAckId),
        (
            "40",
            BadPayload {
                packet: "connect",
                why: "it must be an object",
            },
        ),
        (
            "41[]",
            BadPayload {
                packet: "disconnect",
                why: "it must be empty",
            },
        ),
        (
            "43",
            BadPayload {
                packet: "ack",
                why: "it must be an array",
            },
        ),
        (
            "44",
            BadPayload {
                packet: "connect error",
                why: "it must be an object with a message",
            },
        ),
        ("0{\"sid\":1}", BadOpen(String::new())),
        ("0{\"sid\":\"a\"}", BadOpen(String::new())),
        ("0[]", BadOpen(String::new())),
    ];
    for (frame, expected) in cases {
        match (decode(frame), expected) {
            (Err(BadOpen(reason)), BadOpen(_)) => assert!(!reason.is_empty()),
            (got, expected) => assert_eq!(got, Err(expected), "{frame:?}"),
        }
    }
    assert!(matches!(
        decode("42[\"a\" \"b\"]"),
        Err(Json {
            packet: "event",
            ..
        })
    ));
    assert!(matches!(decode("0nope"), Err(Json { packet: "open", .. })));
    assert!(matches!(
        decode("40{]"),
        Err(Json {
            packet: "connect",
            ..
        })
    ));
}

#[test]
fn every_recorded_frame_cut_short_is_truncated_not_a_panic() {
    for file in FIXTURES {
        for (_, frame) in recorded(file) {
            if frame.len() < 3 {
                continue;
            }
            for end in (2..frame.len()).filter(|&end| frame.is_char_boundary(end)) {
                let cut = &frame[..end];
                match decode(cut) {
                    Err(PacketError::Truncated { .. }) => {}
                    // A namespace connect cut to "40", or an event to "42": no payload at all.
                    Err(PacketError::BadPayload { .. }) if end == 2 => {}
                    other => panic!("{cut:?}: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("42[\"e\",{}{}]", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(decode(&deep), Err(PacketError::Json { .. })));
}

#[test]
fn errors_say_what_was_wrong() {
    let error = decode("42[1]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the event packet's payload is not valid: the event name must be a string"
    );
    assert_eq!(
        decode("42[\"on_upload_success\",{\"id\":")
            .unwrap_err()
            .to_string(),
        "the event packet is cut short"
    );
}

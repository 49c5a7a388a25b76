use serde_json::json;

use super::super::{
    CloseReason, ConnInput, ConnOutput, Connection, PacketError, HANDSHAKE_TIMEOUT_MS,
};
use super::{connected, drain, feed, recorded, without_wakes, FRAMES, LOGOUT, OPEN, SILENCE_LIMIT};

const T0: u64 = 1_795_965_318_000;

fn event(name: &str, args: serde_json::Value) -> ConnOutput {
    let serde_json::Value::Array(args) = args else {
        panic!("args must be an array")
    };
    ConnOutput::Event {
        name: name.into(),
        args,
    }
}

#[test]
fn a_new_connection_waits_for_the_open_packet_with_a_deadline() {
    let mut conn = Connection::new(T0);
    assert_eq!(
        drain(&mut conn),
        [ConnOutput::WakeAt(T0 + HANDSHAKE_TIMEOUT_MS)]
    );
    assert!(!conn.is_connected() && !conn.is_closed());
}

#[test]
fn the_recorded_session_replays_to_connected_events_and_pongs() {
    let frames = recorded(FRAMES);
    let start = frames[0].0 - 10;
    let mut conn = Connection::new(start);
    let mut out = drain(&mut conn);
    for (at, frame) in &frames {
        out.extend(feed(&mut conn, frame, *at));
        assert!(!conn.is_closed(), "closed at {frame}");
    }
    // A WakeAt for each new deadline: the last frame's time plus the silence limit.
    let last = frames.last().map(|(at, _)| *at).unwrap_or_default();
    assert_eq!(out.last(), Some(&ConnOutput::WakeAt(last + SILENCE_LIMIT)));
    let out = without_wakes(out);
    assert_eq!(out[0], ConnOutput::Send("40".into()));
    assert_eq!(out[1], ConnOutput::Connected);
    assert_eq!(
        out[2],
        event(
            "on_server_version",
            json!([{"major": 3, "minor": 1, "patch": 0, "prerelease": null}])
        )
    );
    let names: Vec<&str> = out
        .iter()
        .filter_map(|o| match o {
            ConnOutput::Event { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(names.len(), 13);
    assert_eq!(names[12], "on_asset_delete");
    let blue = "c5365045-3141-4ba4-a548-425fd7d649a2";
    assert!(out.contains(&event("on_asset_trash", json!([[blue]]))));
    assert!(out.contains(&event(
        "on_album_update",
        json!(["4dcb3bde-c1c9-47da-9ade-a6b878110e79"])
    )));
    let upload = out.iter().find_map(|o| match o {
        ConnOutput::Event { name, args } if name == "on_upload_success" => Some(args),
        _ => None,
    });
    assert_eq!(
        upload.map(|a| &a[0]["originalFileName"]),
        Some(&json!("red.jpg"))
    );
    // Both pings answered at once, and nothing else sent.
    let sent: Vec<&ConnOutput> = out
        .iter()
        .filter(|o| matches!(o, ConnOutput::Send(_)))
        .collect();
    assert_eq!(
        sent,
        [
            &ConnOutput::Send("40".into()),
            &ConnOutput::Send("3".into()),
            &ConnOutput::Send("3".into())
        ]
    );
    // The server then closes: one Close, then silence whatever comes.
    assert_eq!(
        feed(&mut conn, "1", last + 1),
        [ConnOutput::Close(CloseReason::ServerClosed)]
    );
    assert_eq!(feed(&mut conn, "2", last + 2), []);
    conn.handle_input(ConnInput::Tick, last + SILENCE_LIMIT * 2);
    conn.handle_input(ConnInput::Closed, last + 3);
    conn.disconnect();
    assert_eq!(drain(&mut conn), []);
}

#[test]
fn the_logout_session_ends_with_on_session_delete() {
    let frames = recorded(LOGOUT);
    let mut conn = Connection::new(frames[0].0);
    let mut out = drain(&mut conn);
    for (at, frame) in &frames {
        out.extend(feed(&mut conn, frame, *at));
    }
    let out = without_wakes(out);
    assert_eq!(
        out.last(),
        Some(&event(
            "on_session_delete",
            json!(["6c723f55-0a5f-4c0f-bac9-65cd529b27b7"])
        ))
    );
}

#[test]
fn an_unauthorized_socket_gets_the_error_event_then_the_close() {
    let mut conn = Connection::new(T0);
    let mut out = drain(&mut conn);
    for frame in [
        OPEN,
        "40{\"sid\":\"x\"}",
        "42[\"error\",\"unauthorized\"]",
        "41",
    ] {
        out.extend(feed(&mut conn, frame, T0 + 5));
    }
    assert_eq!(
        without_wakes(out),
        [
            ConnOutput::Send("40".into()),
            ConnOutput::Connected,
            event("error", json!(["unauthorized"])),
            ConnOutput::Close(CloseReason::ServerClosed),
        ]
    );
    assert!(conn.is_closed() && !conn.is_connected());
}

#[test]
fn a_refused_connect_closes_with_the_servers_message() {
    let mut conn = Connection::new(T0);
    feed(&mut conn, OPEN, T0);
    let out = feed(&mut conn, "44{\"message\":\"Authentication error\"}", T0);
    assert_eq!(
        out,
        [ConnOutput::Close(CloseReason::ConnectRefused(
            "Authentication error".into()
        ))]
    );
    assert_eq!(
        CloseReason::ConnectRefused("Authentication error".into()).to_string(),
        "the server refused the connection: Authentication error"
    );
}

#[test]
fn silence_past_ping_interval_and_timeout_is_a_ping_timeout() {
    let mut conn = connected(T0);
    // Pings every 25 s, answered: the deadline moves with each.
    let mut now = T0;
    for _ in 0..4 {
        now += 25_000;
        assert_eq!(
            feed(&mut conn, "2", now),
            [
                ConnOutput::Send("3".into()),
                ConnOutput::WakeAt(now + SILENCE_LIMIT)
            ]
        );
    }
    // An early tick (the timer was lost) arms it again; a late one closes.
    conn.handle_input(ConnInput::Tick, now + SILENCE_LIMIT - 1);
    assert_eq!(drain(&mut conn), [ConnOutput::WakeAt(now + SILENCE_LIMIT)]);
    conn.handle_input(ConnInput::Tick, now + SILENCE_LIMIT);
    assert_eq!(
        drain(&mut conn),
        [ConnOutput::Close(CloseReason::PingTimeout)]
    );
    assert_eq!(feed(&mut conn, "2", now + SILENCE_LIMIT + 1), []);
}

#[test]
fn any_frame_counts_as_a_sign_of_life() {
    let mut conn = connected(T0);
    assert_eq!(
        feed(&mut conn, "42[\"on_new_release\",{}]", T0 + 40_000),
        [
            event("on_new_release", json!([{}])),
            ConnOutput::WakeAt(T0 + 40_000 + SILENCE_LIMIT)
        ]
    );
    conn.handle_input(ConnInput::Tick, T0 + SILENCE_LIMIT);
    assert_eq!(
        drain(&mut conn),
        [ConnOutput::WakeAt(T0 + 40_000 + SILENCE_LIMIT)]
    );
}

#[test]
fn no_open_packet_within_the_handshake_timeout_closes() {
    let mut conn = Connection::new(T0);
    drain(&mut conn);
    conn.handle_input(ConnInput::Tick, T0 + HANDSHAKE_TIMEOUT_MS);
    assert_eq!(
        drain(&mut conn),
        [ConnOutput::Close(CloseReason::PingTimeout)]
    );
}

#[test]
fn the_open_packet_sends_the_namespace_connect_and_sets_the_heartbeat() {
    let mut conn = Connection::new(T0);
    drain(&mut conn);
    assert_eq!(
        feed(&mut conn, OPEN, T0 + 3),
        [
            ConnOutput::Send("40".into()),
            ConnOutput::WakeAt(T0 + 3 + SILENCE_LIMIT)
        ]
    );
    // Opened, not connected: events wait for the server's namespace connect.
    assert_eq!(feed(&mut conn, "42[\"early\"]", T0 + 3), []);
    assert!(!conn.is_connected());
}

#[test]
fn a_closed_socket_closes_the_connection() {
    let mut conn = connected(T0);
    conn.handle_input(ConnInput::Closed, T0 + 1);
    assert_eq!(
        drain(&mut conn),
        [ConnOutput::Close(CloseReason::TransportClosed)]
    );
}

#[test]
fn other_namespaces_acks_binary_and_noops_are_ignored() {
    let mut conn = connected(T0);
    for frame in [
        "40/admin,{\"sid\":\"y\"}",
        "42/admin,[\"x\",1]",
        "41/admin,",
        "44/admin,{\"message\":\"no\"}",
        "43[1]",
        "451-[\"x\",{\"_placeholder\":true,\"num\":0}]",
        "40{\"sid\":\"again\"}",
        "6",
        "5",
        "3",
    ] {
        assert_eq!(without_wakes(feed(&mut conn, frame, T0)), [], "{frame}");
    }
    assert!(conn.is_connected());
    // An event asking for an ack still comes out, and no ack is sent.
    assert_eq!(
        feed(&mut conn, "4212[\"on_config_update\"]", T0),
        [event("on_config_update", json!([]))]
    );
}

#[test]
fn pings_are_answered_before_the_namespace_connect_and_echo_their_data() {
    let mut conn = Connection::new(T0);
    feed(&mut conn, OPEN, T0);
    assert_eq!(
        without_wakes(feed(&mut conn, "2probe", T0 + 1)),
        [ConnOutput::Send("3probe".into())]
    );
}

#[test]
fn protocol_violations_are_malformed() {
    let malformed = |error| ConnOutput::Close(CloseReason::Malformed(error));
    let mut conn = Connection::new(T0);
    assert_eq!(
        feed(&mut conn, "2", T0)[1..],
        [malformed(PacketError::Unexpected(
            "a packet before the open packet"
        ))]
    );
    let mut conn = connected(T0);
    assert_eq!(
        feed(&mut conn, OPEN, T0),
        [malformed(PacketError::Unexpected("a second open packet"))]
    );
    let mut conn = connected(T0);
    assert_eq!(
        feed(&mut conn, "42[\"on_upload_success\",{\"id\":\"ff2b", T0),
        [malformed(PacketError::Truncated { packet: "event" })]
    );
    let mut conn = connected(T0);
    assert_eq!(
        feed(&mut conn, "9", T0),
        [malformed(PacketError::UnknownEngineType('9'))]
    );
}

#[test]
fn frames_over_the_servers_max_payload_are_malformed() {
    let mut conn = Connection::new(T0);
    drain(&mut conn);
    feed(
        &mut conn,
        "0{\"sid\":\"s\",\"pingInterval\":1000,\"pingTimeout\":500,\"maxPayload\":20}",
        T0,
    );
    let fits = "42[\"e\",\"1234567890\"]";
    assert_eq!(fits.len(), 20);
    feed(&mut conn, "40{\"sid\":\"x\"}", T0);
    assert_eq!(
        without_wakes(feed(&mut conn, fits, T0)),
        [event("e", json!(["1234567890"]))]
    );
    assert_eq!(
        feed(&mut conn, "42[\"e\",\"12345678901\"]", T0),
        [ConnOutput::Close(CloseReason::Malformed(
            PacketError::TooLarge { len: 21, max: 20 }
        ))]
    );
}

#[test]
fn disconnect_says_goodbye_when_the_namespace_was_asked_for() {
    let mut conn = connected(T0);
    conn.disconnect();
    assert_eq!(
        drain(&mut conn),
        [
            ConnOutput::Send("41".into()),
            ConnOutput::Close(CloseReason::ClientClosed)
        ]
    );
    conn.disconnect();
    assert_eq!(drain(&mut conn), []);

    let mut conn = Connection::new(T0);
    drain(&mut conn);
    conn.disconnect();
    assert_eq!(
        drain(&mut conn),
        [ConnOutput::Close(CloseReason::ClientClosed)]
    );
}

#[test]
fn a_clock_going_back_or_to_the_end_of_time_neither_panics_nor_closes_early() {
    let mut conn = Connection::new(u64::MAX - 5);
    assert_eq!(drain(&mut conn), [ConnOutput::WakeAt(u64::MAX)]);
    feed(&mut conn, OPEN, u64::MAX - 1);
    conn.handle_input(ConnInput::Tick, 3);
    assert!(!conn.is_closed());
    // Back in time: the deadline follows the clock the frames come with.
    let mut conn = connected(T0);
    let back = T0 - 60_000;
    assert_eq!(
        feed(&mut conn, "2", back),
        [
            ConnOutput::Send("3".into()),
            ConnOutput::WakeAt(back + SILENCE_LIMIT)
        ]
    );
    conn.handle_input(ConnInput::Tick, back + SILENCE_LIMIT - 1);
    assert!(!conn.is_closed());
}

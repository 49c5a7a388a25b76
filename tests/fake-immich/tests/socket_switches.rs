//! Sessions and sockets: a logout tells that session's sockets (and no other), a session deleted
//! from elsewhere tells nobody (both as recorded from Immich v3.1.0); and the test switches that
//! count the open sockets, drop them all, or silence the server.

mod common;

use std::time::Duration;

use common::http::{post_json, KEY};
use common::socket::{
    assert_quiet, connect, connected, ends_without_close_frame, expect_event, handshake, next_text,
    recorded_frames, send, sockets, wait_for_open, Socket,
};
use common::sync::Client;
use common::{bytes, Server, TempDir, EMAIL, PASSWORD};
use serde_json::json;

#[test]
fn a_logout_tells_that_sessions_sockets_only() {
    let dir = TempDir::new("switch-logout");
    let server = Server::start(dir.path(), &[]);
    let leaving = Client::login(&server, EMAIL, PASSWORD);
    let staying = Client::login(&server, EMAIL, PASSWORD);
    let cookie = format!("immich_access_token={}", leaving.token);
    let mut leaving_socket = connected(&server, &[("cookie", &cookie)]);
    let mut staying_socket = connected(&server, &staying.auth());
    let mut key_socket = connected(&server, &KEY);

    let sessions = staying.call("GET", "/api/sessions").json();
    let session_id = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .find(|session| session["current"] == false)
        .expect("the other session")["id"]
        .clone();
    leaving.expect("POST", "/api/auth/logout", json!({}), 200);
    assert_eq!(
        expect_event(&mut leaving_socket, "on_session_delete"),
        session_id
    );
    // Recorded: the same event, the session id as its one argument.
    let recorded = recorded_frames("socket-logout.jsonl");
    assert!(recorded[3].starts_with(r#"42["on_session_delete",""#));
    assert_quiet(&mut staying_socket, Duration::from_millis(200));
    assert_quiet(&mut key_socket, Duration::from_millis(100));

    // The socket stays open and, like Immich's, still gets the user's events.
    let id = staying.upload("after.jpg", &bytes(1, 50));
    for socket in [&mut leaving_socket, &mut staying_socket, &mut key_socket] {
        assert_eq!(expect_event(socket, "on_upload_success")["id"], id.as_str());
    }
}

#[test]
fn a_session_deleted_elsewhere_tells_nobody() {
    let dir = TempDir::new("switch-session");
    let server = Server::start(dir.path(), &[]);
    let deleted = Client::login(&server, EMAIL, PASSWORD);
    let other = Client::login(&server, EMAIL, PASSWORD);
    let mut socket = connected(&server, &deleted.auth());
    let sessions = other.call("GET", "/api/sessions").json();
    let id = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .find(|session| session["current"] == false)
        .expect("the other session")["id"]
        .as_str()
        .expect("id")
        .to_string();
    other.call("DELETE", &format!("/api/sessions/{id}"));
    assert_eq!(deleted.call("GET", "/api/users/me").status, 401);
    // Recorded: nothing but the handshake on that socket.
    assert_eq!(recorded_frames("socket-session-delete.jsonl").len(), 3);
    assert_quiet(&mut socket, Duration::from_millis(500));
}

#[test]
fn the_count_lists_connected_users_and_sessions() {
    let dir = TempDir::new("switch-count");
    let server = Server::start(dir.path(), &[]);
    assert_eq!(
        sockets(&server),
        json!({ "open": 0, "silent": false, "sockets": [] })
    );
    let client = Client::login(&server, EMAIL, PASSWORD);
    let _by_key = connected(&server, &KEY);
    let _by_session = connected(&server, &client.auth());
    // Open but not connected to the namespace: counted, not listed.
    let mut waiting = connect(&server, "", &KEY);
    assert!(next_text(&mut waiting).starts_with("0{"));
    let state = wait_for_open(&server, 3);
    let listed = state["sockets"].as_array().expect("sockets");
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|socket| socket["email"] == EMAIL));
    assert!(listed
        .iter()
        .all(|socket| socket["userId"] == client.user_id));
    let mut session_ids: Vec<_> = listed.iter().map(|s| s["sessionId"].clone()).collect();
    session_ids.sort_by_key(|id| id.is_null());
    assert!(
        session_ids[0].is_string() && session_ids[1].is_null(),
        "{state}"
    );
}

#[test]
fn drop_closes_every_socket_at_once() {
    let dir = TempDir::new("switch-drop");
    let server = Server::start(dir.path(), &[]);
    let mut sockets_open: Vec<Socket> = (0..3).map(|_| connected(&server, &KEY)).collect();
    wait_for_open(&server, 3);
    let drop = post_json(
        &server.url("/api/fake-immich/sockets/drop"),
        &[],
        &json!({}),
    );
    assert_eq!(drop.status, 200);
    assert_eq!(drop.json(), json!({ "closed": 3 }));
    assert_eq!(sockets(&server)["open"], 0);
    for socket in &mut sockets_open {
        assert!(
            ends_without_close_frame(socket),
            "a TCP close, not a WebSocket one"
        );
    }
    // A client that reconnects is served as before.
    let mut again = connected(&server, &KEY);
    wait_for_open(&server, 1);
    common::http::upload(&server, "after.jpg", &bytes(2, 50));
    expect_event(&mut again, "on_upload_success");
}

fn silence(server: &Server, silent: bool) {
    let url = server.url("/api/fake-immich/sockets/silence");
    let reply = post_json(&url, &[], &json!({ "silent": silent }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json(), json!({ "silent": silent }));
}

#[test]
fn a_silent_server_sends_no_ping_and_loses_events() {
    let dir = TempDir::new("switch-silence");
    let server = Server::start(
        dir.path(),
        &["--ping-interval-ms", "200", "--ping-timeout-ms", "200"],
    );
    let mut socket = connected(&server, &KEY);
    assert_eq!(next_text(&mut socket), "2");
    send(&mut socket, "3");

    silence(&server, true);
    assert_eq!(sockets(&server)["silent"], true);
    common::http::upload(&server, "lost.jpg", &bytes(3, 50));
    // Several ping intervals and timeouts: no ping, no event, and the connection stays open.
    assert_quiet(&mut socket, Duration::from_millis(1_000));
    assert_eq!(sockets(&server)["open"], 1);

    silence(&server, false);
    let kept = common::http::upload(&server, "kept.jpg", &bytes(4, 50));
    // Pings resume; one may come before or between the events.
    let (mut events, mut pinged) = (Vec::new(), false);
    while events.len() < 2 || !pinged {
        let frame = next_text(&mut socket);
        if frame == "2" {
            pinged = true;
            send(&mut socket, "3");
        } else {
            let json = frame.strip_prefix("42").expect("an event");
            events.push(serde_json::from_str::<serde_json::Value>(json).expect("JSON"));
        }
    }
    assert_eq!(events[0][0], "on_upload_success");
    let kept_id = &kept.json()["id"];
    assert_eq!(
        &events[0][1]["id"], kept_id,
        "the silenced event is lost, not queued"
    );
    assert_eq!(events[1][0], "AssetUploadReadyV2");
}

#[test]
fn a_silent_server_answers_new_sockets_once_it_speaks_again() {
    let dir = TempDir::new("switch-silent-open");
    let server = Server::start(dir.path(), &[]);
    silence(&server, true);
    let url = server.ws_url("");
    let opener = std::thread::spawn(move || {
        let mut socket = common::socket::try_connect(&url, &KEY).expect("opened in the end");
        handshake(&mut socket);
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(sockets(&server)["open"], 0, "the handshake waits");
    assert!(!opener.is_finished());
    silence(&server, false);
    opener.join().expect("the handshake completes");
}

//! socket.io over WebSocket: handshake, credentials from headers only (as Immich v3.1.0 was
//! measured), `on_server_version` on connect, heartbeat, transports and origins.

mod common;

use common::http::{get, post_json, upload, Form, KEY};
use common::socket::{
    connect, connected, expect_event, handshake, next_text, recorded_frames, send, try_connect,
};
use common::{bytes, Server, TempDir, API_KEY, EMAIL, PASSWORD};
use serde_json::{json, Value};
use tungstenite::Message;

fn login_token(server: &Server) -> String {
    let login = post_json(
        &server.url("/api/auth/login"),
        &[],
        &json!({"email": EMAIL, "password": PASSWORD}),
    );
    login.json()["accessToken"]
        .as_str()
        .expect("token")
        .to_string()
}

#[test]
fn the_handshake_matches_the_recorded_one() {
    let dir = TempDir::new("socket-open");
    let server = Server::start(dir.path(), &[]);
    let mut socket = connect(&server, "", &KEY);
    let open = handshake(&mut socket);
    assert!(open["sid"].is_string());
    assert_eq!(open["upgrades"], json!([]));
    assert_eq!(open["pingInterval"], 25000);
    assert_eq!(open["pingTimeout"], 20000);
    assert_eq!(open["maxPayload"], 1000000);

    // Recorded: open, the server's connect reply, then on_server_version, the same as ours.
    let recorded = recorded_frames("socket-logout.jsonl");
    let recorded_open: Value = serde_json::from_str(&recorded[0][1..]).expect("open JSON");
    let mut keys: Vec<_> = recorded_open.as_object().expect("object").keys().collect();
    let mut ours: Vec<_> = open.as_object().expect("object").keys().collect();
    keys.sort();
    ours.sort();
    assert_eq!(ours, keys);
    assert!(recorded[1].starts_with("40{\"sid\":"));
    assert_eq!(
        recorded[2],
        r#"42["on_server_version",{"major":3,"minor":1,"patch":0,"prerelease":null}]"#
    );
    let version = get(&server.url("/api/server/version"), &[]).json();
    assert_eq!(
        version,
        json!({"major": 3, "minor": 1, "patch": 0, "prerelease": null})
    );
}

#[test]
fn header_credentials_of_every_kind_get_events() {
    let dir = TempDir::new("socket");
    let server = Server::start(dir.path(), &[]);
    let token = login_token(&server);
    let cookie = format!("immich_is_authenticated=true; immich_access_token={token}");
    let bearer = format!("Bearer {token}");
    let mut sockets = [
        connected(&server, &KEY),
        connected(&server, &[("cookie", &cookie)]),
        connected(&server, &[("authorization", &bearer)]),
    ];

    let id = upload(&server, "event.jpg", &bytes(10, 3_000)).json()["id"].clone();
    for socket in &mut sockets {
        let asset = expect_event(socket, "on_upload_success");
        assert_eq!(asset["id"], id);
        assert_eq!(asset["originalFileName"], "event.jpg");
        assert_eq!(
            expect_event(socket, "AssetUploadReadyV2")["asset"]["id"],
            id
        );
    }
}

/// What Immich answers a socket without valid header credentials: the namespace connect is
/// accepted, then `error` "unauthorized" and a disconnect, and the connection closes.
fn assert_refused(server: &Server, query: &str, headers: &[(&str, &str)]) {
    let mut socket = connect(server, query, headers);
    assert!(next_text(&mut socket).starts_with("0{"), "{query}");
    send(&mut socket, "40");
    assert!(next_text(&mut socket).starts_with("40{\"sid\":"), "{query}");
    assert_eq!(
        next_text(&mut socket),
        r#"42["error","unauthorized"]"#,
        "{query}"
    );
    assert_eq!(next_text(&mut socket), "41", "{query}");
    loop {
        match socket.read() {
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(Message::Text(text)) => panic!("{query}: unexpected frame {text}"),
            Ok(_) => continue,
        }
    }
}

#[test]
fn credentials_in_the_url_are_ignored() {
    let dir = TempDir::new("socket-anon");
    let server = Server::start(dir.path(), &[]);
    let token = login_token(&server);
    // The same credentials work over HTTP in the query string, and on the socket as headers.
    let me = server.url("/api/users/me");
    assert_eq!(get(&format!("{me}?apiKey={API_KEY}"), &[]).status, 200);
    assert_eq!(get(&format!("{me}?sessionKey={token}"), &[]).status, 200);
    for query in [
        String::new(),
        format!("&apiKey={API_KEY}"),
        format!("&key={API_KEY}"),
        format!("&sessionKey={token}"),
        format!("&token={token}"),
        format!("&access_token={token}"),
    ] {
        assert_refused(&server, &query, &[]);
    }
    assert_refused(&server, "", &[("x-api-key", "wrong")]);
    assert_refused(&server, "", &[("authorization", "Bearer wrong")]);
    assert_refused(&server, "", &[("cookie", "immich_access_token=wrong")]);
}

#[test]
fn duplicates_send_no_event() {
    let dir = TempDir::new("socket-dup");
    let server = Server::start(dir.path(), &[]);
    let content = bytes(11, 1_000);
    assert_eq!(upload(&server, "first.jpg", &content).status, 201);
    let mut socket = connected(&server, &KEY);
    assert_eq!(upload(&server, "again.jpg", &content).status, 200);
    assert_eq!(upload(&server, "other.jpg", &bytes(12, 1_000)).status, 201);
    let asset = expect_event(&mut socket, "on_upload_success");
    assert_eq!(
        asset["originalFileName"], "other.jpg",
        "the first event is the new asset's"
    );
}

#[test]
fn linking_a_live_photo_hides_its_video_with_an_event() {
    let dir = TempDir::new("socket-live");
    let server = Server::start(dir.path(), &[]);
    let video = upload(&server, "IMG_1.MOV", &bytes(13, 1_000)).json()["id"].clone();
    let video = video.as_str().expect("id").to_string();
    let mut socket = connected(&server, &KEY);
    let photo = Form::asset("IMG_1.HEIC", &bytes(14, 1_000))
        .text("livePhotoVideoId", &video)
        .send(&server.url("/api/assets"), &KEY);
    assert_eq!(photo.status, 201);
    assert_eq!(
        next_text(&mut socket),
        format!(r#"42["on_asset_hidden","{video}"]"#)
    );
    let asset = expect_event(&mut socket, "on_upload_success");
    assert_eq!(asset["originalFileName"], "IMG_1.HEIC");
    assert_eq!(asset["livePhotoVideoId"], video);
}

#[test]
fn server_pings_and_accepts_pongs() {
    let dir = TempDir::new("socket-ping");
    let server = Server::start(
        dir.path(),
        &["--ping-interval-ms", "150", "--ping-timeout-ms", "300"],
    );
    let mut socket = connect(&server, "", &KEY);
    let open = handshake(&mut socket);
    assert_eq!(open["pingInterval"], 150);
    assert_eq!(open["pingTimeout"], 300);
    for _ in 0..3 {
        assert_eq!(next_text(&mut socket), "2");
        send(&mut socket, "3");
    }
}

#[test]
fn polling_and_old_protocols_are_refused() {
    let dir = TempDir::new("socket-poll");
    let server = Server::start(dir.path(), &[]);
    let polling = get(&server.url("/api/socket.io/?EIO=4&transport=polling"), &[]);
    assert_eq!(polling.status, 400);
    assert_eq!(
        polling.json(),
        json!({"code": 0, "message": "Transport unknown"})
    );
    let eio3 = get(
        &server.url("/api/socket.io/?EIO=3&transport=websocket"),
        &[],
    );
    assert_eq!(eio3.status, 400);
    assert_eq!(eio3.json()["code"], 5);
}

#[test]
fn sockets_from_pages_of_other_origins_are_refused() {
    let dir = TempDir::new("socket-origin");
    let server = Server::start(dir.path(), &["--allow-origin", "http://localhost:8080"]);
    let url = server.ws_url("");
    for foreign in ["https://evil.example", "http://localhost:8081", "null"] {
        match try_connect(&url, &[KEY[0], ("origin", foreign)]) {
            Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
            Err(error) => panic!("{foreign}: refused the wrong way: {error}"),
            Ok(_) => panic!("{foreign}: the socket was opened"),
        }
    }
    for allowed in ["http://localhost:8080", server.base.as_str()] {
        let mut socket = try_connect(&url, &[KEY[0], ("origin", allowed)]).expect("allowed");
        handshake(&mut socket);
    }
}

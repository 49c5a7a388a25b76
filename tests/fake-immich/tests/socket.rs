//! socket.io over WebSocket: handshake, namespace connect, heartbeat, upload events.

mod common;

use std::net::TcpStream;
use std::time::Duration;

use common::http::{get, post_json, upload, Form, KEY};
use common::{bytes, Server, TempDir, API_KEY, EMAIL, PASSWORD};
use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

fn connect(url: &str) -> Socket {
    let (socket, _) = tungstenite::connect(url).expect("websocket handshake");
    if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("read timeout");
    }
    socket
}

/// A handshake as a page from `origin` makes it.
fn connect_from(url: &str, origin: &str) -> Result<Socket, tungstenite::Error> {
    let mut request = url.into_client_request().expect("a request");
    request
        .headers_mut()
        .insert("origin", origin.parse().expect("a header value"));
    tungstenite::connect(request).map(|(socket, _)| socket)
}

/// The next text frame; fails the test on close or timeout.
fn next_text(socket: &mut Socket) -> String {
    loop {
        match socket.read().expect("a frame before the timeout") {
            Message::Text(text) => return text.to_string(),
            Message::Close(frame) => panic!("closed early: {frame:?}"),
            _ => continue,
        }
    }
}

fn send(socket: &mut Socket, text: &str) {
    socket.send(Message::Text(text.into())).expect("send frame");
}

/// Engine.IO open plus socket.io namespace connect; returns the open packet's JSON.
fn handshake(socket: &mut Socket) -> Value {
    let open = next_text(socket);
    let payload = open
        .strip_prefix('0')
        .unwrap_or_else(|| panic!("open packet, got {open}"));
    let open: Value = serde_json::from_str(payload).expect("open JSON");
    send(socket, "40");
    let connected = next_text(socket);
    let sid: Value =
        serde_json::from_str(connected.strip_prefix("40").expect("connect reply")).expect("JSON");
    assert!(sid["sid"].is_string(), "{connected}");
    open
}

#[test]
fn upload_events_reach_sockets_authenticated_by_key_or_session() {
    let dir = TempDir::new("socket");
    let server = Server::start(dir.path(), &[]);
    let login = post_json(
        &server.url("/api/auth/login"),
        &[],
        &json!({"email": EMAIL, "password": PASSWORD}),
    );
    let token = login.json()["accessToken"]
        .as_str()
        .expect("token")
        .to_string();

    let mut by_key = connect(&server.ws_url(&format!("&apiKey={API_KEY}")));
    let open = handshake(&mut by_key);
    assert!(open["sid"].is_string());
    assert_eq!(open["upgrades"], json!([]));
    assert_eq!(open["pingInterval"], 25000);
    assert_eq!(open["pingTimeout"], 20000);
    assert_eq!(open["maxPayload"], 1000000);
    let mut by_session = connect(&server.ws_url(&format!("&sessionKey={token}")));
    handshake(&mut by_session);

    let id = upload(&server, "event.jpg", &bytes(10, 3_000)).json()["id"].clone();
    for socket in [&mut by_key, &mut by_session] {
        let frame = next_text(socket);
        let event: Value =
            serde_json::from_str(frame.strip_prefix("42").expect("event packet")).expect("JSON");
        assert_eq!(event[0], "on_upload_success");
        assert_eq!(event[1]["id"], id);
        assert_eq!(event[1]["originalFileName"], "event.jpg");
    }
    let log = server.log_containing("GET /api/socket.io/");
    assert!(
        !log.contains(API_KEY) && !log.contains(&token),
        "credentials leaked: {log}"
    );
}

#[test]
fn duplicates_send_no_event() {
    let dir = TempDir::new("socket-dup");
    let server = Server::start(dir.path(), &[]);
    let content = bytes(11, 1_000);
    assert_eq!(upload(&server, "first.jpg", &content).status, 201);
    let mut socket = connect(&server.ws_url(&format!("&apiKey={API_KEY}")));
    handshake(&mut socket);
    assert_eq!(upload(&server, "again.jpg", &content).status, 200);
    assert_eq!(upload(&server, "other.jpg", &bytes(12, 1_000)).status, 201);
    let frame = next_text(&mut socket);
    assert!(
        frame.contains("other.jpg"),
        "the first event is the new asset's: {frame}"
    );
}

#[test]
fn linking_a_live_photo_hides_its_video_with_an_event() {
    let dir = TempDir::new("socket-live");
    let server = Server::start(dir.path(), &[]);
    let video = upload(&server, "IMG_1.MOV", &bytes(13, 1_000)).json()["id"].clone();
    let video = video.as_str().expect("id").to_string();
    let mut socket = connect(&server.ws_url(&format!("&apiKey={API_KEY}")));
    handshake(&mut socket);
    let photo = Form::asset("IMG_1.HEIC", &bytes(14, 1_000))
        .text("livePhotoVideoId", &video)
        .send(&server.url("/api/assets"), &KEY);
    assert_eq!(photo.status, 201);
    assert_eq!(
        next_text(&mut socket),
        format!(r#"42["on_asset_hidden","{video}"]"#)
    );
    assert!(next_text(&mut socket).contains("IMG_1.HEIC"));
}

#[test]
fn unauthenticated_sockets_are_told_and_closed() {
    let dir = TempDir::new("socket-anon");
    let server = Server::start(dir.path(), &[]);
    for query in ["", "&apiKey=wrong"] {
        let mut socket = connect(&server.ws_url(query));
        assert!(next_text(&mut socket).starts_with("0{"));
        send(&mut socket, "40");
        assert!(next_text(&mut socket).starts_with("40{"));
        assert_eq!(next_text(&mut socket), r#"42["error","unauthorized"]"#);
        assert_eq!(next_text(&mut socket), "41");
        let closed = loop {
            match socket.read() {
                Ok(Message::Close(_)) | Err(_) => break true,
                Ok(Message::Text(text)) => panic!("unexpected frame {text}"),
                Ok(_) => continue,
            }
        };
        assert!(closed);
    }
}

#[test]
fn server_pings_and_accepts_pongs() {
    let dir = TempDir::new("socket-ping");
    let server = Server::start(dir.path(), &["--ping-interval-ms", "150"]);
    let mut socket = connect(&server.ws_url(&format!("&apiKey={API_KEY}")));
    assert_eq!(handshake(&mut socket)["pingInterval"], 150);
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
    let url = server.ws_url(&format!("&apiKey={API_KEY}"));
    for foreign in ["https://evil.example", "http://localhost:8081", "null"] {
        match connect_from(&url, foreign) {
            Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
            Err(error) => panic!("{foreign}: refused the wrong way: {error}"),
            Ok(_) => panic!("{foreign}: the socket was opened"),
        }
    }
    for allowed in ["http://localhost:8080", server.base.as_str()] {
        let mut socket = connect_from(&url, allowed).expect("an allowed origin");
        handshake(&mut socket);
    }
}

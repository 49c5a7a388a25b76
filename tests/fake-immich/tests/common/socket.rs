//! A socket.io client for the tests, over a blocking WebSocket: connect with request headers (the
//! only credentials the socket takes), the handshake, events as JSON, silence and closes; and the
//! frames recorded from a real Immich v3.1.0 socket (tests/fixtures/socket-*.jsonl).

use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::http::get;
use super::Server;

pub type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

/// How long a test waits for a frame it expects.
pub const PATIENCE: Duration = Duration::from_secs(5);

fn set_read_timeout(socket: &Socket, timeout: Duration) {
    if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
        stream
            .set_read_timeout(Some(timeout))
            .expect("read timeout");
    }
}

/// Opens the socket at `url` with these request headers.
pub fn try_connect(url: &str, headers: &[(&str, &str)]) -> Result<Socket, tungstenite::Error> {
    let mut request = url.into_client_request().expect("a request");
    for (name, value) in headers {
        let name = tungstenite::http::HeaderName::from_bytes(name.as_bytes()).expect("a name");
        request
            .headers_mut()
            .insert(name, value.parse().expect("a header value"));
    }
    let (socket, _) = tungstenite::connect(request)?;
    set_read_timeout(&socket, PATIENCE);
    Ok(socket)
}

/// Opens the server's socket (with `query` after its own) and these request headers.
pub fn connect(server: &Server, query: &str, headers: &[(&str, &str)]) -> Socket {
    try_connect(&server.ws_url(query), headers).expect("websocket handshake")
}

/// The next text frame; fails the test on close or timeout.
pub fn next_text(socket: &mut Socket) -> String {
    loop {
        match socket.read().expect("a frame before the timeout") {
            Message::Text(text) => return text.to_string(),
            Message::Close(frame) => panic!("closed early: {frame:?}"),
            _ => continue,
        }
    }
}

/// The next frame, which must be an event: `[name, argument]`.
pub fn next_event(socket: &mut Socket) -> Value {
    let frame = next_text(socket);
    let json = frame
        .strip_prefix("42")
        .unwrap_or_else(|| panic!("an event, got {frame}"));
    serde_json::from_str(json).expect("event JSON")
}

/// The next event, which must be `name`; returns its one argument.
pub fn expect_event(socket: &mut Socket, name: &str) -> Value {
    let event = next_event(socket);
    assert_eq!(event[0], name, "{event}");
    assert_eq!(
        event.as_array().map(Vec::len),
        Some(2),
        "one argument: {event}"
    );
    event[1].clone()
}

pub fn send(socket: &mut Socket, text: &str) {
    socket.send(Message::Text(text.into())).expect("send frame");
}

/// Asserts that no frame (text, or a close) arrives within `within`.
pub fn assert_quiet(socket: &mut Socket, within: Duration) {
    set_read_timeout(socket, within);
    match socket.read() {
        Err(tungstenite::Error::Io(error))
            if matches!(
                error.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        other => panic!("expected silence, got {other:?}"),
    }
    set_read_timeout(socket, PATIENCE);
}

/// Reads until the connection ends; true when it ended without a WebSocket close frame.
pub fn ends_without_close_frame(socket: &mut Socket) -> bool {
    loop {
        match socket.read() {
            Ok(Message::Close(_)) => return false,
            Ok(_) => continue,
            Err(tungstenite::Error::Io(error))
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("the socket stayed open")
            }
            Err(_) => return true,
        }
    }
}

/// Engine.IO open plus socket.io namespace connect; returns the open packet's JSON. The server's
/// `on_server_version` that follows a successful connect is left for the caller.
pub fn open_and_connect(socket: &mut Socket) -> Value {
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

/// The handshake of an authenticated socket, up to and including `on_server_version`.
pub fn handshake(socket: &mut Socket) -> Value {
    let open = open_and_connect(socket);
    let version = expect_event(socket, "on_server_version");
    assert_eq!(
        version,
        json!({"major": 3, "minor": 1, "patch": 0, "prerelease": null})
    );
    open
}

/// A connected socket of whoever these headers authenticate.
pub fn connected(server: &Server, headers: &[(&str, &str)]) -> Socket {
    let mut socket = connect(server, "", headers);
    handshake(&mut socket);
    socket
}

/// `GET /api/fake-immich/sockets`.
pub fn sockets(server: &Server) -> Value {
    let reply = get(&server.url("/api/fake-immich/sockets"), &[]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

/// Waits until the server counts `open` open sockets.
pub fn wait_for_open(server: &Server, open: u64) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let state = sockets(server);
        if state["open"] == open {
            return state;
        }
        assert!(Instant::now() < deadline, "never {open} open: {state}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The recorded frames of a fixture, in order.
pub fn recorded_frames(name: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let line: Value = serde_json::from_str(line).expect("fixture JSON");
            line["frame"].as_str().expect("frame").to_string()
        })
        .collect()
}

/// The argument of the first recorded event called `name`.
pub fn recorded_event(name: &str) -> Value {
    recorded_frames("socket-frames.jsonl")
        .iter()
        .filter_map(|frame| frame.strip_prefix("42"))
        .map(|json| serde_json::from_str::<Value>(json).expect("event JSON"))
        .find(|event| event[0] == name)
        .unwrap_or_else(|| panic!("no {name} recorded"))[1]
        .clone()
}

/// The keys of an object, sorted, with those of nested objects as `outer.inner`.
pub fn key_paths(value: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    if let Some(fields) = value.as_object() {
        for (key, field) in fields {
            paths.push(key.clone());
            paths.extend(
                key_paths(field)
                    .into_iter()
                    .map(|inner| format!("{key}.{inner}")),
            );
        }
    }
    paths.sort_unstable();
    paths
}

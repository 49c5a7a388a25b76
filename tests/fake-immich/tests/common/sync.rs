//! Sync clients for the tests: a logged-in user who uploads, changes things, streams and acks;
//! and the recorded lines of a real Immich v3.1.0 (tests/fixtures) to compare with.

use serde_json::{json, Value};

use super::http::{asset_id, post_json, send_empty, send_json, Form, Reply};
use super::Server;

/// What the fixtures' client asked for on every sync.
pub const ALL_TYPES: [&str; 14] = [
    "AuthUsersV1",
    "UsersV1",
    "AssetsV2",
    "AssetExifsV1",
    "PartnersV1",
    "PartnerAssetsV2",
    "PartnerAssetExifsV1",
    "AlbumsV1",
    "AlbumUsersV1",
    "AlbumToAssetsV1",
    "AlbumAssetsV2",
    "AlbumAssetExifsV1",
    "StacksV1",
    "PartnerStacksV1",
];

/// Adds a user through the test switch; returns their id.
pub fn add_user(server: &Server, email: &str, password: &str, name: &str) -> String {
    let body = json!({ "email": email, "password": password, "name": name });
    let reply = post_json(&server.url("/api/fake-immich/users"), &[], &body);
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["id"].as_str().expect("id").to_string()
}

/// A user logged in with a session token.
pub struct Client<'a> {
    pub server: &'a Server,
    pub token: String,
    pub user_id: String,
    authorization: String,
}

impl<'a> Client<'a> {
    pub fn login(server: &'a Server, email: &str, password: &str) -> Self {
        let body = json!({ "email": email, "password": password });
        let reply = post_json(&server.url("/api/auth/login"), &[], &body);
        assert_eq!(reply.status, 201, "{}", reply.text());
        let login = reply.json();
        let token = login["accessToken"].as_str().expect("token");
        Self::with_token(server, token, login["userId"].as_str().expect("userId"))
    }

    /// A user of a token got elsewhere.
    pub fn with_token(server: &'a Server, token: &str, user_id: &str) -> Self {
        Self {
            server,
            authorization: format!("Bearer {token}"),
            user_id: user_id.to_string(),
            token: token.to_string(),
        }
    }

    pub fn auth(&self) -> [(&str, &str); 1] {
        [("authorization", self.authorization.as_str())]
    }

    /// A JSON request as this user.
    pub fn send(&self, method: &str, path: &str, body: Value) -> Reply {
        send_json(method, &self.server.url(path), &self.auth(), &body)
    }

    /// A request without a body as this user.
    pub fn call(&self, method: &str, path: &str) -> Reply {
        send_empty(method, &self.server.url(path), &self.auth())
    }

    /// Like `send`, insisting on `status`.
    pub fn expect(&self, method: &str, path: &str, body: Value, status: u16) -> Reply {
        let reply = self.send(method, path, body);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.text());
        reply
    }

    pub fn upload(&self, name: &str, bytes: &[u8]) -> String {
        asset_id(&Form::asset(name, bytes).send(&self.server.url("/api/assets"), &self.auth()))
    }

    pub fn stream_reply(&self, types: &[&str], reset: bool) -> Reply {
        let mut body = json!({ "types": types });
        if reset {
            body["reset"] = json!(true);
        }
        self.send("POST", "/api/sync/stream", body)
    }

    /// A whole stream's lines, parsed.
    pub fn stream(&self, types: &[&str]) -> Vec<Value> {
        let reply = self.stream_reply(types, false);
        assert_eq!(reply.status, 200, "{}", reply.text());
        lines(&reply.body)
    }

    pub fn ack(&self, acks: &[String]) {
        self.expect("POST", "/api/sync/ack", json!({ "acks": acks }), 204);
    }

    /// Acks the latest line of each ack type, as the fixtures' client did.
    pub fn ack_all(&self, lines: &[Value]) {
        self.ack(&latest_acks(lines));
    }
}

/// Parses a JSON-lines body; every line must end with a newline.
pub fn lines(body: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(body).expect("UTF-8 body");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "unterminated: {text}"
    );
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

pub fn ack_of(line: &Value) -> String {
    line["ack"].as_str().expect("ack").to_string()
}

/// The latest ack of each ack type (the part before the first `|`), in first-seen order.
pub fn latest_acks(lines: &[Value]) -> Vec<String> {
    let mut latest: Vec<String> = Vec::new();
    for ack in lines.iter().map(ack_of) {
        let kind = ack.split('|').next().unwrap_or_default().to_string();
        match latest
            .iter_mut()
            .find(|seen| seen.starts_with(&format!("{kind}|")))
        {
            Some(seen) => *seen = ack,
            None => latest.push(ack),
        }
    }
    latest
}

pub fn types_of(lines: &[Value]) -> Vec<&str> {
    lines
        .iter()
        .map(|line| line["type"].as_str().expect("type"))
        .collect()
}

pub fn fixture(name: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    lines(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// An ack's parts, with every UUIDv7 shown as `<uuid v7>`.
fn ack_shape(ack: &str) -> Vec<String> {
    ack.split('|')
        .map(|part| match uuid::Uuid::try_parse(part) {
            Ok(_) if part.len() == 36 && &part[14..15] == "7" => "<uuid v7>".to_string(),
            _ => part.to_string(),
        })
        .collect()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Line by line: the same types, the same keys in `data` with values of the same JSON kind
/// where both know one, and acks of the same form.
pub fn assert_same_shapes(ours: &[Value], recorded: &[Value]) {
    assert_eq!(types_of(ours), types_of(recorded), "types differ");
    for (ours, recorded) in ours.iter().zip(recorded) {
        assert_eq!(keys(ours), keys(recorded), "line keys: {ours}");
        assert_eq!(
            keys(&ours["data"]),
            keys(&recorded["data"]),
            "data keys: {ours}"
        );
        for key in keys(&ours["data"]) {
            let (mine, theirs) = (&ours["data"][key], &recorded["data"][key]);
            if !mine.is_null() && !theirs.is_null() {
                assert_eq!(kind(mine), kind(theirs), "{key} of {ours}");
            }
        }
        assert_eq!(
            ack_shape(&ack_of(ours)),
            ack_shape(&ack_of(recorded)),
            "ack form: {ours}"
        );
    }
}

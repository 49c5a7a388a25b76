//! A blocking HTTP client (ureq) and a hand-built multipart body.

use std::sync::OnceLock;

use serde_json::Value;

use super::{Server, API_KEY};

pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into()
    })
}

fn finish(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = result.expect("HTTP request");
    let headers = response.headers().clone();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .expect("read body");
    Reply {
        status,
        headers,
        body,
    }
}

pub fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    finish(request.call())
}

pub fn options(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().options(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    finish(request.call())
}

pub fn delete(url: &str) -> Reply {
    finish(agent().delete(url).call())
}

pub fn post(url: &str, headers: &[(&str, &str)], content_type: &str, body: &[u8]) -> Reply {
    let mut request = agent().post(url).header("content-type", content_type);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    finish(request.send(body))
}

pub fn post_json(url: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
    post(
        url,
        headers,
        "application/json",
        body.to_string().as_bytes(),
    )
}

pub fn put_json(url: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
    let mut request = agent().put(url).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    finish(request.send(body.to_string().as_bytes()))
}

/// A JSON request of any method, DELETE and PATCH with a body too.
pub fn send_json(method: &str, url: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
    let request = match method {
        "POST" => agent().post(url),
        "PUT" => agent().put(url),
        "PATCH" => agent().patch(url),
        "DELETE" => agent().delete(url).force_send_body(),
        other => panic!("no JSON helper for {other}"),
    };
    let mut request = request.header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    finish(request.send(body.to_string().as_bytes()))
}

/// A request of any method without a body.
pub fn send_empty(method: &str, url: &str, headers: &[(&str, &str)]) -> Reply {
    if method == "POST" {
        return post(url, headers, "application/json", b"");
    }
    let mut request = match method {
        "GET" => agent().get(url),
        "DELETE" => agent().delete(url),
        other => panic!("no helper for {other}"),
    };
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    finish(request.call())
}

pub const KEY: [(&str, &str); 1] = [("x-api-key", API_KEY)];

pub struct Form {
    boundary: String,
    body: Vec<u8>,
}

impl Form {
    pub fn new() -> Self {
        Self {
            boundary: "----fake-immich-test-boundary-7d3f".into(),
            body: Vec::new(),
        }
    }

    pub fn text(mut self, name: &str, value: &str) -> Self {
        let head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n",
            self.boundary
        );
        self.body.extend_from_slice(head.as_bytes());
        self
    }

    pub fn file(mut self, name: &str, filename: &str, bytes: &[u8]) -> Self {
        let head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n",
            self.boundary
        );
        self.body.extend_from_slice(head.as_bytes());
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The usual fields of an upload, with the file under `assetData`.
    pub fn asset(filename: &str, bytes: &[u8]) -> Self {
        Self::new()
            .text("deviceAssetId", filename)
            .text("deviceId", "integration-test")
            .text("fileCreatedAt", "2024-05-01T10:20:30.000Z")
            .text("fileModifiedAt", "2024-05-01T10:20:30.000Z")
            .file("assetData", filename, bytes)
    }

    /// The content type and the finished body, for sending by hand.
    pub fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        let content_type = format!("multipart/form-data; boundary={}", self.boundary);
        (content_type, self.body)
    }

    pub fn send(self, url: &str, headers: &[(&str, &str)]) -> Reply {
        let (content_type, body) = self.finish();
        post(url, headers, &content_type, &body)
    }
}

/// The id of a created (201) or duplicate (200) upload.
pub fn asset_id(reply: &Reply) -> String {
    assert!(
        matches!(reply.status, 200 | 201),
        "upload failed: {} {}",
        reply.status,
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["id"].as_str().expect("id").to_string()
}

/// Uploads with the API key; returns the reply.
pub fn upload(server: &Server, filename: &str, bytes: &[u8]) -> Reply {
    Form::asset(filename, bytes).send(&server.url("/api/assets"), &KEY)
}

pub fn total_assets(server: &Server) -> u64 {
    let stats = get(&server.url("/api/assets/statistics"), &KEY);
    assert_eq!(stats.status, 200);
    stats.json()["total"].as_u64().expect("total is a number")
}

/// What `GET /api/fake-immich/requests` reports (this call included).
pub fn request_counts(server: &Server) -> Value {
    let counts = get(&server.url("/api/fake-immich/requests"), &[]);
    assert_eq!(counts.status, 200);
    counts.json()
}

/// Queues a fault; panics unless the server took it.
pub fn add_fault(server: &Server, fault: Value) {
    let reply = post_json(&server.url("/api/fake-immich/faults"), &[], &fault);
    let body = String::from_utf8_lossy(&reply.body);
    assert_eq!(reply.status, 204, "{fault} was refused: {body}");
}

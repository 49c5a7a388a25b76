//! Concurrency evidence in the request counts: the most uploads in flight at once, and how
//! often one file arrived while another upload of it was still in flight. Overlap is made by
//! holding back the end of an upload's body, never by timing.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::http::{add_fault, get, request_counts, Form, Reply, KEY};
use common::raw::{request_head, Connection};
use common::{bytes, sha1_hex, Server, TempDir, API_KEY};
use serde_json::json;

/// An upload whose body has only half arrived.
struct HeldUpload {
    connection: Connection,
    rest: Vec<u8>,
}

impl HeldUpload {
    fn start(server: &Server, content: &[u8]) -> Self {
        let (content_type, mut body) = Form::asset("held.jpg", content).finish();
        let checksum = sha1_hex(content);
        let headers = [
            ("content-type", content_type.as_str()),
            ("x-api-key", API_KEY),
            ("x-immich-checksum", checksum.as_str()),
        ];
        let mut connection = Connection::open(server);
        let rest = body.split_off(body.len() / 2);
        let head = request_head("POST", "/api/assets", &headers, body.len() + rest.len());
        connection.send(&[head.as_bytes(), &body].concat());
        Self { connection, rest }
    }

    /// Sends the rest of the body; returns the status.
    fn finish(mut self) -> u16 {
        self.connection.send(&self.rest);
        let head = self.connection.read_head();
        self.connection.read_body(&head);
        head.status
    }
}

fn upload_with_checksum(server: &Server, name: &str, content: &[u8]) -> Reply {
    let checksum = sha1_hex(content);
    Form::asset(name, content).send(
        &server.url("/api/assets"),
        &[KEY[0], ("x-immich-checksum", checksum.as_str())],
    )
}

/// Waits until the server reports `key` at `value` (the server works at its own pace).
fn wait_for(server: &Server, key: &str, value: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while request_counts(server)[key] != value {
        assert!(Instant::now() < deadline, "{key} never reached {value}");
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_same_file_sent_while_its_first_upload_is_in_flight_is_counted() {
    let dir = TempDir::new("same-file");
    let server = Server::start(dir.path(), &[]);
    let content = bytes(1, 100_000);

    let first = HeldUpload::start(&server, &content);
    wait_for(&server, "uploadsInFlight", 1);
    assert_eq!(
        upload_with_checksum(&server, "again.jpg", &content).status,
        201
    );
    assert_eq!(first.finish(), 200, "the held one finds the file stored");

    let counts = request_counts(&server);
    assert_eq!(counts["sameFileConcurrent"], 1);
    assert_eq!(counts["maxConcurrentUploads"], 2);
    assert_eq!(counts["uploadsInFlight"], 0);
}

#[test]
fn sequential_uploads_and_different_files_at_once_are_not_the_same_file_concurrently() {
    let dir = TempDir::new("sequential");
    let server = Server::start(dir.path(), &[]);
    let content = bytes(2, 10_000);
    for round in 0..3 {
        let reply = upload_with_checksum(&server, &format!("again-{round}.jpg"), &content);
        assert!(matches!(reply.status, 200 | 201), "{}", reply.status);
    }
    let counts = request_counts(&server);
    assert_eq!(counts["sameFileConcurrent"], 0);
    assert_eq!(counts["maxConcurrentUploads"], 1);
    let arrivals = get(&server.url("/api/fake-immich/uploads"), &[]).json();
    assert_eq!(
        arrivals[sha1_hex(&content)],
        3,
        "each arrival counted by checksum"
    );
    assert_eq!(arrivals.as_object().map(serde_json::Map::len), Some(1));

    let held = HeldUpload::start(&server, &bytes(3, 10_000));
    wait_for(&server, "uploadsInFlight", 1);
    let other = upload_with_checksum(&server, "other.jpg", &bytes(4, 10_000));
    assert_eq!(other.status, 201);
    assert_eq!(held.finish(), 201);
    let counts = request_counts(&server);
    assert_eq!(counts["sameFileConcurrent"], 0);
    assert_eq!(counts["maxConcurrentUploads"], 2);
}

#[test]
fn an_upload_answered_early_stays_in_flight_until_its_body_is_in() {
    let dir = TempDir::new("early-in-flight");
    let server = Server::start(dir.path(), &[]);
    add_fault(&server, json!({"status": 503}));
    let content = bytes(5, 100_000);

    let refused = HeldUpload::start(&server, &content);
    wait_for(&server, "faultsApplied", 1);
    assert_eq!(
        upload_with_checksum(&server, "again.jpg", &content).status,
        201
    );
    assert_eq!(refused.finish(), 503);
    assert_eq!(request_counts(&server)["sameFileConcurrent"], 1);
}

#[test]
fn an_abandoned_upload_leaves_the_flight() {
    let dir = TempDir::new("abandoned");
    let server = Server::start(dir.path(), &[]);
    let content = bytes(6, 100_000);

    let abandoned = HeldUpload::start(&server, &content);
    wait_for(&server, "uploadsInFlight", 1);
    drop(abandoned);
    wait_for(&server, "uploadsInFlight", 0);
    assert_eq!(
        upload_with_checksum(&server, "again.jpg", &content).status,
        201
    );
    assert_eq!(request_counts(&server)["sameFileConcurrent"], 0);
}

//! Switchable faults: an error status with `Retry-After`, a reset connection, a delay; each
//! bound to one path, used up after its count, counted, and cleared on demand.

mod common;

use std::time::{Duration, Instant};

use common::http::{
    add_fault, delete, get, options, post_json, request_counts, total_assets, upload, Form, KEY,
};
use common::raw::{request_head, Connection};
use common::{bytes, Server, TempDir, API_KEY};
use serde_json::{json, Value};

const FAULTS: &str = "/api/fake-immich/faults";

fn ping(server: &Server) -> u16 {
    get(&server.url("/api/server/ping"), &[]).status
}

#[test]
fn a_status_fault_answers_as_immich_with_retry_after_until_its_count_is_met() {
    let dir = TempDir::new("fault-status");
    let server = Server::start(dir.path(), &[]);
    add_fault(
        &server,
        json!({"status": 503, "retryAfter": "7", "count": 2}),
    );

    for seed in 0..2 {
        let reply = upload(&server, &format!("busy-{seed}.jpg"), &bytes(seed, 1_000));
        assert_eq!(reply.status, 503);
        assert_eq!(reply.header("retry-after"), Some("7"));
        let body = reply.json();
        assert_eq!(body["statusCode"], 503);
        assert_eq!(body["error"], "Service Unavailable");
        assert!(body["message"].is_string(), "{body}");
    }
    assert_eq!(upload(&server, "calm.jpg", &bytes(3, 1_000)).status, 201);
    assert_eq!(total_assets(&server), 1);
    let counts = request_counts(&server);
    assert_eq!(counts["POST /api/assets"], 3, "faulted uploads are counted");
    assert_eq!(counts["faultsApplied"], 2);
}

#[test]
fn a_faulted_upload_is_answered_after_its_body_on_a_connection_that_stays_usable() {
    let dir = TempDir::new("fault-drain");
    let server = Server::start(dir.path(), &[]);
    add_fault(
        &server,
        json!({"status": 429, "retryAfter": "1", "message": "Slow down"}),
    );
    let (content_type, body) = Form::asset("late.jpg", &bytes(4, 50_000)).finish();
    let headers = [
        ("content-type", content_type.as_str()),
        ("x-api-key", API_KEY),
    ];

    let mut connection = Connection::open(&server);
    connection.send(request_head("POST", "/api/assets", &headers, body.len()).as_bytes());
    assert!(
        !connection.has_data_within(Duration::from_millis(300)),
        "answered before the body came: a browser would see its upload reset"
    );
    connection.send(&body);
    let head = connection.read_head();
    assert_eq!(head.status, 429);
    assert_eq!(head.header("retry-after"), Some("1"));
    let answer: Value = serde_json::from_slice(&connection.read_body(&head)).expect("JSON");
    assert_eq!(answer["message"], "Slow down");
    assert_eq!(answer["error"], "Too Many Requests");

    connection.send(request_head("GET", "/api/server/ping", &[], 0).as_bytes());
    assert_eq!(connection.read_head().status, 200);
}

#[test]
fn a_reset_fault_closes_the_connection_without_an_answer() {
    let dir = TempDir::new("fault-reset");
    let server = Server::start(dir.path(), &[]);
    add_fault(&server, json!({"path": "/api/server/ping", "reset": true}));
    let mut connection = Connection::open(&server);
    connection.send(request_head("GET", "/api/server/ping", &[], 0).as_bytes());
    assert!(connection.closed_without_answer());
    server.log_containing("GET /api/server/ping reset");
    assert_eq!(ping(&server), 200, "the fault was used up");

    add_fault(&server, json!({"reset": true}));
    let (content_type, body) = Form::asset("cut.jpg", &bytes(5, 1_000)).finish();
    let headers = [
        ("content-type", content_type.as_str()),
        ("x-api-key", API_KEY),
    ];
    let mut connection = Connection::open(&server);
    let head = request_head("POST", "/api/assets", &headers, body.len());
    connection.send(&[head.as_bytes(), &body].concat());
    assert!(connection.closed_without_answer());
    assert_eq!(total_assets(&server), 0, "a reset upload is not stored");

    let counts = request_counts(&server);
    assert_eq!(counts["GET /api/server/ping"], 2);
    assert_eq!(counts["POST /api/assets"], 1);
    assert_eq!(counts["faultsApplied"], 2);
}

#[test]
fn a_delay_fault_holds_the_request_then_handles_it_or_answers_its_status() {
    let dir = TempDir::new("fault-delay");
    let server = Server::start(dir.path(), &[]);
    let delay = Duration::from_millis(1_000);

    add_fault(
        &server,
        json!({"path": "/api/server/ping", "delayMs": 1000}),
    );
    let started = Instant::now();
    let reply = get(&server.url("/api/server/ping"), &[]);
    assert!(started.elapsed() >= delay);
    assert_eq!(reply.json(), json!({"res": "pong"}));

    add_fault(
        &server,
        json!({"path": "/api/server/ping", "delayMs": 1000, "status": 500}),
    );
    let started = Instant::now();
    assert_eq!(ping(&server), 500);
    assert!(started.elapsed() >= delay);

    add_fault(&server, json!({"delayMs": 1000}));
    let started = Instant::now();
    assert_eq!(upload(&server, "held.jpg", &bytes(6, 1_000)).status, 201);
    assert!(started.elapsed() >= delay);
    assert_eq!(ping(&server), 200);
}

#[test]
fn faults_are_bound_to_their_exact_path_and_applied_in_order() {
    let dir = TempDir::new("fault-paths");
    let server = Server::start(dir.path(), &[]);
    add_fault(
        &server,
        json!({"path": "/api/server/version", "status": 500}),
    );
    add_fault(&server, json!({"status": 503}));
    add_fault(&server, json!({"status": 429}));

    assert_eq!(ping(&server), 200);
    let check = server.url("/api/assets/bulk-upload-check");
    assert_eq!(post_json(&check, &KEY, &json!({"assets": []})).status, 200);
    let version = get(&server.url("/api/server/version?x=1"), &[]);
    assert_eq!(version.status, 500, "the query is not part of the path");
    assert_eq!(get(&server.url("/api/server/version"), &[]).status, 200);

    let content = bytes(7, 1_000);
    assert_eq!(upload(&server, "a.jpg", &content).status, 503);
    assert_eq!(upload(&server, "a.jpg", &content).status, 429);
    assert_eq!(upload(&server, "a.jpg", &content).status, 201);
    assert_eq!(request_counts(&server)["faultsApplied"], 3);
}

#[test]
fn delete_clears_the_queued_faults() {
    let dir = TempDir::new("fault-clear");
    let server = Server::start(dir.path(), &[]);
    add_fault(&server, json!({"status": 500, "count": 5}));
    add_fault(&server, json!({"path": "/api/server/ping", "reset": true}));
    assert_eq!(upload(&server, "a.jpg", &bytes(8, 100)).status, 500);

    assert_eq!(delete(&server.url(FAULTS)).status, 204);
    assert_eq!(upload(&server, "a.jpg", &bytes(8, 100)).status, 201);
    assert_eq!(ping(&server), 200);
    assert_eq!(request_counts(&server)["faultsApplied"], 1);
}

#[test]
fn malformed_faults_are_refused_and_queue_nothing() {
    let dir = TempDir::new("fault-bad");
    let server = Server::start(dir.path(), &[]);
    let refused = [
        json!({}),
        json!({"path": "/api/assets"}),
        json!({"status": 200}),
        json!({"status": 600}),
        json!({"status": 503, "reset": true}),
        json!({"retryAfter": "5", "delayMs": 10}),
        json!({"message": "no status", "reset": true}),
        json!({"status": 503, "retryAfter": "a\nb"}),
        json!({"status": 503, "count": 0}),
        json!({"status": 503, "retry_after": "5"}),
        json!({"path": "/api/fake-immich/requests", "status": 500}),
        json!({"path": "api/assets", "status": 500}),
        json!({"status": "503"}),
    ];
    for fault in refused {
        let reply = post_json(&server.url(FAULTS), &[], &fault);
        assert_eq!(reply.status, 400, "{fault} was taken");
        assert_eq!(reply.json()["statusCode"], 400);
    }
    assert_eq!(upload(&server, "a.jpg", &bytes(9, 100)).status, 201);
    assert_eq!(request_counts(&server)["faultsApplied"], 0);
}

#[test]
fn an_allowed_page_reads_a_faulted_answer_and_its_retry_after() {
    let dir = TempDir::new("fault-cors");
    let origin = "http://localhost:8080";
    let server = Server::start(dir.path(), &["--allow-origin", origin]);
    add_fault(&server, json!({"status": 503, "retryAfter": "5"}));

    let preflight = [
        ("origin", origin),
        ("access-control-request-method", "POST"),
        ("access-control-request-headers", "x-api-key"),
    ];
    let reply = options(&server.url("/api/assets"), &preflight);
    assert_eq!(reply.header("access-control-allow-origin"), Some(origin));

    let reply = Form::asset("a.jpg", &bytes(10, 100))
        .send(&server.url("/api/assets"), &[KEY[0], ("origin", origin)]);
    assert_eq!(reply.status, 503, "the preflight did not use up the fault");
    assert_eq!(reply.header("access-control-allow-origin"), Some(origin));
    let exposed = reply
        .header("access-control-expose-headers")
        .unwrap_or_default();
    assert!(exposed.contains("retry-after"), "{exposed}");
    assert_eq!(reply.header("retry-after"), Some("5"));
}

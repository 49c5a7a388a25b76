//! Uploads: dedupe by content, checksum verification, the pre-upload check, persistence.

mod common;

use std::time::{Duration, Instant};

use common::http::{get, post_json, total_assets, upload, Form, KEY};
use common::raw::{request_head, Connection};
use common::{bytes, sha1_base64, sha1_hex, Server, TempDir, API_KEY};
use serde_json::json;

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.count())
        .unwrap_or(0)
}

#[test]
fn same_bytes_under_another_name_is_a_duplicate_of_the_same_asset() {
    let dir = TempDir::new("dup");
    let server = Server::start(dir.path(), &[]);
    let content = bytes(1, 10_000);

    let first = upload(&server, "beach.jpg", &content);
    assert_eq!(first.status, 201);
    assert_eq!(first.json()["status"], "created");
    let id = first.json()["id"].as_str().expect("id").to_string();

    let second = upload(&server, "copy of beach.jpg", &content);
    assert_eq!(second.status, 200);
    assert_eq!(second.json(), json!({"id": id, "status": "duplicate"}));
    assert_eq!(total_assets(&server), 1);
    assert_eq!(files_in(&dir.path().join("originals")), 1);

    let asset = get(&server.url(&format!("/api/assets/{id}")), &KEY).json();
    assert_eq!(asset["originalFileName"], "beach.jpg");
    assert_eq!(asset["type"], "IMAGE");
    assert_eq!(asset["checksum"], sha1_base64(&content));
    assert_eq!(asset["deviceAssetId"], "beach.jpg");
    assert_eq!(asset["fileCreatedAt"], "2024-05-01T10:20:30.000Z");
    assert_eq!(asset["visibility"], "timeline");
    assert_eq!(asset["isTrashed"], false);

    let original = get(&server.url(&format!("/api/assets/{id}/original")), &KEY);
    assert_eq!(original.status, 200);
    assert_eq!(original.body, content);
}

#[test]
fn the_filename_field_names_the_asset_exactly() {
    let dir = TempDir::new("filename");
    let server = Server::start(dir.path(), &[]);
    let url = server.url("/api/assets");
    let name_of = |reply: common::http::Reply| {
        assert_eq!(reply.status, 201);
        let id = reply.json()["id"].as_str().expect("id").to_string();
        get(&server.url(&format!("/api/assets/{id}")), &KEY).json()["originalFileName"].clone()
    };

    // As a browser sends a name with a double quote: escaped in the part, exact in the field.
    let quoted = Form::asset("say %22cheese%22.jpg", &bytes(16, 100))
        .text("filename", "say \"cheese\".jpg")
        .send(&url, &KEY);
    assert_eq!(name_of(quoted), "say \"cheese\".jpg");

    let empty = Form::asset("part name.jpg", &bytes(17, 100))
        .text("filename", "")
        .send(&url, &KEY);
    assert_eq!(name_of(empty), "part name.jpg");
}

#[test]
fn checksum_header_must_match_the_bytes() {
    let dir = TempDir::new("checksum");
    let server = Server::start(dir.path(), &[]);
    let content = bytes(2, 5_000);
    let url = server.url("/api/assets");

    let wrong = sha1_hex(b"something else");
    let rejected =
        Form::asset("a.jpg", &content).send(&url, &[KEY[0], ("x-immich-checksum", &wrong)]);
    assert_eq!(rejected.status, 400);
    let message = rejected.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("x-immich-checksum"), "{message}");
    assert_eq!(total_assets(&server), 0);
    assert_eq!(files_in(&dir.path().join("originals")), 0);
    assert_eq!(files_in(&dir.path().join("incoming")), 0);

    let garbage =
        Form::asset("a.jpg", &content).send(&url, &[KEY[0], ("x-immich-checksum", "xyz")]);
    assert_eq!(garbage.status, 400);

    let hex = sha1_hex(&content);
    let by_hex = Form::asset("a.jpg", &content).send(&url, &[KEY[0], ("x-immich-checksum", &hex)]);
    assert_eq!(by_hex.status, 201);
    let b64 = sha1_base64(&content);
    let by_b64 = Form::asset("b.jpg", &content).send(&url, &[KEY[0], ("x-immich-checksum", &b64)]);
    assert_eq!(by_b64.status, 200);
}

#[test]
fn incomplete_forms_are_rejected() {
    let dir = TempDir::new("form");
    let server = Server::start(dir.path(), &[]);
    let url = server.url("/api/assets");

    let no_file = Form::new()
        .text("fileCreatedAt", "2024-05-01T10:20:30.000Z")
        .text("fileModifiedAt", "2024-05-01T10:20:30.000Z")
        .send(&url, &KEY);
    assert_eq!(no_file.status, 400);
    assert!(no_file.json()["message"]
        .as_str()
        .unwrap_or_default()
        .contains("assetData"));

    let no_date = Form::new()
        .text("fileModifiedAt", "2024-05-01T10:20:30.000Z")
        .file("assetData", "a.jpg", b"abc")
        .send(&url, &KEY);
    assert_eq!(no_date.status, 400);
    assert!(no_date.json()["message"]
        .as_str()
        .unwrap_or_default()
        .contains("fileCreatedAt"));

    let not_multipart = post_json(&url, &KEY, &json!({}));
    assert_eq!(not_multipart.status, 400);
    let unauthenticated = Form::asset("a.jpg", b"abc").send(&url, &[]);
    assert_eq!(unauthenticated.status, 401);
    assert_eq!(total_assets(&server), 0);
    assert_eq!(files_in(&dir.path().join("incoming")), 0);
}

/// Sends a POST to /api/assets whose body comes late, as from a busy client; returns the status.
fn post_with_late_body(connection: &mut Connection, headers: &[(&str, &str)], body: &str) -> u16 {
    connection.send(request_head("POST", "/api/assets", headers, body.len()).as_bytes());
    std::thread::sleep(Duration::from_millis(300));
    connection.send(body.as_bytes());
    let head = connection.read_head();
    connection.read_body(&head);
    head.status
}

fn assert_ping(connection: &mut Connection) {
    connection.send(request_head("GET", "/api/server/ping", &[], 0).as_bytes());
    let ping = connection.read_head();
    assert_eq!(ping.status, 200);
    assert_eq!(connection.read_body(&ping), br#"{"res":"pong"}"#);
}

/// An answer decided before the body arrives (not a form, no credentials) still leaves the
/// connection open for the next request, as a client that pools connections expects.
#[test]
fn early_rejections_keep_the_connection_usable() {
    let dir = TempDir::new("early");
    let server = Server::start(dir.path(), &[]);
    let mut connection = Connection::open(&server);

    let not_a_form = [("content-type", "application/json"), ("x-api-key", API_KEY)];
    assert_eq!(post_with_late_body(&mut connection, &not_a_form, "{}"), 400);
    assert_ping(&mut connection);

    let form = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b--\r\n";
    let no_credentials = [("content-type", "multipart/form-data; boundary=b")];
    assert_eq!(
        post_with_late_body(&mut connection, &no_credentials, form),
        401
    );
    assert_ping(&mut connection);
}

#[test]
fn text_fields_are_capped_in_size_and_number() {
    let dir = TempDir::new("caps");
    let server = Server::start(dir.path(), &[]);
    let url = server.url("/api/assets");
    let limit = 64 * 1024;

    let oversized = Form::asset("big-note.jpg", &bytes(13, 100))
        .text("note", &"x".repeat(limit + 1))
        .send(&url, &KEY);
    assert_eq!(oversized.status, 400);
    let body = oversized.json();
    assert_eq!(body["statusCode"], 400);
    assert_eq!(body["error"], "Bad Request");
    assert_eq!(body["message"], "field note is larger than 64 KiB");

    let many = (0..64).fold(Form::asset("many.jpg", &bytes(14, 100)), |form, i| {
        form.text(&format!("extra{i}"), "x")
    });
    let refused = many.send(&url, &KEY);
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.json()["message"],
        "the form has more than 64 fields"
    );
    assert_eq!(total_assets(&server), 0);
    assert_eq!(files_in(&dir.path().join("incoming")), 0);

    let at_limit = Form::asset("note.jpg", &bytes(15, 100))
        .text("note", &"x".repeat(limit))
        .send(&url, &KEY);
    assert_eq!(at_limit.status, 201);
}

#[test]
fn bulk_upload_check_accepts_new_and_rejects_known_content() {
    let dir = TempDir::new("bulk");
    let server = Server::start(dir.path(), &[]);
    let known = bytes(3, 2_000);
    let fresh = bytes(4, 2_000);
    let id = upload(&server, "known.jpg", &known).json()["id"].clone();

    let body = json!({"assets": [
        {"id": "by-hex", "checksum": sha1_hex(&known)},
        {"id": "by-base64", "checksum": sha1_base64(&known)},
        {"id": "new", "checksum": sha1_hex(&fresh)},
    ]});
    let reply = post_json(&server.url("/api/assets/bulk-upload-check"), &KEY, &body);
    assert_eq!(reply.status, 200);
    let reject = |client_id: &str| json!({"id": client_id, "action": "reject", "reason": "duplicate", "assetId": id, "isTrashed": false});
    assert_eq!(
        reply.json(),
        json!({"results": [reject("by-hex"), reject("by-base64"), {"id": "new", "action": "accept"}]})
    );

    let bad = json!({"assets": [{"id": "x", "checksum": "nope"}]});
    assert_eq!(
        post_json(&server.url("/api/assets/bulk-upload-check"), &KEY, &bad).status,
        400
    );
}

#[test]
fn statistics_count_images_and_videos() {
    let dir = TempDir::new("stats");
    let server = Server::start(dir.path(), &[]);
    assert_eq!(upload(&server, "a.jpg", &bytes(5, 100)).status, 201);
    assert_eq!(upload(&server, "b.HEIC", &bytes(6, 100)).status, 201);
    assert_eq!(upload(&server, "clip.mov", &bytes(7, 100)).status, 201);
    assert_eq!(upload(&server, "empty.png", &[]).status, 201);
    let stats = get(&server.url("/api/assets/statistics"), &KEY).json();
    assert_eq!(stats, json!({"images": 3, "videos": 1, "total": 4}));
}

#[test]
fn restart_on_the_same_data_dir_keeps_assets() {
    let dir = TempDir::new("restart");
    let content = bytes(8, 70_000);
    let server = Server::start(dir.path(), &[]);
    let id = upload(&server, "kept.jpg", &content).json()["id"].clone();
    let user_id = get(&server.url("/api/users/me"), &KEY).json()["id"].clone();
    server.stop();

    let server = Server::start(dir.path(), &[]);
    assert_eq!(
        get(&server.url("/api/users/me"), &KEY).json()["id"],
        user_id
    );
    assert_eq!(total_assets(&server), 1);
    let id = id.as_str().expect("id");
    let original = get(&server.url(&format!("/api/assets/{id}/original")), &KEY);
    assert_eq!(original.body, content);
    let again = upload(&server, "kept-again.jpg", &content);
    assert_eq!((again.status, again.json()["id"].as_str()), (200, Some(id)));
}

#[test]
fn concurrent_uploads_of_the_same_bytes_make_one_asset() {
    let dir = TempDir::new("race");
    let server = Server::start(dir.path(), &[]);
    let content = bytes(9, 200_000);
    let replies: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (server, content) = (&server, &content);
                scope.spawn(move || upload(server, &format!("racer-{i}.jpg"), content))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("upload thread"))
            .collect()
    });
    let created = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 1, "exactly one upload creates the asset");
    let ids: std::collections::HashSet<_> =
        replies.iter().map(|r| r.json()["id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "every reply names the same asset");
    assert_eq!(total_assets(&server), 1);
    assert_eq!(files_in(&dir.path().join("originals")), 1);
}

#[test]
fn large_files_arrive_intact() {
    let dir = TempDir::new("large");
    let server = Server::start(dir.path(), &[]);
    let content: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let reply = upload(&server, "big.mp4", &content);
    assert_eq!(reply.status, 201);
    let id = reply.json()["id"].as_str().expect("id").to_string();
    let asset = get(&server.url(&format!("/api/assets/{id}")), &KEY).json();
    assert_eq!(asset["checksum"], sha1_base64(&content));
    assert_eq!(asset["type"], "VIDEO");
    assert_eq!(
        get(&server.url(&format!("/api/assets/{id}/original")), &KEY).body,
        content
    );
}

#[test]
fn upload_delay_slows_each_upload() {
    let dir = TempDir::new("delay");
    // Long enough that no busy machine makes a plain GET look delayed.
    let delay = Duration::from_millis(1_500);
    let server = Server::start(dir.path(), &["--upload-delay-ms", "1500"]);
    let started = Instant::now();
    assert_eq!(upload(&server, "slow.jpg", b"slow").status, 201);
    assert!(started.elapsed() >= delay);
    let quick = Instant::now();
    assert_eq!(total_assets(&server), 1);
    assert!(quick.elapsed() < delay, "other routes are not delayed");
}

#[test]
fn stall_body_sends_the_head_first_and_the_body_later() {
    let dir = TempDir::new("stall");
    let stall = Duration::from_millis(2_000);
    let server = Server::start(dir.path(), &["--stall-body-ms", "2000"]);
    let body = json!({"assets": [{"id": "a", "checksum": sha1_hex(b"new")}]}).to_string();
    let headers = [("content-type", "application/json"), ("x-api-key", API_KEY)];
    let head = request_head(
        "POST",
        "/api/assets/bulk-upload-check",
        &headers,
        body.len(),
    );

    let mut connection = Connection::open(&server);
    let started = Instant::now();
    connection.send(format!("{head}{body}").as_bytes());
    let head = connection.read_head();
    assert_eq!(head.status, 200);
    assert!(
        !connection.has_data_within(Duration::from_millis(200)),
        "the body came with the head"
    );
    let reply: serde_json::Value =
        serde_json::from_slice(&connection.read_body(&head)).expect("JSON");
    assert!(started.elapsed() >= stall);
    assert_eq!(reply, json!({"results": [{"id": "a", "action": "accept"}]}));

    let started = Instant::now();
    assert_eq!(upload(&server, "stalled.jpg", b"late").status, 201);
    assert!(started.elapsed() >= stall);
    let quick = Instant::now();
    assert_eq!(total_assets(&server), 1);
    assert!(quick.elapsed() < stall, "other routes are not stalled");
}

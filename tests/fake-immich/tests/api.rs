//! Server info, authentication and error shapes.

mod common;

use common::http::{get, options, post_json, upload, Reply, KEY};
use common::{bytes, Server, TempDir, API_KEY, EMAIL, PASSWORD};
use serde_json::json;

#[test]
fn server_info_needs_no_auth() {
    let dir = TempDir::new("info");
    let server = Server::start(dir.path(), &[]);

    let ping = get(&server.url("/api/server/ping"), &[]);
    assert_eq!((ping.status, ping.json()), (200, json!({"res": "pong"})));

    let version = get(&server.url("/api/server/version"), &[]).json();
    assert_eq!(version["major"], 3, "the sync protocol of v3 servers");
    assert!(version["minor"].is_u64() && version["patch"].is_u64());

    let well_known = get(&server.url("/.well-known/immich"), &[]).json();
    assert_eq!(well_known, json!({"api": {"endpoint": "/api"}}));

    let media = get(&server.url("/api/server/media-types"), &[]).json();
    for ext in [
        ".jpg", ".jpeg", ".png", ".heic", ".webp", ".gif", ".tif", ".tiff", ".dng", ".avif",
    ] {
        assert!(
            media["image"]
                .as_array()
                .is_some_and(|a| a.contains(&json!(ext))),
            "{ext}"
        );
    }
    for ext in [".mp4", ".mov", ".webm"] {
        assert!(
            media["video"]
                .as_array()
                .is_some_and(|a| a.contains(&json!(ext))),
            "{ext}"
        );
    }
    assert_eq!(media["sidecar"], json!([".xmp"]));
}

#[test]
fn bad_or_missing_credentials_are_401_and_secrets_are_never_logged() {
    let dir = TempDir::new("auth");
    let server = Server::start(dir.path(), &[]);
    let me = server.url("/api/users/me");

    let missing = get(&me, &[]);
    assert_eq!(missing.status, 401);
    let body = missing.json();
    assert_eq!(body["message"], "Authentication required");
    assert_eq!(body["error"], "Unauthorized");
    assert_eq!(body["statusCode"], 401);
    assert!(body["correlationId"].is_string());

    let wrong = get(&me, &[("x-api-key", "wrong-key-8c1f")]);
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["message"], "Invalid API key");

    let bad_token = get(&me, &[("authorization", "Bearer not-a-token-5e2a")]);
    assert_eq!(bad_token.status, 401);

    assert_eq!(get(&me, &KEY).status, 200);
    assert_eq!(get(&format!("{me}?apiKey={API_KEY}"), &[]).status, 200);
    let login = post_json(
        &server.url("/api/auth/login"),
        &[],
        &json!({"email": EMAIL, "password": PASSWORD}),
    );
    let token = login.json()["accessToken"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(get(&format!("{me}?sessionKey={token}"), &[]).status, 200);

    let log = server.log_containing("POST /api/auth/login 201");
    assert!(
        log.contains("GET /api/users/me 401"),
        "requests are logged: {log}"
    );
    for secret in [
        API_KEY,
        "wrong-key-8c1f",
        "not-a-token-5e2a",
        PASSWORD,
        token.as_str(),
    ] {
        assert!(!log.contains(secret), "{secret} leaked into the log: {log}");
    }
}

#[test]
fn login_gives_a_bearer_token() {
    let dir = TempDir::new("login");
    let server = Server::start(dir.path(), &[]);
    let login_url = server.url("/api/auth/login");

    let wrong = post_json(
        &login_url,
        &[],
        &json!({"email": EMAIL, "password": "nope"}),
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["message"], "Incorrect email or password");
    assert_eq!(
        post_json(&login_url, &[], &json!({"email": EMAIL})).status,
        400
    );

    let login = post_json(
        &login_url,
        &[],
        &json!({"email": EMAIL, "password": PASSWORD}),
    );
    assert_eq!(login.status, 201);
    let body = login.json();
    assert_eq!(body["userEmail"], EMAIL);
    assert_eq!(body["shouldChangePassword"], false);
    assert_eq!(body["isOnboarded"], true);
    let bearer = format!("Bearer {}", body["accessToken"].as_str().expect("token"));
    let auth = [("authorization", bearer.as_str())];

    let me = get(&server.url("/api/users/me"), &auth);
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["email"], EMAIL);
    assert_eq!(me.json()["id"], body["userId"]);

    let validate = post_json(&server.url("/api/auth/validateToken"), &auth, &json!({}));
    assert_eq!(validate.json(), json!({"authStatus": true}));
}

#[test]
fn api_key_info_grants_all() {
    let dir = TempDir::new("apikey");
    let server = Server::start(dir.path(), &[]);
    let key = get(&server.url("/api/api-keys/me"), &KEY);
    assert_eq!(key.status, 200);
    let body = key.json();
    assert_eq!(body["permissions"], json!(["all"]));
    assert!(body["id"].is_string() && body["createdAt"].is_string());
}

#[test]
fn unknown_routes_and_ids_get_json_errors() {
    let dir = TempDir::new("errors");
    let server = Server::start(dir.path(), &[]);
    let unknown = get(&server.url("/api/does-not-exist"), &KEY);
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["statusCode"], 404);

    assert_eq!(get(&server.url("/api/assets/not-a-uuid"), &KEY).status, 400);
    let missing = get(
        &server.url("/api/assets/6f1c1f8e-8d5c-4f0e-9a57-0c6f3f1d2b3a"),
        &KEY,
    );
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"], "Not Found");
}

fn ping_from(server: &Server, origin: &str) -> Reply {
    get(&server.url("/api/server/ping"), &[("origin", origin)])
}

fn preflight_from(server: &Server, origin: &str) -> Reply {
    let request = [
        ("origin", origin),
        ("access-control-request-method", "POST"),
        (
            "access-control-request-headers",
            "x-api-key,x-immich-checksum",
        ),
    ];
    options(&server.url("/api/assets"), &request)
}

#[test]
fn cors_headers_go_to_allowed_origins_only() {
    let dir = TempDir::new("cors");
    let closed = Server::start(dir.path(), &[]);
    let reply = ping_from(&closed, "http://localhost:8080");
    assert_eq!(reply.status, 200);
    let cors_headers: Vec<_> = reply
        .headers
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .collect();
    assert!(cors_headers.is_empty(), "{cors_headers:?}");
    let preflight = preflight_from(&closed, "http://localhost:8080");
    assert_eq!(preflight.header("access-control-allow-origin"), None);
    closed.stop();

    let allowed = ["http://localhost:8080", "http://127.0.0.1:8080"];
    let server = Server::start(
        dir.path(),
        &["--allow-origin", allowed[0], "--allow-origin", allowed[1]],
    );
    for origin in allowed {
        let reply = ping_from(&server, origin);
        assert_eq!(reply.header("access-control-allow-origin"), Some(origin));
        assert_eq!(
            reply.header("access-control-expose-headers"),
            Some("etag,retry-after")
        );
        let preflight = preflight_from(&server, origin);
        assert_eq!(
            preflight.header("access-control-allow-origin"),
            Some(origin)
        );
        let headers = preflight
            .header("access-control-allow-headers")
            .unwrap_or_default();
        for header in [
            "x-api-key",
            "x-immich-checksum",
            "if-none-match",
            "cache-control",
        ] {
            assert!(headers.contains(header), "{header} in {headers}");
        }
    }
    for foreign in ["http://localhost:8081", "https://evil.example"] {
        let reply = ping_from(&server, foreign);
        assert_eq!(reply.header("access-control-allow-origin"), None);
        let preflight = preflight_from(&server, foreign);
        assert_eq!(preflight.header("access-control-allow-origin"), None);
    }
}

#[test]
fn an_allowed_origin_must_be_an_origin() {
    let dir = TempDir::new("bad-origin");
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_fake-immich"))
        .args(["--port", "0", "--data-dir"])
        .arg(dir.path())
        .args(["--allow-origin", "http://localhost:8080/app"])
        .output()
        .expect("run fake-immich");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("is not an origin"), "{stderr}");
}

fn key_in(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(dir.join("api-key")).expect("the key file");
    text.trim().to_string()
}

#[test]
fn without_an_api_key_a_random_one_is_kept_in_the_data_dir() {
    let dir = TempDir::new("key-file");
    let me = |server: &Server, key: &str| get(&server.url("/api/users/me"), &[("x-api-key", key)]);

    let server = Server::start_with_args(dir.path(), &[]);
    let key = key_in(dir.path());
    assert_eq!(key.len(), 64, "{key}");
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let metadata = std::fs::metadata(dir.path().join("api-key")).expect("metadata");
        assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(me(&server, &key).status, 200);
    assert_eq!(me(&server, API_KEY).status, 401);
    let log = server.log_containing("GET /api/users/me 401");
    assert!(!log.contains(&key), "the key leaked into the log: {log}");
    server.stop();

    let restarted = Server::start_with_args(dir.path(), &[]);
    assert_eq!(key_in(dir.path()), key);
    assert_eq!(me(&restarted, &key).status, 200);
    restarted.stop();

    let explicit = Server::start(dir.path(), &[]);
    assert_eq!(me(&explicit, API_KEY).status, 200);
    assert_eq!(me(&explicit, &key).status, 401);
    assert_eq!(
        key_in(dir.path()),
        key,
        "an explicit key leaves the file alone"
    );

    let other_dir = TempDir::new("key-file-other");
    let _other = Server::start_with_args(other_dir.path(), &[]);
    assert_ne!(key_in(other_dir.path()), key);
}

#[test]
fn requests_are_counted_per_route_including_failures() {
    let dir = TempDir::new("counts");
    let server = Server::start(dir.path(), &[]);
    let counts_url = server.url("/api/fake-immich/requests");
    assert_eq!(
        get(&counts_url, &[]).json(),
        json!({
            "GET /api/fake-immich/requests": 1,
            "uploadsInFlight": 0,
            "maxConcurrentUploads": 0,
            "sameFileConcurrent": 0,
            "faultsApplied": 0,
        })
    );

    get(&server.url("/api/server/ping"), &[]);
    get(&server.url("/api/server/ping"), &[]);
    assert_eq!(get(&server.url("/api/users/me"), &[]).status, 401);
    let check = server.url("/api/assets/bulk-upload-check");
    assert_eq!(post_json(&check, &KEY, &json!({"assets": []})).status, 200);
    assert_eq!(post_json(&check, &KEY, &json!({"nope": 1})).status, 400);
    let created = upload(&server, "counted.jpg", &bytes(20, 100));
    let id = created.json()["id"].as_str().expect("id").to_string();
    get(&server.url(&format!("/api/assets/{id}")), &KEY);
    get(&server.url("/api/no-such-route"), &KEY);

    let counts = get(&counts_url, &[]);
    assert_eq!(counts.status, 200);
    assert_eq!(
        counts.json(),
        json!({
            "GET /api/fake-immich/requests": 2,
            "GET /api/server/ping": 2,
            "GET /api/users/me": 1,
            "POST /api/assets/bulk-upload-check": 2,
            "POST /api/assets": 1,
            "GET /api/assets/{id}": 1,
            "GET (no route)": 1,
            "uploadsInFlight": 0,
            "maxConcurrentUploads": 1,
            "sameFileConcurrent": 0,
            "faultsApplied": 0,
        })
    );
}

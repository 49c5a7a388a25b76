//! Albums: list, create, read with assets, add assets with per-id results.

mod common;

use common::http::{asset_id, get, post_json, put_json, upload, KEY};
use common::{bytes, Server, TempDir, EMAIL, PASSWORD};
use serde_json::{json, Value};

const UNKNOWN: &str = "6f1c1f8e-8d5c-4f0e-9a57-0c6f3f1d2b3a";

fn create(server: &Server, body: Value) -> Value {
    let reply = post_json(&server.url("/api/albums"), &KEY, &body);
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

fn album(server: &Server, id: &str) -> Value {
    let reply = get(&server.url(&format!("/api/albums/{id}")), &KEY);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

fn add(server: &Server, id: &str, ids: &[&str]) -> Value {
    let url = server.url(&format!("/api/albums/{id}/assets"));
    let reply = put_json(&url, &KEY, &json!({ "ids": ids }));
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

fn ids_of(assets: &Value) -> Vec<&str> {
    let assets = assets.as_array().expect("an array");
    assets.iter().filter_map(|a| a["id"].as_str()).collect()
}

#[test]
fn albums_are_created_listed_read_and_filled() {
    let dir = TempDir::new("albums");
    let server = Server::start(dir.path(), &[]);
    let list = server.url("/api/albums");
    assert_eq!(get(&list, &KEY).json(), json!([]));
    let a = asset_id(&upload(&server, "a.jpg", &bytes(1, 100)));
    let b = asset_id(&upload(&server, "b.jpg", &bytes(2, 100)));

    let empty = create(&server, json!({"albumName": "Empty"}));
    assert_eq!(empty["albumName"], "Empty");
    assert_eq!(empty["description"], "");
    assert_eq!(empty["assetCount"], 0);
    assert_eq!(empty["assets"], json!([]));
    assert_eq!(empty["albumThumbnailAssetId"], Value::Null);
    assert_eq!(empty["shared"], false);
    let me = get(&server.url("/api/users/me"), &KEY).json();
    assert_eq!(empty["ownerId"], me["id"]);
    assert_eq!(empty["owner"]["email"], EMAIL);
    assert!(empty["createdAt"].is_string() && empty["updatedAt"].is_string());
    assert!(empty.get("startDate").is_none(), "{empty}");

    // Assets the caller does not have are dropped without a word, as Immich does.
    let trip = create(
        &server,
        json!({"albumName": "Trip", "description": "Summer", "assetIds": [a, UNKNOWN, a]}),
    );
    assert_eq!(trip["description"], "Summer");
    assert_eq!(trip["assetCount"], 1);
    assert_eq!(ids_of(&trip["assets"]), [a.as_str()]);
    assert_eq!(trip["albumThumbnailAssetId"], a);
    assert_eq!(trip["assets"][0]["originalFileName"], "a.jpg");
    let trip_id = trip["id"].as_str().expect("id");

    // Timestamps have milliseconds: let the clock move before the change.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let results = add(&server, trip_id, &[&b, &a, UNKNOWN, &b]);
    assert_eq!(
        results,
        json!([
            {"id": b, "success": true},
            {"id": a, "success": false, "error": "duplicate"},
            {"id": UNKNOWN, "success": false, "error": "no_permission"},
            {"id": b, "success": false, "error": "duplicate"},
        ])
    );
    let read = album(&server, trip_id);
    assert_eq!(read["assetCount"], 2);
    let mut ids = ids_of(&read["assets"]);
    ids.sort_unstable();
    let mut expected = [a.as_str(), b.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert_ne!(
        read["updatedAt"], trip["updatedAt"],
        "adding bumps updatedAt"
    );
    assert_eq!(read["startDate"], "2024-05-01T10:20:30.000Z");
    let bare = get(
        &server.url(&format!("/api/albums/{trip_id}?withoutAssets=true")),
        &KEY,
    );
    assert_eq!(
        (
            bare.json()["assets"].clone(),
            bare.json()["assetCount"].clone()
        ),
        (json!([]), json!(2))
    );

    // Newest first, with counts but without the assets themselves.
    let listed = get(&list, &KEY).json();
    let names: Vec<_> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|al| al["albumName"].clone())
        .collect();
    assert_eq!(names, [json!("Trip"), json!("Empty")]);
    assert_eq!(listed[0]["assetCount"], 2);
    assert_eq!(listed[0]["assets"], json!([]));
    let holding_b = get(&server.url(&format!("/api/albums?assetId={b}")), &KEY).json();
    assert_eq!(ids_of(&holding_b), [trip_id]);
    assert_eq!(
        get(&server.url("/api/albums?shared=true"), &KEY).json(),
        json!([])
    );
    assert_eq!(
        get(&server.url("/api/albums?shared=false"), &KEY)
            .json()
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Albums live in the database like assets: a restart keeps them.
    let trip_id = trip_id.to_string();
    server.stop();
    let server = Server::start(dir.path(), &[]);
    assert_eq!(album(&server, &trip_id)["assetCount"], 2);
}

#[test]
fn a_session_works_like_the_api_key() {
    let dir = TempDir::new("albums-session");
    let server = Server::start(dir.path(), &[]);
    let login = post_json(
        &server.url("/api/auth/login"),
        &[],
        &json!({"email": EMAIL, "password": PASSWORD}),
    );
    let bearer = format!(
        "Bearer {}",
        login.json()["accessToken"].as_str().expect("token")
    );
    let auth = [("authorization", bearer.as_str())];
    let created = post_json(
        &server.url("/api/albums"),
        &auth,
        &json!({"albumName": "S"}),
    );
    assert_eq!(created.status, 201);
    let id = created.json()["id"].as_str().expect("id").to_string();
    let a = asset_id(&upload(&server, "s.jpg", &bytes(3, 100)));
    let url = server.url(&format!("/api/albums/{id}/assets"));
    let added = put_json(&url, &auth, &json!({"ids": [a]}));
    assert_eq!(added.json(), json!([{"id": a, "success": true}]));
    assert_eq!(
        get(&server.url("/api/albums"), &auth).json()[0]["assetCount"],
        1
    );
}

#[test]
fn bad_requests_and_foreign_albums_are_refused_as_immich_does() {
    let dir = TempDir::new("albums-refused");
    let server = Server::start(dir.path(), &[]);
    let list = server.url("/api/albums");
    for reply in [
        get(&list, &[]),
        post_json(&list, &[], &json!({"albumName": "x"})),
        put_json(
            &server.url(&format!("/api/albums/{UNKNOWN}/assets")),
            &[],
            &json!({"ids": []}),
        ),
    ] {
        assert_eq!(reply.status, 401);
    }
    for body in [
        json!({}),
        json!({"albumName": 5}),
        json!({"albumName": "x", "assetIds": ["nope"]}),
    ] {
        assert_eq!(post_json(&list, &KEY, &body).status, 400, "{body}");
    }
    for query in ["?shared=maybe", "?assetId=nope"] {
        assert_eq!(get(&format!("{list}{query}"), &KEY).status, 400, "{query}");
    }
    assert_eq!(get(&server.url("/api/albums/not-a-uuid"), &KEY).status, 400);

    let unknown = get(&server.url(&format!("/api/albums/{UNKNOWN}")), &KEY);
    assert_eq!(unknown.status, 400);
    assert_eq!(
        unknown.json()["message"],
        "Not found or no album.read access"
    );
    let url = server.url(&format!("/api/albums/{UNKNOWN}/assets"));
    let add_unknown = put_json(&url, &KEY, &json!({"ids": []}));
    assert_eq!(add_unknown.status, 400);
    assert_eq!(
        add_unknown.json()["message"],
        "Not found or no albumAsset.create access"
    );

    let id = create(&server, json!({"albumName": "x"}))["id"]
        .as_str()
        .expect("id")
        .to_string();
    let url = server.url(&format!("/api/albums/{id}/assets"));
    assert_eq!(put_json(&url, &KEY, &json!({"ids": ["nope"]})).status, 400);
    assert_eq!(put_json(&url, &KEY, &json!({})).status, 400);
}

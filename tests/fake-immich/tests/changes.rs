//! The endpoints that change assets and albums, as clients see their answers (the sync streams
//! they cause are in sync_fixtures), thumbnails, and the test switches adding users and assets.

mod common;

use common::http::{get, post_json, send_json, KEY};
use common::sync::{add_user, Client};
use common::{bytes, sha1_base64, Server, TempDir, EMAIL, PASSWORD};
use serde_json::json;

#[test]
fn assets_are_updated_trashed_restored_and_deleted() {
    let dir = TempDir::new("changes-assets");
    let server = Server::start(dir.path(), &[]);
    let me = Client::login(&server, EMAIL, PASSWORD);
    let a = me.upload("a.jpg", &bytes(1, 64));
    let b = me.upload("b.jpg", &bytes(2, 64));

    let path = format!("/api/assets/{a}");
    let body = json!({ "isFavorite": true, "description": "sunset" });
    let updated = me.expect("PUT", &path, body, 200).json();
    assert_eq!(
        (updated["id"].clone(), updated["isFavorite"].clone()),
        (json!(a), json!(true))
    );
    let bad = me.send("PUT", &path, json!({ "visibility": "secret" }));
    assert_eq!(bad.status, 400);
    assert!(bad.json()["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("visibility must be one of")));
    me.expect(
        "PUT",
        "/api/assets",
        json!({ "ids": [a, b], "visibility": "archive" }),
        204,
    );
    assert_eq!(me.call("GET", &path).json()["isArchived"], true);

    me.expect("DELETE", "/api/assets", json!({ "ids": [a] }), 204);
    let stats = get(&server.url("/api/assets/statistics"), &KEY).json();
    assert_eq!(stats["total"], 1, "the trash is not counted");
    let check = json!({ "assets": [{ "id": "x", "checksum": sha1_base64(&bytes(1, 64)) }] });
    let checked = post_json(&server.url("/api/assets/bulk-upload-check"), &KEY, &check).json();
    assert_eq!(checked["results"][0]["isTrashed"], true);
    assert_eq!(checked["results"][0]["assetId"], a.as_str());

    let restored = me.expect(
        "POST",
        "/api/trash/restore/assets",
        json!({ "ids": [a, b] }),
        200,
    );
    assert_eq!(
        restored.json(),
        json!({ "count": 1 }),
        "b was not in the trash"
    );
    me.expect("DELETE", "/api/assets", json!({ "ids": [a, b] }), 204);
    assert_eq!(
        me.call("POST", "/api/trash/restore").json(),
        json!({ "count": 2 })
    );
    me.expect("DELETE", "/api/assets", json!({ "ids": [b] }), 204);
    assert_eq!(
        me.call("POST", "/api/trash/empty").json(),
        json!({ "count": 1 })
    );
    assert_eq!(me.call("GET", &format!("/api/assets/{b}")).status, 404);
    assert_eq!(
        me.call("GET", &format!("/api/assets/{a}/original")).status,
        200
    );
    me.expect(
        "DELETE",
        "/api/assets",
        json!({ "ids": [a], "force": true }),
        204,
    );
    assert_eq!(
        me.call("GET", &format!("/api/assets/{a}/original")).status,
        404
    );
    assert!(std::fs::read_dir(dir.path().join("originals")).is_ok_and(|mut d| d.next().is_none()));
}

#[test]
fn other_users_assets_and_albums_are_refused() {
    let dir = TempDir::new("changes-access");
    let server = Server::start(dir.path(), &[]);
    add_user(&server, "other@example.org", "pw", "Other");
    let me = Client::login(&server, EMAIL, PASSWORD);
    let other = Client::login(&server, "other@example.org", "pw");
    let theirs = other.upload("theirs.jpg", &bytes(5, 10));
    let mine = me.upload("mine.jpg", &bytes(6, 10));

    let update = me.send(
        "PUT",
        &format!("/api/assets/{theirs}"),
        json!({ "isFavorite": true }),
    );
    assert_eq!(update.status, 400);
    assert_eq!(
        update.json()["message"],
        "Not found or no asset.update access"
    );
    let delete = me.send(
        "DELETE",
        "/api/assets",
        json!({ "ids": [mine, theirs], "force": true }),
    );
    assert_eq!(delete.status, 400);
    assert_eq!(
        delete.json()["message"],
        "Not found or no asset.delete access"
    );
    assert_eq!(
        me.call("GET", &format!("/api/assets/{mine}")).status,
        200,
        "nothing was deleted"
    );
    let restore = me.send(
        "POST",
        "/api/trash/restore/assets",
        json!({ "ids": [theirs] }),
    );
    assert_eq!(restore.status, 400);

    let album = other
        .expect("POST", "/api/albums", json!({ "albumName": "Theirs" }), 201)
        .json();
    let album = album["id"].as_str().expect("id").to_string();
    let rename = me.send(
        "PATCH",
        &format!("/api/albums/{album}"),
        json!({ "albumName": "Mine" }),
    );
    assert_eq!(rename.status, 400);
    assert_eq!(
        me.send("DELETE", &format!("/api/albums/{album}"), json!({}))
            .status,
        400
    );
}

#[test]
fn albums_are_renamed_emptied_and_deleted() {
    let dir = TempDir::new("changes-albums");
    let server = Server::start(dir.path(), &[]);
    let me = Client::login(&server, EMAIL, PASSWORD);
    let a = me.upload("a.jpg", &bytes(1, 10));
    let b = me.upload("b.jpg", &bytes(2, 10));
    let album = me.expect(
        "POST",
        "/api/albums",
        json!({ "albumName": "Trip", "assetIds": [a, b] }),
        201,
    );
    let id = album.json()["id"].as_str().expect("id").to_string();
    assert_eq!(album.json()["albumThumbnailAssetId"], a.as_str());

    let path = format!("/api/albums/{id}");
    let renamed = me.expect(
        "PATCH",
        &path,
        json!({ "albumName": "Trip 2", "description": "d" }),
        200,
    );
    assert_eq!(
        (
            renamed.json()["albumName"].clone(),
            renamed.json()["description"].clone()
        ),
        (json!("Trip 2"), json!("d"))
    );
    let bad_thumbnail = me.send(
        "PATCH",
        &path,
        json!({ "albumThumbnailAssetId": "6f1c1f8e-8d5c-4f0e-9a57-0c6f3f1d2b3a" }),
    );
    assert_eq!(bad_thumbnail.status, 400);

    let removed = me.expect(
        "DELETE",
        &format!("{path}/assets"),
        json!({ "ids": [a, a] }),
        200,
    );
    let expected =
        json!([{ "id": a, "success": true }, { "id": a, "success": false, "error": "not_found" }]);
    assert_eq!(removed.json(), expected);
    let info = me.call("GET", &path).json();
    assert_eq!(
        (
            info["assetCount"].clone(),
            info["albumThumbnailAssetId"].clone()
        ),
        (json!(1), json!(b))
    );

    me.expect("DELETE", &path, json!({}), 204);
    assert_eq!(me.call("GET", &path).status, 400);
    assert_eq!(me.call("GET", "/api/albums").json(), json!([]));
    assert_eq!(
        me.call("GET", &format!("/api/assets/{a}")).status,
        200,
        "assets stay"
    );
}

#[test]
fn thumbnails_are_served_to_those_who_may_see_the_asset() {
    let dir = TempDir::new("changes-thumbnails");
    let server = Server::start(dir.path(), &[]);
    add_user(&server, "partner@example.org", "pw", "Partner");
    add_user(&server, "stranger@example.org", "pw", "Stranger");
    let me = Client::login(&server, EMAIL, PASSWORD);
    let partner = Client::login(&server, "partner@example.org", "pw");
    let stranger = Client::login(&server, "stranger@example.org", "pw");
    let photo = me.upload("photo.png", &bytes(7, 300));
    let video = me.upload("clip.mp4", &bytes(8, 300));

    let cookie = format!("immich_access_token={}", me.token);
    let thumbnail = get(
        &server.url(&format!("/api/assets/{photo}/thumbnail")),
        &[("cookie", &cookie)],
    );
    assert_eq!(thumbnail.status, 200);
    assert_eq!(thumbnail.header("content-type"), Some("image/png"));
    assert_eq!(thumbnail.body, bytes(7, 300));
    let placeholder = me.call(
        "GET",
        &format!("/api/assets/{video}/thumbnail?size=preview"),
    );
    assert_eq!(placeholder.status, 200);
    assert!(placeholder.body.starts_with(b"\x89PNG"));

    let path = format!("/api/assets/{photo}/thumbnail");
    assert_eq!(partner.call("GET", &path).status, 400);
    me.expect(
        "POST",
        "/api/partners",
        json!({ "sharedWithId": partner.user_id }),
        201,
    );
    assert_eq!(partner.call("GET", &path).status, 200);
    let refused = stranger.call("GET", &path);
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.json()["message"],
        "Not found or no asset.view access"
    );
}

#[test]
fn the_user_switch_adds_users_who_log_in_and_upload() {
    let dir = TempDir::new("changes-users");
    let server = Server::start(dir.path(), &[]);
    let url = server.url("/api/fake-immich/users");
    let body = json!({ "email": "p@example.org", "password": "one", "name": "P" });
    let added = post_json(&url, &[], &body);
    assert_eq!(added.status, 201);
    let added = added.json();
    let key = added["apiKey"].as_str().expect("apiKey").to_string();

    let again = json!({ "email": "p@example.org", "password": "two", "name": "P2" });
    let same = post_json(&url, &[], &again);
    assert_eq!(same.status, 200);
    assert_eq!(
        (same.json()["id"].clone(), same.json()["apiKey"].clone()),
        (added["id"].clone(), json!(key))
    );
    let login = json!({ "email": "p@example.org", "password": "two" });
    let session = post_json(&server.url("/api/auth/login"), &[], &login);
    assert_eq!(session.status, 201);
    assert_eq!(session.json()["isAdmin"], false);
    assert_eq!(session.json()["name"], "P2");

    let me = get(&server.url("/api/users/me"), &[("x-api-key", &key)]);
    assert_eq!(me.json()["id"], added["id"]);
    let bad = send_json(
        "POST",
        &url,
        &[],
        &json!({ "email": "", "password": "x", "name": "" }),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn the_generate_switch_makes_many_viewable_photos_at_once() {
    let dir = TempDir::new("changes-generate");
    let server = Server::start(dir.path(), &[]);
    let url = server.url("/api/fake-immich/assets/generate");
    let made = post_json(&url, &[], &json!({ "email": EMAIL, "count": 3 }));
    assert_eq!((made.status, made.json()), (201, json!({ "count": 3 })));
    let unknown = post_json(
        &url,
        &[],
        &json!({ "email": "nobody@example.org", "count": 3 }),
    );
    assert_eq!(unknown.status, 404);
    for count in [0, 200_001] {
        let refused = post_json(&url, &[], &json!({ "email": EMAIL, "count": count }));
        assert_eq!(refused.status, 400);
    }

    let me = Client::login(&server, EMAIL, PASSWORD);
    let assets = common::sync::lines(&me.stream_reply(&["AssetsV2"], false).body);
    let names: Vec<&str> = assets[..3]
        .iter()
        .map(|a| a["data"]["originalFileName"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "generated-000000.png",
            "generated-000001.png",
            "generated-000002.png"
        ]
    );
    assert_eq!(
        assets[0]["data"]["fileCreatedAt"],
        "2025-06-30T12:00:00.000Z"
    );
    assert_eq!(
        assets[1]["data"]["fileCreatedAt"],
        "2025-06-30T11:23:00.000Z"
    );
    let id = assets[2]["data"]["id"].as_str().expect("id");
    let thumbnail = me.call("GET", &format!("/api/assets/{id}/thumbnail"));
    assert_eq!(thumbnail.header("content-type"), Some("image/png"));
    assert!(thumbnail.body.starts_with(b"\x89PNG"));
    assert_eq!(
        sha1_base64(&thumbnail.body),
        assets[2]["data"]["checksum"].as_str().expect("sum")
    );
    assert_eq!(
        get(&server.url("/api/assets/statistics"), &KEY).json()["images"],
        3
    );
}

//! The scenario recorded from a real Immich v3.1.0 (tests/fixtures/README in the shared fixtures:
//! uploads, a partner, an album; then favorite, trash, restore, hide, album removal and deletes;
//! then the album and the partnership gone; then a reset), replayed through the same endpoints:
//! every stream must have the recorded types in the recorded order, the same data keys and acks
//! of the same form.

mod common;

use common::sync::{add_user, assert_same_shapes, fixture, Client, ALL_TYPES};
use common::{bytes, Server, TempDir};
use serde_json::{json, Value};

fn find<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|line| line["type"] == kind).collect()
}

#[test]
fn the_recorded_scenario_streams_the_recorded_shapes() {
    let dir = TempDir::new("sync-fixtures");
    let server = Server::start(dir.path(), &[]);
    add_user(&server, "probe@example.org", "probe-pw", "probe");
    add_user(&server, "capture@example.org", "capture-pw", "Capture User");
    add_user(&server, "partner@example.org", "partner-pw", "Partner User");
    let capture = Client::login(&server, "capture@example.org", "capture-pw");
    let partner = Client::login(&server, "partner@example.org", "partner-pw");

    let red = capture.upload("red.jpg", &bytes(1, 242));
    let green = capture.upload("green.jpg", &bytes(2, 241));
    let blue = capture.upload("blue photo ünï.jpg", &bytes(3, 242));
    assert_eq!(capture.upload("red-copy.jpg", &bytes(1, 242)), red);
    let yellow = partner.upload("yellow.jpg", &bytes(4, 242));
    let share = json!({ "sharedWithId": capture.user_id });
    partner.expect("POST", "/api/partners", share, 201);
    let album = json!({ "albumName": "Capture album", "assetIds": [red, green] });
    let album = capture.expect("POST", "/api/albums", album, 201).json();
    let album = album["id"].as_str().expect("album id").to_string();

    let first = capture.stream(&ALL_TYPES);
    assert_same_shapes(&first, &fixture("01-first-sync.jsonl"));
    assert_eq!(
        find(&first, "PartnerAssetV2")[0]["data"]["id"],
        yellow.as_str()
    );
    assert_eq!(
        find(&first, "AuthUserV1")[0]["data"]["quotaUsageInBytes"],
        725
    );
    capture.ack_all(&first);

    assert_same_shapes(
        &capture.stream(&ALL_TYPES),
        &fixture("02-nothing-new.jsonl"),
    );

    capture.expect(
        "PUT",
        &format!("/api/assets/{green}"),
        json!({ "isFavorite": true }),
        200,
    );
    capture.expect("DELETE", "/api/assets", json!({ "ids": [blue] }), 204);
    let restored = capture.expect(
        "POST",
        "/api/trash/restore/assets",
        json!({ "ids": [blue] }),
        200,
    );
    assert_eq!(restored.json(), json!({ "count": 1 }));
    let hide = json!({ "ids": [green], "visibility": "hidden" });
    capture.expect("PUT", "/api/assets", hide, 204);
    let removal = capture.expect(
        "DELETE",
        &format!("/api/albums/{album}/assets"),
        json!({ "ids": [red] }),
        200,
    );
    assert_eq!(removal.json(), json!([{ "id": red, "success": true }]));
    capture.expect(
        "DELETE",
        "/api/assets",
        json!({ "ids": [red], "force": true }),
        204,
    );
    partner.expect(
        "DELETE",
        "/api/assets",
        json!({ "ids": [yellow], "force": true }),
        204,
    );

    let incremental = capture.stream(&ALL_TYPES);
    assert_same_shapes(&incremental, &fixture("03-incremental.jsonl"));
    let assets = find(&incremental, "AssetV2");
    assert_eq!(assets[0]["data"]["id"], blue.as_str());
    assert_eq!(assets[0]["data"]["deletedAt"], Value::Null);
    assert_eq!(assets[1]["data"]["id"], green.as_str());
    assert_eq!(assets[1]["data"]["isFavorite"], true);
    assert_eq!(assets[1]["data"]["visibility"], "hidden");
    assert_eq!(
        find(&incremental, "AssetDeleteV1")[0]["data"]["assetId"],
        red.as_str()
    );
    assert_eq!(
        find(&incremental, "PartnerAssetDeleteV1")[0]["data"]["assetId"],
        yellow.as_str()
    );
    assert_eq!(
        find(&incremental, "AlbumV1")[0]["data"]["thumbnailAssetId"],
        green.as_str()
    );
    let unlinked = &find(&incremental, "AlbumToAssetDeleteV1")[0]["data"];
    assert_eq!(*unlinked, json!({ "assetId": red, "albumId": album }));
    assert_eq!(
        find(&incremental, "AuthUserV1")[0]["data"]["quotaUsageInBytes"],
        483
    );
    capture.ack_all(&incremental);

    capture.expect("DELETE", &format!("/api/albums/{album}"), json!({}), 204);
    partner.expect(
        "DELETE",
        &format!("/api/partners/{}", capture.user_id),
        json!({}),
        204,
    );
    let gone = capture.stream(&ALL_TYPES);
    assert_same_shapes(&gone, &fixture("04-album-and-partner-gone.jsonl"));
    assert_eq!(
        find(&gone, "AlbumDeleteV1")[0]["data"],
        json!({ "albumId": album })
    );
    let partnership = json!({ "sharedById": partner.user_id, "sharedWithId": capture.user_id });
    assert_eq!(find(&gone, "PartnerDeleteV1")[0]["data"], partnership);
    capture.ack_all(&gone);

    let reset = capture.stream_reply(&["AssetsV2"], true);
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert_same_shapes(
        &capture.stream(&ALL_TYPES),
        &fixture("05-after-reset.jsonl"),
    );
}

#[test]
fn a_partners_stream_shows_the_other_side() {
    let dir = TempDir::new("sync-partner-side");
    let server = Server::start(dir.path(), &[]);
    add_user(&server, "a@example.org", "a-pw", "A");
    add_user(&server, "b@example.org", "b-pw", "B");
    let a = Client::login(&server, "a@example.org", "a-pw");
    let b = Client::login(&server, "b@example.org", "b-pw");
    a.upload("a.jpg", &bytes(1, 50));
    a.expect(
        "POST",
        "/api/partners",
        json!({ "sharedWithId": b.user_id }),
        201,
    );

    // The sharer sees the partnership, not its own assets as partner assets.
    let sharer = a.stream(&ALL_TYPES);
    assert_eq!(find(&sharer, "PartnerV1").len(), 1);
    assert!(find(&sharer, "PartnerAssetV2").is_empty());
    assert_eq!(find(&sharer, "AssetV2").len(), 1);
    let receiver = b.stream(&ALL_TYPES);
    assert_eq!(find(&receiver, "PartnerAssetV2").len(), 1);
    assert_eq!(find(&receiver, "PartnerAssetExifV1").len(), 1);
    assert!(find(&receiver, "AssetV2").is_empty());
}

#[test]
fn trash_descriptions_and_deletes_reach_owner_and_partner() {
    let dir = TempDir::new("sync-trash");
    let server = Server::start(dir.path(), &[]);
    add_user(&server, "owner@example.org", "pw", "Owner");
    add_user(&server, "viewer@example.org", "pw", "Viewer");
    let owner = Client::login(&server, "owner@example.org", "pw");
    let viewer = Client::login(&server, "viewer@example.org", "pw");
    let photo = owner.upload("p.jpg", &bytes(1, 30));
    owner.expect(
        "POST",
        "/api/partners",
        json!({ "sharedWithId": viewer.user_id }),
        201,
    );
    owner.ack_all(&owner.stream(&ALL_TYPES));
    viewer.ack_all(&viewer.stream(&ALL_TYPES));

    owner.expect("DELETE", "/api/assets", json!({ "ids": [photo] }), 204);
    let body = json!({ "description": "at the lake" });
    owner.expect("PUT", &format!("/api/assets/{photo}"), body, 200);
    let trashed = owner.stream(&ALL_TYPES);
    let asset = &find(&trashed, "AssetV2")[0]["data"];
    assert!(asset["deletedAt"]
        .as_str()
        .is_some_and(|at| at.ends_with('Z')));
    assert_eq!(
        find(&trashed, "AssetExifV1")[0]["data"]["description"],
        "at the lake"
    );
    let seen = viewer.stream(&ALL_TYPES);
    assert!(find(&seen, "PartnerAssetV2")[0]["data"]["deletedAt"].is_string());
    owner.ack_all(&trashed);
    viewer.ack_all(&seen);

    owner.expect("POST", "/api/trash/empty", json!({}), 200);
    let deleted = owner.stream(&ALL_TYPES);
    assert_eq!(
        find(&deleted, "AssetDeleteV1")[0]["data"],
        json!({ "assetId": photo })
    );
    let gone = viewer.stream(&ALL_TYPES);
    assert_eq!(
        find(&gone, "PartnerAssetDeleteV1")[0]["data"],
        json!({ "assetId": photo })
    );
}

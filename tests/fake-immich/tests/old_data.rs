//! A data directory written before sync existed (its tables as they were) opens: its users,
//! sessions, assets and albums are stamped once and stream like new ones.

mod common;

use common::sync::{types_of, Client, ALL_TYPES};
use common::{Server, TempDir, API_KEY, EMAIL, PASSWORD};
use rusqlite::{params, Connection};

/// The schema before sync, as the released binary created it.
const OLD_SCHEMA: &str = "
CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    password TEXT NOT NULL, api_key TEXT NOT NULL, api_key_id TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL);
CREATE TABLE assets (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES users(id),
    checksum BLOB NOT NULL, asset_type TEXT NOT NULL, original_file_name TEXT NOT NULL,
    device_asset_id TEXT, device_id TEXT, file_created_at TEXT NOT NULL,
    file_modified_at TEXT NOT NULL, is_favorite INTEGER NOT NULL, visibility TEXT NOT NULL,
    duration_ms REAL, live_photo_video_id TEXT, size INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE UNIQUE INDEX assets_owner_checksum ON assets(owner_id, checksum);
CREATE TABLE asset_sidecars (asset_id TEXT PRIMARY KEY REFERENCES assets(id),
    size INTEGER NOT NULL, checksum BLOB NOT NULL);
CREATE TABLE albums (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES users(id),
    album_name TEXT NOT NULL, description TEXT NOT NULL, thumbnail_asset_id TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE album_assets (album_id TEXT NOT NULL REFERENCES albums(id),
    asset_id TEXT NOT NULL REFERENCES assets(id), PRIMARY KEY (album_id, asset_id));
";

const USER: &str = "3e1f6a52-7b0e-4a57-9a8e-2f3c1d0b9a11";
const ASSET: &str = "8c2d4e6f-1a3b-4c5d-8e7f-9a0b1c2d3e4f";
const VIDEO: &str = "9d3e5f70-2b4c-4d6e-9f80-ab1c2d3e4f50";
const ALBUM: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const TOKEN: &str = "0ccb48538f56423b873c2519e08acc4c038b413b5a5040bf8c8ffe33b75bf042";

fn write_old_directory(dir: &std::path::Path) {
    let conn = Connection::open(dir.join("fake-immich.sqlite")).expect("open");
    conn.execute_batch(OLD_SCHEMA).expect("old schema");
    let at = "2026-11-01T10:00:00.000Z";
    conn.execute(
        "INSERT INTO users VALUES (?1, ?2, 'Admin', ?3, ?4, 'k1', ?5, ?5)",
        params![USER, EMAIL, PASSWORD, API_KEY, at],
    )
    .expect("user");
    conn.execute(
        "INSERT INTO sessions VALUES (?1, ?2, ?3)",
        params![TOKEN, USER, at],
    )
    .expect("session");
    for (id, name, kind, sum) in [(ASSET, "a.jpg", "IMAGE", 1u8), (VIDEO, "v.mp4", "VIDEO", 2)] {
        conn.execute(
            "INSERT INTO assets VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, ?6, ?6, 0, 'timeline',
                2500.0, NULL, 10, ?6, ?6)",
            params![id, USER, vec![sum; 20], kind, name, at],
        )
        .expect("asset");
    }
    conn.execute(
        "INSERT INTO albums VALUES (?1, ?2, 'Old', '', ?3, ?4, ?4)",
        params![ALBUM, USER, ASSET, at],
    )
    .expect("album");
    conn.execute(
        "INSERT INTO album_assets VALUES (?1, ?2)",
        params![ALBUM, ASSET],
    )
    .expect("album asset");
}

#[test]
fn an_old_data_directory_opens_and_streams() {
    let dir = TempDir::new("old-data");
    write_old_directory(dir.path());
    let server = Server::start(dir.path(), &[]);
    let old = Client::with_token(&server, TOKEN, USER);
    let sessions = old.call("GET", "/api/sessions");
    assert_eq!(sessions.status, 200, "the old token still works");
    assert_eq!(sessions.json()[0]["current"], true);

    let first = old.stream(&ALL_TYPES);
    let expected = [
        "AuthUserV1",
        "UserV1",
        "AssetV2",
        "AssetV2",
        "SyncAckV1",
        "AlbumAssetCreateV2",
        "AlbumV1",
        "AlbumUserV1",
        "AlbumToAssetV1",
        "AssetExifV1",
        "AssetExifV1",
        "SyncAckV1",
        "AlbumAssetExifCreateV1",
        "SyncCompleteV1",
    ];
    assert_eq!(types_of(&first), expected);
    assert_eq!(first[3]["data"]["duration"], "0:00:02.500000");
    assert_eq!(first[2]["data"]["duration"], serde_json::Value::Null);
    assert_eq!(first[0]["data"]["isAdmin"], true);
    old.ack_all(&first);
    server.stop();

    // Stamped once: a restart changes nothing a client would be told.
    let server = Server::start(dir.path(), &[]);
    let again = Client::with_token(&server, TOKEN, USER);
    assert_eq!(types_of(&again.stream(&ALL_TYPES)), ["SyncCompleteV1"]);
}

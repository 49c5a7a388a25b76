//! Databases as an older schema version left them, for the tests that open one with this
//! version's `Store`. The stores are those `Store::open_named` creates up to that version.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyPath;
use serde::Serialize;

/// Creates the database `name` at schema `version` (1 to 4), with that version's stores and
/// indexes.
pub async fn create(name: &str, version: u8) -> Database {
    assert!(matches!(version, 1..=4), "no old schema {version}");
    Database::open(name)
        .with_version(version)
        .with_on_upgrade_needed(move |_, db| {
            for store in [
                "settings",
                "auth",
                "local_assets",
                "upload_queue",
                "backup_records",
                "run_state",
            ] {
                let created = db.create_object_store(store).build()?;
                // Version 4's index of the queue: by [state, folder].
                if version >= 4 && store == "upload_queue" {
                    let key_path = KeyPath::from(["state", "folder"]);
                    created.create_index("byState", key_path).build()?;
                }
            }
            db.create_object_store("logs")
                .with_auto_increment(true)
                .build()?;
            if version >= 2 {
                for store in [
                    "backup_folders",
                    "folder_handles",
                    "folder_entries",
                    "sync_state",
                ] {
                    db.create_object_store(store).build()?;
                }
            }
            if version >= 3 {
                for store in [
                    "remote_assets",
                    "remote_exif",
                    "albums",
                    "album_assets",
                    "album_users",
                    "users",
                    "partners",
                ] {
                    let created = db.create_object_store(store).build()?;
                    let index = match store {
                        "remote_assets" => Some("checksum"),
                        "album_assets" => Some("assetId"),
                        _ => None,
                    };
                    if let Some(index) = index {
                        created.create_index(index, index.into()).build()?;
                    }
                }
            }
            Ok(())
        })
        .await
        .unwrap_or_else(|e| panic!("a version {version} database: {e:?}"))
}

/// Puts `row`, as JSON like the old version wrote it, under `key` in `store` of `db`.
pub async fn put(db: &Database, store: &str, key: &str, row: serde_json::Value) {
    let value = row
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .expect("row");
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("tx");
    tx.object_store(store)
        .expect("store")
        .put(value)
        .with_key(key)
        .primitive()
        .expect("put");
    tx.commit().await.expect("commit");
}

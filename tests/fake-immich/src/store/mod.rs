//! The persistent state: one SQLite file in the data directory, so a restart loses nothing.

mod album_edit;
mod albums;
mod asset_edit;
mod assets;
mod clock;
mod generated;
mod partners;
mod people;
mod schema;
mod sessions;
pub mod sync;
mod users;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

use crate::update_id::UpdateId;

pub use album_edit::{AlbumChanges, AlbumEditError, RemoveOutcome};
pub use albums::{AddOutcome, AlbumRecord};
pub use asset_edit::AssetChanges;
pub use assets::{AssetRecord, InsertOutcome, LiveLink, Sidecar};
pub use partners::{PartnerDirection, PartnerError, PartnerRecord};
pub use sessions::Session;
pub use users::{AuthMethod, User};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database lock was poisoned by a panic")]
    Poisoned,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password TEXT NOT NULL,
    api_key TEXT NOT NULL,
    api_key_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assets (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id),
    checksum BLOB NOT NULL,
    asset_type TEXT NOT NULL,
    original_file_name TEXT NOT NULL,
    device_asset_id TEXT,
    device_id TEXT,
    file_created_at TEXT NOT NULL,
    file_modified_at TEXT NOT NULL,
    is_favorite INTEGER NOT NULL,
    visibility TEXT NOT NULL,
    duration_ms REAL,
    live_photo_video_id TEXT,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- One asset per content per user: concurrent uploads of the same bytes collapse here.
CREATE UNIQUE INDEX IF NOT EXISTS assets_owner_checksum ON assets(owner_id, checksum);
-- Tables of their own rather than new columns, so a data directory from before still opens.
CREATE TABLE IF NOT EXISTS asset_sidecars (
    asset_id TEXT PRIMARY KEY REFERENCES assets(id),
    size INTEGER NOT NULL,
    checksum BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS albums (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id),
    album_name TEXT NOT NULL,
    description TEXT NOT NULL,
    thumbnail_asset_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS album_assets (
    album_id TEXT NOT NULL REFERENCES albums(id),
    asset_id TEXT NOT NULL REFERENCES assets(id),
    PRIMARY KEY (album_id, asset_id)
);
";

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(schema::SYNC_SCHEMA)?;
        let transaction = conn.unchecked_transaction()?;
        schema::stamp_older_rows(&transaction)?;
        transaction.commit()?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// A fresh update id: everything changed before it is below it, everything after above.
    pub fn now_id(&self) -> Result<UpdateId, StoreError> {
        Ok(clock::next(&*self.conn()?)?)
    }
}

/// Timestamps the way Immich prints them: UTC, milliseconds, `Z`.
pub fn now_iso() -> String {
    to_iso(chrono::Utc::now())
}

pub fn to_iso(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

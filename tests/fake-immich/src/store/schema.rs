//! The tables sync added: update ids, trash, sessions' ids, partners, album members, audit rows
//! of deletions and the sessions' checkpoints. All in tables of their own, keyed by the row they
//! extend, so a data directory from before opens unchanged and gets its rows stamped on open.

use rusqlite::{params, Connection};

use super::clock;

pub(super) const SYNC_SCHEMA: &str = "
-- The last update id handed out (see update_id.rs); one row.
CREATE TABLE IF NOT EXISTS sync_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS session_meta (
    token TEXT PRIMARY KEY REFERENCES sessions(token) ON DELETE CASCADE,
    id TEXT NOT NULL UNIQUE,
    updated_at TEXT NOT NULL,
    pending_sync_reset INTEGER NOT NULL DEFAULT 0
);
-- The latest ack a session sent per entity type: where its next stream starts.
CREATE TABLE IF NOT EXISTS sync_checkpoints (
    session_id TEXT NOT NULL,
    type TEXT NOT NULL,
    ack TEXT NOT NULL,
    PRIMARY KEY (session_id, type)
);
CREATE TABLE IF NOT EXISTS user_meta (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    is_admin INTEGER NOT NULL,
    update_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS user_meta_update ON user_meta(update_id);
-- An asset's row changes (update_id) apart from its EXIF's (exif_update_id), as in Immich. The
-- owner is repeated here (it never changes) so a user's changes are one index range.
CREATE TABLE IF NOT EXISTS asset_meta (
    asset_id TEXT PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
    owner_id TEXT NOT NULL,
    update_id INTEGER NOT NULL,
    exif_update_id INTEGER NOT NULL,
    deleted_at TEXT,
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS asset_meta_update ON asset_meta(update_id);
CREATE INDEX IF NOT EXISTS asset_meta_exif_update ON asset_meta(exif_update_id);
CREATE INDEX IF NOT EXISTS asset_meta_owner_update ON asset_meta(owner_id, update_id);
CREATE INDEX IF NOT EXISTS asset_meta_owner_exif_update ON asset_meta(owner_id, exif_update_id);
-- Sums a user's usage (`quotaUsageInBytes`) from the index alone.
CREATE INDEX IF NOT EXISTS assets_owner_size ON assets(owner_id, size);
CREATE TABLE IF NOT EXISTS album_meta (
    album_id TEXT PRIMARY KEY REFERENCES albums(id) ON DELETE CASCADE,
    update_id INTEGER NOT NULL
);
-- When an asset joined an album; such a row never changes, so this is its update id too.
CREATE TABLE IF NOT EXISTS album_asset_meta (
    album_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    create_id INTEGER NOT NULL,
    PRIMARY KEY (album_id, asset_id),
    FOREIGN KEY (album_id, asset_id) REFERENCES album_assets(album_id, asset_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS album_asset_meta_create ON album_asset_meta(create_id);
-- Whether a changed asset is in one of the caller's albums, asked per changed asset.
CREATE INDEX IF NOT EXISTS album_asset_meta_asset ON album_asset_meta(asset_id);
-- Who may see an album: its owner (role owner) for now, as albums are not shared here.
CREATE TABLE IF NOT EXISTS album_users (
    album_id TEXT NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    create_id INTEGER NOT NULL,
    update_id INTEGER NOT NULL,
    PRIMARY KEY (album_id, user_id)
);
CREATE INDEX IF NOT EXISTS album_users_user ON album_users(user_id);
-- shared_by_id shows its library to shared_with_id.
CREATE TABLE IF NOT EXISTS partners (
    shared_by_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    shared_with_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    in_timeline INTEGER NOT NULL,
    create_id INTEGER NOT NULL,
    update_id INTEGER NOT NULL,
    PRIMARY KEY (shared_by_id, shared_with_id)
);
-- Deletions, kept so a stream can tell a client what went away after its checkpoint.
CREATE TABLE IF NOT EXISTS asset_audit (
    update_id INTEGER PRIMARY KEY,
    asset_id TEXT NOT NULL,
    owner_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS album_audit (
    update_id INTEGER PRIMARY KEY,
    album_id TEXT NOT NULL,
    user_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS album_asset_audit (
    update_id INTEGER PRIMARY KEY,
    album_id TEXT NOT NULL,
    asset_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS partner_audit (
    update_id INTEGER PRIMARY KEY,
    shared_by_id TEXT NOT NULL,
    shared_with_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user_audit (
    update_id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL
);
";

fn missing_ids(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<Vec<String>>> {
    let mut statement = conn.prepare(sql)?;
    let columns = statement.column_count();
    let rows = statement.query_map([], |row| {
        (0..columns)
            .map(|i| row.get::<_, String>(i))
            .collect::<rusqlite::Result<Vec<_>>>()
    })?;
    rows.collect()
}

/// Gives rows written before sync existed (or by an older binary) their sync rows, oldest first.
/// Users seeded before had no other way in than `--email`, so they are admins.
pub(super) fn stamp_older_rows(conn: &Connection) -> rusqlite::Result<()> {
    let users = "SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM user_meta)
                 ORDER BY rowid";
    for ids in missing_ids(conn, users)? {
        conn.execute(
            "INSERT INTO user_meta (user_id, is_admin, update_id) VALUES (?1, 1, ?2)",
            params![ids[0], clock::stamp(conn)?],
        )?;
    }
    let sessions = "SELECT token, created_at FROM sessions
                    WHERE token NOT IN (SELECT token FROM session_meta) ORDER BY rowid";
    for ids in missing_ids(conn, sessions)? {
        conn.execute(
            "INSERT INTO session_meta (token, id, updated_at) VALUES (?1, ?2, ?3)",
            params![ids[0], uuid::Uuid::new_v4().to_string(), ids[1]],
        )?;
    }
    let assets = "SELECT id, owner_id FROM assets
                  WHERE id NOT IN (SELECT asset_id FROM asset_meta) ORDER BY rowid";
    for ids in missing_ids(conn, assets)? {
        conn.execute(
            "INSERT INTO asset_meta (asset_id, owner_id, update_id, exif_update_id)
             VALUES (?1, ?2, ?3, ?4)",
            params![ids[0], ids[1], clock::stamp(conn)?, clock::stamp(conn)?],
        )?;
    }
    let albums = "SELECT id, owner_id FROM albums
                  WHERE id NOT IN (SELECT album_id FROM album_meta) ORDER BY rowid";
    for ids in missing_ids(conn, albums)? {
        conn.execute(
            "INSERT INTO album_meta (album_id, update_id) VALUES (?1, ?2)",
            params![ids[0], clock::stamp(conn)?],
        )?;
        let stamp = clock::stamp(conn)?;
        conn.execute(
            "INSERT OR IGNORE INTO album_users (album_id, user_id, role, create_id, update_id)
             VALUES (?1, ?2, 'owner', ?3, ?3)",
            params![ids[0], ids[1], stamp],
        )?;
    }
    let album_assets = "SELECT album_id, asset_id FROM album_assets aa WHERE NOT EXISTS (
            SELECT 1 FROM album_asset_meta m
            WHERE m.album_id = aa.album_id AND m.asset_id = aa.asset_id)
        ORDER BY rowid";
    for ids in missing_ids(conn, album_assets)? {
        conn.execute(
            "INSERT INTO album_asset_meta (album_id, asset_id, create_id) VALUES (?1, ?2, ?3)",
            params![ids[0], ids[1], clock::stamp(conn)?],
        )?;
    }
    Ok(())
}

//! Albums: named sets of their owner's assets. Sharing is not modelled: every album has one user,
//! its owner, in `album_users`.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::album_edit::touch_album;
use super::assets::{asset_from_row, ASSET_COLUMNS};
use super::{clock, now_iso, AssetRecord, Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct AlbumRecord {
    pub id: String,
    pub owner_id: String,
    pub album_name: String,
    pub description: String,
    pub thumbnail_asset_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub asset_count: u64,
    /// The earliest and latest `fileCreatedAt` of its assets, when it has any.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// The latest `updatedAt` of its assets.
    pub last_modified_asset: Option<String>,
}

/// Immich's answer per id of `PUT /albums/{id}/assets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome {
    Added,
    /// Already in the album (or earlier in the same request).
    Duplicate,
    /// Not an asset of the album's owner, or no asset at all: Immich does not tell them apart.
    NoPermission,
}

const ALBUM_SELECT: &str = "SELECT al.id, al.owner_id, al.album_name, al.description,
        al.thumbnail_asset_id, al.created_at, al.updated_at,
        COUNT(a.id), MIN(a.file_created_at), MAX(a.file_created_at), MAX(a.updated_at)
    FROM albums al
    LEFT JOIN album_assets aa ON aa.album_id = al.id
    LEFT JOIN assets a ON a.id = aa.asset_id";

fn album_from_row(row: &Row<'_>) -> rusqlite::Result<AlbumRecord> {
    let count: i64 = row.get(7)?;
    Ok(AlbumRecord {
        id: row.get(0)?,
        owner_id: row.get(1)?,
        album_name: row.get(2)?,
        description: row.get(3)?,
        thumbnail_asset_id: row.get(4)?,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
        asset_count: u64::try_from(count).unwrap_or(0),
        start_date: row.get(8)?,
        end_date: row.get(9)?,
        last_modified_asset: row.get(10)?,
    })
}

fn owns_asset(conn: &Connection, owner_id: &str, asset_id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT 1 FROM assets WHERE id = ?1 AND owner_id = ?2",
        [asset_id, owner_id],
        |_| Ok(()),
    )
    .optional()
    .map(|found| found.is_some())
}

/// Links an asset to an album, stamped for the sync stream.
fn insert_album_asset(conn: &Connection, album_id: &str, asset_id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO album_assets (album_id, asset_id) VALUES (?1, ?2)",
        [album_id, asset_id],
    )?;
    conn.execute(
        "INSERT INTO album_asset_meta (album_id, asset_id, create_id) VALUES (?1, ?2, ?3)",
        params![album_id, asset_id, clock::stamp(conn)?],
    )?;
    Ok(())
}

pub(super) fn select_album(
    conn: &Connection,
    owner_id: &str,
    id: &str,
) -> rusqlite::Result<AlbumRecord> {
    let sql = format!("{ALBUM_SELECT} WHERE al.owner_id = ?1 AND al.id = ?2 GROUP BY al.id");
    conn.query_row(&sql, [owner_id, id], album_from_row)
}

impl Store {
    /// Creates the album with those of `asset_ids` the owner has; others are dropped silently,
    /// as Immich does.
    pub fn create_album(
        &self,
        owner_id: &str,
        album_name: &str,
        description: &str,
        asset_ids: &[String],
    ) -> Result<AlbumRecord, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let mut allowed = Vec::new();
        for id in asset_ids {
            if !allowed.contains(id) && owns_asset(&conn, owner_id, id)? {
                allowed.push(id.clone());
            }
        }
        let id = uuid::Uuid::new_v4().to_string();
        let now = now_iso();
        conn.execute(
            "INSERT INTO albums (id, owner_id, album_name, description, thumbnail_asset_id,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![id, owner_id, album_name, description, allowed.first(), now],
        )?;
        conn.execute(
            "INSERT INTO album_meta (album_id, update_id) VALUES (?1, ?2)",
            params![id, clock::stamp(&conn)?],
        )?;
        let stamp = clock::stamp(&conn)?;
        conn.execute(
            "INSERT INTO album_users (album_id, user_id, role, create_id, update_id)
             VALUES (?1, ?2, 'owner', ?3, ?3)",
            params![id, owner_id, stamp],
        )?;
        for asset_id in &allowed {
            insert_album_asset(&conn, &id, asset_id)?;
        }
        let album = select_album(&conn, owner_id, &id)?;
        conn.commit()?;
        Ok(album)
    }

    /// The owner's albums, newest first (as Immich orders them); with `containing`, only those
    /// holding that asset.
    pub fn albums(
        &self,
        owner_id: &str,
        containing: Option<&str>,
    ) -> Result<Vec<AlbumRecord>, StoreError> {
        let conn = self.conn()?;
        let filter = "AND (?2 IS NULL
            OR al.id IN (SELECT album_id FROM album_assets WHERE asset_id = ?2))";
        let sql = format!(
            "{ALBUM_SELECT} WHERE al.owner_id = ?1 {filter}
             GROUP BY al.id ORDER BY al.created_at DESC, al.rowid DESC"
        );
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(params![owner_id, containing], album_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn album(&self, owner_id: &str, id: &str) -> Result<Option<AlbumRecord>, StoreError> {
        Ok(select_album(&*self.conn()?, owner_id, id).optional()?)
    }

    /// The album's assets, latest capture first (Immich's default album order).
    pub fn album_assets(&self, album_id: &str) -> Result<Vec<AssetRecord>, StoreError> {
        let conn = self.conn()?;
        let sql = format!(
            "SELECT {ASSET_COLUMNS} FROM assets
             WHERE id IN (SELECT asset_id FROM album_assets WHERE album_id = ?1)
             ORDER BY file_created_at DESC, id"
        );
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map([album_id], asset_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds the owner's assets to the album (which the caller found to be theirs); one outcome
    /// per id, in order. Like Immich, a change bumps the album's `updatedAt` and gives an album
    /// without a thumbnail its first new asset as one.
    pub fn add_album_assets(
        &self,
        owner_id: &str,
        album_id: &str,
        asset_ids: &[String],
    ) -> Result<Vec<AddOutcome>, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let mut outcomes = Vec::with_capacity(asset_ids.len());
        let mut first_added = None;
        for id in asset_ids {
            let present = conn
                .query_row(
                    "SELECT 1 FROM album_assets WHERE album_id = ?1 AND asset_id = ?2",
                    [album_id, id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            let outcome = if present {
                AddOutcome::Duplicate
            } else if owns_asset(&conn, owner_id, id)? {
                insert_album_asset(&conn, album_id, id)?;
                first_added.get_or_insert(id);
                AddOutcome::Added
            } else {
                AddOutcome::NoPermission
            };
            outcomes.push(outcome);
        }
        if let Some(first) = first_added {
            conn.execute(
                "UPDATE albums SET thumbnail_asset_id = COALESCE(thumbnail_asset_id, ?2)
                 WHERE id = ?1",
                params![album_id, first],
            )?;
            touch_album(&conn, album_id)?;
        }
        conn.commit()?;
        Ok(outcomes)
    }
}

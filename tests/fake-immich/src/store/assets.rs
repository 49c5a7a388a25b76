//! Asset rows: insert with per-user checksum dedupe (and the sidecar that came along), look-ups,
//! counts, and linking a live photo's video.

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::asset_edit::touch_asset;
use super::{clock, Store, StoreError};
use crate::checksum::Sha1;
use crate::media::AssetType;

#[derive(Debug, Clone, PartialEq)]
pub struct AssetRecord {
    pub id: String,
    pub owner_id: String,
    pub checksum: Sha1,
    pub asset_type: AssetType,
    pub original_file_name: String,
    pub device_asset_id: Option<String>,
    pub device_id: Option<String>,
    pub file_created_at: String,
    pub file_modified_at: String,
    pub is_favorite: bool,
    pub visibility: String,
    pub duration_ms: Option<f64>,
    pub live_photo_video_id: Option<String>,
    pub size: u64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    Created,
    /// The owner already had these bytes; carries the existing asset's id.
    Duplicate(String),
}

/// What arrived as an upload's `sidecarData`: only its size and SHA-1 are kept, since nothing
/// here reads XMP; tests compare them with the file the client should have sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sidecar {
    pub size: u64,
    pub checksum: Sha1,
}

/// Immich's checks before a photo may name a video as its live-photo part (`onBeforeLink`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveLink {
    NotFound,
    NotAVideo,
    OtherOwner,
    /// Linkable; `hidden_now` when the video left the timeline just now.
    Linked {
        hidden_now: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetStats {
    pub images: u64,
    pub videos: u64,
    pub total: u64,
}

/// Qualified, so queries joining the sync tables (which repeat `owner_id`) can use them.
pub(super) const ASSET_COLUMNS: &str = "assets.id, assets.owner_id, assets.checksum,
    assets.asset_type, assets.original_file_name, assets.device_asset_id, assets.device_id,
    assets.file_created_at, assets.file_modified_at, assets.is_favorite, assets.visibility,
    assets.duration_ms, assets.live_photo_video_id, assets.size, assets.created_at,
    assets.updated_at";

pub(super) fn asset_from_row(row: &Row<'_>) -> rusqlite::Result<AssetRecord> {
    let checksum: Vec<u8> = row.get(2)?;
    let checksum = Sha1::try_from(checksum.as_slice())
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, Type::Blob, Box::new(e)))?;
    let asset_type: String = row.get(3)?;
    let size: i64 = row.get(13)?;
    Ok(AssetRecord {
        id: row.get(0)?,
        owner_id: row.get(1)?,
        checksum,
        asset_type: AssetType::parse(&asset_type),
        original_file_name: row.get(4)?,
        device_asset_id: row.get(5)?,
        device_id: row.get(6)?,
        file_created_at: row.get(7)?,
        file_modified_at: row.get(8)?,
        is_favorite: row.get(9)?,
        visibility: row.get(10)?,
        duration_ms: row.get(11)?,
        live_photo_video_id: row.get(12)?,
        size: u64::try_from(size).unwrap_or(0),
        created_at: row.get(14)?,
        updated_at: row.get(15)?,
    })
}

/// Inserts the asset with its sync row unless its owner already has the checksum; true when
/// inserted.
pub(super) fn insert_row(conn: &Connection, asset: &AssetRecord) -> rusqlite::Result<bool> {
    let inserted = conn.execute(
        "INSERT INTO assets (id, owner_id, checksum, asset_type, original_file_name,
            device_asset_id, device_id, file_created_at, file_modified_at, is_favorite,
            visibility, duration_ms, live_photo_video_id, size, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT(owner_id, checksum) DO NOTHING",
        params![
            asset.id,
            asset.owner_id,
            asset.checksum.as_slice(),
            asset.asset_type.as_str(),
            asset.original_file_name,
            asset.device_asset_id,
            asset.device_id,
            asset.file_created_at,
            asset.file_modified_at,
            asset.is_favorite,
            asset.visibility,
            asset.duration_ms,
            asset.live_photo_video_id,
            i64::try_from(asset.size).unwrap_or(i64::MAX),
            asset.created_at,
            asset.updated_at,
        ],
    )?;
    if inserted == 0 {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO asset_meta (asset_id, owner_id, update_id, exif_update_id)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            asset.id,
            asset.owner_id,
            clock::stamp(conn)?,
            clock::stamp(conn)?
        ],
    )?;
    Ok(true)
}

impl Store {
    /// Inserts the asset and its sidecar unless its owner already has the checksum (then reports
    /// that asset). The unique index makes this atomic even for concurrent uploads of the same
    /// bytes.
    pub fn insert_asset(
        &self,
        asset: &AssetRecord,
        sidecar: Option<&Sidecar>,
    ) -> Result<InsertOutcome, StoreError> {
        let mut guard = self.conn()?;
        // Dropped without commit on every early return: a duplicate leaves no sidecar row behind.
        let conn = guard.transaction()?;
        if insert_row(&conn, asset)? {
            if let Some(sidecar) = sidecar {
                conn.execute(
                    "INSERT INTO asset_sidecars (asset_id, size, checksum) VALUES (?1, ?2, ?3)",
                    params![
                        asset.id,
                        i64::try_from(sidecar.size).unwrap_or(i64::MAX),
                        sidecar.checksum.as_slice()
                    ],
                )?;
            }
            conn.commit()?;
            return Ok(InsertOutcome::Created);
        }
        let existing: String = conn.query_row(
            "SELECT id FROM assets WHERE owner_id = ?1 AND checksum = ?2",
            params![asset.owner_id, asset.checksum.as_slice()],
            |row| row.get(0),
        )?;
        Ok(InsertOutcome::Duplicate(existing))
    }

    pub fn asset(&self, owner_id: &str, id: &str) -> Result<Option<AssetRecord>, StoreError> {
        let sql = format!("SELECT {ASSET_COLUMNS} FROM assets WHERE id = ?1 AND owner_id = ?2");
        Ok(self
            .conn()?
            .query_row(&sql, [id, owner_id], asset_from_row)
            .optional()?)
    }

    /// An asset the user may view: their own, a partner's who shares with them, or one in an
    /// album they are in.
    pub fn viewable_asset(
        &self,
        user_id: &str,
        id: &str,
    ) -> Result<Option<AssetRecord>, StoreError> {
        let sql = format!(
            "SELECT {ASSET_COLUMNS} FROM assets WHERE id = ?1 AND (owner_id = ?2
                OR owner_id IN (SELECT shared_by_id FROM partners WHERE shared_with_id = ?2)
                OR id IN (SELECT asset_id FROM album_assets WHERE album_id IN
                    (SELECT album_id FROM album_users WHERE user_id = ?2)))"
        );
        Ok(self
            .conn()?
            .query_row(&sql, [id, user_id], asset_from_row)
            .optional()?)
    }

    /// The sidecar stored with any user's asset: `None` for an unknown asset, `Some(None)` for
    /// one uploaded without.
    pub fn sidecar(&self, asset_id: &str) -> Result<Option<Option<Sidecar>>, StoreError> {
        let conn = self.conn()?;
        let known = conn
            .query_row("SELECT 1 FROM assets WHERE id = ?1", [asset_id], |_| Ok(()))
            .optional()?;
        if known.is_none() {
            return Ok(None);
        }
        let row = conn
            .query_row(
                "SELECT size, checksum FROM asset_sidecars WHERE asset_id = ?1",
                [asset_id],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?;
        let Some((size, checksum)) = row else {
            return Ok(Some(None));
        };
        let checksum = Sha1::try_from(checksum.as_slice())
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, Type::Blob, Box::new(e)))?;
        Ok(Some(Some(Sidecar {
            size: u64::try_from(size).unwrap_or(0),
            checksum,
        })))
    }

    /// Checks `video_id` as Immich does before linking it to `owner_id`'s photo, and takes a
    /// video still on the timeline off it (visibility `hidden`), as Immich does.
    pub fn link_live_video(&self, owner_id: &str, video_id: &str) -> Result<LiveLink, StoreError> {
        let conn = self.conn()?;
        let found = conn
            .query_row(
                "SELECT owner_id, asset_type FROM assets WHERE id = ?1",
                [video_id],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
            )
            .optional()?;
        let Some((video_owner, asset_type)) = found else {
            return Ok(LiveLink::NotFound);
        };
        if AssetType::parse(&asset_type) != AssetType::Video {
            return Ok(LiveLink::NotAVideo);
        }
        if video_owner != owner_id {
            return Ok(LiveLink::OtherOwner);
        }
        let hidden = conn.execute(
            "UPDATE assets SET visibility = 'hidden' WHERE id = ?1 AND visibility = 'timeline'",
            [video_id],
        )?;
        if hidden == 1 {
            touch_asset(&conn, video_id)?;
        }
        Ok(LiveLink::Linked {
            hidden_now: hidden == 1,
        })
    }

    pub fn asset_id_by_checksum(
        &self,
        owner_id: &str,
        sum: &Sha1,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT id FROM assets WHERE owner_id = ?1 AND checksum = ?2",
                params![owner_id, sum.as_slice()],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Whether the asset is in the trash (false for an unknown one).
    pub fn is_trashed(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT deleted_at IS NOT NULL FROM asset_meta WHERE asset_id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(false))
    }

    /// Counts the owner's assets outside the trash, as Immich's statistics do by default.
    pub fn asset_stats(&self, owner_id: &str) -> Result<AssetStats, StoreError> {
        let (images, videos, total): (i64, i64, i64) = self.conn()?.query_row(
            "SELECT COUNT(*) FILTER (WHERE asset_type = 'IMAGE'),
                    COUNT(*) FILTER (WHERE asset_type = 'VIDEO'),
                    COUNT(*)
             FROM assets a LEFT JOIN asset_meta m ON m.asset_id = a.id
             WHERE a.owner_id = ?1 AND m.deleted_at IS NULL",
            [owner_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(AssetStats {
            images: count(images),
            videos: count(videos),
            total: count(total),
        })
    }
}

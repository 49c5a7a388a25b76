//! What the sync stream reads: rows in update-id order, a page at a time (`feeds`), and each
//! session's checkpoints (`checkpoints`).

mod checkpoints;
mod feeds;
mod queries;

pub use feeds::Feed;

use super::assets::{asset_from_row, ASSET_COLUMNS};
use super::{AssetRecord, StoreError};
use crate::update_id::UpdateId;

/// A user as the user rows of the stream show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created_at: String,
    pub is_admin: bool,
    /// Bytes of their assets; only read for the caller's own row.
    pub usage: u64,
}

/// An asset with what sync shows beyond `AssetRecord`.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncAsset {
    pub asset: AssetRecord,
    pub deleted_at: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncAlbum {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
    pub thumbnail_asset_id: Option<String>,
    pub owner_id: String,
}

/// One row of a feed; which entity it is told as is the stream's business.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    User(SyncUser),
    /// A partnership, or (from the audit) one that ended.
    Partner {
        shared_by_id: String,
        shared_with_id: String,
        in_timeline: bool,
    },
    Asset(Box<SyncAsset>),
    Album(SyncAlbum),
    AlbumUser {
        album_id: String,
        user_id: String,
        role: String,
    },
    /// An asset in an album, or (from the audit) taken out of it.
    AlbumAsset {
        album_id: String,
        asset_id: String,
    },
    /// What a deletion names: an asset, album or user id.
    Id(String),
}

/// A row and the update id it is ordered (and acknowledged) by.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedRow {
    pub key: UpdateId,
    pub record: Record,
}

/// A partnership shown to the caller, by when it began: its assets may predate the caller's
/// checkpoint and then need a backfill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerStart {
    pub create_id: UpdateId,
    pub shared_by_id: String,
}

impl super::Store {
    /// One of the owner's assets as a sync row shows it, for the socket events that carry the
    /// same data (`AssetUploadReadyV2`) or the deletion and description beside it.
    pub fn sync_asset(&self, owner_id: &str, id: &str) -> Result<Option<SyncAsset>, StoreError> {
        use rusqlite::OptionalExtension;
        let sql = format!(
            "SELECT {ASSET_COLUMNS}, m.deleted_at, m.description FROM assets
             JOIN asset_meta m ON m.asset_id = assets.id
             WHERE assets.id = ?1 AND assets.owner_id = ?2"
        );
        let row = self.conn()?.query_row(&sql, [id, owner_id], |row| {
            Ok(SyncAsset {
                asset: asset_from_row(row)?,
                deleted_at: row.get(16)?,
                description: row.get(17)?,
            })
        });
        Ok(row.optional()?)
    }
}

//! The SQL of each feed and how its rows are read.

use rusqlite::Row;

use super::super::assets::{asset_from_row, ASSET_COLUMNS};
use super::feeds::Feed;
use super::{FeedRow, Record, SyncAlbum, SyncAsset, SyncUser};
use crate::update_id::UpdateId;

/// Which columns a feed's query selects, before its key.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    User,
    Partner,
    Asset,
    Album,
    AlbumUser,
    AlbumAsset,
    Id,
}

const MY_ALBUMS: &str = "(SELECT album_id FROM album_users WHERE user_id = :me)";
const MY_PARTNERS: &str = "(SELECT shared_by_id FROM partners WHERE shared_with_id = :me)";

/// The query of a feed (without its window) and the key it is ordered by. Each walks an index of
/// its key (for assets, the owner's range of it), so a page reads its rows and stops: `CROSS JOIN`
/// fixes the table holding the key as the outer one, and a unary `+` keeps SQLite from filtering
/// by another index first and then sorting every row of the user for each page (minutes for
/// 100,000 assets instead of seconds). Partner assets are asked per partner (`:owner`) and the
/// pages merged, for the same reason.
pub(super) fn query(feed: &Feed) -> (Shape, String, &'static str) {
    let users = |usage: &str, filter: &str| {
        format!(
            "SELECT u.id, u.name, u.email, u.created_at, m.is_admin, {usage}, m.update_id
             FROM users u JOIN user_meta m ON m.user_id = u.id WHERE {filter}"
        )
    };
    let assets = |key: &str, filter: &str| {
        format!(
            "SELECT {ASSET_COLUMNS}, m.deleted_at, m.description, {key}
             FROM asset_meta m CROSS JOIN assets ON assets.id = m.asset_id WHERE {filter}"
        )
    };
    let in_albums = |key: &str| {
        format!(
            "SELECT {ASSET_COLUMNS}, m.deleted_at, m.description, {key}
             FROM album_asset_meta aam CROSS JOIN assets ON assets.id = aam.asset_id
             CROSS JOIN asset_meta m ON m.asset_id = assets.id
             WHERE +aam.album_id IN {MY_ALBUMS}"
        )
    };
    let added_until =
        format!("EXISTS (SELECT 1 FROM album_asset_meta WHERE asset_id = assets.id AND create_id <= :until AND album_id IN {MY_ALBUMS})");
    let either_side = "(shared_by_id = :me OR shared_with_id = :me)";
    match feed {
        Feed::AuthUser => (
            Shape::User,
            users(
                "(SELECT COALESCE(SUM(size), 0) FROM assets WHERE owner_id = u.id)",
                "u.id = :me",
            ),
            "m.update_id",
        ),
        Feed::Users => (Shape::User, users("0", "1 = 1"), "m.update_id"),
        Feed::UserDeletes => (
            Shape::Id,
            "SELECT user_id, update_id FROM user_audit WHERE 1 = 1".into(),
            "update_id",
        ),
        Feed::Partners => (
            Shape::Partner,
            format!("SELECT shared_by_id, shared_with_id, in_timeline, update_id FROM partners WHERE {either_side}"),
            "update_id",
        ),
        Feed::PartnerDeletes => (
            Shape::Partner,
            format!("SELECT shared_by_id, shared_with_id, 0, update_id FROM partner_audit WHERE {either_side}"),
            "update_id",
        ),
        Feed::Assets => (Shape::Asset, assets("m.update_id", "m.owner_id = :me"), "m.update_id"),
        Feed::AssetDeletes => (
            Shape::Id,
            "SELECT asset_id, update_id FROM asset_audit WHERE owner_id = :me".into(),
            "update_id",
        ),
        Feed::PartnerAssets => (
            Shape::Asset,
            assets("m.update_id", "m.owner_id = :owner"),
            "m.update_id",
        ),
        Feed::PartnerAssetDeletes => (
            Shape::Id,
            format!("SELECT asset_id, update_id FROM asset_audit WHERE owner_id IN {MY_PARTNERS}"),
            "update_id",
        ),
        Feed::PartnerAssetBackfill { .. } => (
            Shape::Asset,
            assets("m.update_id", "m.owner_id = :owner AND m.update_id <= :until"),
            "m.update_id",
        ),
        Feed::AlbumAssetUpdates { .. } => (Shape::Asset, assets("m.update_id", &added_until), "m.update_id"),
        Feed::AlbumAssetCreates => (Shape::Asset, in_albums("aam.create_id"), "aam.create_id"),
        Feed::Albums => (
            Shape::Album,
            format!(
                "SELECT al.id, al.album_name, al.description, al.created_at, al.updated_at,
                    al.thumbnail_asset_id, al.owner_id, am.update_id
                 FROM albums al JOIN album_meta am ON am.album_id = al.id
                 WHERE al.id IN {MY_ALBUMS}"
            ),
            "am.update_id",
        ),
        Feed::AlbumDeletes => (
            Shape::Id,
            "SELECT album_id, update_id FROM album_audit WHERE user_id = :me".into(),
            "update_id",
        ),
        Feed::AlbumUsers => (
            Shape::AlbumUser,
            format!("SELECT album_id, user_id, role, update_id FROM album_users WHERE album_id IN {MY_ALBUMS}"),
            "update_id",
        ),
        Feed::AlbumToAssets => (
            Shape::AlbumAsset,
            format!("SELECT album_id, asset_id, create_id FROM album_asset_meta WHERE +album_id IN {MY_ALBUMS}"),
            "create_id",
        ),
        Feed::AlbumToAssetDeletes => (
            Shape::AlbumAsset,
            format!("SELECT album_id, asset_id, update_id FROM album_asset_audit WHERE +album_id IN {MY_ALBUMS}"),
            "update_id",
        ),
        Feed::AssetExifs => (
            Shape::Asset,
            assets("m.exif_update_id", "m.owner_id = :me"),
            "m.exif_update_id",
        ),
        Feed::AlbumAssetExifUpdates { .. } => (
            Shape::Asset,
            assets("m.exif_update_id", &added_until),
            "m.exif_update_id",
        ),
        Feed::AlbumAssetExifCreates => (Shape::Asset, in_albums("aam.create_id"), "aam.create_id"),
        Feed::PartnerAssetExifs => (
            Shape::Asset,
            assets("m.exif_update_id", "m.owner_id = :owner"),
            "m.exif_update_id",
        ),
        Feed::PartnerAssetExifBackfill { .. } => (
            Shape::Asset,
            assets(
                "m.exif_update_id",
                "m.owner_id = :owner AND m.exif_update_id <= :until",
            ),
            "m.exif_update_id",
        ),
    }
}

/// Reads a row of `shape`; the key is always the last column.
pub(super) fn record(shape: Shape, row: &Row<'_>) -> rusqlite::Result<FeedRow> {
    let (record, key_at) = match shape {
        Shape::User => {
            let usage: i64 = row.get(5)?;
            let user = SyncUser {
                id: row.get(0)?,
                name: row.get(1)?,
                email: row.get(2)?,
                created_at: row.get(3)?,
                is_admin: row.get(4)?,
                usage: u64::try_from(usage).unwrap_or(0),
            };
            (Record::User(user), 6)
        }
        Shape::Partner => {
            let partner = Record::Partner {
                shared_by_id: row.get(0)?,
                shared_with_id: row.get(1)?,
                in_timeline: row.get(2)?,
            };
            (partner, 3)
        }
        Shape::Asset => {
            let asset = SyncAsset {
                asset: asset_from_row(row)?,
                deleted_at: row.get(16)?,
                description: row.get(17)?,
            };
            (Record::Asset(Box::new(asset)), 18)
        }
        Shape::Album => {
            let album = SyncAlbum {
                id: row.get(0)?,
                name: row.get(1)?,
                description: row.get(2)?,
                created_at: row.get(3)?,
                updated_at: row.get(4)?,
                thumbnail_asset_id: row.get(5)?,
                owner_id: row.get(6)?,
            };
            (Record::Album(album), 7)
        }
        Shape::AlbumUser => {
            let member = Record::AlbumUser {
                album_id: row.get(0)?,
                user_id: row.get(1)?,
                role: row.get(2)?,
            };
            (member, 3)
        }
        Shape::AlbumAsset => {
            let link = Record::AlbumAsset {
                album_id: row.get(0)?,
                asset_id: row.get(1)?,
            };
            (link, 2)
        }
        Shape::Id => (Record::Id(row.get(0)?), 1),
    };
    Ok(FeedRow {
        key: UpdateId::from_db(row.get(key_at)?),
        record,
    })
}

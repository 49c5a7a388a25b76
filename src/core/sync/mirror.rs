//! The writes a line makes to the mirror. Each is idempotent (a put is an upsert by key, a delete
//! by key), so a line received again after a kill changes nothing: the same rows in any batching
//! end in the same mirror.

use super::entity::Entity;
use super::rows::{Album, AlbumAsset, AlbumUser, AssetExif, Partner, RemoteAsset, User};

/// One write to the mirror's stores. The ops of a batch are applied in order, in one transaction.
#[derive(Clone, Debug, PartialEq)]
pub enum MirrorOp {
    /// Upsert by id.
    PutUser(User),
    /// Removes the user by id.
    DeleteUser(String),
    /// Upsert by (shared_by_id, shared_with_id).
    PutPartner(Partner),
    DeletePartner {
        shared_by_id: String,
        shared_with_id: String,
    },
    /// Upsert by id (a trashed asset is kept, with `deleted_at` set).
    PutAsset(RemoteAsset),
    /// Removes the asset, its exif and its album memberships (the server drops them with it).
    DeleteAsset(String),
    /// Upsert by asset id.
    PutExif(AssetExif),
    /// Upsert by id.
    PutAlbum(Album),
    /// Removes the album, its members and its assets' memberships (not the assets).
    DeleteAlbum(String),
    /// Upsert by (album_id, user_id).
    PutAlbumUser(AlbumUser),
    DeleteAlbumUser {
        album_id: String,
        user_id: String,
    },
    /// Upsert by (album_id, asset_id).
    PutAlbumAsset(AlbumAsset),
    DeleteAlbumAsset(AlbumAsset),
}

/// The write a line makes, or None for a line that only carries a checkpoint (or is unknown).
pub fn op_for(entity: Entity) -> Option<MirrorOp> {
    Some(match entity {
        Entity::AuthUser(user) | Entity::User(user) => MirrorOp::PutUser(user),
        Entity::UserDelete { user_id } => MirrorOp::DeleteUser(user_id),
        Entity::Partner(partner) => MirrorOp::PutPartner(partner),
        Entity::PartnerDelete {
            shared_by_id,
            shared_with_id,
        } => MirrorOp::DeletePartner {
            shared_by_id,
            shared_with_id,
        },
        Entity::Asset(asset) | Entity::PartnerAsset(asset) | Entity::AlbumAsset(asset) => {
            MirrorOp::PutAsset(asset)
        }
        Entity::AssetDelete { asset_id } | Entity::PartnerAssetDelete { asset_id } => {
            MirrorOp::DeleteAsset(asset_id)
        }
        Entity::AssetExif(exif) | Entity::PartnerAssetExif(exif) | Entity::AlbumAssetExif(exif) => {
            MirrorOp::PutExif(exif)
        }
        Entity::Album(album) => MirrorOp::PutAlbum(album),
        Entity::AlbumDelete { album_id } => MirrorOp::DeleteAlbum(album_id),
        Entity::AlbumUser(member) => MirrorOp::PutAlbumUser(member),
        Entity::AlbumUserDelete { album_id, user_id } => {
            MirrorOp::DeleteAlbumUser { album_id, user_id }
        }
        Entity::AlbumToAsset(link) => MirrorOp::PutAlbumAsset(link),
        Entity::AlbumToAssetDelete(link) => MirrorOp::DeleteAlbumAsset(link),
        Entity::AckOnly | Entity::Complete | Entity::Reset | Entity::Unknown { .. } => return None,
    })
}

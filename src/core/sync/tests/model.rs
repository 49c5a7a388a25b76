//! The mirror as the web side keeps it, in memory: the stores a `SyncBatch` writes to, with the
//! meaning each `MirrorOp` documents.

use std::collections::{BTreeMap, BTreeSet};

use super::super::{
    Album, AlbumAsset, AlbumUser, AssetExif, MirrorContents, MirrorOp, Partner, RemoteAsset,
    SyncBatch, User,
};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mirror {
    pub users: BTreeMap<String, User>,
    pub partners: BTreeMap<(String, String), Partner>,
    pub assets: BTreeMap<String, RemoteAsset>,
    pub exifs: BTreeMap<String, AssetExif>,
    pub albums: BTreeMap<String, Album>,
    pub album_users: BTreeMap<(String, String), AlbumUser>,
    pub album_assets: BTreeSet<AlbumAsset>,
}

impl Mirror {
    pub fn apply(&mut self, op: &MirrorOp) {
        match op.clone() {
            MirrorOp::PutUser(user) => {
                self.users.insert(user.id.clone(), user);
            }
            MirrorOp::DeleteUser(id) => {
                self.users.remove(&id);
            }
            MirrorOp::PutPartner(partner) => {
                let key = (partner.shared_by_id.clone(), partner.shared_with_id.clone());
                self.partners.insert(key, partner);
            }
            MirrorOp::DeletePartner {
                shared_by_id,
                shared_with_id,
            } => {
                self.partners.remove(&(shared_by_id, shared_with_id));
            }
            MirrorOp::PutAsset(asset) => {
                self.assets.insert(asset.id.clone(), asset);
            }
            MirrorOp::DeleteAsset(id) => {
                self.assets.remove(&id);
                self.exifs.remove(&id);
                self.album_assets.retain(|link| link.asset_id != id);
            }
            MirrorOp::PutExif(exif) => {
                self.exifs.insert(exif.asset_id.clone(), exif);
            }
            MirrorOp::PutAlbum(album) => {
                self.albums.insert(album.id.clone(), album);
            }
            MirrorOp::DeleteAlbum(id) => {
                self.albums.remove(&id);
                self.album_users.retain(|(album, _), _| *album != id);
                self.album_assets.retain(|link| link.album_id != id);
            }
            MirrorOp::PutAlbumUser(member) => {
                let key = (member.album_id.clone(), member.user_id.clone());
                self.album_users.insert(key, member);
            }
            MirrorOp::DeleteAlbumUser { album_id, user_id } => {
                self.album_users.remove(&(album_id, user_id));
            }
            MirrorOp::PutAlbumAsset(link) => {
                self.album_assets.insert(link);
            }
            MirrorOp::DeleteAlbumAsset(link) => {
                self.album_assets.remove(&link);
            }
        }
    }

    pub fn contents(&self) -> MirrorContents {
        MirrorContents {
            users: self.users.values().cloned().collect(),
            partners: self.partners.values().cloned().collect(),
            assets: self.assets.values().cloned().collect(),
            albums: self.albums.values().cloned().collect(),
            album_assets: self.album_assets.iter().cloned().collect(),
        }
    }
}

/// IndexedDB: the mirror and the pending acks, each batch written in one transaction.
#[derive(Clone, Debug, Default)]
pub struct Store {
    pub mirror: Mirror,
    pub pending_acks: Vec<String>,
}

impl Store {
    pub fn commit(&mut self, batch: &SyncBatch) {
        if batch.clear_mirror {
            self.mirror = Mirror::default();
        }
        for op in &batch.ops {
            self.mirror.apply(op);
        }
        self.pending_acks = batch.acks.clone();
    }
}

//! What people do to the server between syncs, as the real endpoints do it (cascades and audit
//! rows included). Indices pick among what exists, so any sequence applies.

use proptest::prelude::*;

use super::super::super::{Album, AlbumUser, AssetExif, Partner, RemoteAsset, User};
use super::server::{SimServer, ME, OTHER, PARTNER};

#[derive(Clone, Debug)]
pub enum Change {
    NewAsset {
        partner: bool,
        video: bool,
    },
    Favorite(usize),
    Trash(usize),
    Restore(usize),
    Hide(usize),
    /// Deleted for good: exif and album memberships go with it.
    ForceDelete(usize),
    Describe(usize),
    NewAlbum,
    RenameAlbum(usize),
    DeleteAlbum(usize),
    AddToAlbum(usize, usize),
    RemoveFromAlbum(usize),
    ShareAlbum(usize),
    UnshareAlbum(usize),
    RenameUser(usize),
    DeleteOther,
    PartnerTimeline,
    /// The partner stops sharing.
    Unshare,
    /// A row of a type the client does not know.
    NewStack,
    /// The server wants the client to start over (Immich: session.isPendingSyncReset).
    PendingReset,
}

pub fn change() -> impl Strategy<Value = Change> {
    let i = 0usize..8;
    prop_oneof![
        4 => (any::<bool>(), any::<bool>()).prop_map(|(partner, video)| Change::NewAsset { partner, video }),
        1 => i.clone().prop_map(Change::Favorite),
        1 => i.clone().prop_map(Change::Trash),
        1 => i.clone().prop_map(Change::Restore),
        1 => i.clone().prop_map(Change::Hide),
        1 => i.clone().prop_map(Change::ForceDelete),
        1 => i.clone().prop_map(Change::Describe),
        2 => Just(Change::NewAlbum),
        1 => i.clone().prop_map(Change::RenameAlbum),
        1 => i.clone().prop_map(Change::DeleteAlbum),
        2 => (i.clone(), i.clone()).prop_map(|(a, b)| Change::AddToAlbum(a, b)),
        1 => i.clone().prop_map(Change::RemoveFromAlbum),
        1 => i.clone().prop_map(Change::ShareAlbum),
        1 => i.clone().prop_map(Change::UnshareAlbum),
        1 => i.prop_map(Change::RenameUser),
        1 => Just(Change::DeleteOther),
        1 => Just(Change::PartnerTimeline),
        1 => Just(Change::Unshare),
        1 => Just(Change::NewStack),
        1 => Just(Change::PendingReset),
    ]
}

fn pick<K: Clone, V>(map: &std::collections::BTreeMap<K, V>, i: usize) -> Option<K> {
    map.keys().nth(i % map.len().max(1)).cloned()
}

impl SimServer {
    /// Me, the partner who shares with me, and someone else.
    pub fn new() -> SimServer {
        let mut server = SimServer::default();
        for id in [ME, PARTNER, OTHER] {
            let user = User {
                id: id.into(),
                name: format!("{id} name"),
                email: format!("{id}@example.org"),
                deleted_at: None,
            };
            let at = server.tick();
            server.users.insert(id.into(), (at, user));
        }
        let partner = Partner {
            shared_by_id: PARTNER.into(),
            shared_with_id: ME.into(),
            in_timeline: false,
        };
        let at = server.tick();
        server
            .partners
            .insert((PARTNER.into(), ME.into()), (at, partner));
        server
    }

    pub fn apply(&mut self, change: &Change) {
        match *change {
            Change::NewAsset { partner, video } => self.new_asset(partner, video),
            Change::Favorite(i) => self.edit_asset(i, |a| a.is_favorite = !a.is_favorite),
            Change::Trash(i) => self.edit_asset(i, |a| {
                a.deleted_at = Some("2026-12-01T00:00:00.000Z".into())
            }),
            Change::Restore(i) => self.edit_asset(i, |a| a.deleted_at = None),
            Change::Hide(i) => self.edit_asset(i, |a| {
                a.visibility = if a.visibility == "hidden" {
                    "timeline"
                } else {
                    "hidden"
                }
                .into()
            }),
            Change::ForceDelete(i) => self.force_delete(i),
            Change::Describe(i) => {
                if let Some(id) = pick(&self.exifs, i) {
                    let at = self.tick();
                    if let Some((stamp, exif)) = self.exifs.get_mut(&id) {
                        *stamp = at;
                        exif.description = Some(format!("described at {at}"));
                    }
                }
            }
            Change::NewAlbum => self.new_album(),
            Change::RenameAlbum(i) => {
                if let Some(id) = pick(&self.albums, i) {
                    let at = self.tick();
                    if let Some((stamp, album)) = self.albums.get_mut(&id) {
                        *stamp = at;
                        album.name = format!("album renamed at {at}");
                    }
                }
            }
            Change::DeleteAlbum(i) => {
                if let Some(id) = pick(&self.albums, i) {
                    self.albums.remove(&id);
                    // Cascades without audit rows: the album's own deletion says it all.
                    self.album_users.retain(|(album, _), _| *album != id);
                    self.album_assets.retain(|(album, _), _| *album != id);
                    let at = self.tick();
                    self.album_audit.push((at, id));
                }
            }
            Change::AddToAlbum(a, b) => {
                let my_assets: Vec<String> = self
                    .assets
                    .values()
                    .filter(|(_, x)| x.owner_id == ME)
                    .map(|(_, x)| x.id.clone())
                    .collect();
                if let (Some(album), false) = (pick(&self.albums, a), my_assets.is_empty()) {
                    let key = (album, my_assets[b % my_assets.len()].clone());
                    if !self.album_assets.contains_key(&key) {
                        let at = self.tick();
                        self.album_assets.insert(key, at);
                    }
                }
            }
            Change::RemoveFromAlbum(a) => {
                if let Some(key) = pick(&self.album_assets, a) {
                    self.album_assets.remove(&key);
                    let at = self.tick();
                    self.album_asset_audit.push((at, key));
                }
            }
            Change::ShareAlbum(i) => {
                if let Some(album) = pick(&self.albums, i) {
                    let member = AlbumUser {
                        album_id: album.clone(),
                        user_id: PARTNER.into(),
                        role: "editor".into(),
                    };
                    let at = self.tick();
                    self.album_users
                        .insert((album, PARTNER.into()), (at, member));
                }
            }
            Change::UnshareAlbum(i) => {
                let shared: Vec<(String, String)> = self
                    .album_users
                    .keys()
                    .filter(|(_, user)| user != ME)
                    .cloned()
                    .collect();
                if !shared.is_empty() {
                    let key = shared[i % shared.len()].clone();
                    self.album_users.remove(&key);
                    let at = self.tick();
                    self.album_user_audit.push((at, key));
                }
            }
            Change::RenameUser(i) => {
                if let Some(id) = pick(&self.users, i) {
                    let at = self.tick();
                    if let Some((stamp, user)) = self.users.get_mut(&id) {
                        *stamp = at;
                        user.name = format!("{id} renamed at {at}");
                    }
                }
            }
            Change::DeleteOther => {
                if self.users.remove(OTHER).is_some() {
                    let at = self.tick();
                    self.user_audit.push((at, OTHER.into()));
                }
            }
            Change::PartnerTimeline => {
                let at = self.tick();
                if let Some((stamp, partner)) = self.partners.get_mut(&(PARTNER.into(), ME.into()))
                {
                    *stamp = at;
                    partner.in_timeline = !partner.in_timeline;
                }
            }
            Change::Unshare => {
                if let Some(((by, with), _)) = self.partners.pop_first() {
                    let at = self.tick();
                    self.partner_audit.push((at, (by, with)));
                }
            }
            Change::NewStack => {
                let at = self.tick();
                self.stacks.push(at);
            }
            Change::PendingReset => self.pending_reset = true,
        }
    }

    fn new_asset(&mut self, partner: bool, video: bool) {
        let at = self.tick();
        let id = format!("asset-{at}");
        // The partner's new assets reach me only while they share.
        let owner = if partner && !self.sharing().is_empty() {
            PARTNER
        } else {
            ME
        };
        let asset = RemoteAsset {
            id: id.clone(),
            owner_id: owner.into(),
            original_file_name: format!("IMG_{at}.{}", if video { "mp4" } else { "jpg" }),
            file_created_at: Some(format!("2026-11-{:02}T10:00:00.000Z", 1 + at % 28)),
            local_date_time: Some(format!("2026-11-{:02}T10:00:00.000Z", 1 + at % 28)),
            kind: if video { "VIDEO" } else { "IMAGE" }.into(),
            checksum: format!("sum{at}="),
            deleted_at: None,
            is_favorite: false,
            visibility: "timeline".into(),
            duration: video.then_some(1500.0),
            width: Some(64),
            height: Some(48),
            live_photo_video_id: None,
            stack_id: None,
            thumbhash: None,
        };
        self.assets.insert(id.clone(), (at, asset));
        let exif = AssetExif {
            asset_id: id.clone(),
            date_time_original: None,
            time_zone: None,
            file_size_in_byte: Some(at * 10),
            exif_image_width: Some(64),
            exif_image_height: Some(48),
            orientation: None,
            make: None,
            model: None,
            lens_model: None,
            city: None,
            state: None,
            country: None,
            latitude: None,
            longitude: None,
            description: Some(String::new()),
        };
        let at = self.tick();
        self.exifs.insert(id, (at, exif));
    }

    fn edit_asset(&mut self, i: usize, edit: impl FnOnce(&mut RemoteAsset)) {
        if let Some(id) = pick(&self.assets, i) {
            let at = self.tick();
            if let Some((stamp, asset)) = self.assets.get_mut(&id) {
                *stamp = at;
                edit(asset);
            }
        }
    }

    fn force_delete(&mut self, i: usize) {
        let Some(id) = pick(&self.assets, i) else {
            return;
        };
        let Some((_, asset)) = self.assets.remove(&id) else {
            return;
        };
        self.exifs.remove(&id);
        let links: Vec<(String, String)> = self
            .album_assets
            .keys()
            .filter(|(_, a)| *a == id)
            .cloned()
            .collect();
        for key in links {
            self.album_assets.remove(&key);
            let at = self.tick();
            self.album_asset_audit.push((at, key));
        }
        let at = self.tick();
        self.asset_audit.push((at, (id, asset.owner_id)));
    }

    fn new_album(&mut self) {
        let at = self.tick();
        let id = format!("album-{at}");
        let album = Album {
            id: id.clone(),
            name: format!("album {at}"),
            description: String::new(),
            owner_id: ME.into(),
            thumbnail_asset_id: None,
            created_at: "2026-11-29T15:15:20.260Z".into(),
            updated_at: "2026-11-29T15:15:20.260Z".into(),
        };
        self.albums.insert(id.clone(), (at, album));
        let owner = AlbumUser {
            album_id: id.clone(),
            user_id: ME.into(),
            role: "owner".into(),
        };
        let at = self.tick();
        self.album_users.insert((id, ME.into()), (at, owner));
    }
}

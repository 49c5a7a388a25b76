//! A server that derives each stream from its state, as Immich does: every row and every
//! deletion (an audit row) carries an update id from one clock; a session keeps a checkpoint per
//! kind (the last ack it sent) and a stream holds, type after type, what changed after the
//! checkpoint, current data only. So a row sent again after a kill is the current one.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::super::super::{Album, AlbumUser, AssetExif, Partner, RemoteAsset, User};
use super::super::driver::Server;

pub const ME: &str = "me";
pub const PARTNER: &str = "pat";
pub const OTHER: &str = "olga";

/// A row and the update id of its last change.
pub type Stamped<T> = (u64, T);

#[derive(Clone, Debug, Default)]
pub struct SimServer {
    pub clock: u64,
    pub users: BTreeMap<String, Stamped<User>>,
    pub user_audit: Vec<Stamped<String>>,
    pub partners: BTreeMap<(String, String), Stamped<Partner>>,
    pub partner_audit: Vec<Stamped<(String, String)>>,
    pub assets: BTreeMap<String, Stamped<RemoteAsset>>,
    /// Deleted assets: (asset, owner).
    pub asset_audit: Vec<Stamped<(String, String)>>,
    pub exifs: BTreeMap<String, Stamped<AssetExif>>,
    pub albums: BTreeMap<String, Stamped<Album>>,
    pub album_audit: Vec<Stamped<String>>,
    pub album_users: BTreeMap<(String, String), Stamped<AlbumUser>>,
    pub album_user_audit: Vec<Stamped<(String, String)>>,
    /// (album, asset) -> when it joined.
    pub album_assets: BTreeMap<(String, String), u64>,
    pub album_asset_audit: Vec<Stamped<(String, String)>>,
    /// Rows of a type the client does not know (stacks), by update id.
    pub stacks: Vec<u64>,
    pub checkpoints: BTreeMap<String, u64>,
    /// The next stream answers only SyncResetV1.
    pub pending_reset: bool,
    /// Acks the server took.
    pub acks_taken: usize,
}

/// One stream's lines, in order.
struct Lines(Vec<String>);

impl Lines {
    fn push(&mut self, kind: &str, data: impl Serialize, id: u64) {
        self.push_acking(kind, data, kind, id);
    }

    /// A line whose ack is of another kind (SyncAckV1's).
    fn push_acking(&mut self, kind: &str, data: impl Serialize, acked: &str, id: u64) {
        let line = json!({"type": kind, "data": data, "ack": format!("{acked}|{id:016x}")});
        self.0.push(line.to_string());
    }
}

impl SimServer {
    pub fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn after(&self, kind: &str) -> u64 {
        self.checkpoints.get(kind).copied().unwrap_or(0)
    }

    /// Those who share their library with me now.
    pub fn sharing(&self) -> Vec<String> {
        self.partners
            .keys()
            .filter(|(_, with)| with == ME)
            .map(|(by, _)| by.clone())
            .collect()
    }

    /// Rows of `kind` changed after the checkpoint, oldest first.
    fn changed<'a, T: Serialize + 'a>(
        &self,
        lines: &mut Lines,
        kind: &str,
        rows: impl Iterator<Item = (u64, &'a T)>,
    ) {
        let after = self.after(kind);
        let mut rows: Vec<(u64, &T)> = rows.filter(|(id, _)| *id > after).collect();
        rows.sort_by_key(|(id, _)| *id);
        for (id, row) in rows {
            lines.push(kind, row, id);
        }
    }

    fn body(&self) -> Vec<u8> {
        let mut lines = Lines(Vec::new());
        if let Some((id, me)) = self.users.get(ME) {
            self.changed(&mut lines, "AuthUserV1", std::iter::once((*id, me)));
        }
        let user_deletes: Vec<(u64, Value)> = self
            .user_audit
            .iter()
            .map(|(id, user)| (*id, json!({"userId": user})))
            .collect();
        self.changed(
            &mut lines,
            "UserDeleteV1",
            user_deletes.iter().map(|(id, v)| (*id, v)),
        );
        self.changed(
            &mut lines,
            "UserV1",
            self.users.values().map(|(id, u)| (*id, u)),
        );

        let partner_deletes: Vec<(u64, Value)> = self
            .partner_audit
            .iter()
            .map(|(id, (by, with))| (*id, json!({"sharedById": by, "sharedWithId": with})))
            .collect();
        self.changed(
            &mut lines,
            "PartnerDeleteV1",
            partner_deletes.iter().map(|(id, v)| (*id, v)),
        );
        self.changed(
            &mut lines,
            "PartnerV1",
            self.partners.values().map(|(id, p)| (*id, p)),
        );

        let sharing = self.sharing();
        let deleted = |of: &dyn Fn(&str) -> bool| -> Vec<(u64, Value)> {
            self.asset_audit
                .iter()
                .filter(|(_, (_, owner))| of(owner))
                .map(|(id, (asset, _))| (*id, json!({"assetId": asset})))
                .collect()
        };
        let mine = |owner: &str| owner == ME;
        let partners = |owner: &str| sharing.iter().any(|p| p == owner);
        let mine_deleted = deleted(&mine);
        self.changed(
            &mut lines,
            "AssetDeleteV1",
            mine_deleted.iter().map(|(id, v)| (*id, v)),
        );
        let my_assets = self.assets.values().filter(|(_, a)| mine(&a.owner_id));
        self.changed(&mut lines, "AssetV2", my_assets.map(|(id, a)| (*id, a)));
        let partners_deleted = deleted(&partners);
        let partner_deletes = partners_deleted.iter().map(|(id, v)| (*id, v));
        self.changed(&mut lines, "PartnerAssetDeleteV1", partner_deletes);
        let their_assets = self.assets.values().filter(|(_, a)| partners(&a.owner_id));
        self.changed(
            &mut lines,
            "PartnerAssetV2",
            their_assets.map(|(id, a)| (*id, a)),
        );

        self.album_asset_lines(&mut lines);

        let album_deletes: Vec<(u64, Value)> = self
            .album_audit
            .iter()
            .map(|(id, album)| (*id, json!({"albumId": album})))
            .collect();
        self.changed(
            &mut lines,
            "AlbumDeleteV1",
            album_deletes.iter().map(|(id, v)| (*id, v)),
        );
        self.changed(
            &mut lines,
            "AlbumV1",
            self.albums.values().map(|(id, a)| (*id, a)),
        );
        let member_deletes: Vec<(u64, Value)> = self
            .album_user_audit
            .iter()
            .map(|(id, (album, user))| (*id, json!({"albumId": album, "userId": user})))
            .collect();
        let member_deletes_iter = member_deletes.iter().map(|(id, v)| (*id, v));
        self.changed(&mut lines, "AlbumUserDeleteV1", member_deletes_iter);
        self.changed(
            &mut lines,
            "AlbumUserV1",
            self.album_users.values().map(|(id, m)| (*id, m)),
        );
        let link = |(album, asset): &(String, String)| json!({"albumId": album, "assetId": asset});
        let link_deletes: Vec<(u64, Value)> = self
            .album_asset_audit
            .iter()
            .map(|(id, key)| (*id, link(key)))
            .collect();
        self.changed(
            &mut lines,
            "AlbumToAssetDeleteV1",
            link_deletes.iter().map(|(id, v)| (*id, v)),
        );
        let links: Vec<(u64, Value)> = self
            .album_assets
            .iter()
            .map(|(key, id)| (*id, link(key)))
            .collect();
        self.changed(
            &mut lines,
            "AlbumToAssetV1",
            links.iter().map(|(id, v)| (*id, v)),
        );

        let exif_of = |of: &dyn Fn(&str) -> bool| -> Vec<(u64, &AssetExif)> {
            self.exifs
                .values()
                .filter(|(_, e)| {
                    self.assets
                        .get(&e.asset_id)
                        .is_some_and(|(_, a)| of(&a.owner_id))
                })
                .map(|(id, e)| (*id, e))
                .collect()
        };
        self.changed(&mut lines, "AssetExifV1", exif_of(&mine).into_iter());
        self.changed(
            &mut lines,
            "PartnerAssetExifV1",
            exif_of(&partners).into_iter(),
        );

        let stacks: Vec<(u64, Value)> = self
            .stacks
            .iter()
            .map(|id| (*id, json!({"id": format!("stack-{id}")})))
            .collect();
        self.changed(&mut lines, "StackV1", stacks.iter().map(|(id, v)| (*id, v)));
        lines.push("SyncCompleteV1", json!({}), self.clock);
        let mut body = lines.0.join("\n");
        body.push('\n');
        body.into_bytes()
    }

    /// AlbumAssetsV2 as Immich sends it: assets that joined an album after the create
    /// checkpoint, and changes of the others after the update checkpoint; on a first sync, an
    /// ack of "updates up to now" before the creates.
    fn album_asset_lines(&self, lines: &mut Lines) {
        let created_after = self.after("AlbumAssetCreateV2");
        if created_after == 0 {
            lines.push_acking("SyncAckV1", json!({}), "AlbumAssetUpdateV2", self.clock);
        } else {
            let mut updated: BTreeMap<u64, &RemoteAsset> = BTreeMap::new();
            for ((_, asset), joined) in &self.album_assets {
                if let Some((id, row)) = self.assets.get(asset) {
                    if *joined <= created_after && *id > self.after("AlbumAssetUpdateV2") {
                        updated.insert(*id, row);
                    }
                }
            }
            for (id, row) in updated {
                lines.push("AlbumAssetUpdateV2", row, id);
            }
        }
        let mut created: Vec<(u64, &RemoteAsset)> = self
            .album_assets
            .iter()
            .filter(|(_, joined)| **joined > created_after)
            .filter_map(|((_, asset), joined)| self.assets.get(asset).map(|(_, a)| (*joined, a)))
            .collect();
        created.sort_by_key(|(id, _)| *id);
        for (id, row) in created {
            lines.push("AlbumAssetCreateV2", row, id);
        }
    }
}

impl Server for SimServer {
    fn stream(&mut self, request: &str) -> (u16, Vec<u8>) {
        let reset = serde_json::from_str::<Value>(request)
            .map(|body| body["reset"] == Value::Bool(true))
            .unwrap_or(false);
        if reset {
            self.checkpoints.clear();
            self.pending_reset = false;
        } else if self.pending_reset {
            let line = r#"{"type":"SyncResetV1","data":{},"ack":"SyncResetV1|reset"}"#;
            return (200, format!("{line}\n").into_bytes());
        }
        (200, self.body())
    }

    fn ack(&mut self, acks: &[String]) -> u16 {
        let mut parsed = Vec::new();
        for ack in acks {
            let Some((kind, id)) = ack.split_once('|') else {
                return 400;
            };
            let Ok(id) = u64::from_str_radix(id, 16) else {
                return 400;
            };
            parsed.push((kind.to_owned(), id));
        }
        self.acks_taken += parsed.len();
        self.checkpoints.extend(parsed);
        204
    }
}

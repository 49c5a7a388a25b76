//! Which feeds a stream walks, in Immich's order (its `SYNC_TYPES_ORDER`: users, partners,
//! assets, partner assets, album assets, albums, album users, album-to-assets, the EXIFs), each
//! from the session's checkpoint of its entity type; deletions before the rows of each type.

use std::collections::HashMap;

use super::ack::{Ack, Extra, Position, COMPLETE};
use super::lines;
use crate::store::sync::Feed;
use crate::store::{Store, StoreError};
use crate::update_id::UpdateId;

/// One part of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The feed's rows after `after`, told as entity type `kind`, each acked as `ack_prefix`
    /// followed by its key; `lead` goes out before the first row, if there is one.
    Feed {
        feed: Feed,
        kind: &'static str,
        after: UpdateId,
        ack_prefix: String,
        lead: Option<Vec<u8>>,
    },
    /// A line as it is.
    Line(Vec<u8>),
}

/// The stream's inputs: who asks, for what, from which checkpoints, bounded by `now`.
pub struct Request<'a> {
    pub user_id: &'a str,
    pub session_id: &'a str,
    pub types: &'a [String],
    pub checkpoints: &'a HashMap<String, Ack>,
    pub now: UpdateId,
}

impl Request<'_> {
    fn wants(&self, kind: &str) -> bool {
        self.types.iter().any(|wanted| wanted == kind)
    }

    fn checkpoint(&self, kind: &str) -> Option<UpdateId> {
        self.checkpoints.get(kind).and_then(Ack::update_id)
    }

    fn feed(&self, feed: Feed, kind: &'static str) -> Step {
        self.feed_led_by(feed, kind, None)
    }

    fn feed_led_by(&self, feed: Feed, kind: &'static str, lead: Option<Vec<u8>>) -> Step {
        Step::Feed {
            feed,
            kind,
            after: self.checkpoint(kind).unwrap_or(UpdateId::ZERO),
            ack_prefix: format!("{kind}|"),
            lead,
        }
    }

    /// Album assets come as creates (by when they joined an album) and, once a client has
    /// creates, as updates of those it has (`updates` of the create checkpoint). Before the
    /// first create, a `SyncAckV1` moves the update checkpoint to now: creates carry the asset
    /// as it is now.
    fn album_assets(
        &self,
        updates: impl FnOnce(UpdateId) -> Feed,
        update_kind: &'static str,
        creates: Feed,
        create_kind: &'static str,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        if let Some(created_until) = self.checkpoint(create_kind) {
            steps.push(self.feed(updates(created_until), update_kind));
        }
        let lead = lines::bare("SyncAckV1", &format!("{update_kind}|{}", self.now));
        steps.push(self.feed_led_by(creates, create_kind, Some(lead)));
        steps
    }

    /// Immich's backfill: a partner who began sharing after the client's checkpoint of
    /// `upsert_kind` has older assets the client never got; they come as `backfill_kind`, acked
    /// with the partnership's create id so an interrupted backfill resumes. On a first sync
    /// (no checkpoint) the plain feed sends everything, so the backfills are marked done.
    fn backfills(
        &self,
        store: &Store,
        backfill_kind: &'static str,
        upsert_kind: &'static str,
        feed: impl Fn(String, UpdateId) -> Feed,
    ) -> Result<Vec<Step>, StoreError> {
        let done = self.checkpoints.get(backfill_kind).map(|ack| ack.position);
        let from = match done {
            Some(Position::At(create_id, _)) => create_id,
            _ => UpdateId::ZERO,
        };
        let partners = store.partners_started(self.user_id, from, self.now)?;
        let Some(until) = self.checkpoint(upsert_kind) else {
            if let Some(last) = partners.last() {
                let ack = format!("{backfill_kind}|{}|{COMPLETE}", last.create_id);
                store.save_checkpoints(self.session_id, &[(backfill_kind.to_string(), ack)])?;
            }
            return Ok(Vec::new());
        };
        let mut steps = Vec::new();
        for partner in partners {
            let after = match done {
                Some(Position::At(id, Extra::Complete)) if id == partner.create_id => continue,
                Some(Position::At(id, Extra::Row(row))) if id == partner.create_id => row,
                _ => UpdateId::ZERO,
            };
            steps.push(Step::Feed {
                feed: feed(partner.shared_by_id, until),
                kind: backfill_kind,
                after,
                ack_prefix: format!("{backfill_kind}|{}|", partner.create_id),
                lead: None,
            });
            let complete = format!("{backfill_kind}|{}|{COMPLETE}", partner.create_id);
            steps.push(Step::Line(lines::bare("SyncAckV1", &complete)));
        }
        Ok(steps)
    }
}

/// The steps of a stream, ending with `SyncCompleteV1`. Types served by nothing here (stacks,
/// memories, people, ...) are accepted and send no rows.
pub fn plan(store: &Store, request: &Request<'_>) -> Result<Vec<Step>, StoreError> {
    let mut steps = Vec::new();
    if request.wants("AuthUsersV1") {
        steps.push(request.feed(Feed::AuthUser, "AuthUserV1"));
    }
    if request.wants("UsersV1") {
        steps.push(request.feed(Feed::UserDeletes, "UserDeleteV1"));
        steps.push(request.feed(Feed::Users, "UserV1"));
    }
    if request.wants("PartnersV1") {
        steps.push(request.feed(Feed::PartnerDeletes, "PartnerDeleteV1"));
        steps.push(request.feed(Feed::Partners, "PartnerV1"));
    }
    if request.wants("AssetsV2") {
        steps.push(request.feed(Feed::AssetDeletes, "AssetDeleteV1"));
        steps.push(request.feed(Feed::Assets, "AssetV2"));
    }
    if request.wants("PartnerAssetsV2") {
        steps.push(request.feed(Feed::PartnerAssetDeletes, "PartnerAssetDeleteV1"));
        let backfill = |owner_id, until| Feed::PartnerAssetBackfill { owner_id, until };
        steps.extend(request.backfills(
            store,
            "PartnerAssetBackfillV2",
            "PartnerAssetV2",
            backfill,
        )?);
        steps.push(request.feed(Feed::PartnerAssets, "PartnerAssetV2"));
    }
    if request.wants("AlbumAssetsV2") {
        steps.extend(request.album_assets(
            |created_until| Feed::AlbumAssetUpdates { created_until },
            "AlbumAssetUpdateV2",
            Feed::AlbumAssetCreates,
            "AlbumAssetCreateV2",
        ));
    }
    if request.wants("AlbumsV1") {
        steps.push(request.feed(Feed::AlbumDeletes, "AlbumDeleteV1"));
        steps.push(request.feed(Feed::Albums, "AlbumV1"));
    }
    if request.wants("AlbumUsersV1") {
        steps.push(request.feed(Feed::AlbumUsers, "AlbumUserV1"));
    }
    if request.wants("AlbumToAssetsV1") {
        steps.push(request.feed(Feed::AlbumToAssetDeletes, "AlbumToAssetDeleteV1"));
        steps.push(request.feed(Feed::AlbumToAssets, "AlbumToAssetV1"));
    }
    if request.wants("AssetExifsV1") {
        steps.push(request.feed(Feed::AssetExifs, "AssetExifV1"));
    }
    if request.wants("AlbumAssetExifsV1") {
        steps.extend(request.album_assets(
            |created_until| Feed::AlbumAssetExifUpdates { created_until },
            "AlbumAssetExifUpdateV1",
            Feed::AlbumAssetExifCreates,
            "AlbumAssetExifCreateV1",
        ));
    }
    if request.wants("PartnerAssetExifsV1") {
        let backfill = |owner_id, until| Feed::PartnerAssetExifBackfill { owner_id, until };
        steps.extend(request.backfills(
            store,
            "PartnerAssetExifBackfillV1",
            "PartnerAssetExifV1",
            backfill,
        )?);
        steps.push(request.feed(Feed::PartnerAssetExifs, "PartnerAssetExifV1"));
    }
    let complete = format!("SyncCompleteV1|{}", request.now);
    steps.push(Step::Line(lines::bare("SyncCompleteV1", &complete)));
    Ok(steps)
}

//! Events are collected and applied together at most once per window (5 s, as the mobile app),
//! so a burst of a thousand uploads is one transaction and one refresh of the library view.
//!
//! The window opens with the first event after a batch, so an event waits at most one window and
//! two batches are at least one window apart. Within a batch only each asset's last state is
//! written: a delete after an update wins, an update after an upload keeps the upload's exif.

use std::collections::HashMap;

use super::events::RealtimeEvent;
use crate::core::sync::{AssetExif, MirrorOp, RemoteAsset};

/// How long events are collected before they are applied.
pub const DEBOUNCE_MS: u64 = 5_000;

/// What a batch of events asks for, applied in this order: the writes, then the sync, then the
/// server's details.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RealtimeBatch {
    /// Mirror writes, in one transaction.
    pub ops: Vec<MirrorOp>,
    /// An incremental sync is needed for changes the events did not describe whole.
    pub sync: bool,
    /// The server's details (version, features) are to be asked again.
    pub server_changed: bool,
    /// How many events the batch holds, for the log.
    pub events: usize,
}

enum AssetChange {
    Put {
        asset: Box<RemoteAsset>,
        exif: Option<Box<AssetExif>>,
    },
    Deleted,
}

/// Collects events between batches.
#[derive(Default)]
pub struct Debouncer {
    /// Asset ids in the order they were first touched, with their last state.
    order: Vec<String>,
    changes: HashMap<String, AssetChange>,
    sync: bool,
    server_changed: bool,
    events: usize,
    due: Option<u64>,
}

impl Debouncer {
    /// Adds an event received at `now`. Events about the session or the socket itself are not
    /// for the mirror and are ignored here.
    pub fn push(&mut self, event: RealtimeEvent, now: u64) {
        match event {
            RealtimeEvent::Put { asset, exif } => {
                let id = asset.id.clone();
                let exif = exif.or_else(|| match self.changes.get_mut(&id) {
                    Some(AssetChange::Put { exif, .. }) => exif.take(),
                    _ => None,
                });
                self.touch(id, AssetChange::Put { asset, exif });
            }
            RealtimeEvent::Delete(id) => self.touch(id, AssetChange::Deleted),
            RealtimeEvent::Changed(_) => self.sync = true,
            RealtimeEvent::ServerChanged => self.server_changed = true,
            RealtimeEvent::SessionDeleted(_)
            | RealtimeEvent::Unauthorized
            | RealtimeEvent::Ignored(_) => return,
        }
        self.events += 1;
        // A clock that went back must not hold the batch for longer than a window.
        let due = now.saturating_add(DEBOUNCE_MS);
        self.due = Some(self.due.map_or(due, |at| at.min(due)));
    }

    fn touch(&mut self, id: String, change: AssetChange) {
        if !self.changes.contains_key(&id) {
            self.order.push(id.clone());
        }
        self.changes.insert(id, change);
    }

    /// When the collected events are to be applied, if any are waiting.
    pub fn due(&self) -> Option<u64> {
        self.due
    }

    /// The batch, once its window has passed.
    pub fn take_due(&mut self, now: u64) -> Option<RealtimeBatch> {
        match self.due {
            Some(due) if now >= due => self.flush(),
            _ => None,
        }
    }

    /// The batch at once, whatever the window (the socket closed, the service stops).
    pub fn flush(&mut self) -> Option<RealtimeBatch> {
        self.due.take()?;
        let mut ops = Vec::with_capacity(self.order.len());
        for id in std::mem::take(&mut self.order) {
            match self.changes.remove(&id) {
                Some(AssetChange::Put { asset, exif }) => {
                    ops.push(MirrorOp::PutAsset(*asset));
                    ops.extend(exif.map(|exif| MirrorOp::PutExif(*exif)));
                }
                Some(AssetChange::Deleted) => ops.push(MirrorOp::DeleteAsset(id)),
                None => {}
            }
        }
        Some(RealtimeBatch {
            ops,
            sync: std::mem::take(&mut self.sync),
            server_changed: std::mem::take(&mut self.server_changed),
            events: std::mem::take(&mut self.events),
        })
    }
}

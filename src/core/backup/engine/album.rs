//! Albums (a backup folder's "add to an album of its name"): a row with `album` joins that
//! album once its asset is on the server. Assets are added in batches of `ALBUM_BATCH`, the rest
//! before the run ends, one request at a time with the rest of the run's. A failure is a
//! warning, never a failed file: the row keeps its album, and the next run tries again. A row's
//! album is cleared once the server has added its asset, so a killed run loses none.

use std::collections::{BTreeMap, HashSet};

use crate::core::immich;
use crate::core::log::LogLevel;

use super::super::io::Output;
use super::super::{ItemState, QueueItem};
use super::trace::files_text;
use super::Engine;

/// Assets per album request: small enough for any server, few requests for a big folder.
pub const ALBUM_BATCH: usize = 100;

/// The album work of a run.
#[derive(Debug, Default)]
pub(super) struct Albums {
    /// Per album name, the (queue id, asset id) pairs to add, oldest first.
    waiting: BTreeMap<String, Vec<(String, String)>>,
    /// Rows taken this run: each is sent once a run, a failed one again by the next run.
    taken: HashSet<String>,
    /// The request on its way: the album's name and its rows' queue ids.
    pub(super) sending: Option<(String, Vec<String>)>,
}

impl Albums {
    /// Takes a row whose asset is on the server and still to be added to its album.
    pub(super) fn collect(&mut self, row: &QueueItem) {
        let on_server = matches!(row.state, ItemState::Done | ItemState::Duplicate);
        let (Some(name), Some(asset), true) = (&row.album, &row.remote_id, on_server) else {
            return;
        };
        if self.taken.insert(row.id.clone()) {
            let pair = (row.id.clone(), asset.clone());
            self.waiting.entry(name.clone()).or_default().push(pair);
        }
    }

    /// Nothing left to add.
    pub(super) fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// A full batch of one album, or with `rest` whatever is waiting.
    fn next_batch(&mut self, rest: bool) -> Option<(String, Vec<(String, String)>)> {
        let (name, rows) = self
            .waiting
            .iter_mut()
            .find(|(_, rows)| rest || rows.len() >= ALBUM_BATCH)?;
        let batch: Vec<_> = rows.drain(..rows.len().min(ALBUM_BATCH)).collect();
        let name = name.clone();
        if self.waiting.get(&name).is_some_and(Vec::is_empty) {
            self.waiting.remove(&name);
        }
        Some((name, batch))
    }
}

impl Engine {
    /// Sends a full batch, or with `rest` (the run has nothing else to do) any batch; returns
    /// whether a request went out.
    pub(super) fn start_album(&mut self, rest: bool) -> bool {
        let Some((name, rows)) = self.albums.next_batch(rest) else {
            return false;
        };
        // Two rows of the same content are one asset, named once.
        let mut asset_ids: Vec<String> = Vec::with_capacity(rows.len());
        for (_, asset) in &rows {
            if !asset_ids.contains(asset) {
                asset_ids.push(asset.clone());
            }
        }
        let ids = rows.into_iter().map(|(id, _)| id).collect();
        self.albums.sending = Some((name.clone(), ids));
        self.out.push_back(Output::AddToAlbum { name, asset_ids });
        true
    }

    pub(super) fn on_album_reply(&mut self, name: &str, result: Result<(), String>) {
        let Some((_, ids)) = self.albums.sending.take_if(|(sent, _)| sent == name) else {
            return;
        };
        let files = files_text(ids.len());
        match result {
            Ok(()) => {
                let ids: HashSet<String> = ids.into_iter().collect();
                let mut rows = Vec::new();
                for id in &ids {
                    let added = self.items.update(id, |item| {
                        Ok((item.album.as_deref() == Some(name)).then(|| {
                            item.album = None;
                            item.clone()
                        }))
                    });
                    rows.extend(added.ok().flatten());
                }
                self.persist(rows);
                self.log(
                    LogLevel::Info,
                    &format!("{files} added to the album \"{name}\""),
                );
            }
            Err(reason) => {
                let reason = immich::cut_server_text(&reason);
                self.log(
                    LogLevel::Warning,
                    &format!("Could not add {files} to the album \"{name}\": {reason}"),
                );
            }
        }
    }
}

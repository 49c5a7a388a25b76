//! The rows a run holds, read through the queue's indexes rather than by loading the queue:
//! what it starts with, the waiting rows it pages in, and the finished rows a new run drops
//! (`core::backup::paging` says which rows those are).

use std::collections::HashSet;

use futures_util::future::join_all;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use wasm_bindgen::prelude::*;

use crate::core::backup::{dropped_by_new_run, ItemState, QueueCounts, QueueItem, HELD_WHOLE};
use crate::web::json::from_js_via_json;

use super::by_state::{decode, rows_in};
use super::queue::{counts_in_runs, delete_rows, stored_rows};
use super::ranges::{of_state, picked_in};
use super::schema::{QUEUE_ALBUM_DEBTS, QUEUE_BY_STATE, QUEUE_LIVE_LINKS};
use super::{Store, StoreError, LOCAL_ASSETS, UPLOAD_QUEUE};

/// The finished states whose rows may still owe an album add.
const BACKED_UP: [ItemState; 2] = [ItemState::Done, ItemState::Duplicate];

impl Store {
    /// Removes the finished rows of picked files that no row needs any more
    /// (`dropped_by_new_run`), and any stored file they still hold; returns how many. A new
    /// run does this first, so the numbers shown are its own, and so does the page's "Clear
    /// finished". Only the finished picked rows and the rows naming them are read.
    pub async fn drop_finished_picked(&self) -> Result<u32, StoreError> {
        let tx = self
            .db
            .transaction([UPLOAD_QUEUE, LOCAL_ASSETS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let assets = tx.object_store(LOCAL_ASSETS)?;
        let by_state = queue.index(QUEUE_BY_STATE)?;
        let mut reads = Vec::new();
        for state in ItemState::ALL.into_iter().filter(|s| s.is_finished()) {
            reads.push(rows_in(&by_state, picked_in(state)?)?);
        }
        let mut candidates = Vec::new();
        for rows in join_all(reads).await {
            candidates.extend(rows?);
        }
        let live_links = queue.index(QUEUE_LIVE_LINKS)?;
        let mut namer_reads = Vec::with_capacity(candidates.len());
        for row in &candidates {
            let naming_it = KeyRange::Only(JsValue::from(row.id.as_str()));
            namer_reads.push(rows_in(&live_links, naming_it)?);
        }
        let mut dropped = Vec::new();
        for (row, namers) in candidates.iter().zip(join_all(namer_reads).await) {
            if dropped_by_new_run(row, &namers?) {
                dropped.push(row.id.as_str());
            }
        }
        let count = u32::try_from(dropped.len()).unwrap_or(u32::MAX);
        delete_rows(&queue, &assets, dropped)?;
        tx.commit().await?;
        Ok(count)
    }

    /// The rows a run starts with, and the counts of the rows in runs, read in one transaction:
    /// every row of a state held whole (`HELD_WHOLE`), the backed-up rows that still owe an
    /// album add, the first `page_rows` waiting rows in queue order, and the videos these name.
    pub async fn run_start(
        &self,
        page_rows: usize,
    ) -> Result<(Vec<QueueItem>, QueueCounts), StoreError> {
        let tx = self.db.transaction(UPLOAD_QUEUE).build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let by_state = queue.index(QUEUE_BY_STATE)?;
        let album_debts = queue.index(QUEUE_ALBUM_DEBTS)?;
        let counts = counts_in_runs(&by_state)?;
        let mut reads = Vec::new();
        for state in HELD_WHOLE {
            reads.push(rows_in(&by_state, of_state(state)?)?);
        }
        for state in BACKED_UP {
            reads.push(rows_in(&album_debts, of_state(state)?)?);
        }
        // A limit of 0 would read every waiting row.
        let waiting = match u32::try_from(page_rows).ok().filter(|&n| n > 0) {
            Some(limit) => {
                let rows = by_state.get_all::<JsValue>();
                let rows = rows.with_query::<JsValue, _>(of_state(ItemState::Pending)?);
                Some(rows.with_limit(limit).primitive()?)
            }
            None => None,
        };
        let mut rows = Vec::new();
        for read in join_all(reads).await {
            rows.extend(read?);
        }
        if let Some(waiting) = waiting {
            rows.extend(decode(waiting.await?)?);
        }
        let counts = counts.await?;
        add_named_videos(&queue, &mut rows, |_| false).await?;
        Ok((rows, counts))
    }

    /// The next `limit` waiting rows the engine does not hold (`known`), in queue order, and
    /// the videos they name that it does not hold either; with how many unheld rows still wait
    /// after these: Some(n) when known, None when more may wait. Only keys are read of the
    /// rows skipped. `held` is how many rows the engine holds, the most known keys that can
    /// come before the page. With `count` every waiting key is read to give the number (after
    /// files were picked during the run); without, at most `limit + held`.
    pub async fn waiting_page(
        &self,
        limit: usize,
        known: impl Fn(&str) -> bool,
        held: usize,
        count: bool,
    ) -> Result<(Vec<QueueItem>, Option<u32>), StoreError> {
        let tx = self.db.transaction(UPLOAD_QUEUE).build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let by_state = queue.index(QUEUE_BY_STATE)?;
        let keys = by_state.get_all_keys::<JsValue>();
        let keys = keys.with_query::<JsValue, _>(of_state(ItemState::Pending)?);
        // At least 1: a limit of 0 reads every key.
        let asked = u32::try_from(limit.saturating_add(held))
            .unwrap_or(u32::MAX)
            .max(1);
        let keys = if count {
            keys.primitive()?.await?
        } else {
            keys.with_limit(asked).primitive()?.await?
        };
        let read = keys.len();
        let mut unknown = Vec::new();
        for key in keys {
            unknown.extend(key?.as_string().filter(|id| !known(id)));
        }
        let page = &unknown[..limit.min(unknown.len())];
        let mut rows = Vec::with_capacity(page.len());
        // A row deleted since its key was read is not there any more.
        for value in stored_rows(&queue, page.iter().map(String::as_str))
            .await?
            .into_iter()
            .flatten()
        {
            rows.push(from_js_via_json(&value)?);
        }
        add_named_videos(&queue, &mut rows, &known).await?;
        let waiting = if count {
            // Videos taken in with the page wait no more.
            let taken: HashSet<&str> = rows.iter().map(|row| row.id.as_str()).collect();
            let left = unknown[page.len()..]
                .iter()
                .filter(|id| !taken.contains(id.as_str()))
                .count();
            Some(u32::try_from(left).unwrap_or(u32::MAX))
        } else {
            let all_read = u32::try_from(read).is_ok_and(|read| read < asked);
            (all_read && unknown.len() <= limit).then_some(0)
        };
        Ok((rows, waiting))
    }
}

/// Adds to `rows` the videos they name (a live photo's), read by key, unless among them or
/// `skip`ped (held elsewhere), and those the added ones name in turn. An id is asked for once,
/// so names that loop end; a video no longer stored is left out.
async fn add_named_videos(
    queue: &ObjectStore<'_>,
    rows: &mut Vec<QueueItem>,
    skip: impl Fn(&str) -> bool,
) -> Result<(), StoreError> {
    let mut asked: HashSet<String> = rows.iter().map(|row| row.id.clone()).collect();
    let mut from = 0;
    loop {
        let mut wanted = Vec::new();
        for video in rows[from..]
            .iter()
            .filter_map(|row| row.live_video.as_deref())
        {
            if !skip(video) && asked.insert(video.to_owned()) {
                wanted.push(video);
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let videos = stored_rows(queue, wanted.into_iter()).await?;
        from = rows.len();
        for value in videos.into_iter().flatten() {
            rows.push(from_js_via_json(&value)?);
        }
    }
}

//! The run's queue rows with what the planner asks of them kept at hand: a row by its id, the
//! rows of each unfinished state oldest first, the failed ones by the time of their retry, and
//! how many rows are in each state. A step of the run then costs as much with 100,000 files
//! queued as with 100 (the planner used to scan every row at every step).
//!
//! Rows change only through `update`, which takes a row out of the indexes and puts it back as
//! the change left it.
//!
//! A run holds only part of the queue (`core::backup::paging`): the rows of runs it does not
//! hold are counted by state in `beyond`, so the numbers shown and the end of the run still
//! account for every row.

use std::collections::{BTreeSet, HashMap};

use crate::core::progress::UploadState;

use super::super::{ItemState, QueueCounts, QueueItem, RetryPolicy, TransitionError};

/// Where a row stands in the queue: oldest first, then in the order rows joined the run.
type Place = (i64, usize);

const STATES: usize = ItemState::ALL.len();

#[derive(Debug, Default)]
pub(super) struct Items {
    rows: Vec<QueueItem>,
    /// Whether each row counts in the run's numbers: not a backup folder's row finished
    /// before it joined (a record that joins only for what it owes, or one let go earlier in
    /// this run and read again, already counted in `beyond`).
    counted: Vec<bool>,
    slots: HashMap<String, usize>,
    /// The unfinished rows of each state in queue order (finished ones need no order).
    by_state: [BTreeSet<Place>; STATES],
    /// Failed rows by retry time (none: due at once).
    retries: BTreeSet<(i64, usize)>,
    counts: QueueCounts,
    /// The stored rows in runs that are not held, by state.
    beyond: QueueCounts,
    /// Held rows in Uploading that name a live video (whose upload may wait for it).
    uploading_with_video: u32,
}

impl Items {
    /// The rows a run starts with, and the counts of the rows of the run it does not hold.
    pub(super) fn new(rows: Vec<QueueItem>, beyond: QueueCounts) -> Items {
        let rows = rows
            .into_iter()
            .map(|row| {
                let counted = row.in_runs();
                (row, counted)
            })
            .collect();
        let mut items = Items::ordered(rows);
        items.beyond = beyond;
        items
    }

    /// These rows (each with whether it counts), oldest first (ties by id), with nothing
    /// beyond them.
    fn ordered(mut rows: Vec<(QueueItem, bool)>) -> Items {
        rows.sort_by(|(a, _), (b, _)| (a.queued_at_ms, &a.id).cmp(&(b.queued_at_ms, &b.id)));
        let mut items = Items {
            slots: HashMap::with_capacity(rows.len()),
            ..Items::default()
        };
        for (slot, (row, _)) in rows.iter().enumerate() {
            items.slots.insert(row.id.clone(), slot);
        }
        (items.rows, items.counted) = rows.into_iter().unzip();
        for slot in 0..items.rows.len() {
            items.index(slot);
        }
        items
    }

    /// A stored row joins the run (one with a new id: the caller checks `contains`): it is no
    /// longer beyond.
    pub(super) fn push(&mut self, row: QueueItem) {
        let counted = row.in_runs();
        if counted {
            self.beyond.remove(row.state);
        }
        let slot = self.rows.len();
        self.slots.insert(row.id.clone(), slot);
        self.rows.push(row);
        self.counted.push(counted);
        self.index(slot);
    }

    pub(super) fn contains(&self, id: &str) -> bool {
        self.slots.contains_key(id)
    }

    pub(super) fn get(&self, id: &str) -> Option<&QueueItem> {
        self.slots.get(id).map(|&slot| &self.rows[slot])
    }

    /// Changes one row through `change`, which may fail half way: the indexes follow whatever
    /// it left. An unknown id is `TransitionError::Unknown`.
    pub(super) fn update<R>(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut QueueItem) -> Result<R, TransitionError>,
    ) -> Result<R, TransitionError> {
        let slot = *self.slots.get(id).ok_or(TransitionError::Unknown)?;
        self.unindex(slot);
        let result = change(&mut self.rows[slot]);
        self.index(slot);
        result
    }

    /// The unfinished rows in `state`, oldest first.
    pub(super) fn in_state(&self, state: ItemState) -> impl Iterator<Item = &QueueItem> + '_ {
        self.by_state[state.index()]
            .iter()
            .map(|&(_, slot)| &self.rows[slot])
    }

    /// How many held rows are in `state`.
    pub(super) fn count(&self, state: ItemState) -> u32 {
        self.counts.get(state)
    }

    pub(super) fn uploading_with_video(&self) -> u32 {
        self.uploading_with_video
    }

    /// How many stored rows in runs are waiting and not held.
    pub(super) fn waiting_beyond(&self) -> u32 {
        self.beyond.get(ItemState::Pending)
    }

    /// The store's word on its waiting rows not held: how many (`Some`), or only that more
    /// wait (`None`: at least one, whatever the count said).
    pub(super) fn set_waiting_beyond(&mut self, waiting: Option<u32>) {
        let count = waiting.unwrap_or_else(|| self.waiting_beyond().max(1));
        self.beyond.set(ItemState::Pending, count);
    }

    /// Every row of the run, held or not, is finished.
    pub(super) fn all_finished(&self) -> bool {
        self.counts.unfinished() == 0 && self.beyond.unfinished() == 0
    }

    /// The rows of the run by state, held or not.
    pub(super) fn counts(&self) -> QueueCounts {
        self.counts.plus(self.beyond)
    }

    /// Lets go of the finished rows `keep` does not want: they stay stored, and in the run's
    /// numbers (a backup folder's too, which the next run no longer counts).
    pub(super) fn let_go(&mut self, keep: impl Fn(&QueueItem) -> bool) {
        let rows = std::mem::take(&mut self.rows);
        let counted = std::mem::take(&mut self.counted);
        let (kept, gone): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .zip(counted)
            .partition(|(row, _)| !row.state.is_finished() || keep(row));
        let mut beyond = self.beyond;
        for (row, _) in gone.iter().filter(|(_, counted)| *counted) {
            beyond.add(row.state);
        }
        *self = Items::ordered(kept);
        self.beyond = beyond;
    }

    /// The earliest retry time of a failed row (a row with none is due at once and has none).
    pub(super) fn next_retry_at(&self) -> Option<i64> {
        self.retries
            .iter()
            .map(|&(at, _)| at)
            .find(|&at| at != i64::MIN)
    }

    /// The ids of the failed rows whose retry is due at `now_ms` (by `RetryPolicy::is_due`: a
    /// time long past the longest backoff means the clock went back), oldest retry first.
    pub(super) fn due_retries(&self, now_ms: i64, policy: &RetryPolicy) -> Vec<String> {
        let far = now_ms.saturating_add(policy.max_delay_ms.max(0));
        let past = self.retries.range(..=(now_ms, usize::MAX));
        let beyond = self.retries.range((far.saturating_add(1), 0)..);
        past.chain(beyond)
            .map(|&(_, slot)| self.rows[slot].id.clone())
            .collect()
    }

    /// The numbers of the queue for the pages.
    pub(super) fn upload_state(
        &self,
        current_file: Option<String>,
        current_progress: Option<f64>,
    ) -> UploadState {
        self.counts().upload_state(current_file, current_progress)
    }

    pub(super) fn rows(&self) -> &[QueueItem] {
        &self.rows
    }

    fn place(&self, slot: usize) -> Place {
        (self.rows[slot].queued_at_ms, slot)
    }

    fn index(&mut self, slot: usize) {
        let row = &self.rows[slot];
        let state = row.state;
        let retry =
            (state == ItemState::FailedRetryable).then(|| row.retry_at_ms.unwrap_or(i64::MIN));
        let place = self.place(slot);
        if state == ItemState::Uploading && row.live_video.is_some() {
            self.uploading_with_video = self.uploading_with_video.saturating_add(1);
        }
        if self.counted[slot] {
            self.counts.add(state);
        }
        if !state.is_finished() {
            self.by_state[state.index()].insert(place);
        }
        if let Some(at) = retry {
            self.retries.insert((at, slot));
        }
    }

    fn unindex(&mut self, slot: usize) {
        let row = &self.rows[slot];
        let state = row.state;
        let retry =
            (state == ItemState::FailedRetryable).then(|| row.retry_at_ms.unwrap_or(i64::MIN));
        let place = self.place(slot);
        if state == ItemState::Uploading && row.live_video.is_some() {
            self.uploading_with_video = self.uploading_with_video.saturating_sub(1);
        }
        if self.counted[slot] {
            self.counts.remove(state);
        }
        self.by_state[state.index()].remove(&place);
        if let Some(at) = retry {
            self.retries.remove(&(at, slot));
        }
    }
}

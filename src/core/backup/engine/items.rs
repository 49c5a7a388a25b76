//! The run's queue rows with what the planner asks of them kept at hand: a row by its id, the
//! rows of each unfinished state oldest first, the failed ones by the time of their retry, and
//! how many rows are in each state. A step of the run then costs as much with 100,000 files
//! queued as with 100 (the planner used to scan every row at every step).
//!
//! Rows change only through `update`, which takes a row out of the indexes and puts it back as
//! the change left it.

use std::collections::{BTreeSet, HashMap};

use crate::core::progress::UploadState;

use super::super::{ItemState, QueueCounts, QueueItem, RetryPolicy, TransitionError};

/// Where a row stands in the queue: oldest first, then in the order rows joined the run.
type Place = (i64, usize);

const STATES: usize = ItemState::ALL.len();

#[derive(Debug, Default)]
pub(super) struct Items {
    rows: Vec<QueueItem>,
    slots: HashMap<String, usize>,
    /// The unfinished rows of each state in queue order (finished ones need no order).
    by_state: [BTreeSet<Place>; STATES],
    /// Failed rows by retry time (none: due at once).
    retries: BTreeSet<(i64, usize)>,
    counts: QueueCounts,
}

impl Items {
    /// The rows of a run, oldest first (ties by id).
    pub(super) fn new(mut rows: Vec<QueueItem>) -> Items {
        rows.sort_by(|a, b| (a.queued_at_ms, &a.id).cmp(&(b.queued_at_ms, &b.id)));
        let mut items = Items {
            slots: HashMap::with_capacity(rows.len()),
            ..Items::default()
        };
        for (slot, row) in rows.iter().enumerate() {
            items.slots.insert(row.id.clone(), slot);
        }
        items.rows = rows;
        for slot in 0..items.rows.len() {
            items.index(slot);
        }
        items
    }

    /// A row joins the run (one with a new id: the caller checks `contains`).
    pub(super) fn push(&mut self, row: QueueItem) {
        let slot = self.rows.len();
        self.slots.insert(row.id.clone(), slot);
        self.rows.push(row);
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

    pub(super) fn count(&self, state: ItemState) -> u32 {
        self.counts.get(state)
    }

    pub(super) fn all_finished(&self) -> bool {
        self.counts.unfinished() == 0
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
        self.counts.upload_state(current_file, current_progress)
    }

    /// Every row in the order they joined the run.
    pub(super) fn iter(&self) -> impl Iterator<Item = &QueueItem> + '_ {
        self.rows.iter()
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
        self.counts.add(state);
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
        self.counts.remove(state);
        self.by_state[state.index()].remove(&place);
        if let Some(at) = retry {
            self.retries.remove(&(at, slot));
        }
    }
}

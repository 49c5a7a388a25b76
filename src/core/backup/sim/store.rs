//! The store's reads as the worker makes them (src/web/store/run_rows.rs): a new run's drop of
//! what earlier runs finished, the rows a run starts with, and pages of waiting rows, here of
//! random sizes up to what was asked, with the videos the rows name.

use std::collections::HashSet;

use super::super::HELD_WHOLE;
use super::super::{dropped_by_new_run, Engine, Input, ItemState, QueueCounts, QueueItem};
use super::Sim;

impl Sim {
    /// The rows a run starts with and the counts of the stored rows in runs.
    pub(super) fn run_start(&mut self, new_run: bool) -> (Vec<QueueItem>, QueueCounts) {
        if new_run {
            let dropped: Vec<String> = self
                .stored
                .values()
                .filter(|row| dropped_by_new_run(row, &self.namers(&row.id)))
                .map(|row| row.id.clone())
                .collect();
            for id in dropped {
                self.stored.remove(&id);
            }
        }
        let owes_album = |row: &QueueItem| {
            matches!(row.state, ItemState::Done | ItemState::Duplicate) && row.album.is_some()
        };
        let mut rows: Vec<QueueItem> = self
            .stored
            .values()
            .filter(|row| HELD_WHOLE.contains(&row.state) || owes_album(row))
            .cloned()
            .collect();
        rows.extend(self.waiting().take(self.world.page_rows).cloned());
        self.add_named_videos(&mut rows, |_| false);
        let counts = QueueCounts::of(self.stored.values().filter(|row| row.in_runs()));
        (rows, counts)
    }

    /// The answer to `Output::Load`: the next waiting rows the engine does not hold.
    pub(super) fn page(&mut self, limit: usize, engine: &Engine) -> Input {
        let size = self.pages.next().unwrap_or(limit).clamp(1, limit.max(1));
        let unknown: Vec<QueueItem> = self
            .waiting()
            .filter(|row| engine.item(&row.id).is_none())
            .cloned()
            .collect();
        let mut rows: Vec<QueueItem> = unknown.iter().take(size).cloned().collect();
        let left = unknown.len() - rows.len();
        // Counted when the page is odd-sized, as after a pick; otherwise the store only knows
        // whether more wait.
        let waiting = match (size % 2 == 1, left) {
            (true, _) => Some(u32::try_from(left).unwrap_or(u32::MAX)),
            (false, 0) => Some(0),
            (false, _) => None,
        };
        self.add_named_videos(&mut rows, |id| engine.item(id).is_some());
        Input::Loaded { rows, waiting }
    }

    /// The stored waiting rows in queue order (the sim queues every file at once, so by id).
    fn waiting(&self) -> impl Iterator<Item = &QueueItem> + '_ {
        self.stored
            .values()
            .filter(|row| row.state == ItemState::Pending)
    }

    /// The stored rows naming `id` as their live video.
    fn namers(&self, id: &str) -> Vec<QueueItem> {
        self.stored
            .values()
            .filter(|row| row.live_video.as_deref() == Some(id))
            .cloned()
            .collect()
    }

    /// Adds the stored videos the rows name, and those these name, unless `held`.
    fn add_named_videos(&self, rows: &mut Vec<QueueItem>, held: impl Fn(&str) -> bool) {
        let mut seen: HashSet<String> = rows.iter().map(|row| row.id.clone()).collect();
        let mut next = 0;
        while next < rows.len() {
            let named = rows[next].live_video.clone();
            next += 1;
            let Some(video) = named.and_then(|id| self.stored.get(&id)) else {
                continue;
            };
            if !held(&video.id) && seen.insert(video.id.clone()) {
                rows.push(video.clone());
            }
        }
    }
}

//! How many queue rows are in each state: kept by the run as rows change, and read from the
//! store's index when no run is going, so the numbers the pages show never need every row.

use crate::core::progress::UploadState;

use super::{ItemState, QueueItem};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueCounts([u32; ItemState::ALL.len()]);

impl QueueCounts {
    /// The counts of these rows.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a QueueItem>) -> QueueCounts {
        let mut counts = QueueCounts::default();
        for row in rows {
            counts.add(row.state);
        }
        counts
    }

    pub fn get(&self, state: ItemState) -> u32 {
        self.0[state.index()]
    }

    pub fn set(&mut self, state: ItemState, count: u32) {
        self.0[state.index()] = count;
    }

    pub fn add(&mut self, state: ItemState) {
        let count = &mut self.0[state.index()];
        *count = count.saturating_add(1);
    }

    pub fn remove(&mut self, state: ItemState) {
        let count = &mut self.0[state.index()];
        *count = count.saturating_sub(1);
    }

    pub fn total(&self) -> u32 {
        self.0.iter().fold(0u32, |sum, &n| sum.saturating_add(n))
    }

    /// Rows not finished yet: what a run still has to do.
    pub fn unfinished(&self) -> u32 {
        ItemState::ALL
            .into_iter()
            .filter(|state| !state.is_finished())
            .fold(0u32, |sum, state| sum.saturating_add(self.get(state)))
    }

    /// The numbers the pages show.
    pub fn upload_state(
        &self,
        current_file: Option<String>,
        current_progress: Option<f64>,
    ) -> UploadState {
        UploadState {
            total_count: self.total(),
            completed_count: self
                .get(ItemState::Done)
                .saturating_add(self.get(ItemState::Duplicate)),
            failed_count: self.get(ItemState::FailedPermanent),
            skipped_count: self.get(ItemState::Skipped),
            current_file,
            current_progress,
        }
    }
}

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

    /// The rows that take part in runs, from the counts of every row and of the backup
    /// folders' rows: a folder's finished rows are the folder's record (`QueueItem::in_runs`).
    pub fn in_runs(all: QueueCounts, of_folders: QueueCounts) -> QueueCounts {
        let mut counts = all;
        for state in ItemState::ALL.into_iter().filter(|s| s.is_finished()) {
            counts.set(state, all.get(state).saturating_sub(of_folders.get(state)));
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

    /// These counts and `other`'s, state by state.
    pub fn plus(mut self, other: QueueCounts) -> QueueCounts {
        for (count, more) in self.0.iter_mut().zip(other.0) {
            *count = count.saturating_add(more);
        }
        self
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::core::backup::ItemSource;

    fn row(n: usize, state: ItemState, source: u8) -> QueueItem {
        let mut item = QueueItem::new(n.to_string(), "a.jpg", 1, 0, 0);
        item.state = state;
        item.source = match source {
            0 => ItemSource::Stored,
            1 => ItemSource::Handle,
            _ => ItemSource::Folder {
                folder_id: "f1".into(),
                path: "a.jpg".into(),
            },
        };
        item
    }

    #[test]
    fn each_state_has_its_own_place() {
        for (place, state) in ItemState::ALL.into_iter().enumerate() {
            assert_eq!(state.index(), place, "{state:?}");
        }
    }

    proptest! {
        /// Counted as the store counts them (every row, and the folders' rows apart), the
        /// rows in runs are those `QueueItem::in_runs` keeps.
        #[test]
        fn in_runs_keeps_what_the_rows_say(
            rows in prop::collection::vec((0..ItemState::ALL.len(), 0u8..3), 0..60)
        ) {
            let rows: Vec<QueueItem> = rows
                .into_iter()
                .enumerate()
                .map(|(n, (state, source))| row(n, ItemState::ALL[state], source))
                .collect();
            let of_folders = QueueCounts::of(rows.iter().filter(|r| r.of_backup_folder()));
            let counted = QueueCounts::in_runs(QueueCounts::of(&rows), of_folders);
            let kept = QueueCounts::of(rows.iter().filter(|r| r.in_runs()));
            prop_assert_eq!(counted, kept);
            prop_assert_eq!(counted.unfinished(), QueueCounts::of(&rows).unfinished());
        }
    }
}

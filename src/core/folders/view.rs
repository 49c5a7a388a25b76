//! A backup folder as the page lists it: its state and its counts.

use serde::Serialize;

use crate::core::backup::{ItemState, QueueCounts};

use super::{FolderRecord, FolderStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum FolderState {
    Ok,
    NeedsPermission,
    Missing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BackupFolder {
    pub id: String,
    pub name: String,
    pub state: FolderState,
    /// Why it is missing, as the browser said.
    pub problem: Option<String>,
    pub excluded: Vec<String>,
    pub album: bool,
    /// Photos and videos found by the last complete scan.
    pub files: u64,
    pub backed_up: u64,
    pub waiting: u64,
    pub failed: u64,
    /// Files the server does not take (found by the last complete scan) and empty files.
    pub skipped: u64,
    pub last_scan_at_ms: Option<i64>,
}

impl BackupFolder {
    /// The folder's view from its record and the counts of its queue rows; `readable` is what the browser says
    /// now (a permission given back in the page counts before the next scan sees it).
    pub fn new(record: &FolderRecord, readable: bool, counts: &QueueCounts) -> BackupFolder {
        let (state, problem) = match &record.status {
            FolderStatus::Missing { message } => (FolderState::Missing, Some(message.clone())),
            _ if !readable => (FolderState::NeedsPermission, None),
            _ => (FolderState::Ok, None),
        };
        let mut view = BackupFolder {
            id: record.id.clone(),
            name: record.name.clone(),
            state,
            problem,
            excluded: record.excluded.clone(),
            album: record.album,
            files: record.files,
            backed_up: 0,
            waiting: 0,
            failed: 0,
            skipped: record.skipped,
            last_scan_at_ms: record.last_scan_at_ms,
        };
        view.backed_up =
            u64::from(counts.get(ItemState::Done)) + u64::from(counts.get(ItemState::Duplicate));
        view.failed = u64::from(counts.get(ItemState::FailedPermanent));
        view.skipped += u64::from(counts.get(ItemState::Skipped));
        view.waiting = u64::from(counts.unfinished());
        view
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::backup::QueueItem;

    #[test]
    fn the_counts_of_its_rows_become_the_folders_numbers() {
        let record = FolderRecord::new("f1", "Pictures", 10);
        let states = [
            ItemState::Done,
            ItemState::Duplicate,
            ItemState::FailedPermanent,
            ItemState::Skipped,
            ItemState::Pending,
            ItemState::Uploading,
            ItemState::FailedRetryable,
        ];
        let rows: Vec<QueueItem> = states
            .iter()
            .enumerate()
            .map(|(n, &state)| QueueItem {
                state,
                ..QueueItem::new(n.to_string(), "a.jpg", 1, 0, 0)
            })
            .collect();
        let view = BackupFolder::new(&record, true, &QueueCounts::of(&rows));
        assert_eq!(view.state, FolderState::Ok);
        assert_eq!(
            (view.backed_up, view.failed, view.waiting),
            (2, 1, 3),
            "{view:?}"
        );
        assert_eq!(view.skipped, record.skipped + 1);
    }
}

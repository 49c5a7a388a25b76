//! A backup folder as the page lists it: its state and its counts.

use serde::Serialize;

use crate::core::backup::{ItemSource, ItemState, QueueItem};

use super::{FolderRecord, FolderStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FolderState {
    Ok,
    NeedsPermission,
    Missing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderView {
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

impl FolderView {
    /// The folder's view from its record and the queue; `readable` is what the browser says
    /// now (a permission given back in the page counts before the next scan sees it).
    pub fn new(record: &FolderRecord, readable: bool, queue: &[QueueItem]) -> FolderView {
        let (state, problem) = match &record.status {
            FolderStatus::Missing { message } => (FolderState::Missing, Some(message.clone())),
            _ if !readable => (FolderState::NeedsPermission, None),
            _ => (FolderState::Ok, None),
        };
        let mut view = FolderView {
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
        let of_folder = queue.iter().filter(
            |item| matches!(&item.source, ItemSource::Folder { folder_id, .. } if *folder_id == record.id),
        );
        for item in of_folder {
            match item.state {
                ItemState::Done | ItemState::Duplicate => view.backed_up += 1,
                ItemState::FailedPermanent => view.failed += 1,
                ItemState::Skipped => view.skipped += 1,
                _ => view.waiting += 1,
            }
        }
        view
    }
}

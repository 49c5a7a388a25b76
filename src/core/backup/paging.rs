//! What a run holds of the queue, and what the store reads for it. A run holds the rows it is
//! working on (every unfinished row not waiting to start), a page of the waiting ones, the
//! finished rows it still owes something (an album, a live photo's video) and the videos the
//! held photos name; the rest stays in the store and is counted, not held. A queue of 100,000
//! files then costs the worker a few hundred rows of memory.

use super::{ItemState, QueueItem};

/// The unfinished states whose rows a run holds whole from its start: each is bounded by the
/// hashing ahead (`HASHED_AHEAD`) or by the failures of one run.
pub const HELD_WHOLE: [ItemState; 4] = [
    ItemState::Hashing,
    ItemState::Checking,
    ItemState::Uploading,
    ItemState::FailedRetryable,
];

/// The waiting rows read at a time. The engine asks for more once a quarter of a page is left,
/// so hashing never runs dry while a page is read.
pub const PAGE_ROWS: usize = 256;

/// Files hashed but not uploaded yet, at most: hashing is faster than sending, and every such
/// row stays held until it is finished.
pub const HASHED_AHEAD: usize = 1_000;

/// Whether a new run drops this stored row, so the numbers shown are its own: a picked file an
/// earlier run finished, unless a row still needs it (it owes an album add, or an unfinished
/// row among `namers`, the rows naming it as their live video, waits for its asset id). A
/// backup folder's finished rows are its record and stay.
pub fn dropped_by_new_run(row: &QueueItem, namers: &[QueueItem]) -> bool {
    row.state.is_finished()
        && !row.of_backup_folder()
        && row.album.is_none()
        && !namers
            .iter()
            .any(|namer| !namer.state.is_finished() && namer.live_video.as_ref() == Some(&row.id))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::backup::ItemSource;

    fn row(id: &str, state: ItemState) -> QueueItem {
        let mut row = QueueItem::new(id, format!("{id}.jpg"), 1, 0, 0);
        row.state = state;
        row
    }

    #[test]
    fn a_new_run_drops_finished_picked_files_nothing_needs() {
        assert!(dropped_by_new_run(&row("a", ItemState::Done), &[]));
        assert!(dropped_by_new_run(&row("a", ItemState::Skipped), &[]));
        assert!(!dropped_by_new_run(&row("a", ItemState::Pending), &[]));
        assert!(!dropped_by_new_run(
            &row("a", ItemState::FailedRetryable),
            &[]
        ));
    }

    #[test]
    fn a_new_run_keeps_a_folders_record_and_what_is_still_owed() {
        let mut of_folder = row("a", ItemState::Done);
        of_folder.source = ItemSource::Folder {
            folder_id: "f".into(),
            path: "a.jpg".into(),
        };
        assert!(!dropped_by_new_run(&of_folder, &[]));
        let mut owes_album = row("a", ItemState::Duplicate);
        owes_album.album = Some("Trip".into());
        assert!(!dropped_by_new_run(&owes_album, &[]));
        let video = row("v", ItemState::Done);
        let mut photo = row("p", ItemState::Uploading);
        photo.live_video = Some("v".into());
        assert!(!dropped_by_new_run(&video, std::slice::from_ref(&photo)));
        photo.state = ItemState::Done;
        assert!(dropped_by_new_run(&video, &[photo]));
    }
}

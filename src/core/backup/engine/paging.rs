//! The run's window on the queue (`core::backup::paging`): more waiting rows asked of the store
//! before hashing runs dry, finished rows let go when nothing needs them any more, and hashing
//! kept a bounded distance ahead of the uploads, since every file hashed stays held until sent.

use super::super::io::Output;
use super::super::{ItemState, QueueItem};
use super::{live, Engine};

impl Engine {
    /// Asks for the next page once fewer than a quarter of a page of waiting rows is held and
    /// the store has more, letting go of the finished rows first.
    pub(super) fn load_if_low(&mut self) {
        if self.loading || self.halt.is_some() || self.items.waiting_beyond() == 0 {
            return;
        }
        let page = self.config.page_rows.max(1);
        let held = usize::try_from(self.items.count(ItemState::Pending)).unwrap_or(usize::MAX);
        if held >= (page / 4).max(1) {
            return;
        }
        // A finished row stays while it owes an album add or a held photo waits for it.
        let needed = live::videos_still_needed(self.items.rows());
        self.items
            .let_go(|row| row.album.is_some() || needed.contains(&row.id));
        self.loading = true;
        self.out.push_back(Output::Load { limit: page });
    }

    /// Stored rows join the run: a page, the videos it names, or files a page queued. Rows the
    /// run holds are left alone; an empty file is skipped as it joins.
    pub(super) fn take_in(&mut self, rows: Vec<QueueItem>, waiting: Option<u32>) {
        self.loading = false;
        let mut changed = Vec::new();
        for row in rows {
            if self.items.contains(&row.id) {
                continue;
            }
            self.albums.collect(&row);
            let id = row.id.clone();
            self.items.push(row);
            let skipped = self
                .items
                .update(&id, |item| Ok(item.skip_if_empty().then(|| item.clone())));
            if let Ok(Some(row)) = skipped {
                self.note_skipped(&row);
                changed.push(row);
            }
        }
        self.items.set_waiting_beyond(waiting);
        self.persist(changed);
    }

    /// Whether one more file may be hashed: the files hashed and not sent stay under the
    /// bound. A photo whose upload waits for its video does not count, or photos hashed
    /// ahead of their videos could fill the bound and hold the videos back for ever.
    pub(super) fn may_hash_more(&self) -> bool {
        let ahead = [
            ItemState::Hashing,
            ItemState::Checking,
            ItemState::Uploading,
        ]
        .into_iter()
        .map(|state| self.items.count(state))
        .sum::<u32>()
        .saturating_sub(self.items.uploading_with_video());
        usize::try_from(ahead).is_ok_and(|ahead| ahead < self.config.hashed_ahead.max(1))
    }
}

//! Pages coming and going: the trigger delay when the last one goes, a run stopped when the
//! last one closes with background backup off.

use crate::core::channel::StopReason;
use crate::core::log::LogLevel;

use super::{Lifecycle, Output, BACKUP_SYNC_TAG, PAGE_RETURN_GRACE_MS, PERIODIC_SYNC_MS};

impl Lifecycle {
    pub(super) fn pages(&mut self, open: u32, visible: u32, now_ms: i64) {
        let was_visible = self.record.pages_visible;
        self.record.pages_visible = visible > 0;
        self.record.pages_open = open > 0;
        if visible > 0 {
            if !was_visible {
                self.out.push_back(Output::CheckAuth);
            }
            // A page back before the delay ended: the app is in front again.
            if self.record.due_at_ms.is_some_and(|due| due > now_ms) {
                self.record.due_at_ms = None;
                self.log(
                    LogLevel::Info,
                    "A page is back: background backup not needed",
                );
            }
        } else if was_visible {
            self.went_to_background(now_ms);
        }
        if open > 0 {
            self.record.pages_closed_at_ms = None;
        } else if self.record.wanted && !self.settings.background_backup {
            self.record.pages_closed_at_ms.get_or_insert(now_ms);
        }
    }

    /// With background backup off, a run stops once the last page has been gone for the grace.
    pub(super) fn check_pages_closed(&mut self, now_ms: i64) {
        let Some(closed_at) = self.record.pages_closed_at_ms else {
            return;
        };
        if self.record.pages_open || self.settings.background_backup || !self.record.wanted {
            self.record.pages_closed_at_ms = None;
            return;
        }
        // A clock set back counts as time passed: the pages are gone either way.
        if now_ms < closed_at.saturating_add(PAGE_RETURN_GRACE_MS) && now_ms >= closed_at {
            return;
        }
        self.record.pages_closed_at_ms = None;
        self.record.wanted = false;
        self.record.paused = false;
        let message = "Backup stopped: the last page closed and background backup is off.";
        self.log(LogLevel::Info, message);
        if self.running {
            self.stop_run(StopReason::PagesClosed, message);
        }
    }

    /// The last visible page went hidden or closed.
    pub(super) fn went_to_background(&mut self, now_ms: i64) {
        if !self.settings.background_backup {
            return;
        }
        if !self.record.wanted && self.has_work() && self.record.due_at_ms.is_none() {
            let delay_ms = i64::from(self.settings.backup_trigger_delay) * 60_000;
            self.record.due_at_ms = Some(now_ms.saturating_add(delay_ms));
            let what = match (self.unfinished, self.folders) {
                (files, 0) => format!("{files} files"),
                (0, folders) => format!("{folders} backup folders"),
                (files, folders) => format!("{files} files and {folders} backup folders"),
            };
            self.log(
                LogLevel::Info,
                &format!(
                    "Background backup of {what} in {} min",
                    self.settings.backup_trigger_delay
                ),
            );
        }
        if self.record.wanted || self.record.due_at_ms.is_some() {
            self.out.push_back(Output::RegisterSync(BACKUP_SYNC_TAG));
            self.out.push_back(Output::RegisterPeriodicSync {
                min_interval_ms: PERIODIC_SYNC_MS,
            });
        }
    }

    /// With background backup turned off, a background run that has not started is not wanted.
    pub(super) fn drop_background_run(&mut self) {
        self.record.due_at_ms = None;
        if self.record.wanted && self.record.background {
            self.record.wanted = false;
            self.record.fresh = false;
            self.log(
                LogLevel::Info,
                "Background backup is off: the background run is not started",
            );
        }
    }
}

//! The user's commands, the end of a run, a refused login and lost conditions.

use crate::core::channel::StopReason;
use crate::core::log::LogLevel;
use crate::core::progress::{NotificationKind, NotificationPayload};

use super::{waiting_message, Command, Lifecycle, Output, BACKUP_SYNC_TAG, RESUME_BACKOFF_MS};

impl Lifecycle {
    pub(super) fn command(&mut self, command: Command) {
        match command {
            Command::Start => {
                self.record.paused = false;
                self.record.due_at_ms = None;
                self.record.resume_at_ms = None;
                if self.running {
                    self.started_during_run = true;
                    self.out.push_back(Output::MergeQueued);
                } else {
                    self.record.wanted = true;
                    self.record.background = false;
                    self.record.fresh = true;
                }
            }
            Command::Stop => {
                self.settle();
                if self.running {
                    self.stop_run(StopReason::StoppedByUser, "Backup stopped.");
                } else {
                    self.post_stop(StopReason::StoppedByUser, "Backup stopped.");
                }
            }
            Command::Pause => {
                if !self.record.wanted || self.record.paused {
                    return;
                }
                self.record.paused = true;
                self.started_during_run = false;
                let message = "Backup paused.";
                if self.running {
                    self.stop_run(StopReason::Paused, message);
                } else {
                    self.post_stop(StopReason::Paused, message);
                }
            }
            Command::Resume => {
                if self.record.paused {
                    self.record.paused = false;
                    self.record.resume_at_ms = None;
                    self.log(LogLevel::Info, "Backup resumed");
                }
            }
            Command::Cancel => {
                self.settle();
                let message = "Backup cancelled: the files not yet sent left the queue.";
                if self.running {
                    self.clear_after_run = true;
                    self.stop_run(StopReason::Cancelled, message);
                } else {
                    self.out.push_back(Output::ClearUnsent);
                    self.post_stop(StopReason::Cancelled, message);
                }
            }
            Command::SyncNow => self.out.push_back(Output::SyncLibrary),
        }
    }

    /// Nothing is wanted any more.
    pub(super) fn settle(&mut self) {
        self.started_during_run = false;
        self.record.wanted = false;
        self.record.fresh = false;
        self.record.paused = false;
        self.record.due_at_ms = None;
        self.record.resume_at_ms = None;
    }

    /// The run found nothing wanted once it held the lock. A Start it took in meanwhile was
    /// for files the other instance's run may not have seen: it gets a run of its own.
    pub(super) fn run_settled_elsewhere(&mut self, paused: bool, now_ms: i64) {
        if !self.running {
            return;
        }
        if std::mem::take(&mut self.started_during_run) && !paused {
            self.running = false;
            self.stopping = None;
            // A Cancel before that Start clears what was queued then, as at a run's end.
            if std::mem::take(&mut self.clear_after_run) {
                self.out.push_back(Output::ClearUnsent);
            }
            self.record.wanted = true;
            self.record.background = false;
            self.record.fresh = true;
            return;
        }
        // As the other instance left it: its pause holds here too.
        self.record.paused = paused;
        let reason = if paused {
            StopReason::Paused
        } else {
            StopReason::StoppedByUser
        };
        self.run_ended(reason, 0, now_ms);
    }

    pub(super) fn run_ended(&mut self, reason: StopReason, failed: u32, now_ms: i64) {
        if !self.running {
            return;
        }
        self.running = false;
        self.stopping = None;
        self.started_during_run = false;
        let failing = failed > 0
            || matches!(
                reason,
                StopReason::Failed | StopReason::Unauthorized | StopReason::ServerUnreachable
            );
        if failing {
            self.record.backup_failed_since.get_or_insert(now_ms);
        } else if reason == StopReason::Completed {
            self.record.backup_failed_since = None;
        }
        match reason {
            StopReason::ServerUnreachable | StopReason::Failed => {
                self.record.resume_at_ms = Some(now_ms.saturating_add(RESUME_BACKOFF_MS));
                self.out.push_back(Output::RegisterSync(BACKUP_SYNC_TAG));
            }
            StopReason::ConditionsLost | StopReason::Paused => {}
            StopReason::Completed
            | StopReason::StoppedByUser
            | StopReason::Unauthorized
            | StopReason::Cancelled
            | StopReason::PagesClosed => {
                self.record.wanted = false;
                self.record.fresh = false;
            }
        }
        if std::mem::take(&mut self.clear_after_run) {
            self.out.push_back(Output::ClearUnsent);
        }
        // What the run sent is in the library now; a refused login cannot sync.
        if reason != StopReason::Unauthorized {
            self.out.push_back(Output::SyncLibrary);
        }
    }

    pub(super) fn unauthorized(&mut self) {
        self.settle();
        let message = "The server refused the login: log in again to continue the backup.";
        self.log(LogLevel::Severe, message);
        self.out.push_back(Output::Notify(
            NotificationKind::Error,
            NotificationPayload {
                title: "Immich".into(),
                content: message.into(),
                progress: 0,
                max: 0,
                indeterminate: false,
                is_detail: false,
            },
        ));
        if self.running {
            self.stop_run(StopReason::Unauthorized, message);
        } else {
            self.post_stop(StopReason::Unauthorized, message);
        }
    }

    /// A running run that lost a condition stops; it starts again when the condition returns.
    pub(super) fn check_conditions(&mut self, now_ms: i64) {
        if !self.running || self.stopping.is_some() {
            return;
        }
        let unmet = self.record.conditions.unmet(&self.settings, now_ms);
        if let Some(message) = waiting_message(&unmet) {
            self.stop_run(StopReason::ConditionsLost, &message);
        }
    }
}

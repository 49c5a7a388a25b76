//! How a run ends: complete, stopped by the user at once, halted by the lifecycle after the
//! request on its way, or on an error; and what the pages and notifications are told.

use crate::core::channel::{Phase, StopReason, SystemStop};
use crate::core::log::LogLevel;
use crate::core::progress::{self, NotificationKind};

use super::super::io::Output;
use super::super::ItemState;
use super::server_wait::ServerWait;
use super::{Engine, STOPPED};

impl Engine {
    /// The user's stop: nothing more is sent; what was on its way is not held against its file
    /// (`end`).
    pub(super) fn stop(&mut self, now_ms: i64) {
        self.log(LogLevel::Info, "Backup stopped by the user");
        self.end(StopReason::StoppedByUser, STOPPED.to_owned(), now_ms);
    }

    /// The lifecycle's stop (conditions lost, paused, cancelled, last page closed): nothing new
    /// starts, the hash in progress is dropped (it is redone next time), and the answer to the
    /// request already sent is still recorded, so that a file the server took is not sent again
    /// and a Cancel does not delete a row the server has. `advance` ends the run once the
    /// network is quiet. A later halt replaces the reason: the lifecycle's latest word stands.
    pub(super) fn halt(&mut self, reason: StopReason, message: String, now_ms: i64) {
        for id in std::mem::take(&mut self.hashing) {
            self.hash_dropped(&id);
        }
        if self.network_busy() {
            self.log(
                LogLevel::Info,
                &format!("The backup stops after the request on its way: {message}"),
            );
        }
        self.halt = Some(SystemStop { reason, message });
        self.end_if_halted(now_ms);
    }

    /// Ends a halted run once no answer is awaited; true while the run is halted (nothing may
    /// start).
    pub(super) fn end_if_halted(&mut self, now_ms: i64) -> bool {
        let Some(halt) = &self.halt else {
            return false;
        };
        if !self.network_busy() {
            let SystemStop { reason, message } = halt.clone();
            self.end(reason, message, now_ms);
        }
        true
    }

    pub(super) fn finish(&mut self, now_ms: i64) {
        let state = self.items.upload_state(None, None);
        let done = progress::finished_notification(&state);
        self.log(LogLevel::Info, &done.content);
        self.end(StopReason::Completed, done.content, now_ms);
    }

    /// A hash not finished is done again next time.
    fn hash_dropped(&mut self, id: &str) {
        let _ = self.items.update(id, |item| {
            if item.state == ItemState::Hashing {
                item.state = ItemState::Pending;
            }
            Ok(())
        });
    }

    /// Ends the run: the pages get the final numbers, the notifications say how it ended.
    pub(super) fn end(&mut self, reason: StopReason, message: String, now_ms: i64) {
        if self.ended.is_some() {
            return;
        }
        let message = self.clean(&message);
        // Uploads still on their way (the run ends on an error beside them) go again next time,
        // neither an attempt nor a cut-off held against them.
        let unanswered: Vec<_> = std::mem::take(&mut self.uploading)
            .iter()
            .filter_map(|id| self.unanswered_row(id).ok())
            .collect();
        self.persist(unanswered);
        let hashing: Vec<String> = self
            .items
            .in_state(ItemState::Hashing)
            .map(|item| item.id.clone())
            .collect();
        for id in hashing {
            self.hash_dropped(&id);
        }
        self.hashing.clear();
        self.checking = None;
        // An album request on its way is dropped: its rows keep their album for the next run.
        self.albums.sending = None;
        self.probing = false;
        self.outage = None;
        self.server_wait = ServerWait::default();
        self.report(now_ms, Phase::Idle, None);
        let state = self.items.upload_state(None, None);
        let note = match reason {
            StopReason::Completed => progress::finished_notification(&state),
            _ => progress::stopped_notification(&message),
        };
        self.out
            .push_back(Output::Notify(NotificationKind::TotalProgress, note));
        self.out
            .push_back(Output::CloseNotification(NotificationKind::SingleProgress));
        if std::mem::take(&mut self.error_shown) {
            self.out
                .push_back(Output::CloseNotification(NotificationKind::Error));
        }
        match reason {
            // Logged where they happen, in their own words.
            StopReason::Completed | StopReason::StoppedByUser => {}
            // What the user or their conditions asked for: no error.
            StopReason::Paused
            | StopReason::Cancelled
            | StopReason::ConditionsLost
            | StopReason::PagesClosed => self.log(LogLevel::Info, &message),
            StopReason::ServerUnreachable => self.log(LogLevel::Warning, &message),
            StopReason::Unauthorized | StopReason::Failed => self.log(LogLevel::Severe, &message),
        }
        self.ended = Some(SystemStop { reason, message });
    }
}

//! Progress reports: the channel message for the pages and the notifications to refresh, built
//! from the queue at one instant.

use crate::core::channel::{ChannelMessage, Phase, ProgressUpdate};
use crate::core::progress::{self, NotificationKind};

use super::super::io::Output;
use super::replies::seconds;
use super::Engine;

/// The file being worked on: bytes hashed while hashing, only its size while it is sent.
pub(super) struct FileProgress<'a> {
    name: &'a str,
    percent: Option<f64>,
    bytes_done: Option<u64>,
    bytes_total: u64,
}

impl<'a> FileProgress<'a> {
    pub(super) fn hashing(name: &'a str, bytes_done: u64, bytes_total: u64) -> Self {
        FileProgress {
            name,
            percent: Some(progress::percent(bytes_done, bytes_total)),
            bytes_done: Some(bytes_done),
            bytes_total,
        }
    }

    /// `fetch` tells nothing of the bytes sent: the bar is indeterminate.
    pub(super) fn sending(name: &'a str, bytes_total: u64) -> Self {
        FileProgress {
            name,
            percent: None,
            bytes_done: None,
            bytes_total,
        }
    }
}

impl Engine {
    /// Posts the state to the pages and, when due, refreshes the progress notifications.
    pub(super) fn report(&mut self, now_ms: i64, phase: Phase, file: Option<FileProgress>) {
        let state = self.items.upload_state(
            file.as_ref().map(|f| f.name.to_owned()),
            file.as_ref().and_then(|f| f.percent),
        );
        let notice = self.notice(now_ms);
        let total = progress::total_progress_notification(&state, &self.settings);
        // A run that ended or waits shows its own notification instead.
        if notice.is_none() && phase != Phase::Idle && self.pacer.notification_due(now_ms) {
            let single = progress::single_progress_notification(&state, phase, &self.settings);
            for (kind, payload) in [
                (NotificationKind::TotalProgress, total.clone()),
                (NotificationKind::SingleProgress, single),
            ] {
                if let Some(payload) = payload {
                    self.out.push_back(Output::Notify(kind, payload));
                }
            }
        }
        let update = ProgressUpdate {
            state,
            notification: total,
            phase,
            file_bytes_done: file.as_ref().and_then(|f| f.bytes_done),
            file_bytes_total: file.as_ref().map(|f| f.bytes_total),
            notice,
        };
        self.out
            .push_back(Output::Post(ChannelMessage::UpdateNotification(Some(
                update,
            ))));
    }

    /// Uploads succeed again: the error notification closes and the progress notification is
    /// shown at once, whatever the pacing, so the user sees the backup going on.
    pub(super) fn errors_over(&mut self, now_ms: i64) {
        self.upload_failures_in_row = 0;
        if !std::mem::take(&mut self.error_shown) {
            return;
        }
        self.out
            .push_back(Output::CloseNotification(NotificationKind::Error));
        let state = self.items.upload_state(None, None);
        if let Some(total) = progress::total_progress_notification(&state, &self.settings) {
            self.out
                .push_back(Output::Notify(NotificationKind::TotalProgress, total));
            self.pacer.notification_shown(now_ms);
        }
    }

    /// What holds the run up, in the page and in place of the progress notification (never
    /// held back by the pacing of progress), so nobody reads a frozen "Uploading photo 5 of
    /// 100" as progress.
    pub(super) fn report_waiting(&mut self, now_ms: i64) {
        self.report(now_ms, Phase::Waiting, None);
        let state = self.items.upload_state(None, None);
        if let Some(notice) = self.notice(now_ms) {
            let note = progress::waiting_notification(&notice, &state);
            self.out
                .push_back(Output::Notify(NotificationKind::TotalProgress, note));
        }
    }

    /// What holds the run up, for a person.
    pub(super) fn notice(&self, now_ms: i64) -> Option<String> {
        if let Some(outage) = &self.outage {
            let wait = seconds(outage.next_probe_at - now_ms);
            return Some(format!("Server unreachable, retrying in {wait} s"));
        }
        let until = self.server_wait.until_ms?;
        let wait = seconds(until - now_ms);
        Some(format!("The server asked to wait: retrying in {wait} s"))
    }
}

//! A progress report: the channel message for the pages and the notifications to refresh, built
//! from the queue at one instant and sent together. Both the run loop and the hashing beside an
//! upload report through it.

use crate::core::backup::QueueItem;
use crate::core::channel::{ChannelMessage, Phase, ProgressUpdate};
use crate::core::progress::{
    self, NotificationKind, NotificationPayload, ReportPacer, UploadState,
};
use crate::core::settings::Settings;
use crate::web::notify;

/// The file being worked on: bytes hashed while hashing, only its size while it is sent.
pub struct FileProgress<'a> {
    pub name: &'a str,
    pub percent: Option<f64>,
    pub bytes_done: Option<u64>,
    pub bytes_total: Option<u64>,
}

pub struct ProgressReport {
    message: ChannelMessage,
    notifications: Vec<(NotificationKind, NotificationPayload)>,
}

impl ProgressReport {
    pub fn build(
        items: &[QueueItem],
        settings: &Settings,
        pacer: &mut ReportPacer,
        now_ms: i64,
        phase: Phase,
        file: Option<FileProgress>,
    ) -> ProgressReport {
        let state = UploadState::from_items(
            items,
            file.as_ref().map(|f| f.name.to_owned()),
            file.as_ref().and_then(|f| f.percent),
        );
        let total = progress::total_progress_notification(&state, settings);
        let single = progress::single_progress_notification(&state, settings);
        // Phase::Idle reports come with their own final notification.
        let notifications = if phase != Phase::Idle && pacer.notification_due(now_ms) {
            [
                (NotificationKind::TotalProgress, total.clone()),
                (NotificationKind::SingleProgress, single),
            ]
            .into_iter()
            .filter_map(|(kind, payload)| Some((kind, payload?)))
            .collect()
        } else {
            Vec::new()
        };
        let update = ProgressUpdate {
            state,
            notification: total,
            phase,
            file_bytes_done: file.as_ref().and_then(|f| f.bytes_done),
            file_bytes_total: file.as_ref().and_then(|f| f.bytes_total),
        };
        ProgressReport {
            message: ChannelMessage::UpdateNotification(Some(update)),
            notifications,
        }
    }

    pub async fn send(self) {
        if let Err(e) = notify::broadcast(&self.message).await {
            web_sys::console::warn_2(&"[immich-background] progress not sent".into(), &e);
        }
        for (kind, payload) in &self.notifications {
            // Without the permission there is nothing to show; the pages still have the message.
            notify::show(*kind, payload).await.ok();
        }
    }
}

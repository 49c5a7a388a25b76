//! Backup progress and the notifications that show it.
//!
//! Web notifications have no progress bar, so every payload also renders its numbers in the
//! text; the web layer shows each kind under its own `tag`, replacing the previous one in place.

use serde::{Deserialize, Serialize};

use crate::core::channel::Phase;
use crate::core::settings::Settings;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct UploadState {
    pub total_count: u32,
    /// Done + Duplicate.
    pub completed_count: u32,
    /// FailedPermanent.
    pub failed_count: u32,
    /// Skipped: not for the server (empty files).
    pub skipped_count: u32,
    pub current_file: Option<String>,
    /// 0..=100; None = indeterminate.
    pub current_progress: Option<f64>,
}

impl UploadState {
    fn finished_count(&self) -> u32 {
        self.completed_count
            .saturating_add(self.failed_count)
            .saturating_add(self.skipped_count)
    }

    /// Files of the run not finished yet.
    pub fn waiting_count(&self) -> u32 {
        self.total_count.saturating_sub(self.finished_count())
    }

    /// The extension's badge: the files waiting, in the four characters a badge shows; empty
    /// (no badge) when none wait.
    pub fn badge_text(&self) -> String {
        match self.waiting_count() {
            0 => String::new(),
            n @ 1..=999 => n.to_string(),
            n @ 1_000..=99_999 => format!("{}k", n / 1_000),
            _ => "99k+".to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NotificationPayload {
    pub title: String,
    pub content: String,
    pub progress: u32,
    pub max: u32,
    pub indeterminate: bool,
    pub is_detail: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum NotificationKind {
    TotalProgress,
    SingleProgress,
    Error,
}

impl NotificationKind {
    /// The notification tag: a new payload of a kind replaces the shown one.
    pub fn tag(self) -> &'static str {
        match self {
            Self::TotalProgress => "immich-backup-total",
            Self::SingleProgress => "immich-backup-single",
            Self::Error => "immich-backup-error",
        }
    }
}

/// "Uploading photo 5 of 100"; None when the user turned total progress off.
pub fn total_progress_notification(
    state: &UploadState,
    settings: &Settings,
) -> Option<NotificationPayload> {
    if !settings.background_backup_total_progress {
        return None;
    }
    let finished = state.finished_count().min(state.total_count);
    let current = finished.saturating_add(1).min(state.total_count);
    Some(NotificationPayload {
        title: "Backing up your photos".into(),
        content: format!("Uploading photo {current} of {}", state.total_count),
        progress: finished,
        max: state.total_count,
        indeterminate: state.total_count == 0,
        is_detail: false,
    })
}

/// "IMG_1.jpg: hashing 42%" while the file is hashed, "IMG_1.jpg: sending" while it is sent
/// (`fetch` tells nothing of the bytes sent, so no percent is made up); None unless the user
/// turned single progress on and a file is in one of those two steps.
pub fn single_progress_notification(
    state: &UploadState,
    phase: Phase,
    settings: &Settings,
) -> Option<NotificationPayload> {
    if !settings.background_backup_single_progress {
        return None;
    }
    let file = state.current_file.as_deref()?;
    // NaN or out-of-range progress from a caller is shown as indeterminate / clamped.
    let percent = match phase {
        Phase::Hashing => state
            .current_progress
            .filter(|p| p.is_finite())
            .map(|p| p.clamp(0.0, 100.0).round() as u32),
        Phase::Uploading => None,
        Phase::Checking | Phase::Waiting | Phase::Idle => return None,
    };
    let content = match (phase, percent) {
        (Phase::Hashing, Some(percent)) => format!("{file}: hashing {percent}%"),
        (Phase::Hashing, None) => format!("{file}: hashing"),
        _ => format!("{file}: sending"),
    };
    Some(NotificationPayload {
        title: "Uploading".into(),
        content,
        progress: percent.unwrap_or(0),
        max: 100,
        indeterminate: percent.is_none(),
        is_detail: true,
    })
}

/// While the run waits for its server (unreachable, or it asked to wait): in place of the
/// progress, so nobody reads a frozen "Uploading photo 5 of 100" as progress.
pub fn waiting_notification(notice: &str, state: &UploadState) -> NotificationPayload {
    NotificationPayload {
        title: "Backing up your photos".into(),
        content: notice.to_owned(),
        progress: state.finished_count().min(state.total_count),
        max: state.total_count,
        indeterminate: false,
        is_detail: false,
    }
}

/// The notification a run that ended other than complete leaves behind.
pub fn stopped_notification(message: &str) -> NotificationPayload {
    NotificationPayload {
        title: "Immich".into(),
        content: message.to_owned(),
        progress: 0,
        max: 0,
        indeterminate: false,
        is_detail: false,
    }
}

/// Shown once more uploads failed in a row than the grace period allows.
pub fn error_notification(
    consecutive_failures: u32,
    last_error: &str,
    settings: &Settings,
) -> Option<NotificationPayload> {
    if consecutive_failures <= settings.upload_error_notification_grace_period {
        return None;
    }
    Some(NotificationPayload {
        title: "Backup error".into(),
        content: match consecutive_failures {
            1 => format!("1 upload failed. Last error: {last_error}"),
            n => format!("{n} uploads failed in a row. Last error: {last_error}"),
        },
        progress: 0,
        max: 0,
        indeterminate: false,
        is_detail: false,
    })
}

/// "Backed up 97 photos, 3 failed, 1 skipped" (the last two only when there are some).
pub fn finished_notification(state: &UploadState) -> NotificationPayload {
    let photos = match state.completed_count {
        1 => "1 photo".to_owned(),
        n => format!("{n} photos"),
    };
    let mut content = format!("Backed up {photos}");
    if state.failed_count > 0 {
        content.push_str(&format!(", {} failed", state.failed_count));
    }
    if state.skipped_count > 0 {
        content.push_str(&format!(", {} skipped", state.skipped_count));
    }
    NotificationPayload {
        title: "Immich".into(),
        content,
        progress: state.total_count,
        max: state.total_count,
        indeterminate: false,
        is_detail: false,
    }
}

/// At most one event per interval. Progress notifications are redrawn by the system on every
/// update, and a channel message per small file costs more than the file: more than a few a
/// second show nothing a person can read. Final and error reports are never throttled.
#[derive(Clone, Debug)]
pub struct Throttle {
    min_interval_ms: i64,
    last_shown_ms: Option<i64>,
}

impl Throttle {
    pub fn new(min_interval_ms: i64) -> Throttle {
        Throttle {
            min_interval_ms,
            last_shown_ms: None,
        }
    }

    /// Whether the event may happen now; if so, counts it as happened.
    pub fn allow(&mut self, now_ms: i64) -> bool {
        let due = self
            .last_shown_ms
            .is_none_or(|last| now_ms - last >= self.min_interval_ms || now_ms < last);
        if due {
            self.last_shown_ms = Some(now_ms);
        }
        due
    }

    /// Counts an event that happened without asking (one that may not wait).
    pub fn record(&mut self, now_ms: i64) {
        self.last_shown_ms = Some(now_ms);
    }
}

/// When progress goes out: every step of a file that takes several, files that hash in one step
/// at most every 100 ms (a run of small files still shows which one it is at, without a message
/// per file), and progress notifications at most twice a second.
#[derive(Clone, Debug)]
pub struct ReportPacer {
    notifications: Throttle,
    small_files: Throttle,
}

impl Default for ReportPacer {
    fn default() -> Self {
        ReportPacer {
            notifications: Throttle::new(500),
            small_files: Throttle::new(100),
        }
    }
}

impl ReportPacer {
    pub fn hashing_report_due(&mut self, file_takes_several_steps: bool, now_ms: i64) -> bool {
        file_takes_several_steps || self.small_files.allow(now_ms)
    }

    pub fn notification_due(&mut self, now_ms: i64) -> bool {
        self.notifications.allow(now_ms)
    }

    /// A progress notification went out unasked (it replaces the error notification the
    /// moment uploads succeed again): the next paced one counts from it.
    pub fn notification_shown(&mut self, now_ms: i64) {
        self.notifications.record(now_ms);
    }
}

/// How far through a file we are, 0..=100; an empty file is done as soon as it is started.
pub fn percent(done: u64, total: u64) -> f64 {
    if total == 0 {
        100.0
    } else {
        (done.min(total) as f64 * 100.0) / total as f64
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "progress_tests.rs"]
mod tests;

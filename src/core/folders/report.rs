//! What a folder's scan tells the user: a log line per folder, and one notification for the
//! folders whose read permission the browser dropped.

use crate::core::log::LogLevel;
use crate::core::progress::NotificationPayload;

/// How the scan of one folder ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FolderScan {
    /// The walk saw the whole folder; this many files were queued.
    Complete { queued: u32 },
    /// The walk stopped before the end (the run stopped, a subfolder could not be read): the
    /// next scan goes on with the same generation, and nothing is queued or forgotten before.
    Incomplete(String),
    /// The browser no longer lets the worker read it: the page asks again.
    NeedsPermission,
    /// The folder is gone or moved. Its files' records stay.
    Missing(String),
}

impl FolderScan {
    /// The log line of the scan of the folder named `folder`, if there is anything to say.
    pub fn log_line(&self, folder: &str) -> Option<(LogLevel, String)> {
        match self {
            Self::Complete { queued: 0 } => None,
            Self::Complete { queued: 1 } => Some((
                LogLevel::Info,
                format!("Backup folder \"{folder}\": 1 new or changed file"),
            )),
            Self::Complete { queued } => Some((
                LogLevel::Info,
                format!("Backup folder \"{folder}\": {queued} new or changed files"),
            )),
            Self::Incomplete(why) => Some((
                LogLevel::Info,
                format!("Backup folder \"{folder}\": scan not finished ({why}), it goes on at the next run"),
            )),
            Self::NeedsPermission => Some((
                LogLevel::Warning,
                format!("Backup folder \"{folder}\" needs your permission again: open Immich and allow it"),
            )),
            Self::Missing(why) => Some((
                LogLevel::Severe,
                format!("Backup folder \"{folder}\" was not found (moved or deleted?): {why}"),
            )),
        }
    }
}

fn quoted(folders: &[String]) -> String {
    folders
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The notification for folders a scan could not read: those that need the user's permission
/// again and those gone or moved. None when there are none.
pub fn problems_notification(
    needs_permission: &[String],
    missing: &[String],
) -> Option<NotificationPayload> {
    let mut lines = Vec::new();
    match needs_permission.len() {
        0 => {}
        1 => lines.push(format!(
            "Open Immich to allow reading {} again: until then it is not backed up.",
            quoted(needs_permission)
        )),
        _ => lines.push(format!(
            "Open Immich to allow reading {} again: until then they are not backed up.",
            quoted(needs_permission)
        )),
    }
    match missing.len() {
        0 => {}
        1 => lines.push(format!(
            "{} is gone or was moved: add it again where it is now.",
            quoted(missing)
        )),
        _ => lines.push(format!(
            "{} are gone or were moved: add them again where they are now.",
            quoted(missing)
        )),
    }
    if lines.is_empty() {
        return None;
    }
    let title = match needs_permission.len() + missing.len() {
        1 => "A backup folder needs attention",
        _ => "Backup folders need attention",
    };
    Some(NotificationPayload {
        title: title.into(),
        content: lines.join(" "),
        progress: 0,
        max: 0,
        indeterminate: false,
        is_detail: false,
    })
}

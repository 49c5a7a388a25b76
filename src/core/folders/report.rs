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

/// The notification for folders that need the user's permission again (none: do not show one).
pub fn permission_notification(folders: &[String]) -> NotificationPayload {
    let names = folders
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let (title, until_then) = match folders.len() {
        1 => ("A backup folder needs permission", "it is"),
        _ => ("Backup folders need permission", "they are"),
    };
    NotificationPayload {
        title: title.into(),
        content: format!(
            "Open Immich to allow reading {names} again: until then {until_then} not backed up"
        ),
        progress: 0,
        max: 0,
        indeterminate: false,
        is_detail: false,
    }
}

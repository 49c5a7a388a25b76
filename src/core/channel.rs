//! The `immich/foregroundChannel` messages between the pages and the service worker.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::progress::{NotificationPayload, UploadState};

/// `{ "method": ..., "args": ... }`; methods without arguments have no `args`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(tag = "method", content = "args", rename_all = "camelCase")]
pub enum ChannelMessage {
    /// Worker -> page: a backup run started.
    Initialized,
    /// Page -> worker: start backing up everything queued.
    Start,
    /// Page -> worker: stop after the current request.
    Stop,
    /// Page -> worker without args: asks for the current state. Worker -> page: the state.
    UpdateNotification(Option<ProgressUpdate>),
    /// Worker -> page: the run ended.
    SystemStop(SystemStop),
    /// Page -> worker: hold the run where it is (no new request) until `Resume`.
    Pause,
    /// Page -> worker: go on after `Pause`.
    Resume,
    /// Page -> worker: stop, and clear the queue of every file not yet sent.
    Cancel,
    /// Page -> worker: this page's visibility and what it can see of the conditions, sent on
    /// load, on every change, and every 20 s while it lives.
    PageState(PageState),
    /// Worker -> page: what the background service is doing or waiting for.
    ServiceState(ServiceState),
    /// Page -> worker: bring the library mirror up to date now.
    SyncNow,
    /// Worker -> page: a sync started or ended, and how it went.
    SyncState(SyncStatus),
    /// Worker -> page: a batch of library changes is committed: read the mirror again.
    LibraryChanged,
    /// Worker -> page: how the server's live updates (its socket) stand.
    LiveState(LiveStatus),
}

/// The live updates as the page shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct LiveStatus {
    /// The socket is connected: changes on the server show within seconds.
    pub live: bool,
    pub message: String,
}

/// The sync service as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub syncing: bool,
    /// What the last sync came to ("Library up to date", or why it failed).
    pub message: String,
    /// Whether the last sync failed (the message says why).
    pub failed: bool,
}

/// What a page reports about itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PageState {
    pub visibility: Visibility,
    /// `navigator.connection.type == "wifi"`; None where the browser does not say.
    #[serde(default)]
    pub wifi: Option<bool>,
    /// `navigator.getBattery().charging`; None where the browser does not say.
    #[serde(default)]
    pub charging: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Visibility {
    Visible,
    Hidden,
    /// `pagehide`: the page is going away.
    Closed,
}

/// A condition of the user's that a run waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Condition {
    Wifi,
    Charging,
}

impl Condition {
    pub fn name(self) -> &'static str {
        match self {
            Condition::Wifi => "WiFi",
            Condition::Charging => "charging",
        }
    }
}

/// What the background service does now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum ServicePhase {
    /// No run is wanted.
    Idle,
    /// A background run starts at `dueAtMs` (the trigger delay).
    WaitingForDelay,
    /// A run is wanted and waits for the conditions named in `unmet`.
    WaitingForConditions,
    /// A run is wanted and waits for a wake-up of the worker (the browser decides when).
    WaitingForWakeUp,
    Running,
    Paused,
}

/// The background service's state, for the pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ServiceState {
    pub phase: ServicePhase,
    pub due_at_ms: Option<i64>,
    pub unmet: Vec<Condition>,
    /// When backups started failing (the first failure of a run), until a run ends with
    /// nothing failed.
    pub backup_failed_since: Option<i64>,
    pub background_backup: bool,
    /// What the worker knows now: None = unknown (never reported, or the report is too old).
    pub wifi: Option<bool>,
    pub charging: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ProgressUpdate {
    pub state: UploadState,
    pub notification: Option<NotificationPayload>,
    pub phase: Phase,
    pub file_bytes_done: Option<u64>,
    pub file_bytes_total: Option<u64>,
    /// What holds the run up, for a person ("Server unreachable, retrying in 8 s").
    #[serde(default)]
    pub notice: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    Hashing,
    Checking,
    Uploading,
    /// The run waits: the server is unreachable, or a check is retried after a backoff.
    Waiting,
    Idle,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SystemStop {
    pub reason: StopReason,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum StopReason {
    Completed,
    StoppedByUser,
    Unauthorized,
    ServerUnreachable,
    Failed,
    /// A condition of the user's (WiFi, charging) is no longer met; the run goes on when it is.
    ConditionsLost,
    /// The user paused the run; it goes on when they resume it.
    Paused,
    /// The user cancelled: the files not yet sent left the queue.
    Cancelled,
    /// The last page closed and background backup is off.
    PagesClosed,
}

impl StopReason {
    /// Whether the backup stays requested, to go on at the next wake-up. A run that could not
    /// reach the server or hit a local error is not what the user asked for; one that finished,
    /// was stopped, or needs a new login is settled until the user acts.
    pub fn resumes_on_wake(self) -> bool {
        matches!(
            self,
            StopReason::ServerUnreachable | StopReason::Failed | StopReason::ConditionsLost
        )
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ChannelError {
    #[error("not a channel message: {0}")]
    Malformed(String),
}

impl ChannelMessage {
    /// Parses a message posted by a page or the worker; anything else is an error, never a panic.
    pub fn from_json(value: &Value) -> Result<Self, ChannelError> {
        Self::deserialize(value).map_err(|err| ChannelError::Malformed(err.to_string()))
    }

    /// The wire form; a request for the state is `{"method":"updateNotification"}`, no args.
    pub fn to_json(&self) -> Value {
        if *self == ChannelMessage::UpdateNotification(None) {
            return serde_json::json!({ "method": "updateNotification" });
        }
        serde_json::to_value(self)
            .expect("channel messages hold only strings, numbers and booleans")
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "channel_tests.rs"]
mod tests;

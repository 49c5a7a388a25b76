//! The `immich/foregroundChannel` messages between the pages and the service worker.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::progress::{NotificationPayload, UploadState};

/// `{ "method": ..., "args": ... }`; methods without arguments have no `args`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[serde(rename_all = "camelCase")]
pub struct SystemStop {
    pub reason: StopReason,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StopReason {
    Completed,
    StoppedByUser,
    Unauthorized,
    ServerUnreachable,
    Failed,
}

impl StopReason {
    /// Whether the backup stays requested, to go on at the next wake-up. A run that could not
    /// reach the server or hit a local error is not what the user asked for; one that finished,
    /// was stopped, or needs a new login is settled until the user acts.
    pub fn resumes_on_wake(self) -> bool {
        matches!(self, StopReason::ServerUnreachable | StopReason::Failed)
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

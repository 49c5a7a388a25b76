//! What goes into the sync engine and what comes out of it.

use std::fmt;

use serde::Serialize;

use crate::core::log::LogLevel;

use super::super::mirror::MirrorOp;

/// Lines per batch: a few hundred rows make an IndexedDB transaction long enough to be cheap per
/// row and short enough to keep memory flat.
pub const BATCH_LINES: usize = 500;

/// A batch is also committed once its first line is this old, so a slow stream shows progress.
pub const BATCH_MS: i64 = 300;

/// What a sync starts from.
#[derive(Clone, Debug, Default)]
pub struct SyncSetup {
    /// The acks stored by the last `Commit` that the server has not confirmed (a sync killed
    /// between a commit and its ack): sent first, so the stream does not repeat their rows.
    pub pending_acks: Vec<String>,
}

/// The numbers of the batching; tests shrink them.
#[derive(Clone, Debug)]
pub struct SyncConfig {
    pub batch_lines: usize,
    pub batch_ms: i64,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            batch_lines: BATCH_LINES,
            batch_ms: BATCH_MS,
        }
    }
}

/// What happened, as the driver saw it. Each comes with the time it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncInput {
    /// The answer's status to `OpenStream`; the body is read only when it is not 2xx.
    StreamOpened { status: u16, body_if_error: String },
    /// The next bytes of the stream's body, cut anywhere.
    Chunk(Vec<u8>),
    /// The body ended.
    StreamEnded,
    /// No answer to `OpenStream`, or the body broke off.
    StreamFailed(String),
    /// The last `Commit` is stored.
    Committed,
    /// The last `Commit` could not be stored (nothing of it was).
    CommitFailed(String),
    /// The answer's status to `SendAcks`; the body is read only when it is not 2xx.
    AcksSent { status: u16, body_if_error: String },
    /// No answer to `SendAcks`.
    AcksFailed(String),
}

/// Rows to store in one transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncBatch {
    /// Applied in order.
    pub ops: Vec<MirrorOp>,
    /// Replace the stored pending acks with these, in the same transaction: the acks of these
    /// rows and any earlier ones the server has not confirmed yet.
    pub acks: Vec<String>,
    /// Empty every store of the mirror first (the server asked to start over). Never the
    /// backup queue.
    pub clear_mirror: bool,
}

/// What to do next, handed out by `SyncEngine::poll_output` in the order it must be done.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncOutput {
    /// `POST /sync/ack` with this body; answered by `AcksSent` or `AcksFailed`. May be on its way
    /// while the stream is read and batches are committed.
    SendAcks { body: String },
    /// `POST /sync/stream` with this body; answered by `StreamOpened`, then the body's `Chunk`s
    /// while `SyncEngine::wants_chunk`, and `StreamEnded` or `StreamFailed`.
    OpenStream { body: String },
    /// Store this batch; answered by `Committed` or `CommitFailed`. The stream goes on being read
    /// meanwhile: never two commits at once.
    Commit(SyncBatch),
    /// The server confirmed every stored pending ack: delete them.
    ForgetAcks,
    /// A log line.
    Log(LogLevel, String),
    /// Nothing to do until the next input.
    Idle,
    /// The sync is over (and stays so). Stop reading the stream if it is still open.
    Ended(SyncReport),
}

/// How a sync ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "message")]
pub enum SyncOutcome {
    /// The mirror took the server's changes and is up to date.
    Done,
    /// The server had nothing new: nothing was written.
    NothingNew,
    /// The session was logged out or revoked (401): log in again.
    SessionRevoked,
    /// The server refused (403), e.g. an API key instead of a session: its words.
    NotAllowed(String),
    /// The sync stopped; what was stored stays, the rest comes next time.
    Failed(String),
}

impl SyncOutcome {
    /// The mirror is up to date with the server.
    pub fn is_success(&self) -> bool {
        matches!(self, SyncOutcome::Done | SyncOutcome::NothingNew)
    }
}

/// In words, for the pages and the log.
impl fmt::Display for SyncOutcome {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            SyncOutcome::Done => f.write_str("The library is up to date."),
            SyncOutcome::NothingNew => f.write_str("The library is up to date: nothing new."),
            SyncOutcome::SessionRevoked => {
                f.write_str("The session has ended: log in again to sync the library.")
            }
            SyncOutcome::NotAllowed(message) => {
                write!(f, "The server does not allow the library sync: {message}")
            }
            SyncOutcome::Failed(message) => write!(f, "The library sync failed: {message}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub outcome: SyncOutcome,
    /// Lines read, every stream of the sync counted.
    pub lines: u64,
    /// A batch was stored (or the mirror cleared): the library view has changed.
    pub changed: bool,
    /// The signed-in user's id, when the stream sent it (`AuthUserV1`).
    pub auth_user_id: Option<String>,
}

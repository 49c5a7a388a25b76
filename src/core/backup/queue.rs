//! One queued file and the transitions of its upload state machine.
//!
//! ```text
//! skip_if_empty        Pending   -> Skipped (an empty file: the server never accepts one)
//! begin_hash           Pending | Hashing | FailedRetryable (due) -> Hashing
//! hashed               Hashing   -> Checking
//! hash_failed          Hashing   -> FailedPermanent
//! checked              Checking  -> Uploading | Duplicate | FailedPermanent
//! begin_upload         Uploading -> Uploading, sending (written before the request goes out)
//! upload_unanswered    Uploading, sending -> Uploading (no answer: not the file's fault)
//! upload_finished      Uploading -> Done | Duplicate | FailedRetryable | FailedPermanent
//!                                   (Unauthorized: unchanged, the run stops)
//! retry_due            FailedRetryable (due) -> Uploading | Pending
//! recover_interrupted  Hashing   -> Pending; Uploading, sending -> Uploading, one more
//!                      interruption, or FailedPermanent once there were too many
//! ```
//!
//! Every transition checks the state it starts from; a refused transition returns an error and
//! leaves the item exactly as it was, so the caller can persist after each step without care.

use serde::{Deserialize, Serialize};

use super::{ItemSource, RetryPolicy};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ItemState {
    Pending,
    Hashing,
    Checking,
    Uploading,
    Done,
    Duplicate,
    FailedRetryable,
    FailedPermanent,
    /// Not for the server (an empty file): finished, neither backed up nor failed.
    Skipped,
}

impl ItemState {
    /// Every state, in the order declared.
    pub const ALL: [ItemState; 9] = [
        ItemState::Pending,
        ItemState::Hashing,
        ItemState::Checking,
        ItemState::Uploading,
        ItemState::Done,
        ItemState::Duplicate,
        ItemState::FailedRetryable,
        ItemState::FailedPermanent,
        ItemState::Skipped,
    ];

    /// Its place in `ALL`, for tables by state.
    pub fn index(self) -> usize {
        match self {
            Self::Pending => 0,
            Self::Hashing => 1,
            Self::Checking => 2,
            Self::Uploading => 3,
            Self::Done => 4,
            Self::Duplicate => 5,
            Self::FailedRetryable => 6,
            Self::FailedPermanent => 7,
            Self::Skipped => 8,
        }
    }

    /// Done, Duplicate, FailedPermanent and Skipped never change again.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Done | Self::Duplicate | Self::FailedPermanent | Self::Skipped
        )
    }
}

/// Why an item was skipped, as the page and the log show it.
pub const EMPTY_FILE: &str = "empty file, not backed up";

/// Why an item that was cut off too often failed.
pub const INTERRUPTED_TOO_OFTEN: &str =
    "could not be sent within the browser's time for a background upload";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    /// The local asset id, also the id sent to bulk-upload-check.
    pub id: String,
    pub name: String,
    pub size: u64,
    pub modified_at_ms: i64,
    pub queued_at_ms: i64,
    pub state: ItemState,
    /// Upload attempts that got an outcome other than Unauthorized. Counted when the outcome
    /// arrives, so an attempt cut short by a kill does not count and the count never exceeds
    /// the policy's `max_attempts`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempts: u32,
    /// SHA-1, lowercase hex, once hashed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When a FailedRetryable item may be tried again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at_ms: Option<i64>,
    /// An upload of it was sent and has not been answered yet. Written before the request goes
    /// out, so a worker killed mid-upload is seen at the next start.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sending: bool,
    /// Uploads of it cut off by the end of the worker (killed, or over the browser's time).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interruptions: u32,
    /// Its upload was handed to the browser (Background Fetch), which carries it past the
    /// worker's death: until then a run awaits that outcome rather than sending it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_until_ms: Option<i64>,
    /// Where the file's bytes are read from.
    #[serde(default, skip_serializing_if = "ItemSource::is_stored")]
    pub source: ItemSource,
    /// For a photo of a live-photo pair: the queue id of its video, uploaded first; the photo
    /// is sent with the video's remote id as `livePhotoVideoId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_video: Option<String>,
    /// A sidecar (.xmp) in the same folder, sent as the upload's `sidecarData`: its path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecar: Option<String>,
    /// The album the asset is added to once on the server (a backup folder's name), if any;
    /// cleared when the server has added it, so a run cut off first leaves it to the next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
}

/// Stored rows leave out what is zero or unset: IndexedDB keeps every field's name in every
/// row, and a backup folder may hold a hundred thousand files.
fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The server's bulk-upload-check answer for one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckVerdict {
    Accept,
    Duplicate { remote_id: String },
    Unsupported { reason: String },
}

/// The result of one `POST /assets`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadOutcome {
    Created {
        remote_id: String,
    },
    Duplicate {
        remote_id: String,
    },
    /// 401/403: the run stops, the item is NOT consumed.
    Unauthorized,
    /// Other 4xx except 408/429: permanent.
    Rejected {
        status: u16,
        message: String,
    },
    /// Network error, timeout, 408, 429, 5xx.
    Retryable {
        message: String,
    },
}

/// Whether the run loop may go on after an upload result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunControl {
    Continue,
    StopUnauthorized,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TransitionError {
    #[error("cannot {action} an item that is {from:?}")]
    Invalid {
        action: &'static str,
        from: ItemState,
    },
    #[error("no queued file has this id")]
    Unknown,
}

impl QueueItem {
    /// A new item, Pending.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        size: u64,
        modified_at_ms: i64,
        queued_at_ms: i64,
    ) -> QueueItem {
        QueueItem {
            id: id.into(),
            name: name.into(),
            size,
            modified_at_ms,
            queued_at_ms,
            state: ItemState::Pending,
            attempts: 0,
            checksum: None,
            remote_id: None,
            last_error: None,
            retry_at_ms: None,
            sending: false,
            interruptions: 0,
            carried_until_ms: None,
            source: ItemSource::Stored,
            live_video: None,
            sidecar: None,
            album: None,
        }
    }

    /// A FailedRetryable item whose wait is over. A missing time counts as over, and so does a
    /// wait longer than the policy's longest: the clock was set back.
    pub(crate) fn is_retry_due(&self, now_ms: i64, policy: &RetryPolicy) -> bool {
        self.state == ItemState::FailedRetryable
            && self.retry_at_ms.is_none_or(|at| policy.is_due(at, now_ms))
    }

    /// A backup folder's row is the folder's record of its file: the scan does not queue the
    /// same version again, so the row outlives a new run, Clear and Cancel (its file waits for
    /// the next run rather than being forgotten).
    pub fn of_backup_folder(&self) -> bool {
        matches!(self.source, ItemSource::Folder { .. })
    }

    /// Whether the row takes part in runs and their numbers: all but a backup folder's finished
    /// rows, which the folder's own counts show.
    pub fn in_runs(&self) -> bool {
        !(self.state.is_finished() && self.of_backup_folder())
    }

    /// Whether this row may be written over `stored`: a finished row is never replaced by an
    /// unfinished one (a second run, or a late answer, must not undo a confirmed upload).
    pub fn may_replace(&self, stored: &QueueItem) -> bool {
        self.state.is_finished() || !stored.state.is_finished()
    }

    /// Pending -> Skipped when the file is empty; returns whether it was skipped.
    pub fn skip_if_empty(&mut self) -> bool {
        if self.state != ItemState::Pending || self.size > 0 {
            return false;
        }
        self.state = ItemState::Skipped;
        self.last_error = Some(EMPTY_FILE.to_owned());
        true
    }

    fn refuse(&self, action: &'static str) -> TransitionError {
        TransitionError::Invalid {
            action,
            from: self.state,
        }
    }

    /// Pending | FailedRetryable (retry due) | Hashing (restart after an interruption) -> Hashing.
    pub fn begin_hash(&mut self, now_ms: i64, policy: &RetryPolicy) -> Result<(), TransitionError> {
        let restartable = matches!(self.state, ItemState::Pending | ItemState::Hashing);
        if !restartable && !self.is_retry_due(now_ms, policy) {
            return Err(self.refuse("begin hashing"));
        }
        self.state = ItemState::Hashing;
        self.retry_at_ms = None;
        Ok(())
    }

    /// Hashing -> Checking.
    pub fn hashed(&mut self, checksum_hex: String) -> Result<(), TransitionError> {
        if self.state != ItemState::Hashing {
            return Err(self.refuse("record the checksum of"));
        }
        self.state = ItemState::Checking;
        self.checksum = Some(checksum_hex);
        Ok(())
    }

    /// Hashing | Uploading -> FailedPermanent: the file could not be read.
    pub fn unreadable(&mut self, message: String) -> Result<(), TransitionError> {
        if !matches!(self.state, ItemState::Hashing | ItemState::Uploading) {
            return Err(self.refuse("record a read failure of"));
        }
        self.stop_sending();
        self.state = ItemState::FailedPermanent;
        self.last_error = Some(message);
        Ok(())
    }

    /// Checking -> Uploading | Duplicate | FailedPermanent.
    pub fn checked(&mut self, verdict: CheckVerdict) -> Result<(), TransitionError> {
        if self.state != ItemState::Checking {
            return Err(self.refuse("record the server check of"));
        }
        match verdict {
            CheckVerdict::Accept => self.state = ItemState::Uploading,
            CheckVerdict::Duplicate { remote_id } => {
                self.state = ItemState::Duplicate;
                self.remote_id = Some(remote_id);
            }
            CheckVerdict::Unsupported { reason } => {
                self.state = ItemState::FailedPermanent;
                self.last_error = Some(reason);
            }
        }
        Ok(())
    }

    /// Uploading -> Uploading, sending: the item is about to be sent. Persist it before sending.
    pub fn begin_upload(&mut self) -> Result<(), TransitionError> {
        if self.state != ItemState::Uploading {
            return Err(self.refuse("begin uploading"));
        }
        self.sending = true;
        Ok(())
    }

    /// The upload got no answer (the network, a timeout): it will be sent again, and no attempt
    /// is counted, since an unreachable server is not the file's fault.
    pub fn upload_unanswered(&mut self) -> Result<(), TransitionError> {
        if self.state != ItemState::Uploading {
            return Err(self.refuse("record an unanswered upload of"));
        }
        self.stop_sending();
        Ok(())
    }

    /// Uploading -> Done | Duplicate | FailedRetryable{retry_at} | FailedPermanent (Rejected, or
    /// attempts exhausted). Unauthorized leaves the item as it was and returns
    /// `RunControl::StopUnauthorized`: a wrong key is not the file's fault.
    pub fn upload_finished(
        &mut self,
        outcome: UploadOutcome,
        now_ms: i64,
        policy: &RetryPolicy,
    ) -> Result<RunControl, TransitionError> {
        if self.state != ItemState::Uploading {
            return Err(self.refuse("record the upload result of"));
        }
        self.stop_sending();
        let attempts = self.attempts.saturating_add(1);
        match outcome {
            UploadOutcome::Unauthorized => return Ok(RunControl::StopUnauthorized),
            UploadOutcome::Created { remote_id } => self.succeed(ItemState::Done, remote_id),
            UploadOutcome::Duplicate { remote_id } => self.succeed(ItemState::Duplicate, remote_id),
            UploadOutcome::Rejected { status, message } => {
                self.state = ItemState::FailedPermanent;
                self.last_error =
                    Some(format!("the server refused the file ({status}): {message}"));
            }
            // At least one attempt is always made, whatever the policy says.
            UploadOutcome::Retryable { message } if attempts >= policy.max_attempts.max(1) => {
                self.state = ItemState::FailedPermanent;
                self.last_error = Some(format!("gave up after {attempts} attempts: {message}"));
            }
            UploadOutcome::Retryable { message } => {
                self.state = ItemState::FailedRetryable;
                self.last_error = Some(message);
                self.retry_at_ms = Some(now_ms.saturating_add(policy.delay_after(attempts)));
            }
        }
        self.attempts = attempts;
        Ok(RunControl::Continue)
    }

    fn succeed(&mut self, state: ItemState, remote_id: String) {
        self.state = state;
        self.remote_id = Some(remote_id);
        self.last_error = None;
    }

    /// On a worker start after a kill: Hashing -> Pending; an upload that was being sent counts
    /// one interruption, and fails for good at `max_interruptions` (a file too large to send
    /// within the browser's time for one worker event would otherwise be sent from byte 0 on
    /// every wake-up, for ever). Checking and Uploading are kept otherwise: their checksum is
    /// known, and a repeated upload is answered "duplicate" by the server.
    pub fn recover_interrupted(&mut self, max_interruptions: u32) {
        if self.state == ItemState::Hashing {
            self.state = ItemState::Pending;
        }
        if self.state != ItemState::Uploading || !self.sending {
            return;
        }
        self.stop_sending();
        self.interruptions = self.interruptions.saturating_add(1);
        if self.interruptions >= max_interruptions.max(1) {
            self.state = ItemState::FailedPermanent;
            self.last_error = Some(INTERRUPTED_TOO_OFTEN.to_owned());
        }
    }

    /// FailedRetryable -> Uploading (checksum known) | Pending, once `retry_at_ms <= now_ms`.
    /// Returns whether the item moved; a retry not yet due leaves it waiting.
    pub fn retry_due(
        &mut self,
        now_ms: i64,
        policy: &RetryPolicy,
    ) -> Result<bool, TransitionError> {
        if self.state != ItemState::FailedRetryable {
            return Err(self.refuse("retry"));
        }
        if !self.is_retry_due(now_ms, policy) {
            return Ok(false);
        }
        self.state = match self.checksum {
            Some(_) => ItemState::Uploading,
            None => ItemState::Pending,
        };
        self.retry_at_ms = None;
        Ok(true)
    }

    /// The user's Retry of a file that failed for good: it starts over from hashing with a
    /// clean count. Returns false for any other state.
    pub fn retry_failed(&mut self) -> bool {
        if self.state != ItemState::FailedPermanent {
            return false;
        }
        self.state = ItemState::Pending;
        self.attempts = 0;
        self.interruptions = 0;
        self.stop_sending();
        self.checksum = None;
        self.last_error = None;
        self.retry_at_ms = None;
        true
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

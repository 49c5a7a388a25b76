//! One queued file and the transitions of its upload state machine.
//!
//! ```text
//! begin_hash           Pending | Hashing | FailedRetryable (due) -> Hashing
//! hashed               Hashing   -> Checking
//! hash_failed          Hashing   -> FailedPermanent
//! checked              Checking  -> Uploading | Duplicate | FailedPermanent
//! begin_upload         Uploading -> Uploading
//! upload_finished      Uploading -> Done | Duplicate | FailedRetryable | FailedPermanent
//!                                   (Unauthorized: unchanged, the run stops)
//! retry_due            FailedRetryable (due) -> Uploading | Pending
//! recover_interrupted  Hashing   -> Pending (after a kill; every other state is kept)
//! ```
//!
//! Every transition checks the state it starts from; a refused transition returns an error and
//! leaves the item exactly as it was, so the caller can persist after each step without care.

use serde::{Deserialize, Serialize};

use super::RetryPolicy;

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
}

impl ItemState {
    /// Done, Duplicate and FailedPermanent never change again.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Done | Self::Duplicate | Self::FailedPermanent)
    }
}

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
    pub attempts: u32,
    /// SHA-1, lowercase hex, once hashed.
    pub checksum: Option<String>,
    pub remote_id: Option<String>,
    pub last_error: Option<String>,
    /// When a FailedRetryable item may be tried again.
    pub retry_at_ms: Option<i64>,
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
        }
    }

    /// A FailedRetryable item whose wait is over (a missing time counts as over).
    pub(crate) fn is_retry_due(&self, now_ms: i64) -> bool {
        self.state == ItemState::FailedRetryable && self.retry_at_ms.is_none_or(|at| at <= now_ms)
    }

    fn refuse(&self, action: &'static str) -> TransitionError {
        TransitionError::Invalid {
            action,
            from: self.state,
        }
    }

    /// Pending | FailedRetryable (retry due) | Hashing (restart after an interruption) -> Hashing.
    pub fn begin_hash(&mut self, now_ms: i64) -> Result<(), TransitionError> {
        let restartable = matches!(self.state, ItemState::Pending | ItemState::Hashing);
        if !restartable && !self.is_retry_due(now_ms) {
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

    /// Hashing -> FailedPermanent: the file could not be read.
    pub fn hash_failed(&mut self, message: String) -> Result<(), TransitionError> {
        if self.state != ItemState::Hashing {
            return Err(self.refuse("record a read failure of"));
        }
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

    /// Uploading -> Uploading: the item is about to be sent. Persist it before sending.
    pub fn begin_upload(&mut self) -> Result<(), TransitionError> {
        if self.state != ItemState::Uploading {
            return Err(self.refuse("begin uploading"));
        }
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

    /// On a worker start after a kill: Hashing -> Pending. Checking and Uploading are kept
    /// (their checksum is known; a repeated upload is answered "duplicate" by the server).
    pub fn recover_interrupted(&mut self) {
        if self.state == ItemState::Hashing {
            self.state = ItemState::Pending;
        }
    }

    /// FailedRetryable -> Uploading (checksum known) | Pending, once `retry_at_ms <= now_ms`.
    /// Returns whether the item moved; a retry not yet due leaves it waiting.
    pub fn retry_due(&mut self, now_ms: i64) -> Result<bool, TransitionError> {
        if self.state != ItemState::FailedRetryable {
            return Err(self.refuse("retry"));
        }
        if !self.is_retry_due(now_ms) {
            return Ok(false);
        }
        self.state = match self.checksum {
            Some(_) => ItemState::Uploading,
            None => ItemState::Pending,
        };
        self.retry_at_ms = None;
        Ok(true)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

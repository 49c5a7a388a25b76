//! What the answers to hashing, checks and uploads mean for the queue and the run.

use std::collections::HashSet;

use crate::core::channel::StopReason;
use crate::core::immich::{self, ReplyError};
use crate::core::log::LogLevel;
use crate::core::progress::{self, NotificationKind};

use super::super::io::{HttpReply, RequestError, RequestResult};
use super::super::{
    CheckVerdict, ItemState, QueueItem, RunControl, TransitionError, UploadOutcome,
};
use super::outage::Suspect;
use super::Engine;

/// A gateway's answer while the server behind it restarts: the server is away, not the file's
/// or the batch's fault.
fn is_gateway_down(reply: &HttpReply) -> bool {
    matches!(reply.status, 502..=504)
}

impl Engine {
    pub(super) fn on_hashed(
        &mut self,
        id: &str,
        result: Result<String, String>,
        on_server: Option<String>,
    ) -> Result<(), TransitionError> {
        let Some(at) = self.hashing.iter().position(|hashing| hashing == id) else {
            return Ok(());
        };
        self.hashing.remove(at);
        match (result, on_server) {
            (Ok(checksum), Some(remote_id)) => {
                let row = self.change(id, |item| {
                    item.hashed(checksum)?;
                    item.checked(CheckVerdict::Duplicate { remote_id })
                })?;
                self.persist(vec![row]);
                Ok(())
            }
            (Ok(checksum), None) => self.items.update(id, |item| item.hashed(checksum)),
            (Err(reason), _) => {
                let reason = self.clean(&immich::cut_server_text(&reason));
                let row = self.change(id, |item| item.unreadable(reason.clone()))?;
                let name = row.name.clone();
                self.persist(vec![row]);
                self.log(
                    LogLevel::Warning,
                    &format!("{name}: could not be read: {reason}"),
                );
                Ok(())
            }
        }
    }

    pub(super) fn on_check_reply(
        &mut self,
        ids: Vec<String>,
        result: RequestResult,
        now_ms: i64,
    ) -> Result<(), TransitionError> {
        if self.checking.as_ref() != Some(&ids) {
            return Ok(());
        }
        self.checking = None;
        let reply = match result {
            Err(RequestError::Redirect) => {
                self.end_on(RequestError::Redirect, now_ms);
                return Ok(());
            }
            Err(error) if error.is_unreachable() => {
                self.enter_outage(Suspect::Check, &error.to_string(), now_ms);
                return Ok(());
            }
            Err(error) => {
                self.check_failed(&error.to_string(), now_ms);
                return Ok(());
            }
            Ok(reply) => reply,
        };
        if let Some(until) = self.asked_to_wait(&reply, now_ms) {
            // The batch stays to be checked, with no backoff: the server said when.
            self.wait_for_server(until, &reply, now_ms);
            return Ok(());
        }
        self.server_answered();
        if is_gateway_down(&reply) {
            let detail = format!("HTTP {}", reply.status);
            self.enter_outage(Suspect::Check, &detail, now_ms);
            return Ok(());
        }
        let verdicts = match immich::parse_bulk_check(reply.status, &reply.body) {
            Ok(verdicts) => verdicts,
            Err(ReplyError::Unauthorized(_)) => {
                self.unauthorized(now_ms);
                return Ok(());
            }
            Err(ReplyError::Status { status, message })
                if (400..500).contains(&status) && !matches!(status, 408 | 429) =>
            {
                let message =
                    format!("The server refused to check the files (HTTP {status}): {message}");
                self.end(StopReason::Failed, message, now_ms);
                return Ok(());
            }
            Err(error) => {
                self.check_failed(&error.to_string(), now_ms);
                return Ok(());
            }
        };
        let asked: HashSet<&String> = ids.iter().collect();
        let mut answered = HashSet::new();
        let mut rows = Vec::new();
        for (id, verdict) in verdicts {
            // A repeated or unasked-for id is ignored: the first verdict for an id stands.
            if !asked.contains(&id) || !answered.insert(id.clone()) {
                continue;
            }
            let verdict = match verdict {
                CheckVerdict::Unsupported { reason } => CheckVerdict::Unsupported {
                    reason: self.clean(&immich::cut_server_text(&reason)),
                },
                other => other,
            };
            let row = self.change(&id, |item| item.checked(verdict))?;
            let (name, state) = (row.name.clone(), row.state);
            if state == ItemState::FailedPermanent {
                let reason = row.last_error.clone().unwrap_or_default();
                self.log(
                    LogLevel::Warning,
                    &format!("{name}: not accepted by the server ({reason})"),
                );
            }
            rows.push(row);
        }
        self.persist(rows);
        let missing = ids.len() - answered.len();
        if missing > 0 {
            let detail = format!("the server's answer left out {missing} of the files");
            self.check_failed(&detail, now_ms);
        } else {
            self.check_backoff = Default::default();
        }
        Ok(())
    }

    /// A check that got an unusable answer: tried again after a backoff, then the run ends
    /// (and the next wake-up continues it).
    pub(super) fn check_failed(&mut self, detail: &str, now_ms: i64) {
        self.check_backoff.failures += 1;
        match self
            .config
            .retry
            .wait_before_retry(self.check_backoff.failures)
        {
            Some(wait) => {
                let wait = self.jitter.spread(wait);
                self.check_backoff.retry_at = Some(now_ms.saturating_add(wait));
                self.log(
                    LogLevel::Warning,
                    &format!(
                        "Checking with the server failed ({detail}); trying again in {} s",
                        seconds(wait)
                    ),
                );
            }
            None => {
                let message = format!(
                    "Checking with the server failed {} times ({detail}). The backup continues at the next wake-up.",
                    self.check_backoff.failures
                );
                self.end(StopReason::Failed, message, now_ms);
            }
        }
    }

    pub(super) fn on_upload_reply(
        &mut self,
        id: &str,
        result: RequestResult,
        now_ms: i64,
    ) -> Result<(), TransitionError> {
        if !self.uploading.iter().any(|sent| sent == id) {
            return Ok(());
        }
        self.uploading.retain(|sent| sent != id);
        let reply = match result {
            Err(RequestError::File(reason)) => {
                let reason = self.clean(&immich::cut_server_text(&reason));
                let row = self.change(id, |item| item.unreadable(reason.clone()))?;
                let name = row.name.clone();
                self.persist(vec![row]);
                self.count_upload_failure(&name, &reason);
                return Ok(());
            }
            Err(RequestError::Redirect) => {
                self.unanswered(id)?;
                self.end_on(RequestError::Redirect, now_ms);
                return Ok(());
            }
            Err(error) => {
                self.unanswered(id)?;
                let suspect = Suspect::Upload(id.to_owned());
                self.enter_outage(suspect, &error.to_string(), now_ms);
                return Ok(());
            }
            Ok(reply) => reply,
        };
        if let Some(until) = self.asked_to_wait(&reply, now_ms) {
            // Not the file's fault: it goes again after the wait, no attempt spent.
            self.unanswered(id)?;
            self.wait_for_server(until, &reply, now_ms);
            return Ok(());
        }
        self.server_answered();
        if is_gateway_down(&reply) {
            self.unanswered(id)?;
            let detail = format!("HTTP {}", reply.status);
            self.enter_outage(Suspect::Upload(id.to_owned()), &detail, now_ms);
            return Ok(());
        }
        let outcome = immich::classify_upload(reply.status, &reply.body);
        self.upload_outcome(id, outcome, now_ms)
    }

    fn unanswered(&mut self, id: &str) -> Result<(), TransitionError> {
        let row = self.unanswered_row(id)?;
        self.persist(vec![row]);
        Ok(())
    }

    /// The upload on its way got no answer about the file: it is sent again, no attempt spent.
    pub(super) fn unanswered_row(&mut self, id: &str) -> Result<QueueItem, TransitionError> {
        self.change(id, QueueItem::upload_unanswered)
    }

    /// An answer about this one file: it counts against the file.
    pub(super) fn upload_outcome(
        &mut self,
        id: &str,
        outcome: UploadOutcome,
        now_ms: i64,
    ) -> Result<(), TransitionError> {
        let outcome = match outcome {
            UploadOutcome::Rejected { status, message } => UploadOutcome::Rejected {
                status,
                message: self.clean(&message),
            },
            UploadOutcome::Retryable { message } => UploadOutcome::Retryable {
                message: self.clean(&message),
            },
            other => other,
        };
        let failed = matches!(
            outcome,
            UploadOutcome::Rejected { .. } | UploadOutcome::Retryable { .. }
        );
        let policy = self.config.retry;
        let (control, row) = self.items.update(id, |item| {
            let control = item.upload_finished(outcome, now_ms, &policy)?;
            Ok((control, item.clone()))
        })?;
        self.persist(vec![row.clone()]);
        if control == RunControl::StopUnauthorized {
            self.unauthorized(now_ms);
            return Ok(());
        }
        if failed {
            // The row's words: they say what the server said and what the file comes to.
            let reason = row.last_error.unwrap_or_default();
            self.count_upload_failure(&row.name, &reason);
        } else {
            self.errors_over(now_ms);
        }
        Ok(())
    }

    /// Logs a failed upload and, the first time the failures in a row pass the grace period,
    /// shows the error notification: once per streak, as the mobile app does, not once more
    /// for every later failure (`errors_over` ends the streak).
    fn count_upload_failure(&mut self, name: &str, message: &str) {
        self.upload_failures_in_row = self.upload_failures_in_row.saturating_add(1);
        self.log(
            LogLevel::Warning,
            &format!("{name}: upload failed: {message}"),
        );
        if self.error_shown {
            return;
        }
        let message = self.clean(message);
        if let Some(note) =
            progress::error_notification(self.upload_failures_in_row, &message, &self.settings)
        {
            self.error_shown = true;
            self.out
                .push_back(super::Output::Notify(NotificationKind::Error, note));
        }
    }

    pub(super) fn unauthorized(&mut self, now_ms: i64) {
        let message = "The server refused the API key: log in again to continue the backup.";
        self.end(StopReason::Unauthorized, message.to_owned(), now_ms);
    }

    /// Ends the run on an error every request would meet again.
    pub(super) fn end_on(&mut self, error: RequestError, now_ms: i64) {
        let message = format!("Could not talk to {}: {error}.", self.server);
        self.end(StopReason::Failed, message, now_ms);
    }
}

/// Whole seconds, rounded up, for messages.
pub(super) fn seconds(ms: i64) -> i64 {
    (ms.max(0) + 999) / 1000
}

//! Uploads the browser carries: a page hands a large file to Background Fetch, which goes on
//! past the death of the worker and the page. The row remembers it, so a run started meanwhile
//! awaits that outcome instead of sending the file a second time.

use serde::Serialize;

use crate::core::immich;

use super::io::RequestResult;
use super::{ItemState, QueueItem, RetryPolicy, UploadOutcome};

/// How an upload travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Carrier {
    /// The worker's own `fetch`: any wake-up, but it dies with the worker.
    Worker,
    /// The browser's Background Fetch, started by a page.
    BackgroundFetch,
}

/// How long a run waits for the outcome of an upload the browser carries before it sends the
/// file itself (the browser may have dropped it without telling).
pub const CARRIED_UPLOAD_LIMIT_MS: i64 = 60 * 60_000;

impl QueueItem {
    /// Not sending any more: whatever carried the upload is done with it.
    pub(super) fn stop_sending(&mut self) {
        self.sending = false;
        self.carried_until_ms = None;
    }

    /// The upload being sent is carried by the browser until `until_ms` at the latest.
    pub(super) fn hand_to_browser(&mut self, until_ms: i64) {
        self.carried_until_ms = Some(until_ms);
    }

    /// Whether the browser still carries its upload at `now_ms`.
    pub fn is_carried(&self, now_ms: i64) -> bool {
        self.state == ItemState::Uploading
            && self.sending
            && self.carried_until_ms.is_some_and(|until| now_ms < until)
    }

    /// The outcome of an upload the browser carried, applied to the stored row by the worker
    /// when the browser reports it (whether or not a run is going). Returns whether the row
    /// changed. A refused login leaves the row to the next run, which stops on it.
    pub fn settle_carried(
        &mut self,
        result: RequestResult,
        now_ms: i64,
        policy: &RetryPolicy,
    ) -> bool {
        if self.state != ItemState::Uploading || self.carried_until_ms.is_none() {
            return false;
        }
        let before = self.clone();
        let outcome = match result {
            Ok(reply) => immich::classify_upload(reply.status, &reply.body),
            Err(_) => UploadOutcome::Retryable {
                message: String::new(),
            },
        };
        match outcome {
            UploadOutcome::Retryable { .. } | UploadOutcome::Unauthorized => self.stop_sending(),
            outcome => {
                // Cannot fail: the state was checked above.
                let _ = self.upload_finished(outcome, now_ms, policy);
            }
        }
        *self != before
    }
}

#[cfg(test)]
mod tests {
    use super::super::io::{HttpReply, RequestError};
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn carried() -> QueueItem {
        let mut item = QueueItem::new("v", "clip.mp4", 100 << 20, 1, 2);
        item.state = ItemState::Uploading;
        item.checksum = Some("ab".repeat(20));
        item.begin_upload().expect("upload");
        item.hand_to_browser(NOW + CARRIED_UPLOAD_LIMIT_MS);
        item
    }

    fn reply(status: u16, body: &str) -> RequestResult {
        Ok(HttpReply {
            status,
            body: body.into(),
            retry_after: None,
        })
    }

    #[test]
    fn a_carried_upload_is_awaited_until_its_limit() {
        let item = carried();
        assert!(item.is_carried(NOW));
        assert!(!item.is_carried(NOW + CARRIED_UPLOAD_LIMIT_MS));
        assert!(!QueueItem::new("a", "a.jpg", 1, 1, 1).is_carried(NOW));
    }

    #[test]
    fn a_created_reply_finishes_the_row() {
        let mut item = carried();
        let changed = item.settle_carried(
            reply(201, r#"{"id":"remote-1","status":"created"}"#),
            NOW,
            &RetryPolicy::default(),
        );
        assert!(changed);
        assert_eq!(item.state, ItemState::Done);
        assert_eq!(item.remote_id.as_deref(), Some("remote-1"));
        assert_eq!((item.sending, item.carried_until_ms), (false, None));
    }

    #[test]
    fn no_answer_or_a_refused_login_leave_the_file_to_be_sent_again() {
        let failures = [
            Err(RequestError::Network("aborted".into())),
            reply(401, r#"{"message":"Invalid API key"}"#),
            reply(503, "down"),
        ];
        for result in failures {
            let mut item = carried();
            assert!(item.settle_carried(result, NOW, &RetryPolicy::default()));
            assert_eq!(item.state, ItemState::Uploading);
            assert_eq!(
                (item.sending, item.carried_until_ms, item.attempts),
                (false, None, 0)
            );
        }
    }

    #[test]
    fn a_row_settled_before_is_left_alone() {
        let mut item = carried();
        let created = reply(201, r#"{"id":"remote-1","status":"created"}"#);
        assert!(item.settle_carried(created.clone(), NOW, &RetryPolicy::default()));
        assert!(!item.settle_carried(created, NOW, &RetryPolicy::default()));
        let mut plain = QueueItem::new("a", "a.jpg", 1, 1, 1);
        plain.state = ItemState::Uploading;
        assert!(!plain.settle_carried(reply(201, "{}"), NOW, &RetryPolicy::default()));
    }
}

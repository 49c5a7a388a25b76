//! A server that answers 429 or 503 with `Retry-After` asks the whole run to wait: until then
//! no request goes out, no file's attempt is spent and nothing is probed (the server is there;
//! it said when to come back). Asks in a row add up against the time a run may wait for its
//! server, as an outage does.

use crate::core::channel::StopReason;
use crate::core::immich;
use crate::core::log::LogLevel;

use super::super::io::HttpReply;
use super::replies::seconds;
use super::Engine;

/// The shortest wait honoured: a `Retry-After: 0` or a date already past would otherwise send
/// the same request again in a tight loop.
pub(super) const MIN_SERVER_WAIT_MS: i64 = 1_000;

/// The server's asks to wait, in a row.
#[derive(Clone, Debug, Default)]
pub(super) struct ServerWait {
    /// When the first ask of this streak came.
    since_ms: Option<i64>,
    /// Until when nothing is sent.
    pub(super) until_ms: Option<i64>,
}

impl Engine {
    /// Until when this reply asks the run to wait: a 429 or 503 with a `Retry-After` the engine
    /// can read. Any other reply, or an unreadable header, is read as it would be without one.
    pub(super) fn asked_to_wait(&self, reply: &HttpReply, now_ms: i64) -> Option<i64> {
        if !matches!(reply.status, 429 | 503) {
            return None;
        }
        let at = immich::retry_after_at(reply.retry_after.as_deref()?, now_ms)?;
        Some(at.max(now_ms.saturating_add(MIN_SERVER_WAIT_MS)))
    }

    /// Holds the run until `until_ms`, or ends it when the wait, with the asks before it in a
    /// row, is longer than a run may wait (the next wake-up continues it).
    pub(super) fn wait_for_server(&mut self, until_ms: i64, reply: &HttpReply, now_ms: i64) {
        let since = self.server_wait.since_ms.unwrap_or(now_ms).min(now_ms);
        self.server_wait.since_ms = Some(since);
        let status = reply.status;
        let asked = self.clean(&immich::cut_server_text(
            reply.retry_after.as_deref().unwrap_or_default(),
        ));
        let total = until_ms.saturating_sub(since);
        if total > self.config.outage.give_up_after_ms {
            let message = format!(
                "{} asked to wait {} s (HTTP {status}, Retry-After: {asked}), longer than a background run can wait. The backup continues at the next wake-up.",
                self.server,
                seconds(total)
            );
            self.end(StopReason::ServerUnreachable, message, now_ms);
            return;
        }
        self.log(
            LogLevel::Warning,
            &format!(
                "The server asked to wait (HTTP {status}, Retry-After: {asked}); nothing is sent for {} s",
                seconds(until_ms - now_ms)
            ),
        );
        self.server_wait.until_ms = Some(until_ms);
        self.report_waiting(now_ms);
    }

    /// Whether the server's wait still holds the run; a wait that is over is cleared.
    pub(super) fn server_wait_holds(&mut self, now_ms: i64) -> bool {
        let holds = self.server_waits(now_ms);
        if !holds {
            self.server_wait.until_ms = None;
        }
        holds
    }

    /// Whether the server's wait holds at `now_ms`.
    pub(super) fn server_waits(&self, now_ms: i64) -> bool {
        // Longer than any wait the run accepts: the clock was set back, and the wait is over
        // (or a clock set back a day would hold the run for a day).
        self.server_wait.until_ms.is_some_and(|until| {
            until > now_ms && until - now_ms <= self.config.outage.give_up_after_ms
        })
    }

    /// The server answered without asking to wait: the next ask starts a new streak. A wait it
    /// asked for still holds (an answer to a request sent before the ask says nothing of it).
    pub(super) fn server_answered(&mut self) {
        self.server_wait.since_ms = None;
    }
}

//! An unreachable server is the run's problem, not each file's: the whole run pauses, one probe
//! at a time looks for the server with backoff and jitter, and no file's attempts are spent.
//! Requests still on their way when it starts join it as they fail; the first probe waits for
//! all of them, and goes no sooner than its wait after the last failure.

use crate::core::channel::StopReason;
use crate::core::immich;
use crate::core::log::LogLevel;

use super::super::io::{Output, RequestError, RequestResult};
use super::super::{TransitionError, UploadOutcome};
use super::replies::seconds;
use super::Engine;

/// How the server is looked for while it is away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutagePolicy {
    /// The wait before the first probe; it doubles after each failed one.
    pub first_probe_ms: i64,
    /// The longest wait between two probes.
    pub max_probe_interval_ms: i64,
    /// After this long the run ends `serverUnreachable` and the next wake-up continues it:
    /// a browser lets one worker event live a few minutes, no longer.
    pub give_up_after_ms: i64,
}

impl Default for OutagePolicy {
    fn default() -> Self {
        OutagePolicy {
            first_probe_ms: 2_000,
            max_probe_interval_ms: 30_000,
            give_up_after_ms: 4 * 60_000,
        }
    }
}

/// A request that met the unreachable server: when the first probe finds the server at once,
/// the failure was that request's own, and it is counted against it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Suspect {
    Upload(String),
    Check,
}

#[derive(Clone, Debug)]
pub(super) struct Outage {
    since_ms: i64,
    probes_failed: u32,
    pub(super) next_probe_at: i64,
    suspects: Vec<(Suspect, String)>,
    detail: String,
}

impl Engine {
    pub(super) fn enter_outage(&mut self, suspect: Suspect, detail: &str, now_ms: i64) {
        let wait = self.jitter.spread(self.config.outage.first_probe_ms);
        let detail = self.clean(&immich::cut_server_text(detail));
        // A request sent beside the first to fail met the same server: it joins the outage.
        if let Some(outage) = &mut self.outage {
            outage.suspects.push((suspect, detail));
            outage.next_probe_at = outage.next_probe_at.max(now_ms.saturating_add(wait));
            return;
        }
        self.log(
            LogLevel::Warning,
            &format!(
                "The server is unreachable ({detail}); the backup waits for it, next try in {} s",
                seconds(wait)
            ),
        );
        self.outage = Some(Outage {
            since_ms: now_ms,
            probes_failed: 0,
            next_probe_at: now_ms.saturating_add(wait),
            suspects: vec![(suspect, detail.clone())],
            detail,
        });
        self.report_waiting(now_ms);
    }

    pub(super) fn probe_if_due(&mut self, now_ms: i64) {
        let policy = self.config.retry;
        let due = match &self.outage {
            // Once every request on its way is answered, and the server's wait is over.
            Some(outage) => {
                !self.network_busy()
                    && policy.is_due(outage.next_probe_at, now_ms)
                    && !self.server_waits(now_ms)
            }
            None => false,
        };
        if due {
            self.probing = true;
            self.trace_probe_sent(now_ms);
            self.out.push_back(Output::Probe);
        }
    }

    pub(super) fn on_probe_reply(
        &mut self,
        result: RequestResult,
        now_ms: i64,
    ) -> Result<(), TransitionError> {
        if !std::mem::take(&mut self.probing) {
            return Ok(());
        }
        let Some(outage) = self.outage.take() else {
            return Ok(());
        };
        match result {
            Ok(reply) if immich::is_pong(reply.status, &reply.body) => {
                self.server_back(outage, now_ms)
            }
            Err(RequestError::Redirect) => {
                self.end_on(RequestError::Redirect, now_ms);
                Ok(())
            }
            _ => {
                self.probe_failed(outage, now_ms);
                Ok(())
            }
        }
    }

    fn server_back(&mut self, outage: Outage, now_ms: i64) -> Result<(), TransitionError> {
        if outage.probes_failed > 0 {
            let away = seconds(now_ms - outage.since_ms);
            self.log(
                LogLevel::Info,
                &format!("The server is reachable again after {away} s; the backup goes on"),
            );
            return Ok(());
        }
        // The server answered at once: the requests failed on their own account.
        for (suspect, detail) in outage.suspects {
            match suspect {
                Suspect::Upload(id) => {
                    let outcome = UploadOutcome::Retryable { message: detail };
                    self.upload_outcome(&id, outcome, now_ms)?;
                }
                Suspect::Check => self.check_failed(&detail, now_ms),
            }
        }
        Ok(())
    }

    fn probe_failed(&mut self, mut outage: Outage, now_ms: i64) {
        let policy = self.config.outage;
        outage.probes_failed += 1;
        if now_ms.saturating_sub(outage.since_ms) >= policy.give_up_after_ms {
            let message = format!(
                "Could not reach {} for {} s ({}). The backup continues when the server is back.",
                self.server,
                seconds(now_ms - outage.since_ms),
                outage.detail
            );
            self.end(StopReason::ServerUnreachable, message, now_ms);
            return;
        }
        let backoff = policy
            .first_probe_ms
            .max(1)
            .saturating_mul(
                1_i64
                    .checked_shl(outage.probes_failed.min(32))
                    .unwrap_or(i64::MAX),
            )
            .min(policy.max_probe_interval_ms);
        outage.next_probe_at = now_ms.saturating_add(self.jitter.spread(backoff));
        self.outage = Some(outage);
        self.report_waiting(now_ms);
    }
}

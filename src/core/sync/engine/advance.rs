//! What follows from the state the engine is in: after every input, the next step.

use crate::core::log::LogLevel;

use super::acks::AckSet;
use super::io::{SyncBatch, SyncOutcome, SyncOutput, SyncReport};
use super::{Phase, Reset, SyncEngine};

impl SyncEngine {
    pub(super) fn advance(&mut self, now_ms: i64) {
        if self.ended.is_some() {
            return;
        }
        match self.phase {
            Phase::FirstAcks => {
                self.send_acks();
                if !self.acks.in_flight() {
                    self.open(false);
                }
            }
            Phase::Opening => {}
            Phase::Reading => {
                if self.committing.is_none() && self.batch.is_due(&self.config, now_ms) {
                    self.flush();
                }
                self.send_acks();
            }
            Phase::Draining => self.drain(),
        }
    }

    /// The stream is over: store what was read, clear the mirror if the server asked to start
    /// over, send the acks, then end.
    fn drain(&mut self) {
        if self.committing.is_some() {
            return;
        }
        if !self.batch.is_empty() {
            self.flush();
            if self.committing.is_some() {
                return;
            }
        }
        if self.reset == Reset::Asked && self.stop.is_none() {
            // An ack answered after the reset stream opened would set a checkpoint of the old
            // mirror: wait for the one on its way.
            if self.acks.in_flight() {
                return;
            }
            self.acks.clear();
            self.out.push_back(SyncOutput::Commit(SyncBatch {
                ops: Vec::new(),
                acks: Vec::new(),
                clear_mirror: true,
            }));
            self.committing = Some(AckSet::new());
            self.reset = Reset::Clearing;
            return;
        }
        if self.stop_allows_acks() {
            self.send_acks();
            if self.acks.in_flight() {
                return;
            }
        }
        self.end();
    }

    fn send_acks(&mut self) {
        if let Some(body) = self.acks.next_body() {
            self.out.push_back(SyncOutput::SendAcks { body });
        }
    }

    fn end(&mut self) {
        let unknown = std::mem::take(&mut self.unknown);
        for (kind, count) in unknown {
            self.log(
                LogLevel::Warning,
                format!("Skipped {count} sync lines of unknown type {kind}"),
            );
        }
        let outcome = match self.stop.take() {
            Some(outcome) => outcome,
            None if self.changed => SyncOutcome::Done,
            None => SyncOutcome::NothingNew,
        };
        let report = SyncReport {
            outcome,
            lines: self.lines,
            changed: self.changed,
            auth_user_id: self.auth_user_id.clone(),
        };
        self.out.push_back(SyncOutput::Ended(report.clone()));
        self.ended = Some(report);
    }
}

//! What the service tells the pages about itself.

use crate::core::channel::{ChannelMessage, Condition, ServicePhase, ServiceState};

use super::{Lifecycle, Output};

impl Lifecycle {
    pub fn state(&self, now_ms: i64) -> ServiceState {
        let unmet = self.record.conditions.unmet(&self.settings, now_ms);
        let phase = if self.running {
            ServicePhase::Running
        } else if self.record.paused {
            ServicePhase::Paused
        } else if self.record.wanted && !unmet.is_empty() {
            ServicePhase::WaitingForConditions
        } else if self.record.wanted {
            ServicePhase::WaitingForWakeUp
        } else if self.record.due_at_ms.is_some() {
            ServicePhase::WaitingForDelay
        } else {
            ServicePhase::Idle
        };
        let known = self.record.conditions.known(now_ms);
        ServiceState {
            phase,
            due_at_ms: self.record.due_at_ms,
            unmet,
            backup_failed_since: self.record.backup_failed_since,
            background_backup: self.settings.background_backup,
            wifi: known.wifi,
            charging: known.charging,
        }
    }

    pub(super) fn post_state(&mut self, always: bool, now_ms: i64) {
        let state = self.state(now_ms);
        if always || self.posted.as_ref() != Some(&state) {
            self.posted = Some(state.clone());
            self.out
                .push_back(Output::Post(ChannelMessage::ServiceState(state)));
        }
    }
}

/// "Waiting for WiFi and charging"; None when nothing is unmet.
pub fn waiting_message(unmet: &[Condition]) -> Option<String> {
    let names: Vec<&str> = unmet.iter().map(|c| c.name()).collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(format!("Backup paused: waiting for {one}.")),
        [first @ .., last] => Some(format!(
            "Backup paused: waiting for {} and {last}.",
            first.join(", ")
        )),
    }
}

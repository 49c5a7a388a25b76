//! The background service's state that outlives the worker, and the conditions it checks.

use serde::{Deserialize, Serialize};

use crate::core::channel::Condition;
use crate::core::settings::Settings;

/// How long a page's report of WiFi and charging is believed: after it the state is unknown
/// (a page that lives re-reports every minute).
pub const CONDITION_REPORT_TTL_MS: i64 = 5 * 60_000;

/// What a page last reported, and when.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionReport {
    pub wifi: Option<bool>,
    pub charging: Option<bool>,
    pub at_ms: Option<i64>,
}

impl ConditionReport {
    fn fresh(&self, now_ms: i64) -> bool {
        self.at_ms.is_some_and(|at| {
            let age = now_ms.saturating_sub(at);
            // A clock set back a little still leaves the report readable.
            (-CONDITION_REPORT_TTL_MS..=CONDITION_REPORT_TTL_MS).contains(&age)
        })
    }

    /// What is known now: a stale report tells nothing.
    pub fn known(&self, now_ms: i64) -> ConditionReport {
        if self.fresh(now_ms) {
            *self
        } else {
            ConditionReport::default()
        }
    }

    /// When this report stops being believed.
    pub fn expires_at(&self) -> Option<i64> {
        self.at_ms
            .map(|at| at.saturating_add(CONDITION_REPORT_TTL_MS + 1))
    }

    /// The user's conditions that are not met now, in a fixed order.
    pub fn unmet(&self, settings: &Settings, now_ms: i64) -> Vec<Condition> {
        let known = self.known(now_ms);
        let unknown_met = settings.backup_unknown_conditions_met;
        let mut unmet = Vec::new();
        if settings.backup_require_wifi && !known.wifi.unwrap_or(unknown_met) {
            unmet.push(Condition::Wifi);
        }
        if settings.backup_require_charging && !known.charging.unwrap_or(unknown_met) {
            unmet.push(Condition::Charging);
        }
        unmet
    }
}

/// Stored in IndexedDB after every change; a worker that starts reads it back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceRecord {
    /// A backup run is wanted (Back up, or the trigger delay passed) and not settled: the next
    /// wake-up continues it.
    pub wanted: bool,
    /// The wanted run came from the trigger delay, not from the user's Back up.
    pub background: bool,
    /// The next run to start is a new one (its numbers start from zero).
    pub fresh: bool,
    /// The user paused: nothing starts until they resume.
    pub paused: bool,
    /// When the trigger delay ends and a background run may start.
    pub due_at_ms: Option<i64>,
    /// A run that could not reach the server or failed goes on no sooner than this.
    pub resume_at_ms: Option<i64>,
    pub backup_failed_since: Option<i64>,
    /// Whether some page was visible, and some open, at the last report.
    pub pages_visible: bool,
    pub pages_open: bool,
    /// When the last page closed while a run was wanted with background backup off: a reload
    /// looks the same for a moment, so the run stops only if no page is back soon.
    pub pages_closed_at_ms: Option<i64>,
    pub conditions: ConditionReport,
}

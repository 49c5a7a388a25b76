//! The background service as one sans-IO state machine: when a backup run starts, waits, stops
//! and goes on, across pages that come and go, wake-ups the browser grants, the user's
//! conditions and a worker that may die at any instant.
//!
//! The worker's driver (src/web/service_driver.rs) is the loop:
//!
//! ```text
//! let mut service = Lifecycle::new(stored record, settings);
//! on every event: service.handle_input(what happened, now);
//!                 while let Some(output) = service.poll_output() { perform it }
//! ```
//!
//! The flow of the mobile app's background service holds: the pages go away -> the trigger
//! delay runs -> a wake-up starts the service -> conditions are checked -> proceed or wait ->
//! the backup run finds its files and uploads them -> more or complete -> the service stops.
//! A run the user started keeps going while the page is hidden; with background backup off,
//! nothing starts by itself and a run stops when the last page closes.

mod io;
mod record;

use std::collections::VecDeque;

use crate::core::channel::{
    ChannelMessage, Condition, ServicePhase, ServiceState, StopReason, SystemStop,
};
use crate::core::log::LogLevel;
use crate::core::progress::{NotificationKind, NotificationPayload};
use crate::core::settings::Settings;

pub use io::{Command, Input, Output, WakeKind};
pub use record::{ConditionReport, ServiceRecord, CONDITION_REPORT_TTL_MS};

/// The tag of the one-off Background Sync that carries the backup job.
pub const BACKUP_SYNC_TAG: &str = "immich-backup";
/// What Chromium allows a Periodic Background Sync at best.
pub const PERIODIC_SYNC_MS: i64 = 12 * 60 * 60_000;
/// After a run that could not reach the server or failed, the next one waits this long.
pub const RESUME_BACKOFF_MS: i64 = 60_000;
/// How long a page may take to come back (a reload) before the last page counts as closed.
pub const PAGE_RETURN_GRACE_MS: i64 = 10_000;
/// How long a wake-up of the browser's (sync, periodic sync, activate) may be held open to
/// start a run that is due by then: browsers end such events after a few minutes.
pub const HOLD_WAKE_UP_MS: i64 = 2 * 60_000;

pub struct Lifecycle {
    record: ServiceRecord,
    settings: Settings,
    /// A run this worker started and has not seen end.
    running: bool,
    /// The stop already asked of the running run.
    stopping: Option<StopReason>,
    /// The user cancelled while a run was going: clear the queue when it has ended.
    clear_after_run: bool,
    unfinished: u32,
    out: VecDeque<Output>,
    posted: Option<ServiceState>,
}

impl Lifecycle {
    pub fn new(record: ServiceRecord, settings: Settings) -> Lifecycle {
        Lifecycle {
            record,
            settings,
            running: false,
            stopping: None,
            clear_after_run: false,
            unfinished: 0,
            out: VecDeque::new(),
            posted: None,
        }
    }

    pub fn handle_input(&mut self, input: Input, now_ms: i64) {
        let before = self.record.clone();
        // A page's message is answered with the state even when nothing changed.
        let answer = matches!(
            input,
            Input::Command(_) | Input::Wake(WakeKind::Message) | Input::Conditions { .. }
        );
        match input {
            Input::Settings(settings) => self.settings = settings,
            Input::Pages { open, visible } => self.pages(open, visible, now_ms),
            Input::Conditions { wifi, charging } => {
                self.record.conditions = ConditionReport {
                    wifi,
                    charging,
                    at_ms: Some(now_ms),
                };
            }
            Input::Queue { unfinished } => self.unfinished = unfinished,
            Input::Wake(_) | Input::Tick => {}
            Input::Command(command) => self.command(command),
            Input::RunEnded { reason, failed } => self.run_ended(reason, failed, now_ms),
            Input::AuthChecked { accepted } => {
                if !accepted {
                    self.unauthorized();
                }
            }
        }
        self.check_pages_closed(now_ms);
        self.check_conditions(now_ms);
        self.evaluate(now_ms);
        if self.record != before {
            // Stored first: the outputs after it act on what is stored.
            self.out.push_front(Output::Persist(self.record.clone()));
        }
        self.post_state(answer, now_ms);
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    pub fn record(&self) -> &ServiceRecord {
        &self.record
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    /// When the engine next wants a `Tick`: the end of the trigger delay or of a resume backoff,
    /// or a condition report going stale while it decides something.
    pub fn next_wake(&self) -> Option<i64> {
        let mut times = vec![
            self.record.due_at_ms,
            self.record.resume_at_ms,
            self.record
                .pages_closed_at_ms
                .map(|at| at.saturating_add(PAGE_RETURN_GRACE_MS)),
        ];
        if self.record.wanted && !self.settings_free_of_conditions() {
            times.push(self.record.conditions.expires_at());
        }
        times.into_iter().flatten().min()
    }

    /// Until when a browser's wake-up should be held open for a run due by then.
    pub fn hold_until(&self, now_ms: i64) -> Option<i64> {
        if self.running || self.record.paused {
            return None;
        }
        let wake = [self.record.due_at_ms, self.record.resume_at_ms]
            .into_iter()
            .flatten()
            .min()?;
        (wake > now_ms && wake - now_ms <= HOLD_WAKE_UP_MS).then_some(wake)
    }

    /// Whether the browser should wake the worker again (a Background Sync that ends now is
    /// retried later): a run is wanted or due and not going.
    pub fn wants_wake_up(&self) -> bool {
        !self.running
            && !self.record.paused
            && (self.record.wanted || self.record.due_at_ms.is_some())
    }

    fn settings_free_of_conditions(&self) -> bool {
        !self.settings.backup_require_wifi && !self.settings.backup_require_charging
    }

    fn pages(&mut self, open: u32, visible: u32, now_ms: i64) {
        let was_visible = self.record.pages_visible;
        self.record.pages_visible = visible > 0;
        self.record.pages_open = open > 0;
        if visible > 0 {
            if !was_visible {
                self.out.push_back(Output::CheckAuth);
            }
            // A page back before the delay ended: the app is in front again.
            if self.record.due_at_ms.is_some_and(|due| due > now_ms) {
                self.record.due_at_ms = None;
                self.log(
                    LogLevel::Info,
                    "A page is back: background backup not needed",
                );
            }
        } else if was_visible {
            self.went_to_background(now_ms);
        }
        if open > 0 {
            self.record.pages_closed_at_ms = None;
        } else if self.record.wanted && !self.settings.background_backup {
            self.record.pages_closed_at_ms.get_or_insert(now_ms);
        }
    }

    /// With background backup off, a run stops once the last page has been gone for the grace.
    fn check_pages_closed(&mut self, now_ms: i64) {
        let Some(closed_at) = self.record.pages_closed_at_ms else {
            return;
        };
        if self.record.pages_open || self.settings.background_backup || !self.record.wanted {
            self.record.pages_closed_at_ms = None;
            return;
        }
        // A clock set back counts as time passed: the pages are gone either way.
        if now_ms < closed_at.saturating_add(PAGE_RETURN_GRACE_MS) && now_ms >= closed_at {
            return;
        }
        self.record.pages_closed_at_ms = None;
        self.record.wanted = false;
        self.record.paused = false;
        let message = "Backup stopped: the last page closed and background backup is off.";
        self.log(LogLevel::Info, message);
        if self.running {
            self.stop_run(StopReason::PagesClosed, message);
        }
    }

    /// The last visible page went hidden or closed.
    fn went_to_background(&mut self, now_ms: i64) {
        if !self.settings.background_backup {
            return;
        }
        if !self.record.wanted && self.unfinished > 0 && self.record.due_at_ms.is_none() {
            let delay_ms = i64::from(self.settings.backup_trigger_delay) * 60_000;
            self.record.due_at_ms = Some(now_ms.saturating_add(delay_ms));
            self.log(
                LogLevel::Info,
                &format!(
                    "Background backup of {} files in {} min",
                    self.unfinished, self.settings.backup_trigger_delay
                ),
            );
        }
        if self.record.wanted || self.record.due_at_ms.is_some() {
            self.out.push_back(Output::RegisterSync(BACKUP_SYNC_TAG));
            self.out.push_back(Output::RegisterPeriodicSync {
                min_interval_ms: PERIODIC_SYNC_MS,
            });
        }
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Start => {
                self.record.paused = false;
                self.record.due_at_ms = None;
                self.record.resume_at_ms = None;
                if self.running {
                    self.out.push_back(Output::MergeQueued);
                } else {
                    self.record.wanted = true;
                    self.record.background = false;
                    self.record.fresh = true;
                }
            }
            Command::Stop => {
                self.settle();
                if self.running {
                    self.stop_run(StopReason::StoppedByUser, "Backup stopped.");
                } else {
                    self.post_stop(StopReason::StoppedByUser, "Backup stopped.");
                }
            }
            Command::Pause => {
                if !self.record.wanted || self.record.paused {
                    return;
                }
                self.record.paused = true;
                let message = "Backup paused.";
                if self.running {
                    self.stop_run(StopReason::Paused, message);
                } else {
                    self.post_stop(StopReason::Paused, message);
                }
            }
            Command::Resume => {
                if self.record.paused {
                    self.record.paused = false;
                    self.record.resume_at_ms = None;
                    self.log(LogLevel::Info, "Backup resumed");
                }
            }
            Command::Cancel => {
                self.settle();
                let message = "Backup cancelled: the files not yet sent left the queue.";
                if self.running {
                    self.clear_after_run = true;
                    self.stop_run(StopReason::Cancelled, message);
                } else {
                    self.out.push_back(Output::ClearUnsent);
                    self.post_stop(StopReason::Cancelled, message);
                }
            }
        }
    }

    /// With background backup turned off, a background run that has not started is not wanted.
    fn drop_background_run(&mut self) {
        self.record.due_at_ms = None;
        if self.record.wanted && self.record.background {
            self.record.wanted = false;
            self.record.fresh = false;
            self.log(
                LogLevel::Info,
                "Background backup is off: the background run is not started",
            );
        }
    }

    /// Nothing is wanted any more.
    fn settle(&mut self) {
        self.record.wanted = false;
        self.record.fresh = false;
        self.record.paused = false;
        self.record.due_at_ms = None;
        self.record.resume_at_ms = None;
    }

    fn run_ended(&mut self, reason: StopReason, failed: u32, now_ms: i64) {
        if !self.running {
            return;
        }
        self.running = false;
        self.stopping = None;
        let failing = failed > 0
            || matches!(
                reason,
                StopReason::Failed | StopReason::Unauthorized | StopReason::ServerUnreachable
            );
        if failing {
            self.record.backup_failed_since.get_or_insert(now_ms);
        } else if reason == StopReason::Completed {
            self.record.backup_failed_since = None;
        }
        match reason {
            StopReason::ServerUnreachable | StopReason::Failed => {
                self.record.resume_at_ms = Some(now_ms.saturating_add(RESUME_BACKOFF_MS));
                self.out.push_back(Output::RegisterSync(BACKUP_SYNC_TAG));
            }
            StopReason::ConditionsLost | StopReason::Paused => {}
            StopReason::Completed
            | StopReason::StoppedByUser
            | StopReason::Unauthorized
            | StopReason::Cancelled
            | StopReason::PagesClosed => {
                self.record.wanted = false;
                self.record.fresh = false;
            }
        }
        if std::mem::take(&mut self.clear_after_run) {
            self.out.push_back(Output::ClearUnsent);
        }
    }

    fn unauthorized(&mut self) {
        self.settle();
        let message = "The server refused the login: log in again to continue the backup.";
        self.log(LogLevel::Severe, message);
        self.out.push_back(Output::Notify(
            NotificationKind::Error,
            NotificationPayload {
                title: "Immich".into(),
                content: message.into(),
                progress: 0,
                max: 0,
                indeterminate: false,
                is_detail: false,
            },
        ));
        if self.running {
            self.stop_run(StopReason::Unauthorized, message);
        } else {
            self.post_stop(StopReason::Unauthorized, message);
        }
    }

    /// A running run that lost a condition stops; it starts again when the condition returns.
    fn check_conditions(&mut self, now_ms: i64) {
        if !self.running || self.stopping.is_some() {
            return;
        }
        let unmet = self.record.conditions.unmet(&self.settings, now_ms);
        if let Some(message) = waiting_message(&unmet) {
            self.stop_run(StopReason::ConditionsLost, &message);
        }
    }

    /// Starts the run that is wanted or due, when nothing holds it back.
    fn evaluate(&mut self, now_ms: i64) {
        if self.running || self.record.paused {
            return;
        }
        if !self.settings.background_backup {
            self.drop_background_run();
        }
        if let Some(due) = self.record.due_at_ms.filter(|due| *due <= now_ms) {
            self.record.due_at_ms = None;
            if self.settings.background_backup && self.unfinished > 0 && !self.record.wanted {
                let late_s = (now_ms - due) / 1000;
                self.log(
                    LogLevel::Info,
                    &format!(
                        "The trigger delay is over ({late_s} s ago): background backup starts"
                    ),
                );
                self.record.wanted = true;
                self.record.background = true;
                self.record.fresh = true;
            }
        }
        if !self.record.wanted {
            return;
        }
        if !self.settings.background_backup && !self.record.pages_open {
            return;
        }
        if self.record.resume_at_ms.is_some_and(|at| at > now_ms) {
            return;
        }
        self.record.resume_at_ms = None;
        if !self
            .record
            .conditions
            .unmet(&self.settings, now_ms)
            .is_empty()
        {
            return;
        }
        self.running = true;
        let new_run = std::mem::take(&mut self.record.fresh);
        self.out.push_back(Output::StartRun { new_run });
    }

    fn stop_run(&mut self, reason: StopReason, message: &str) {
        if self.stopping.is_some() && reason != StopReason::StoppedByUser {
            return;
        }
        self.stopping = Some(reason);
        self.out.push_back(Output::StopRun {
            reason,
            message: message.to_owned(),
        });
    }

    /// The pages learn that no run goes on, when none was going to tell them.
    fn post_stop(&mut self, reason: StopReason, message: &str) {
        self.out
            .push_back(Output::Post(ChannelMessage::SystemStop(SystemStop {
                reason,
                message: message.to_owned(),
            })));
    }

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

    fn post_state(&mut self, always: bool, now_ms: i64) {
        let state = self.state(now_ms);
        if always || self.posted.as_ref() != Some(&state) {
            self.posted = Some(state.clone());
            self.out
                .push_back(Output::Post(ChannelMessage::ServiceState(state)));
        }
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        self.out.push_back(Output::Log(level, message.to_owned()));
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

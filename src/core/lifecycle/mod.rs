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

mod commands;
mod io;
mod live;
mod pages;
mod record;
mod state;

use std::collections::VecDeque;

use crate::core::channel::{ChannelMessage, ServiceState, StopReason, SystemStop};
use crate::core::log::LogLevel;
use crate::core::settings::Settings;

pub use io::{Command, Input, Output, WakeKind};
pub use record::{ConditionReport, ServiceRecord, CONDITION_REPORT_TTL_MS};
pub use state::waiting_message;

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
    /// A Start came while the run was going (merged into it): should that run turn out
    /// settled by another instance, the Start still gets a run.
    started_during_run: bool,
    unfinished: u32,
    /// Backup folders: a run scans them, so there may be work with an empty queue.
    folders: u32,
    out: VecDeque<Output>,
    posted: Option<ServiceState>,
    /// The socket of live updates is wanted open (the last `Output::Live`).
    live: bool,
    /// When the last page left the screen while the socket was open.
    hidden_at_ms: Option<i64>,
    /// The server refused the login; nothing live until it accepts one again.
    login_refused: bool,
}

impl Lifecycle {
    pub fn new(record: ServiceRecord, settings: Settings) -> Lifecycle {
        Lifecycle {
            record,
            settings,
            running: false,
            stopping: None,
            clear_after_run: false,
            started_during_run: false,
            unfinished: 0,
            folders: 0,
            out: VecDeque::new(),
            posted: None,
            live: false,
            hidden_at_ms: None,
            login_refused: false,
        }
    }

    pub fn handle_input(&mut self, input: Input, now_ms: i64) {
        self.handle_inputs(vec![input], now_ms);
    }

    /// Inputs seen at the same instant (what the worker observed when an event arrived, and the
    /// event): all are taken in before anything is decided, so no decision rests on half of them.
    pub fn handle_inputs(&mut self, inputs: Vec<Input>, now_ms: i64) {
        let before = self.record.clone();
        let mut answer = false;
        let mut unheld = false;
        for input in inputs {
            unheld |= input == Input::Wake(WakeKind::Activate);
            answer |= self.apply(input, now_ms);
        }
        self.check_pages_closed(now_ms);
        self.check_conditions(now_ms);
        let was_running = self.running;
        self.evaluate(now_ms);
        self.decide_live(now_ms);
        if unheld && self.running && !was_running {
            // Activation may not wait for a run: a sync (it fires at once when online) holds
            // the worker while the run goes on.
            self.out.push_back(Output::RegisterSync(BACKUP_SYNC_TAG));
        }
        if self.record != before {
            // Stored first: the outputs after it act on what is stored.
            self.out.push_front(Output::Persist(self.record.clone()));
        }
        self.post_state(answer, now_ms);
    }

    /// Takes one input in; true when it is a page's message, which is answered with the state
    /// even when nothing changed.
    fn apply(&mut self, input: Input, now_ms: i64) -> bool {
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
            Input::Queue {
                unfinished,
                folders,
            } => {
                self.unfinished = unfinished;
                self.folders = folders;
            }
            Input::Wake(WakeKind::PeriodicSync) => {
                self.periodic_scan();
                self.out.push_back(Output::SyncLibrary);
            }
            // The background service's wake-ups keep the mirror current, as the mobile app's.
            Input::Wake(WakeKind::Sync { .. } | WakeKind::Activate) => {
                self.out.push_back(Output::SyncLibrary);
            }
            Input::Wake(WakeKind::Message) | Input::Tick => {}
            Input::Command(command) => self.command(command),
            Input::RunEnded { reason, failed } => self.run_ended(reason, failed, now_ms),
            Input::RunSettledElsewhere { paused } => self.run_settled_elsewhere(paused, now_ms),
            // A page back in front with a good login: a quick sync, as the mobile app on resume.
            Input::AuthChecked { accepted: true } => {
                self.login_refused = false;
                self.out.push_back(Output::SyncLibrary);
            }
            Input::AuthChecked { accepted: false } => {
                self.login_refused = true;
                self.unauthorized();
            }
        }
        answer
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
            self.live_until().filter(|_| !self.running),
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

    /// Files wait in the queue, or backup folders may hold new ones.
    pub(super) fn has_work(&self) -> bool {
        self.unfinished > 0 || self.folders > 0
    }

    /// The browser's periodic wake-up looks for the photos taken since the last scan, as the
    /// mobile app's background service does.
    fn periodic_scan(&mut self) {
        if !self.settings.background_backup
            || self.folders == 0
            || self.record.wanted
            || self.record.paused
        {
            return;
        }
        self.record.wanted = true;
        self.record.background = true;
        self.record.fresh = true;
        let folders = self.folders;
        self.log(
            LogLevel::Info,
            &format!("Periodic wake-up: looking for new photos in {folders} backup folders"),
        );
    }

    pub(super) fn settings_free_of_conditions(&self) -> bool {
        !self.settings.backup_require_wifi && !self.settings.backup_require_charging
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
            if self.settings.background_backup && self.has_work() && !self.record.wanted {
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
        self.started_during_run = false;
        let new_run = std::mem::take(&mut self.record.fresh);
        self.out.push_back(Output::StartRun { new_run });
    }

    pub(super) fn stop_run(&mut self, reason: StopReason, message: &str) {
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
    pub(super) fn post_stop(&mut self, reason: StopReason, message: &str) {
        self.out
            .push_back(Output::Post(ChannelMessage::SystemStop(SystemStop {
                reason,
                message: message.to_owned(),
            })));
    }

    pub(super) fn log(&mut self, level: LogLevel, message: &str) {
        self.out.push_back(Output::Log(level, message.to_owned()));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod folder_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod instances_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod live_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod sync_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

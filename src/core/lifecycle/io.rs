//! What goes into the lifecycle engine and what comes out of it.

use crate::core::channel::{ChannelMessage, StopReason};
use crate::core::log::LogLevel;
use crate::core::progress::{NotificationKind, NotificationPayload};
use crate::core::settings::Settings;

use super::ServiceRecord;

/// What woke the worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WakeKind {
    /// A one-off Background Sync; `last_chance` when the browser will not try it again.
    Sync {
        last_chance: bool,
    },
    PeriodicSync,
    /// The worker (a new version) took over.
    Activate,
    /// A page asked for the state (`updateNotification` without args).
    Message,
}

/// What a page asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Start,
    Stop,
    Pause,
    Resume,
    Cancel,
    /// Bring the library mirror up to date now.
    SyncNow,
}

/// What happened, as the worker saw it. Each comes with the time it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The stored settings, read when the worker handles an event.
    Settings(Settings),
    /// The windows of the origin now: how many are open and how many of them are visible.
    /// A page that reported `closed` is no longer counted.
    Pages {
        open: u32,
        visible: u32,
    },
    /// What a page reported of the conditions (None: the browser does not tell).
    Conditions {
        wifi: Option<bool>,
        charging: Option<bool>,
    },
    /// Queued files not finished yet, and the backup folders a run scans for new files.
    Queue {
        unfinished: u32,
        folders: u32,
    },
    Wake(WakeKind),
    Command(Command),
    /// The run the engine started ended; `failed` files failed in it.
    RunEnded {
        reason: StopReason,
        failed: u32,
    },
    /// The run found the backup settled once it held the run lock: another worker instance
    /// ended it while this one waited (an update mid-run), and stored it as `paused` or not.
    RunSettledElsewhere {
        paused: bool,
    },
    /// The answer to `Output::CheckAuth`: false when the server refused the credentials.
    AuthChecked {
        accepted: bool,
    },
    /// Nothing happened but time passed.
    Tick,
}

/// What to do, handed out by `Lifecycle::poll_output` in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Store the service's record (before anything else is done).
    Persist(ServiceRecord),
    /// Start a backup run; `new_run` when the user (or the trigger delay) started it, rather than
    /// a wake-up continuing one.
    StartRun {
        new_run: bool,
    },
    /// Files were queued while a run is going: it takes them in.
    MergeQueued,
    /// End the run: at once for the user's stop, after the request on its way for the others.
    StopRun {
        reason: StopReason,
        message: String,
    },
    /// Remove every queued file not sent yet (the user cancelled).
    ClearUnsent,
    /// Register a one-off Background Sync with this tag.
    RegisterSync(&'static str),
    /// Register a Periodic Background Sync, where the browser grants it.
    RegisterPeriodicSync {
        min_interval_ms: i64,
    },
    /// Check the stored credentials with the server.
    CheckAuth,
    /// Sync the library mirror once the event's backup work is done: a page came back with a
    /// good login, a run ended, the background service woke, or the user asked.
    SyncLibrary,
    /// Open (true) or close (false) the socket of the server's live updates.
    Live {
        connected: bool,
    },
    /// A channel message for every page.
    Post(ChannelMessage),
    Notify(NotificationKind, NotificationPayload),
    Log(LogLevel, String),
}

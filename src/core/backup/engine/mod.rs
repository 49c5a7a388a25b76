//! The backup run as one sans-IO state machine.
//!
//! The driver (src/web/backup_driver/) is the run loop:
//!
//! ```text
//! let mut engine = Engine::new(setup, config, now);
//! loop {
//!     match engine.poll_output() {
//!         Output::Wait(until) => engine.handle_input(next answer or Input::Tick at `until`, now),
//!         Output::Ended(stop) => break,       // tell the pages
//!         output => perform it (write rows, send a request, post, notify, log)
//!     }
//! }
//! ```
//!
//! Every decision of a run lives here: what to hash, check and upload next (up to the setting
//! `parallelUploads` uploads on the network at once beside one other request, or one request
//! at a time with 1; the next files hashed beside them), which rows are written before which
//! request, how failures are counted and when the error notification shows, the backoff of a
//! failed check, the pause of the whole run while the server is unreachable (one probe at a
//! time with backoff and jitter), how a killed run recovers, how new files merge in, the order
//! of a live photo's video and photo, the albums assets join, and how a stop (at once) or a
//! halt (after the answer on its way) is honoured. Time is always an input.

mod album;
mod carry;
mod ending;
mod items;
mod live;
mod outage;
mod paging;
mod plan;
mod replies;
mod report;
mod server_wait;
mod trace;

use std::collections::VecDeque;

use crate::core::channel::{ChannelMessage, StopReason, SystemStop};
use crate::core::log::{redact, LogLevel};
use crate::core::progress;
use crate::core::settings::Settings;

use super::io::{Input, Output};
use super::retry::Jitter;
use super::{
    ItemState, QueueCounts, QueueItem, RetryPolicy, TransitionError, HASHED_AHEAD, PAGE_ROWS,
};
use items::Items;
use outage::Outage;
use server_wait::ServerWait;

pub use album::ALBUM_BATCH;
pub use outage::OutagePolicy;

/// Checksums per bulk-upload-check: one request for a typical pick, small enough for any server.
pub const CHECK_BATCH: usize = 500;

/// How many bytes the driver hashes between two `Input::HashProgress`: the unit of progress.
pub const HASH_STEP_BYTES: u64 = 16 * 1024 * 1024;

/// Files hashed at once: reading a small file waits on storage far longer than its digest
/// takes, so a few reads side by side keep the uploads fed.
pub const HASHES_AT_ONCE: usize = 3;

/// What the user stopped sees, whether a run was going or not.
pub const STOPPED: &str = "Backup stopped.";

/// What a run needs to start.
#[derive(Clone, Debug)]
pub struct RunSetup {
    /// The rows the run starts with: those in `HELD_WHOLE` states, the first page of the
    /// waiting ones, the finished ones owing an album, and the videos these rows name.
    pub queue: Vec<QueueItem>,
    /// How many stored rows in runs are in each state (`Store::queue_counts`): the engine
    /// counts those it does not hold from these.
    pub stored: QueueCounts,
    pub settings: Settings,
    /// The server's API address, for messages.
    pub server: String,
    /// Texts never to show (the API key): redacted from every log line and message.
    pub secrets: Vec<String>,
    /// The user pressed Back up (rather than a wake-up continuing a run): rows earlier runs
    /// finished leave the queue, so the numbers shown are this run's.
    pub new_run: bool,
    /// Seeds the jitter of waits.
    pub seed: u64,
    /// A page is open that can hand large files to the browser's Background Fetch.
    pub background_fetch: bool,
}

/// The numbers of the policy, fixed for a run; tests shrink them.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    pub retry: RetryPolicy,
    pub check_batch: usize,
    pub outage: OutagePolicy,
    /// Waiting rows asked of the store at a time (`paging::PAGE_ROWS`).
    pub page_rows: usize,
    /// Files hashed and not uploaded yet, at most (`paging::HASHED_AHEAD`).
    pub hashed_ahead: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            retry: RetryPolicy::default(),
            check_batch: CHECK_BATCH,
            outage: OutagePolicy::default(),
            page_rows: PAGE_ROWS,
            hashed_ahead: HASHED_AHEAD,
        }
    }
}

/// Failed bulk checks in a row, and when the next may go out.
#[derive(Clone, Debug, Default)]
struct CheckBackoff {
    failures: u32,
    retry_at: Option<i64>,
}

pub struct Engine {
    items: Items,
    settings: Settings,
    server: String,
    secrets: Vec<String>,
    config: EngineConfig,
    jitter: Jitter,
    out: VecDeque<Output>,
    /// The files being hashed, in the order started.
    hashing: Vec<String>,
    checking: Option<Vec<String>>,
    /// The uploads on their way, in the order sent.
    uploading: Vec<String>,
    probing: bool,
    check_backoff: CheckBackoff,
    outage: Option<Outage>,
    server_wait: ServerWait,
    albums: album::Albums,
    upload_failures_in_row: u32,
    error_shown: bool,
    pacer: progress::ReportPacer,
    started: trace::Started,
    /// The lifecycle asked the run to end once the request on its way is answered.
    halt: Option<SystemStop>,
    ended: Option<SystemStop>,
    /// Large files may go by Background Fetch (a page can start one).
    background_fetch: bool,
    /// An `Output::Load` is not answered yet.
    loading: bool,
}

impl Engine {
    /// Starts a run: recovers what a killed run left, announces the run, plans the first steps.
    pub fn new(setup: RunSetup, config: EngineConfig, now_ms: i64) -> Engine {
        let mut engine = Engine {
            items: Items::default(),
            settings: setup.settings,
            server: setup.server,
            secrets: setup.secrets,
            config,
            jitter: Jitter::new(setup.seed),
            out: VecDeque::new(),
            hashing: Vec::new(),
            checking: None,
            uploading: Vec::new(),
            probing: false,
            check_backoff: CheckBackoff::default(),
            outage: None,
            server_wait: ServerWait::default(),
            albums: album::Albums::default(),
            upload_failures_in_row: 0,
            error_shown: false,
            pacer: progress::ReportPacer::default(),
            started: trace::Started::default(),
            halt: None,
            ended: None,
            background_fetch: setup.background_fetch,
            loading: false,
        };
        // Assets a killed or failed run left out of their album are added by this one.
        for row in &setup.queue {
            engine.albums.collect(row);
        }
        let needed = live::videos_still_needed(&setup.queue);
        // A backup folder's finished rows are its record of what was sent (its counts): they
        // join a run only while it still owes them (a live photo's video, an album). A new
        // run's drop of the picked files earlier runs finished is the store's, before the run
        // (`paging::dropped_by_new_run`). The rows are changed in place, not copied.
        let mut kept = setup.queue;
        kept.retain(|item| item.in_runs() || needed.contains(&item.id) || item.album.is_some());
        // What the store counted and the run does not hold, by the states as stored.
        let mut beyond = setup.stored;
        for row in kept.iter().filter(|row| row.in_runs()) {
            beyond.remove(row.state);
        }
        let limit = engine.settings.upload_interruption_limit;
        // The uploads the browser still carries are awaited, not sent again.
        engine.uploading = kept
            .iter()
            .filter(|item| item.is_carried(now_ms))
            .map(|item| item.id.clone())
            .collect();
        let mut changed = Vec::new();
        for item in &mut kept {
            let before = item.clone();
            if !engine.uploading.contains(&item.id) {
                item.recover_interrupted(limit);
            }
            if item.state == ItemState::FailedPermanent && before.state != item.state {
                engine.log(
                    LogLevel::Warning,
                    &format!(
                        "{}: {} (cut off {} times)",
                        item.name,
                        super::INTERRUPTED_TOO_OFTEN,
                        item.interruptions
                    ),
                );
            }
            if item.skip_if_empty() {
                engine.note_skipped(item);
            }
            if *item != before {
                changed.push(item.clone());
            }
        }
        engine.items = Items::new(kept, beyond);
        engine.persist(changed);
        engine
            .out
            .push_back(Output::Post(ChannelMessage::Initialized));
        let unfinished = engine.items.counts().unfinished();
        let how = if setup.new_run {
            "Backup started"
        } else {
            "Backup continues"
        };
        engine.log(
            LogLevel::Info,
            &format!("{how}: {unfinished} files to back up"),
        );
        engine.advance(now_ms);
        engine
    }

    /// Takes in what happened at `now_ms` and plans what follows.
    pub fn handle_input(&mut self, input: Input, now_ms: i64) {
        if self.ended.is_some() {
            return;
        }
        let answer = self.trace_answer(&input, now_ms);
        let result = match input {
            Input::Stop => {
                self.stop(now_ms);
                Ok(())
            }
            Input::Halt { reason, message } => {
                self.halt(reason, message, now_ms);
                Ok(())
            }
            Input::Loaded { rows, waiting } => {
                self.take_in(rows, waiting);
                Ok(())
            }
            Input::HashProgress { id, bytes_done } => {
                self.hash_progress(&id, bytes_done, now_ms);
                Ok(())
            }
            Input::Hashed {
                id,
                result,
                on_server,
            } => self.on_hashed(&id, result, on_server),
            Input::CheckReply { ids, result } => self.on_check_reply(ids, result, now_ms),
            Input::UploadReply { id, result } => self.on_upload_reply(&id, result, now_ms),
            Input::ProbeReply(result) => self.on_probe_reply(result, now_ms),
            Input::AlbumReply { name, result } => {
                self.on_album_reply(&name, result);
                Ok(())
            }
            Input::CarrierRefused { id, reason } => {
                self.on_carrier_refused(&id, &reason);
                Ok(())
            }
            Input::Tick => Ok(()),
        };
        if let Some(answer) = answer {
            self.trace_answered(answer);
        }
        if let Err(error) = result {
            self.end(
                StopReason::Failed,
                format!("The backup stopped on an internal error: {error}"),
                now_ms,
            );
        }
        self.advance(now_ms);
    }

    /// The next thing to do. `Wait` when nothing is to be done until an answer or a time;
    /// `Ended` once the run is over (and for ever after).
    pub fn poll_output(&mut self) -> Output {
        if let Some(output) = self.out.pop_front() {
            return output;
        }
        match &self.ended {
            Some(stop) => Output::Ended(stop.clone()),
            None => Output::Wait(self.next_wake()),
        }
    }

    /// The rows the engine holds now (`paging`: not the whole queue).
    pub fn items(&self) -> &[QueueItem] {
        self.items.rows()
    }

    /// How many rows a page of waiting files holds (its `Output::Load`s ask as many).
    pub fn page_rows(&self) -> usize {
        self.config.page_rows
    }

    /// How many held rows there are.
    pub fn held(&self) -> usize {
        self.items.rows().len()
    }

    /// The rows of the run by state, held or not.
    pub fn counts(&self) -> QueueCounts {
        self.items.counts()
    }

    /// One row of the queue.
    pub fn item(&self, id: &str) -> Option<&QueueItem> {
        self.items.get(id)
    }

    pub(super) fn note_skipped(&mut self, item: &QueueItem) {
        self.log(
            LogLevel::Info,
            &format!("{}: {}", item.name, super::EMPTY_FILE),
        );
    }

    /// Writes rows; those whose asset is now on the server are taken for their album.
    pub(super) fn persist(&mut self, rows: Vec<QueueItem>) {
        for row in &rows {
            self.albums.collect(row);
        }
        if !rows.is_empty() {
            self.out.push_back(Output::Persist(rows));
        }
    }

    /// Text that may hold the server's words or an error's, with every secret redacted (the
    /// server's words are cut where they are read: `immich::error_message`).
    fn clean(&self, text: &str) -> String {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        redact(text, &secrets)
    }

    fn log(&mut self, level: LogLevel, message: &str) {
        let message = self.clean(message);
        self.out.push_back(Output::Log(level, message));
    }

    /// Changes one row by a transition; the row as it left it.
    fn change(
        &mut self,
        id: &str,
        transition: impl FnOnce(&mut QueueItem) -> Result<(), TransitionError>,
    ) -> Result<QueueItem, TransitionError> {
        self.items.update(id, |item| {
            transition(item)?;
            Ok(item.clone())
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

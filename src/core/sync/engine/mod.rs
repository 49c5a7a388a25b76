//! One sync as a sans-IO state machine.
//!
//! The driver (the service worker's sync driver) is the loop:
//!
//! ```text
//! let mut engine = SyncEngine::new(setup, SyncConfig::default());
//! loop {
//!     match engine.poll_output() {
//!         SyncOutput::Idle => engine.handle_input(the next answer, or the next chunk while
//!                                                 engine.wants_chunk(), now),
//!         SyncOutput::Ended(report) => break,
//!         output => perform it (a request, a commit, a log line),
//!     }
//! }
//! ```
//!
//! The order it keeps: the acks a killed sync left go first (so the stream does not repeat their
//! rows), then `POST /sync/stream`. Lines are decoded as bytes arrive and gathered in batches
//! (`SyncConfig`); a batch is committed with its acks stored as pending, and only once it is
//! stored are its acks sent. The stream is read on while a commit is on its way, never two
//! commits at once. A stream of nothing new writes nothing. A malformed line, a broken stream or a
//! failed commit drops the batch not yet stored: none of its acks ever leave.

mod acks;
mod advance;
mod batch;
mod io;

use std::collections::{BTreeMap, VecDeque};

use crate::core::immich::error_message;
use crate::core::log::LogLevel;

use super::decode::decode_line;
use super::entity::{quote, Ack, Entity};
use super::lines::LineSplitter;
use super::mirror::op_for;
use super::types::stream_body;
use acks::{AckBook, AckSet};
use batch::Batch;

pub use io::{
    SyncBatch, SyncConfig, SyncInput, SyncOutcome, SyncOutput, SyncReport, SyncSetup, BATCH_LINES,
    BATCH_MS,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The acks a killed sync left are on their way; the stream opens after their answer.
    FirstAcks,
    /// `OpenStream` is out.
    Opening,
    Reading,
    /// The stream is over for the engine: the last commit and acks, then the end.
    Draining,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reset {
    No,
    /// The server sent SyncResetV1.
    Asked,
    /// The commit that empties the mirror is out.
    Clearing,
    /// The stream of everything was asked for.
    Done,
}

pub struct SyncEngine {
    config: SyncConfig,
    out: VecDeque<SyncOutput>,
    phase: Phase,
    splitter: LineSplitter,
    batch: Batch,
    /// The acks of the batch in the `Commit` on its way.
    committing: Option<AckSet>,
    acks: AckBook,
    /// Whether pending acks may be stored: only then does the server's confirmation delete
    /// them, so a sync with nothing new writes nothing.
    acks_stored: bool,
    /// Lines of the stream being read, for error messages.
    stream_lines: u64,
    lines: u64,
    changed: bool,
    auth_user_id: Option<String>,
    /// Lines of types this client does not know, by type.
    unknown: BTreeMap<String, u64>,
    complete: bool,
    reset: Reset,
    /// How the sync ends, once decided before the stream's end.
    stop: Option<SyncOutcome>,
    ended: Option<SyncReport>,
}

impl SyncEngine {
    pub fn new(setup: SyncSetup, config: SyncConfig) -> SyncEngine {
        let mut engine = SyncEngine {
            config,
            out: VecDeque::new(),
            phase: Phase::FirstAcks,
            splitter: LineSplitter::new(),
            batch: Batch::default(),
            committing: None,
            acks: AckBook::default(),
            acks_stored: !setup.pending_acks.is_empty(),
            stream_lines: 0,
            lines: 0,
            changed: false,
            auth_user_id: None,
            unknown: BTreeMap::new(),
            complete: false,
            reset: Reset::No,
            stop: None,
            ended: None,
        };
        let mut pending = AckSet::new();
        for raw in setup.pending_acks {
            match Ack::parse(&raw) {
                Ok(ack) => {
                    pending.insert(ack.kind, ack.raw);
                }
                Err(e) => engine.log(
                    LogLevel::Warning,
                    format!("A stored sync ack is dropped: {e}"),
                ),
            }
        }
        engine.acks.add(pending);
        // Before the stream nothing depends on the time.
        engine.advance(0);
        engine
    }

    /// Takes in what happened at `now_ms` and plans what follows. An answer to nothing asked is
    /// ignored.
    pub fn handle_input(&mut self, input: SyncInput, now_ms: i64) {
        if self.ended.is_some() {
            return;
        }
        match input {
            SyncInput::StreamOpened {
                status,
                body_if_error,
            } if self.phase == Phase::Opening => self.opened(status, &body_if_error),
            SyncInput::Chunk(bytes) if self.phase == Phase::Reading => self.read(&bytes, now_ms),
            SyncInput::StreamEnded if self.phase == Phase::Reading => self.stream_ended(now_ms),
            SyncInput::StreamFailed(message)
                if matches!(self.phase, Phase::Opening | Phase::Reading) =>
            {
                self.fail(format!("the sync stream broke off: {message}"));
            }
            SyncInput::Committed if self.committing.is_some() => self.committed(),
            SyncInput::CommitFailed(message) if self.committing.is_some() => {
                self.committing = None;
                self.fail(format!("the library could not be stored: {message}"));
            }
            SyncInput::AcksSent {
                status,
                body_if_error,
            } if self.acks.in_flight() => self.acks_answered(status, &body_if_error),
            SyncInput::AcksFailed(message) if self.acks.in_flight() => {
                let count = self.acks.failed();
                self.log(
                    LogLevel::Warning,
                    format!("{count} sync acks were not sent ({message}); they are sent later"),
                );
            }
            _ => {}
        }
        self.advance(now_ms);
    }

    /// The next thing to do: `Idle` until an input, `Ended` once the sync is over (for ever).
    pub fn poll_output(&mut self) -> SyncOutput {
        if let Some(output) = self.out.pop_front() {
            return output;
        }
        match &self.ended {
            Some(report) => SyncOutput::Ended(report.clone()),
            None => SyncOutput::Idle,
        }
    }

    /// Whether to read the next chunk of the stream now. False once the stream is over for the
    /// engine (the driver may cancel it), and while a commit is on its way and the next batch is
    /// already full: memory stays bounded by two batches whatever the stream's speed.
    pub fn wants_chunk(&self) -> bool {
        self.phase == Phase::Reading
            && !(self.committing.is_some() && self.batch.is_full(&self.config))
    }

    fn opened(&mut self, status: u16, body: &str) {
        match status {
            200..=299 => self.phase = Phase::Reading,
            401 => self.halt(SyncOutcome::SessionRevoked),
            403 => self.halt(SyncOutcome::NotAllowed(error_message(body))),
            _ => self.fail(format!(
                "the server answered HTTP {status} to the sync stream: {}",
                error_message(body)
            )),
        }
    }

    fn read(&mut self, bytes: &[u8], now_ms: i64) {
        match self.splitter.push(bytes) {
            Ok(lines) => {
                for line in lines {
                    self.read_line(&line, now_ms);
                    if self.phase != Phase::Reading {
                        return;
                    }
                }
            }
            Err(e) => self.fail(format!(
                "the sync stream is unreadable after line {}: {e}",
                self.stream_lines
            )),
        }
    }

    fn stream_ended(&mut self, now_ms: i64) {
        if let Some(line) = self.splitter.finish() {
            self.read_line(&line, now_ms);
        }
        if self.phase != Phase::Reading {
            return;
        }
        self.phase = Phase::Draining;
        if !self.complete {
            // What was read is whole and is stored; the rest comes next time.
            self.stop
                .get_or_insert(SyncOutcome::Failed("the sync stream ended early".into()));
        }
    }

    fn read_line(&mut self, bytes: &[u8], now_ms: i64) {
        self.stream_lines += 1;
        self.lines += 1;
        let line = match decode_line(bytes) {
            Ok(line) => line,
            Err(e) => {
                return self.fail(format!(
                    "the sync stream is unreadable at line {}: {e}",
                    self.stream_lines
                ))
            }
        };
        match &line.entity {
            Entity::Reset => return self.reset_asked(),
            Entity::Complete => self.complete = true,
            Entity::Unknown { kind } => *self.unknown.entry(quote(kind)).or_default() += 1,
            Entity::AuthUser(user) => self.auth_user_id = Some(user.id.clone()),
            _ => {}
        }
        self.batch.add(op_for(line.entity), line.ack, now_ms);
        if self.committing.is_none() && self.batch.is_due(&self.config, now_ms) {
            self.flush();
        }
    }

    fn reset_asked(&mut self) {
        if self.reset == Reset::Done {
            return self.fail("the server asked to start over again after a reset".into());
        }
        self.log(
            LogLevel::Info,
            "The server asked to sync the library from the start".into(),
        );
        // Nothing read before it counts any more: the mirror is emptied.
        self.batch = Batch::default();
        self.reset = Reset::Asked;
        self.phase = Phase::Draining;
    }

    fn committed(&mut self) {
        let acks = self.committing.take().unwrap_or_default();
        self.changed = true;
        if self.reset == Reset::Clearing {
            self.reset = Reset::Done;
            self.splitter = LineSplitter::new();
            self.stream_lines = 0;
            self.complete = false;
            self.open(true);
            return;
        }
        self.acks.add(acks);
    }

    fn acks_answered(&mut self, status: u16, body: &str) {
        match status {
            200..=299 => {
                self.acks.settle();
            }
            401 => {
                self.acks.failed();
                self.halt(SyncOutcome::SessionRevoked);
            }
            // Refused for good: resending would fail again. The server sends their rows again.
            400..=499 if status != 408 && status != 429 => {
                let count = self.acks.settle();
                self.log(
                    LogLevel::Warning,
                    format!(
                        "The server refused {count} sync acks (HTTP {status}: {}); their rows \
                         come again next sync",
                        error_message(body)
                    ),
                );
            }
            _ => {
                let count = self.acks.failed();
                self.log(
                    LogLevel::Warning,
                    format!(
                        "{count} sync acks were not taken (HTTP {status}: {}); they are sent later",
                        error_message(body)
                    ),
                );
            }
        }
        // Not while a commit is on its way: it stores acks that are not sent yet.
        if self.acks_stored
            && self.acks.is_empty()
            && self.committing.is_none()
            && self.stop_allows_acks()
        {
            self.out.push_back(SyncOutput::ForgetAcks);
            self.acks_stored = false;
        }
    }

    /// Hands out the batch: a commit when it has rows, else its acks join those to send.
    fn flush(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        if batch.ops.is_empty() {
            self.acks.add(batch.acks);
            return;
        }
        let acks = self.acks.with(&batch.acks);
        self.acks_stored |= !acks.is_empty();
        self.out.push_back(SyncOutput::Commit(SyncBatch {
            ops: batch.ops,
            acks,
            clear_mirror: false,
        }));
        self.committing = Some(batch.acks);
    }

    fn open(&mut self, reset: bool) {
        self.phase = Phase::Opening;
        self.out.push_back(SyncOutput::OpenStream {
            body: stream_body(reset),
        });
    }

    /// The sync fails: the batch not stored is dropped with its acks.
    fn fail(&mut self, message: String) {
        self.batch = Batch::default();
        self.stop.get_or_insert(SyncOutcome::Failed(message));
        self.phase = Phase::Draining;
    }

    /// The server refuses this session: nothing more is sent to it.
    fn halt(&mut self, outcome: SyncOutcome) {
        self.batch = Batch::default();
        if !matches!(self.stop, Some(SyncOutcome::SessionRevoked)) {
            self.stop = Some(outcome);
        }
        self.phase = Phase::Draining;
    }

    fn stop_allows_acks(&self) -> bool {
        !matches!(
            self.stop,
            Some(SyncOutcome::SessionRevoked | SyncOutcome::NotAllowed(_))
        )
    }

    fn log(&mut self, level: LogLevel, message: String) {
        self.out.push_back(SyncOutput::Log(level, message));
    }
}

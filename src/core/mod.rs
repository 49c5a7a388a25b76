//! The pure core of immich-background: every backup decision, no I/O.
//!
//! The core is *sans-IO*, in the manner of str0m and quinn-proto. Each service is one state
//! machine: `lifecycle::Lifecycle` decides when a backup run starts, waits and stops (pages,
//! wake-ups, the trigger delay, conditions, pause and cancel), and `backup::Engine` owns a run.
//! Each takes **inputs** (what happened, with the time) and hands out **outputs** (what to do);
//! the service worker's drivers (`src/web/service_driver.rs`, `src/web/backup_driver/`) perform
//! the outputs and feed the results back in. The run, for example:
//!
//! ```text
//!   inputs (Input)                     Engine                    outputs (Output)
//!   ------------------------           ----------------          --------------------------
//!   stop, files queued          ──▶    queue of items     ──▶    write / delete rows
//!   hash progress and results   ──▶    what to do next    ──▶    hash a file
//!   check, upload, probe replies──▶    retries, outages   ──▶    check, upload, probe
//!   or transport errors                error grace        ──▶    channel messages,
//!   a timer tick                ──▶    progress pacing    ──▶    notifications, log lines
//!                                                         ──▶    wait until T, or: ended
//! ```
//!
//! The run loop is therefore:
//!
//! ```text
//! let mut engine = Engine::new(setup, config, now);
//! loop {
//!     match engine.poll_output() {
//!         Output::Wait(until) => engine.handle_input(first answer or Input::Tick at until, now),
//!         Output::Ended(stop) => break,
//!         output              => perform it,
//!     }
//! }
//! ```
//!
//! Time is always an input (milliseconds since the Unix epoch), never read here, so tests drive
//! the engine faster than real time, and property tests kill the worker after any output and
//! move the clock both ways. Nothing in this module depends on web-sys or js-sys: it compiles
//! and is tested natively with `cargo test --lib`.
//!
//! `folders` decides what a scan of the backup folders queues; the web side walks them.

pub mod backup;
pub mod channel;
pub mod checksum;
pub mod folders;
pub mod immich;
pub mod lifecycle;
pub mod log;
pub mod progress;
pub mod quota;
pub mod realtime;
pub mod server_url;
pub mod session;
pub mod settings;
pub mod sha1;
pub mod sync;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod test_json;

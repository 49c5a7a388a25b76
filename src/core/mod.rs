//! The pure core of immich-background: every backup decision, no I/O.
//!
//! The core is *sans-IO*, in the manner of str0m and quinn-proto. Each part is a state machine
//! or a pure function that takes **inputs** and returns **decisions**; the caller (the service
//! worker in `src/web/`) performs the **outputs** and feeds the results back in:
//!
//! ```text
//!   inputs                          core (this module)                outputs (done by src/web)
//!   ------------------------        -------------------------        -------------------------
//!   page commands (channel)  ──▶    settings   validation       ──▶  IndexedDB writes
//!   server replies           ──▶    backup     queue + next_step ──▶  HTTP requests to perform
//!   hashed file chunks       ──▶    progress   notifications     ──▶  notifications, channel
//!   the time, `now_ms`       ──▶    log        ring + redaction  ──▶  the next wake-up time
//! ```
//!
//! The run loop, in the worker, is therefore:
//!
//! ```text
//! loop {
//!     match backup::next_step(&items, now_ms, batch) {
//!         Step::Hash(id)      => { item.begin_hash(now_ms)?; hash the file; item.hashed(hex)? }
//!         Step::Check(ids)    => { POST /assets/bulk-upload-check; item.checked(verdict)?; save }
//!         Step::Upload(id)    => { item.begin_upload()?; POST /assets; item.upload_finished(..)?; save }
//!         Step::Retry(ids)    => { item.retry_due(now_ms)?; save }
//!         Step::WaitUntil(t)  => { sleep until t, a few seconds at a time, watching for a stop }
//!         Step::Finished      => break,
//!     }
//! }
//! ```
//!
//! Time is always an input (`now_ms`, milliseconds since the Unix epoch), never read here, so
//! tests drive every machine faster than real time and property tests can kill the worker at
//! any instant. Nothing in this module depends on web-sys or js-sys: it compiles and is tested
//! natively with `cargo test --lib`.

pub mod backup;
pub mod channel;
pub mod checksum;
pub mod immich;
pub mod log;
pub mod progress;
pub mod server_url;
pub mod settings;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod test_json;

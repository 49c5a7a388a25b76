//! Benchmark (issue 10, target 3): the backup engine's cost per planned step with 100,000 files
//! queued, first files against last. The engine (src/core/backup/engine) is driven natively with
//! answers that cost nothing (every hash, check and upload succeeds at once, three uploads in
//! flight as the default setting), so what is timed is the planning alone: a planner that
//! scanned the queue at each step would make the last thousand files far slower than the first.
//! The engine pages its rows from a store (here a Vec outside the measured heap, as IndexedDB is
//! outside the worker's), so the heap it holds (a counting allocator) is its window, not the
//! queue.
//!
//! Run: `cargo bench --bench engine_scale` (BENCH_SCALE_FILES changes the count).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use immich_background::core::backup::{
    Engine, EngineConfig, HttpReply, Input, Output, QueueCounts, QueueItem, RunSetup,
};
use immich_background::core::settings::Settings;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const START_MS: i64 = 1_700_000_000_000;
const WINDOW: usize = 1_000;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Rows as a backup folder's scan queues them: one folder, ids of 40 hex digits.
fn queue(count: usize) -> Vec<QueueItem> {
    (0..count)
        .map(|n| {
            let id = format!("{n:040x}");
            let name = format!("IMG_{n:06}.jpg");
            let size = 1_024 + (n as u64 * 7_919) % 3_072;
            let queued_at = START_MS + (n / 500) as i64;
            QueueItem::new(id, name, size, START_MS - 86_400_000, queued_at)
        })
        .collect()
}

fn reply(
    status: u16,
    body: String,
) -> Result<HttpReply, immich_background::core::backup::RequestError> {
    Ok(HttpReply {
        status,
        body,
        retry_after: None,
    })
}

/// The answer to one output, or None for what needs none.
fn answer(output: Output) -> Option<Input> {
    match output {
        Output::Hash { id, .. } => Some(Input::Hashed {
            result: Ok(format!("{:0>40}", id.trim_start_matches('0'))),
            id,
            on_server: None,
        }),
        Output::Check(check) => {
            let results: Vec<String> = check
                .ids
                .iter()
                .map(|id| format!(r#"{{"id":"{id}","action":"accept"}}"#))
                .collect();
            let body = format!(r#"{{"results":[{}]}}"#, results.join(","));
            Some(Input::CheckReply {
                ids: check.ids,
                result: reply(200, body),
            })
        }
        Output::Upload(upload) => Some(Input::UploadReply {
            result: reply(
                201,
                format!(r#"{{"id":"r-{}","status":"created"}}"#, upload.id),
            ),
            id: upload.id,
        }),
        _ => None,
    }
}

struct Timing {
    new: Duration,
    first: Duration,
    last: Duration,
    held_bytes: usize,
    peak_bytes: usize,
    uploads: usize,
}

/// The store's answer to `Output::Load`: the next rows of the queue (the engine holds those
/// before `next`).
fn page(rows: &[QueueItem], next: &mut usize, limit: usize) -> Input {
    let end = (*next + limit).min(rows.len());
    let page = rows[*next..end].to_vec();
    *next = end;
    let waiting = u32::try_from(rows.len() - end).unwrap_or(u32::MAX);
    Input::Loaded {
        rows: page,
        waiting: Some(waiting),
    }
}

fn run(count: usize) -> Timing {
    let stored = queue(count);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let config = EngineConfig::default();
    let mut next = config.page_rows.min(count);
    let setup = RunSetup {
        queue: stored[..next].to_vec(),
        stored: QueueCounts::of(&stored),
        settings: Settings::default(),
        server: "http://localhost:2283/api".into(),
        secrets: vec!["bench-secret".into()],
        new_run: true,
        seed: 7,
        background_fetch: false,
    };
    let started = Instant::now();
    let mut engine = Engine::new(setup, config, START_MS);
    let new = started.elapsed();
    let held_bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let mut answers: VecDeque<Input> = VecDeque::new();
    let (mut uploads, mut now) = (0usize, START_MS);
    let mut marks = Vec::new();
    let clock = Instant::now();
    loop {
        match engine.poll_output() {
            Output::Ended(_) => break,
            Output::Wait(_) => {
                now += 1;
                let Some(input) = answers.pop_front() else {
                    panic!("the engine waits with nothing on its way after {uploads} uploads");
                };
                if matches!(input, Input::UploadReply { .. }) {
                    uploads += 1;
                    if uploads == WINDOW || uploads == count - WINDOW || uploads == count {
                        marks.push(clock.elapsed());
                    }
                }
                engine.handle_input(input, now);
            }
            Output::Load { limit } => {
                let loaded = page(&stored, &mut next, limit);
                engine.handle_input(loaded, now);
            }
            output => answers.extend(answer(output)),
        }
    }
    eprintln!(
        "live at end {:.1} MiB",
        mib(LIVE.load(Ordering::Relaxed).saturating_sub(before))
    );
    assert_eq!(
        marks.len(),
        3,
        "every file was uploaded once: {uploads} of {count}"
    );
    Timing {
        new,
        first: marks[0],
        last: marks[2] - marks[1],
        held_bytes,
        peak_bytes: PEAK.load(Ordering::Relaxed).saturating_sub(before),
        uploads,
    }
}

fn main() {
    let count: usize = std::env::var("BENCH_SCALE_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    assert!(count >= 2 * WINDOW, "at least {} files", 2 * WINDOW);
    // The best of three runs of each window: the machine is noisy.
    let runs: Vec<Timing> = (0..3).map(|_| run(count)).collect();
    let best = |f: fn(&Timing) -> Duration| runs.iter().map(f).min().unwrap_or_default();
    let (first, last) = (best(|t| t.first), best(|t| t.last));
    let per_step = |d: Duration| d.as_secs_f64() * 1e6 / WINDOW as f64;
    let held = runs.iter().map(|t| t.held_bytes).max().unwrap_or(0);
    let peak = runs.iter().map(|t| t.peak_bytes).max().unwrap_or(0);
    println!("engine at scale: {count} files queued, each hashed, checked and uploaded ({} uploads a run)", runs[0].uploads);
    println!(
        "  start (Engine::new): {:.0} ms",
        best(|t| t.new).as_secs_f64() * 1e3
    );
    println!(
        "  steps 1-{WINDOW}: {:.1} us a file; steps {}-{count}: {:.1} us a file; last / first: {:.2} (aim: at most 1.5)",
        per_step(first),
        count - WINDOW + 1,
        per_step(last),
        last.as_secs_f64() / first.as_secs_f64()
    );
    println!(
        "  heap the engine holds at start (its window of rows and indexes): {:.1} MiB ({:.0} bytes a queued file), peak to the run's end {:.1} MiB (native, 64-bit; the queue itself stays in the store)",
        mib(held),
        held as f64 / count as f64,
        mib(peak)
    );
}

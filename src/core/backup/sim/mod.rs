//! The real engine driven through a simulated world: a server that stores by checksum, goes
//! away for a while and answers with faults (some asking to wait); a worker killed after any
//! output; a pause at any wait; a clock that jumps both ways; live-photo pairs and albums; one
//! to four uploads in flight, answered out of order. The invariants a user depends on are
//! checked after every run.

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;

use super::*;
use world::{world, Fault, File, Wait, World};

mod pairs;
mod server;
mod store;
mod world;
use crate::core::channel::{ChannelMessage, StopReason, SystemStop};
use crate::core::checksum::HashMethod;
use crate::core::settings::Settings;

const START_MS: i64 = 1_700_000_000_000;
const SECRET: &str = "sim-secret-key-0123456789";

/// A request on its way, answered at `at`; a failed one carries the name of what it asked for,
/// and one answered with a readable `Retry-After` the wait it asks for.
enum Pending {
    Hash(String, HashMethod),
    Network(Input, Option<String>, Option<Asked>),
}

/// The wait a `Retry-After` asks for: delta-seconds, or until a date (ms on the sim's clock).
#[derive(Clone, Copy, Debug)]
enum Asked {
    For(i64),
    Until(i64),
}

/// The shortest wait the engine honours (`Retry-After: 0` would loop).
const MIN_SERVER_WAIT_MS: i64 = 1_000;

struct Sim {
    world: World,
    faults: std::vec::IntoIter<Fault>,
    kills: std::vec::IntoIter<bool>,
    halts: std::vec::IntoIter<bool>,
    pages: std::vec::IntoIter<usize>,
    /// The run was halted: nothing may start any more.
    halted: bool,
    jumps: std::vec::IntoIter<i64>,
    now: i64,
    /// The server's assets: checksum -> asset id.
    server: HashMap<String, String>,
    /// IndexedDB: the queue rows as written.
    stored: BTreeMap<String, QueueItem>,
    pending: Vec<(i64, Pending)>,
    /// Time that really passed, whatever the clock says (which jumps).
    elapsed: i64,
    /// How often the clock was changed.
    clock_changes: usize,
    /// When each request last failed, by what it asked for: (elapsed, clock changes).
    failed_at: HashMap<String, (i64, usize)>,
    /// Until when (elapsed) the server asked this run to send nothing, and the clock changes
    /// then: a run that knows of the ask sends nothing before, unless the clock was changed.
    held_until: Option<(i64, usize)>,
    uploads_sent: usize,
    texts: Vec<String>,
    /// The server's albums: name -> asset ids.
    albums: HashMap<String, HashSet<String>>,
    /// Album requests the server answered with an error.
    album_failures: usize,
}

impl Sim {
    fn new(world: World) -> Sim {
        let stored = world
            .files
            .iter()
            .map(|f| {
                let mut row = QueueItem::new(&f.id, format!("{}.jpg", f.id), f.size, 0, 0);
                row.live_video = f.live_video.clone();
                row.album = f.album.clone();
                (f.id.clone(), row)
            })
            .collect();
        Sim {
            faults: world.faults.clone().into_iter(),
            kills: world.kills.clone().into_iter(),
            halts: world.halts.clone().into_iter(),
            pages: world.pages.clone().into_iter(),
            halted: false,
            jumps: world.jumps.clone().into_iter(),
            world,
            now: START_MS,
            server: HashMap::new(),
            stored,
            pending: Vec::new(),
            elapsed: 0,
            clock_changes: 0,
            failed_at: HashMap::new(),
            held_until: None,
            uploads_sent: 0,
            texts: Vec::new(),
            albums: HashMap::new(),
            album_failures: 0,
        }
    }

    fn server_up(&self) -> bool {
        let since = self.now - START_MS;
        !self
            .world
            .outages
            .iter()
            .any(|(start, length)| (*start..start + length).contains(&since))
    }

    fn engine(&mut self, new_run: bool) -> Engine {
        let (queue, stored) = self.run_start(new_run);
        let setup = RunSetup {
            queue,
            stored,
            settings: Settings {
                parallel_uploads: self.world.parallel,
                hash_stream_min_mb: self.world.hash_stream_min_mb,
                ..Settings::default()
            },
            server: "http://sim.test/api".into(),
            secrets: vec![SECRET.into()],
            new_run,
            seed: self.world.seed,
            background_fetch: false,
        };
        let config = EngineConfig {
            page_rows: self.world.page_rows,
            hashed_ahead: self.world.hashed_ahead,
            ..EngineConfig::default()
        };
        Engine::new(setup, config, self.now)
    }

    fn file(&self, id: &str) -> &File {
        self.world
            .files
            .iter()
            .find(|f| f.id == id)
            .expect("the engine only names queued files")
    }

    /// Sends a request, answered after `latency_ms`: no more on the network than the setting
    /// allows, of which one at most is not an upload, never two uploads of one content at once,
    /// and a repeat of a failed one only after a wait.
    fn send(&mut self, output: &Output, key: String, latency_ms: i64) -> Result<(), TestCaseError> {
        let on_the_way: Vec<&Input> = self
            .pending
            .iter()
            .filter_map(|(_, p)| match p {
                Pending::Network(input, ..) => Some(input),
                Pending::Hash(..) => None,
            })
            .collect();
        let upload = |input: &Input| match input {
            Input::UploadReply { id, .. } => Some(id.clone()),
            _ => None,
        };
        let uploads: Vec<String> = on_the_way.iter().filter_map(|i| upload(i)).collect();
        let others = on_the_way.len() - uploads.len();
        let limit = self.world.parallel as usize;
        prop_assert!(
            on_the_way.len() < limit,
            "over {limit} requests at once: {output:?}"
        );
        if let Output::Upload(request) = output {
            let content = &self.file(&request.id).checksum;
            let same = uploads.iter().any(|id| &self.file(id).checksum == content);
            prop_assert!(!same, "two uploads of one content at once: {output:?}");
        } else {
            prop_assert!(
                others == 0,
                "one request other than uploads at a time: {output:?}"
            );
        }
        if let Some((until, clock_changes)) = self.held_until {
            let over = self.elapsed >= until || self.clock_changes != clock_changes;
            prop_assert!(over, "{key} sent before the time the server asked for");
        }
        // A wait the engine can see: time passed since the failure, or the clock was changed
        // (a wait longer than any backoff counts as over).
        if let Some((elapsed, clock_changes)) = self.failed_at.get(&key) {
            let waited = self.elapsed - elapsed >= 1_000 || self.clock_changes > *clock_changes;
            prop_assert!(waited, "{key} sent again at once after it failed");
        }
        let pending = self.answer(output)?;
        self.pending.push((self.now + latency_ms, pending));
        Ok(())
    }

    /// Runs the engine to its end; returns how the last run ended.
    fn run(&mut self) -> Result<SystemStop, TestCaseError> {
        let mut engine = self.engine(true);
        let mut restarts = 0;
        for _ in 0..200_000 {
            let output = engine.poll_output();
            if !matches!(output, Output::Wait(_) | Output::Ended(_))
                && self.kills.next().unwrap_or(false)
            {
                // The worker dies before this output is done; what was on its way is lost, and
                // so is the server's ask to wait (the next run is told again) and a halt.
                self.pending.clear();
                self.held_until = None;
                self.halted = false;
                self.now += 1_000;
                self.elapsed += 1_000;
                engine = self.engine(false);
                continue;
            }
            let request = matches!(
                output,
                Output::Hash { .. }
                    | Output::Check(_)
                    | Output::Upload(_)
                    | Output::Probe
                    | Output::AddToAlbum { .. }
            );
            prop_assert!(!(self.halted && request), "started once halted: {output:?}");
            match output {
                Output::Persist(rows) => {
                    for row in rows {
                        let replace = self
                            .stored
                            .get(&row.id)
                            .is_none_or(|old| row.may_replace(old));
                        prop_assert!(replace, "a finished row would be undone: {row:?}");
                        self.stored.insert(row.id.clone(), row);
                    }
                }
                Output::Hash { id, size, method } => {
                    prop_assert!(size > 0, "an empty file is never hashed");
                    let hashing = self
                        .pending
                        .iter()
                        .filter(|(_, p)| matches!(p, Pending::Hash(..)))
                        .count();
                    prop_assert!(
                        hashing < HASHES_AT_ONCE,
                        "at most {HASHES_AT_ONCE} hashes at once"
                    );
                    let streamed = |p: &Pending| matches!(p, Pending::Hash(_, HashMethod::Stream));
                    prop_assert!(
                        hashing == 0
                            || (method == HashMethod::Whole
                                && !self.pending.iter().any(|(_, p)| streamed(p))),
                        "a streamed file is hashed alone"
                    );
                    // Sizes differ: hashes started together end out of order.
                    let took = 5 + i64::try_from(size / 100).unwrap_or(0);
                    self.pending
                        .push((self.now + took, Pending::Hash(id, method)));
                }
                Output::Check(ref request) => {
                    prop_assert!(!request.ids.is_empty() && request.ids.len() <= CHECK_BATCH);
                    self.send(&output, "check".into(), 50)?;
                }
                Output::Upload(ref request) => {
                    let row = self.stored.get(&request.id);
                    prop_assert!(
                        row.is_some_and(|r| r.sending),
                        "the row says sending before the upload goes out"
                    );
                    let name = format!("{}.jpg", request.id);
                    prop_assert!(request.fields.contains(&("filename", name)));
                    self.check_live(request)?;
                    // Sizes differ: uploads sent together are answered out of order.
                    let latency = 100 + i64::try_from(request.size / 50).unwrap_or(0);
                    self.send(&output, format!("upload {}", request.id), latency)?;
                }
                Output::AddToAlbum { ref asset_ids, .. } => {
                    prop_assert!(!asset_ids.is_empty() && asset_ids.len() <= ALBUM_BATCH);
                    self.send(&output, "album".into(), 30)?;
                }
                Output::Probe => {
                    self.send(&output, "probe".into(), 20)?;
                }
                Output::Load { limit } => {
                    prop_assert!(limit > 0, "a page of nothing");
                    let page = self.page(limit, &engine);
                    engine.handle_input(page, self.now);
                }
                Output::Post(ChannelMessage::UpdateNotification(Some(update))) => {
                    self.texts.extend(update.notice);
                }
                Output::Post(_) | Output::CloseNotification(_) => {}
                Output::Notify(_, payload) => self.texts.push(payload.content),
                Output::Log(_, line) => self.texts.push(line),
                Output::Wait(_) if !self.halted && self.halts.next().unwrap_or(false) => {
                    self.halted = true;
                    let halt = Input::Halt {
                        reason: StopReason::Paused,
                        message: "Backup paused.".into(),
                    };
                    engine.handle_input(halt, self.now);
                }
                Output::Wait(until) => {
                    let jump = self.jumps.next().unwrap_or(0);
                    self.now += jump;
                    self.clock_changes += usize::from(jump != 0);
                    let before = self.now;
                    let mut asked = None;
                    self.pending.sort_by_key(|(at, _)| *at);
                    let next = self.pending.first().map(|(at, _)| *at);
                    let deliver = next.is_some_and(|at| until.is_none_or(|u| at <= u));
                    let input = match (deliver, until) {
                        (true, _) => {
                            let (at, pending) = self.pending.remove(0);
                            self.now = self.now.max(at);
                            match pending {
                                Pending::Hash(id, _) => {
                                    let file = self.file(&id).clone();
                                    let result = if file.unreadable {
                                        Err(format!("NotReadableError {SECRET}"))
                                    } else {
                                        Ok(file.checksum)
                                    };
                                    Input::Hashed {
                                        id,
                                        result,
                                        on_server: None,
                                    }
                                }
                                Pending::Network(input, failed, asked_wait) => {
                                    if let Some(key) = failed {
                                        let since = (self.elapsed, self.clock_changes);
                                        self.failed_at.insert(key, since);
                                    }
                                    asked = asked_wait;
                                    input
                                }
                            }
                        }
                        (false, Some(until)) => {
                            self.now = self.now.max(until);
                            Input::Tick
                        }
                        (false, None) => {
                            prop_assert!(false, "the engine waits for nothing: stuck");
                            unreachable!()
                        }
                    };
                    self.elapsed += self.now - before;
                    if let Some(asked) = asked {
                        let wait = match asked {
                            Asked::For(ms) => ms,
                            Asked::Until(at) => at - self.now,
                        };
                        let until = self.elapsed + wait.max(MIN_SERVER_WAIT_MS);
                        self.held_until = Some((until, self.clock_changes));
                    }
                    engine.handle_input(input, self.now);
                }
                Output::Ended(stop) => {
                    prop_assert!(!stop.message.is_empty(), "every end says why");
                    // A completed run's numbers count every row once, held or not, as stored
                    // (the sim's files are picked: each takes part in runs).
                    if stop.reason == StopReason::Completed {
                        prop_assert_eq!(
                            engine.counts(),
                            QueueCounts::of(self.stored.values()),
                            "the numbers drifted from the rows"
                        );
                    }
                    let awaited = self
                        .pending
                        .iter()
                        .any(|(_, p)| matches!(p, Pending::Network(..)));
                    // (A run may end at once on an error beside an upload on its way.)
                    prop_assert!(
                        !(self.halted && awaited && stop.reason == StopReason::Paused),
                        "a halted run ends before the answer on its way"
                    );
                    // A pause is resumed (by the user, in the sim at once).
                    let resumed = std::mem::take(&mut self.halted);
                    self.texts.push(stop.message.clone());
                    self.pending.clear();
                    self.held_until = None;
                    let paused = resumed && stop.reason == StopReason::Paused;
                    if !(stop.reason.resumes_on_wake() || paused) || restarts >= 50 {
                        return Ok(stop);
                    }
                    // The next wake-up continues the run.
                    restarts += 1;
                    self.now += 600_000;
                    self.elapsed += 600_000;
                    engine = self.engine(false);
                }
            }
        }
        prop_assert!(false, "the run never ended");
        unreachable!()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn the_engine_keeps_every_promise_in_any_world(world in world()) {
        let mut sim = Sim::new(world.clone());
        let stop = sim.run()?;
        let hard_faults = world.faults.iter().any(|f| matches!(f, Fault::Status(400 | 403 | 413)));
        prop_assert!(
            hard_faults || stop.reason == StopReason::Completed,
            "a server that only fails for a while is waited for: {stop:?}"
        );
        prop_assert!(sim.texts.iter().all(|t| !t.contains(SECRET)), "a secret reached a text");
        // Answers about one file (an error status, an unreadable reply, a gateway's error or a
        // timeout while the server answers pings at once) count against it; an unreachable
        // server, or one that asked to wait, never does.
        let chargeable = world
            .faults
            .iter()
            .filter(|f| matches!(f, Fault::Status(429 | 500 | 502 | 503) | Fault::Malformed | Fault::Timeout | Fault::RetryAfter(_, Wait::Garbage)))
            .count();
        if chargeable < RetryPolicy::default().max_attempts as usize {
            for row in sim.stored.values() {
                let error = row.last_error.as_deref().unwrap_or("");
                prop_assert!(!error.starts_with("gave up"), "an outage failed a file: {row:?}");
            }
        }
        for file in &world.files {
            let row = sim.stored.get(&file.id);
            prop_assert!(row.is_some(), "{} was lost", file.id);
            let row = row.unwrap();
            prop_assert!(!row.last_error.as_deref().unwrap_or("").contains(SECRET));
            match row.state {
                ItemState::Done | ItemState::Duplicate => {
                    let asset = sim.server.get(&file.checksum);
                    prop_assert!(asset.is_some() && asset == row.remote_id.as_ref(), "done without the server's word: {row:?}");
                }
                ItemState::FailedPermanent | ItemState::Skipped => {
                    prop_assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()), "no reason: {row:?}");
                }
                _ if stop.reason == StopReason::Completed => prop_assert!(false, "unfinished after completion: {row:?}"),
                _ => {}
            }
            // An empty file is skipped as it joins the run: one a run cut short never paged in
            // is still waiting.
            if file.size == 0 {
                let waiting = row.state == ItemState::Pending && stop.reason != StopReason::Completed;
                prop_assert!(row.state == ItemState::Skipped || waiting, "an empty file: {row:?}");
            }
        }
        sim.check_albums(stop.reason == StopReason::Completed)?;
        if stop.reason == StopReason::Completed && world.faults.is_empty() && world.kills.iter().all(|k| !k) && world.outages.is_empty() {
            let sendable = world.files.iter().filter(|f| f.size > 0 && !f.unreadable).count();
            prop_assert!(sim.uploads_sent <= sendable, "a file was sent twice on a quiet server");
        }
    }
}

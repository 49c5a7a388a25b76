//! A driver as the service worker's, against a server of the tests: performs the engine's
//! outputs, answers in an order the test picks (chunks, commits and acks interleaved), may kill
//! the worker after a commit or an ack, and checks on every ack sent that the rows it covers
//! were committed before.

use serde::Deserialize;

use super::super::{decode_line, op_for, SyncEngine, SyncInput, SyncOutput, SyncReport};
use super::model::Store;

/// A server as the engine meets it.
pub trait Server {
    /// The answer to `POST /sync/stream` with this body: status and body.
    fn stream(&mut self, request: &str) -> (u16, Vec<u8>);
    /// The status answered to `POST /sync/ack` with these acks.
    fn ack(&mut self, acks: &[String]) -> u16;
}

/// xorshift64*: the choices of a run, from one seed, the same every time.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }

    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

#[derive(Debug, PartialEq)]
pub enum End {
    Report(SyncReport),
    /// The worker was killed: the store keeps what was committed.
    Killed,
}

/// How a run is driven.
#[derive(Clone, Debug)]
pub struct Drive {
    pub rng: Rng,
    /// Chunks are 1..=this many bytes.
    pub max_chunk: u64,
    /// One in this many commits or ack answers kills the worker (0: never).
    pub kill_one_in: u64,
    /// Milliseconds that pass between two inputs, at most.
    pub max_step_ms: u64,
    /// One in this many ack requests, or chunks, fails (0: never).
    pub fail_one_in: u64,
}

impl Drive {
    /// Whole chunks, answers in a fixed order, no kill.
    pub fn plain() -> Drive {
        Drive {
            rng: Rng::new(1),
            max_chunk: u64::MAX,
            kill_one_in: 0,
            max_step_ms: 0,
            fail_one_in: 0,
        }
    }
}

/// What a run did, for the test to look at.
#[derive(Debug, Default)]
pub struct Trace {
    pub streams: Vec<String>,
    pub commits: usize,
    /// Deletions of the stored pending acks: writes too.
    pub forgets: usize,
}

/// One stream's lines as the driver decoded them: ack and whether it writes a row.
struct Lines {
    acks: Vec<(String, bool)>,
    ops_committed: usize,
    /// Acks stored by an earlier sync: their rows were committed then.
    stored: Vec<String>,
}

#[derive(Deserialize)]
struct AckBody {
    acks: Vec<String>,
}

pub fn run(
    engine: &mut SyncEngine,
    server: &mut impl Server,
    store: &mut Store,
    drive: &mut Drive,
    trace: &mut Trace,
) -> Result<End, String> {
    let mut now = 1_700_000_000_000i64;
    let mut body: Option<(Vec<u8>, usize)> = None;
    let stored = store.pending_acks.clone();
    let mut lines = Lines {
        acks: Vec::new(),
        ops_committed: 0,
        stored: stored.clone(),
    };
    let mut commit = None;
    let mut acks: Option<Vec<String>> = None;
    for _ in 0..1_000_000 {
        match engine.poll_output() {
            SyncOutput::SendAcks { body: sent } => {
                let parsed: AckBody = serde_json::from_str(&sent).map_err(|e| e.to_string())?;
                check_covered(&lines, &parsed.acks)?;
                if acks.replace(parsed.acks).is_some() {
                    return Err("two ack requests at once".into());
                }
            }
            SyncOutput::OpenStream { body: request } => {
                if commit.is_some() || acks.is_some() {
                    return Err("the stream opened with a commit or an ack on its way".into());
                }
                let (status, bytes) = server.stream(&request);
                trace.streams.push(request);
                lines = decoded(&bytes, stored.clone());
                let error = String::from_utf8_lossy(&bytes).into_owned();
                body = (status == 200).then_some((bytes, 0));
                let input = SyncInput::StreamOpened {
                    status,
                    body_if_error: if status == 200 { String::new() } else { error },
                };
                engine.handle_input(input, now);
            }
            SyncOutput::Commit(batch) => {
                if commit.replace(batch).is_some() {
                    return Err("two commits at once".into());
                }
            }
            SyncOutput::ForgetAcks => {
                trace.forgets += 1;
                store.pending_acks.clear();
            }
            SyncOutput::Log(..) => {}
            SyncOutput::Ended(report) => return Ok(End::Report(report)),
            SyncOutput::Idle => {
                now += drive.rng.below(drive.max_step_ms + 1) as i64;
                let mut choices = Vec::new();
                if commit.is_some() {
                    choices.push(0);
                }
                if acks.is_some() {
                    choices.push(1);
                }
                // The stream is read only while the engine wants it; it is dropped at the end.
                if body.is_some() && engine.wants_chunk() {
                    choices.push(2);
                }
                let Some(&choice) = choices.get(drive.rng.below(choices.len() as u64) as usize)
                else {
                    return Err("the engine waits for nothing".into());
                };
                let kill = drive.kill_one_in > 0 && drive.rng.one_in(drive.kill_one_in);
                let fail = drive.fail_one_in > 0 && drive.rng.one_in(drive.fail_one_in);
                match choice {
                    0 => {
                        let Some(batch) = commit.take() else {
                            continue;
                        };
                        // Killed before or after the transaction completes.
                        if kill && drive.rng.one_in(2) {
                            return Ok(End::Killed);
                        }
                        store.commit(&batch);
                        trace.commits += 1;
                        lines.ops_committed += batch.ops.len();
                        if kill {
                            return Ok(End::Killed);
                        }
                        engine.handle_input(SyncInput::Committed, now);
                    }
                    1 => {
                        let Some(sent) = acks.take() else {
                            continue;
                        };
                        // A failure: the request lost on its way, its answer lost, or a 503.
                        let how = if fail { drive.rng.below(3) } else { 3 };
                        let taken = how == 1 || how == 3;
                        let status = if taken { server.ack(&sent) } else { 503 };
                        if kill {
                            return Ok(End::Killed);
                        }
                        let input = match how {
                            0 | 1 => SyncInput::AcksFailed("offline".into()),
                            _ => SyncInput::AcksSent {
                                status,
                                body_if_error: String::new(),
                            },
                        };
                        engine.handle_input(input, now);
                    }
                    _ => {
                        let Some((bytes, at)) = body.as_mut() else {
                            continue;
                        };
                        if fail {
                            body = None;
                            engine.handle_input(SyncInput::StreamFailed("offline".into()), now);
                        } else if *at == bytes.len() {
                            body = None;
                            engine.handle_input(SyncInput::StreamEnded, now);
                        } else {
                            let size = 1 + drive.rng.below(drive.max_chunk.min(1 << 20)) as usize;
                            let end = bytes.len().min(*at + size);
                            let chunk = bytes[*at..end].to_vec();
                            *at = end;
                            engine.handle_input(SyncInput::Chunk(chunk), now);
                        }
                    }
                }
            }
        }
    }
    Err("the sync never ended".into())
}

fn decoded(bytes: &[u8], stored: Vec<String>) -> Lines {
    let acks = bytes
        .split(|&b| b == b'\n')
        .filter_map(|line| decode_line(line).ok())
        .map(|line| (line.ack.raw, op_for(line.entity).is_some()))
        .collect();
    Lines {
        acks,
        ops_committed: 0,
        stored,
    }
}

/// An ack of this stream may leave only once every row up to its line is committed.
fn check_covered(lines: &Lines, sent: &[String]) -> Result<(), String> {
    for ack in sent.iter().filter(|ack| !lines.stored.contains(ack)) {
        let Some(at) = lines.acks.iter().rposition(|(raw, _)| raw == ack) else {
            continue;
        };
        let rows_before = lines.acks[..=at].iter().filter(|(_, op)| *op).count();
        if rows_before > lines.ops_committed {
            return Err(format!(
                "{ack} was sent with {} of its {rows_before} rows committed",
                lines.ops_committed
            ));
        }
    }
    Ok(())
}

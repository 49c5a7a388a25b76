//! Tests of the sync core: the line splitter and decoder on real lines, the engine on the
//! recorded streams of a real server and at its edges, a simulated server for the property that
//! any batching and any kill end in the same mirror, and the library view.

mod decode;
mod driver;
mod engine;
mod engine_fixtures;
mod lines;
mod model;
mod sim;
mod view;

use std::collections::VecDeque;

use super::{SyncConfig, SyncEngine, SyncReport, SyncSetup};
use driver::{Drive, End, Server, Trace};
use model::Store;

/// Recorded from a stock Immich v3.1.0 server (see the fixtures' README in the repository's
/// shared fixtures): the first sync, one with nothing new, the one after edits, the one after
/// the album and the partner went, and the one after a reset.
const FIRST: &str = include_str!("fixtures/01-first-sync.jsonl");
const NOTHING_NEW: &str = include_str!("fixtures/02-nothing-new.jsonl");
const INCREMENTAL: &str = include_str!("fixtures/03-incremental.jsonl");
const GONE: &str = include_str!("fixtures/04-album-and-partner-gone.jsonl");
const AFTER_RESET: &str = include_str!("fixtures/05-after-reset.jsonl");

const FIXTURES: [&str; 5] = [FIRST, NOTHING_NEW, INCREMENTAL, GONE, AFTER_RESET];

const ME: &str = "8fb7b968-62bb-4f33-ab79-05266f4198c7";
const PARTNER: &str = "eb8dd7c1-de64-4da9-93bd-7fc2cfdf4b60";
const RED: &str = "ff2b9fd6-abfa-4699-ae23-4bb3c491ee81";
const GREEN: &str = "f4d4eb01-aa41-43fc-9cf3-a4c06b6f1445";
const BLUE: &str = "c5365045-3141-4ba4-a548-425fd7d649a2";
const YELLOW: &str = "b82254ad-54cf-415b-abb9-773a5546ed5d";
const ALBUM: &str = "4dcb3bde-c1c9-47da-9ade-a6b878110e79";

/// Answers each stream request with the next body, and acks with one status.
struct Replay {
    bodies: VecDeque<(u16, Vec<u8>)>,
    ack_status: u16,
    acked: Vec<String>,
}

impl Replay {
    fn new(bodies: &[&str]) -> Replay {
        Replay {
            bodies: bodies
                .iter()
                .map(|b| (200, b.as_bytes().to_vec()))
                .collect(),
            ack_status: 204,
            acked: Vec::new(),
        }
    }
}

impl Server for Replay {
    fn stream(&mut self, _request: &str) -> (u16, Vec<u8>) {
        self.bodies
            .pop_front()
            .unwrap_or((500, b"{\"message\":\"no more streams\"}".to_vec()))
    }

    fn ack(&mut self, acks: &[String]) -> u16 {
        self.acked.extend(acks.iter().cloned());
        self.ack_status
    }
}

/// One sync against `server`, driven plainly (whole chunks, no kill).
fn sync(store: &mut Store, server: &mut Replay, config: SyncConfig) -> (SyncReport, Trace) {
    let setup = SyncSetup {
        pending_acks: store.pending_acks.clone(),
    };
    let mut engine = SyncEngine::new(setup, config);
    let mut trace = Trace::default();
    let end = driver::run(&mut engine, server, store, &mut Drive::plain(), &mut trace);
    match end {
        Ok(End::Report(report)) => (report, trace),
        other => panic!("the sync did not end: {other:?}"),
    }
}

/// The store after syncing these recorded streams one after the other.
fn synced(bodies: &[&str]) -> Store {
    let mut store = Store::default();
    for body in bodies {
        sync(&mut store, &mut Replay::new(&[body]), SyncConfig::default());
    }
    store
}

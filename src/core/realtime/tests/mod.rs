//! Tests of the realtime core: the codec on the frames a real Immich v3.1.0 server sent, the
//! connection through whole sessions with a fake clock, arbitrary frames and sequences for the
//! no-panic and nothing-after-close properties, the backoff and the socket address.

mod backoff;
mod codec;
mod connection;
mod debounce;
mod engine;
mod events;
mod props;
mod url;

use serde::Deserialize;

use super::{ConnInput, ConnOutput, Connection};

/// Recorded from a stock Immich v3.1.0 server (copied from the shared fixtures, whose README
/// tells the scenario): server-to-client frames only, with their arrival time.
const FRAMES: &str = include_str!("fixtures/socket-frames.jsonl");
const LOGOUT: &str = include_str!("fixtures/socket-logout.jsonl");
const SESSION_DELETE: &str = include_str!("fixtures/socket-session-delete.jsonl");

const FIXTURES: [&str; 3] = [FRAMES, LOGOUT, SESSION_DELETE];

/// The v3.1.0 open packet, as every recorded socket began.
const OPEN: &str = "0{\"sid\":\"z3RpTaAv4rLeB3CrAAAG\",\"upgrades\":[],\"pingInterval\":25000,\
                    \"pingTimeout\":20000,\"maxPayload\":1000000}";
/// `pingInterval + pingTimeout` of `OPEN`.
const SILENCE_LIMIT: u64 = 45_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recorded {
    at_ms: u64,
    frame: String,
}

/// The frames of a fixture file, in order.
fn recorded(file: &str) -> Vec<(u64, String)> {
    file.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(n, line)| match serde_json::from_str::<Recorded>(line) {
            Ok(r) => (r.at_ms, r.frame),
            Err(e) => panic!("fixture line {}: {e}", n + 1),
        })
        .collect()
}

/// Everything the connection has to hand out now.
fn drain(conn: &mut Connection) -> Vec<ConnOutput> {
    std::iter::from_fn(|| conn.poll_output()).collect()
}

/// Feeds one frame at `now` and returns the outputs.
fn feed(conn: &mut Connection, frame: &str, now: u64) -> Vec<ConnOutput> {
    conn.handle_input(ConnInput::Frame(frame.to_owned()), now);
    drain(conn)
}

/// A connection at `now` that received `OPEN` and the namespace connect, outputs drained.
fn connected(now: u64) -> Connection {
    let mut conn = Connection::new(now);
    drain(&mut conn);
    feed(&mut conn, OPEN, now);
    let out = feed(&mut conn, "40{\"sid\":\"DYfuNVRGE06fDFCaAAAH\"}", now);
    assert_eq!(out[0], ConnOutput::Connected);
    conn
}

/// The outputs without the WakeAts, to compare what matters in a sequence.
fn without_wakes(out: Vec<ConnOutput>) -> Vec<ConnOutput> {
    out.into_iter()
        .filter(|o| !matches!(o, ConnOutput::WakeAt(_)))
        .collect()
}

//! The realtime engine through whole sessions with a fake clock: connect, events batched, a
//! loss noticed and retried with backoff, a catch-up after it, the session's deletion.

use crate::core::log::LogLevel;
use crate::core::realtime::{
    LiveState, RealtimeEngine, RealtimeInput, RealtimeOutput, RealtimeSetup, RealtimeWork,
    SocketCommand, DEBOUNCE_MS, MAX_DELAY_MS,
};
use crate::core::sync::MirrorOp;

use super::{OPEN, SILENCE_LIMIT};

const T0: u64 = 1_800_000_000_000;
const URL: &str = "wss://photos.example/api/socket.io/?EIO=4&transport=websocket";
const SESSION: &str = "6c723f55-0a5f-4c0f-bac9-65cd529b27b7";
const DELETE: &str = r#"42["on_asset_delete","a1"]"#;

fn engine() -> RealtimeEngine {
    RealtimeEngine::new(RealtimeSetup {
        url: URL.into(),
        session_id: Some(SESSION.into()),
        seed: 42,
    })
}

fn step(engine: &mut RealtimeEngine, input: RealtimeInput, now: u64) -> Vec<RealtimeOutput> {
    engine.handle_input(input, now);
    std::iter::from_fn(|| engine.poll_output()).collect()
}

fn frame(engine: &mut RealtimeEngine, text: &str, now: u64) -> Vec<RealtimeOutput> {
    step(engine, RealtimeInput::Frame(text.into()), now)
}

fn without_logs(out: Vec<RealtimeOutput>) -> Vec<RealtimeOutput> {
    out.into_iter()
        .filter(|o| !matches!(o, RealtimeOutput::Work(RealtimeWork::Log(..))))
        .collect()
}

/// Wanted, opened, handshake and namespace connect at `now`; the outputs of the connect.
fn connect(engine: &mut RealtimeEngine, now: u64) -> Vec<RealtimeOutput> {
    let opened = step(engine, RealtimeInput::Wanted(true), now);
    assert!(
        opened.contains(&RealtimeOutput::Socket(SocketCommand::Open(URL.into()))),
        "{opened:?}"
    );
    step(engine, RealtimeInput::Opened, now);
    let hello = frame(engine, OPEN, now);
    assert!(
        hello.contains(&RealtimeOutput::Socket(SocketCommand::Send("40".into()))),
        "{hello:?}"
    );
    frame(engine, r#"40{"sid":"x"}"#, now)
}

fn retry_at(out: &[RealtimeOutput]) -> u64 {
    out.iter()
        .find_map(|o| match o {
            RealtimeOutput::Work(RealtimeWork::State(LiveState::Retrying { at })) => Some(*at),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a retry is scheduled: {out:?}"))
}

#[test]
fn events_are_applied_together_once_the_window_passed() {
    let mut engine = engine();
    let live = connect(&mut engine, T0);
    assert!(
        live.contains(&RealtimeOutput::Work(RealtimeWork::State(LiveState::Live))),
        "{live:?}"
    );
    assert!(
        live.contains(&RealtimeOutput::Work(RealtimeWork::CatchUp)),
        "what came before the socket is synced"
    );
    assert_eq!(
        frame(
            &mut engine,
            r#"42["on_server_version",{"major":3}]"#,
            T0 + 10
        ),
        []
    );
    assert_eq!(frame(&mut engine, DELETE, T0 + 20), []);
    assert_eq!(
        frame(&mut engine, r#"42["on_asset_trash",["a2"]]"#, T0 + 30),
        []
    );
    assert_eq!(engine.next_wake(), Some(T0 + 10 + DEBOUNCE_MS));
    let out = step(&mut engine, RealtimeInput::Tick, T0 + 10 + DEBOUNCE_MS);
    let [RealtimeOutput::Work(RealtimeWork::Apply(batch))] = out.as_slice() else {
        panic!("one batch: {out:?}");
    };
    assert_eq!(batch.ops, [MirrorOp::DeleteAsset("a1".into())]);
    assert!(batch.sync && batch.server_changed);
    assert_eq!(batch.events, 3);
}

#[test]
fn pings_are_answered_and_a_silent_server_is_noticed_then_retried_with_a_catch_up() {
    let mut engine = engine();
    connect(&mut engine, T0);
    assert_eq!(
        frame(&mut engine, "2", T0 + 25_000),
        [RealtimeOutput::Socket(SocketCommand::Send("3".into()))]
    );
    frame(&mut engine, DELETE, T0 + 30_000);
    // Any frame shows the server alive: the deadline runs from the last one.
    let deadline = T0 + 30_000 + SILENCE_LIMIT;
    assert_eq!(engine.next_wake(), Some(T0 + 30_000 + DEBOUNCE_MS));
    step(&mut engine, RealtimeInput::Tick, T0 + 30_000 + DEBOUNCE_MS);
    assert_eq!(engine.next_wake(), Some(deadline));
    assert_eq!(step(&mut engine, RealtimeInput::Tick, deadline - 1), []);
    let lost = step(&mut engine, RealtimeInput::Tick, deadline);
    assert_eq!(
        lost[0],
        RealtimeOutput::Socket(SocketCommand::Close),
        "{lost:?}"
    );
    assert!(lost.iter().any(
        |o| matches!(o, RealtimeOutput::Work(RealtimeWork::Log(LogLevel::Info, m)) if m.contains("no heartbeat"))
    ));
    let at = retry_at(&lost);
    assert!(at > deadline && at <= deadline + MAX_DELAY_MS);
    assert_eq!(engine.next_wake(), Some(at));
    assert_eq!(step(&mut engine, RealtimeInput::Tick, at - 1), []);
    let again = without_logs(step(&mut engine, RealtimeInput::Tick, at));
    assert_eq!(
        again,
        [
            RealtimeOutput::Socket(SocketCommand::Open(URL.into())),
            RealtimeOutput::Work(RealtimeWork::State(LiveState::Connecting))
        ]
    );
    step(&mut engine, RealtimeInput::Opened, at);
    frame(&mut engine, OPEN, at);
    let back = frame(&mut engine, r#"40{"sid":"y"}"#, at);
    assert!(
        back.contains(&RealtimeOutput::Work(RealtimeWork::CatchUp)),
        "what was missed is synced: {back:?}"
    );
    assert!(back.contains(&RealtimeOutput::Work(RealtimeWork::State(LiveState::Live))));
}

#[test]
fn a_dropped_connection_applies_what_came_and_retries_with_growing_delays() {
    let mut engine = engine();
    connect(&mut engine, T0);
    frame(&mut engine, DELETE, T0 + 1);
    let dropped = step(&mut engine, RealtimeInput::Closed, T0 + 2);
    assert!(
        dropped.iter().any(|o| matches!(o, RealtimeOutput::Work(RealtimeWork::Apply(b)) if b.ops == [MirrorOp::DeleteAsset("a1".into())])),
        "the events that came are applied at once: {dropped:?}"
    );
    let mut now = T0 + 2;
    let mut delays = vec![retry_at(&dropped) - now];
    for _ in 0..12 {
        now = engine.next_wake().expect("a retry");
        step(&mut engine, RealtimeInput::Tick, now);
        let failed = step(&mut engine, RealtimeInput::OpenFailed, now);
        delays.push(retry_at(&failed) - now);
    }
    assert!(delays.iter().all(|d| *d <= MAX_DELAY_MS), "{delays:?}");
    assert!(
        delays[8..].iter().all(|d| *d >= delays[0]),
        "the delays grow: {delays:?}"
    );
    assert!(
        delays.windows(2).any(|w| w[0] != w[1]),
        "jittered: {delays:?}"
    );
}

#[test]
fn not_wanted_any_more_it_leaves_politely_and_stays_off() {
    let mut engine = engine();
    connect(&mut engine, T0);
    frame(&mut engine, DELETE, T0 + 1);
    let out = without_logs(step(&mut engine, RealtimeInput::Wanted(false), T0 + 2));
    assert_eq!(
        out[0],
        RealtimeOutput::Socket(SocketCommand::Send("41".into()))
    );
    assert_eq!(out[1], RealtimeOutput::Socket(SocketCommand::Close));
    assert!(
        matches!(&out[2], RealtimeOutput::Work(RealtimeWork::Apply(b)) if b.events == 1),
        "{out:?}"
    );
    assert_eq!(
        out[3],
        RealtimeOutput::Work(RealtimeWork::State(LiveState::Off))
    );
    assert_eq!(engine.next_wake(), None, "no reconnect");
    assert_eq!(step(&mut engine, RealtimeInput::Closed, T0 + 3), []);
    let back = connect(&mut engine, T0 + 4);
    assert!(
        back.contains(&RealtimeOutput::Work(RealtimeWork::CatchUp)),
        "{back:?}"
    );
}

#[test]
fn this_session_s_deletion_logs_out_and_another_s_does_not() {
    let mut engine = engine();
    connect(&mut engine, T0);
    let other = frame(
        &mut engine,
        r#"42["on_session_delete","someone-else"]"#,
        T0 + 1,
    );
    assert!(!other.contains(&RealtimeOutput::Work(RealtimeWork::SessionDeleted)));
    let ours = frame(
        &mut engine,
        &format!(r#"42["on_session_delete","{SESSION}"]"#),
        T0 + 2,
    );
    assert!(
        ours.contains(&RealtimeOutput::Work(RealtimeWork::SessionDeleted)),
        "{ours:?}"
    );

    let mut unknown = RealtimeEngine::new(RealtimeSetup {
        url: URL.into(),
        session_id: None,
        seed: 1,
    });
    connect(&mut unknown, T0);
    let out = frame(&mut unknown, r#"42["on_session_delete","any"]"#, T0 + 1);
    assert!(
        out.contains(&RealtimeOutput::Work(RealtimeWork::SessionDeleted)),
        "only this session's sockets get it"
    );
}

#[test]
fn a_refused_socket_asks_for_a_check_and_is_not_tried_again_until_wanted_anew() {
    let mut engine = engine();
    step(&mut engine, RealtimeInput::Wanted(true), T0);
    step(&mut engine, RealtimeInput::Opened, T0);
    frame(&mut engine, OPEN, T0);
    frame(&mut engine, r#"40{"sid":"x"}"#, T0);
    let refused = frame(&mut engine, r#"42["error","unauthorized"]"#, T0);
    assert!(
        refused.contains(&RealtimeOutput::Work(RealtimeWork::CheckLogin)),
        "{refused:?}"
    );
    let closed = frame(&mut engine, "41", T0);
    assert_eq!(closed[0], RealtimeOutput::Socket(SocketCommand::Close));
    assert!(
        closed.contains(&RealtimeOutput::Work(RealtimeWork::State(
            LiveState::Refused
        ))),
        "{closed:?}"
    );
    assert_eq!(engine.next_wake(), None, "no retry");
    assert_eq!(step(&mut engine, RealtimeInput::Wanted(true), T0 + 1), []);
    step(&mut engine, RealtimeInput::Wanted(false), T0 + 2);
    let again = step(&mut engine, RealtimeInput::Wanted(true), T0 + 3);
    assert!(
        again.contains(&RealtimeOutput::Socket(SocketCommand::Open(URL.into()))),
        "{again:?}"
    );
}

#[test]
fn a_payload_of_the_wrong_shape_is_logged_and_synced_instead() {
    let mut engine = engine();
    connect(&mut engine, T0);
    let out = frame(&mut engine, r#"42["on_asset_delete",17]"#, T0);
    assert!(out.iter().any(
        |o| matches!(o, RealtimeOutput::Work(RealtimeWork::Log(LogLevel::Warning, m)) if m.contains("on_asset_delete"))
    ));
    let out = step(&mut engine, RealtimeInput::Tick, T0 + DEBOUNCE_MS);
    assert!(
        matches!(out.as_slice(), [RealtimeOutput::Work(RealtimeWork::Apply(b))] if b.sync && b.ops.is_empty()),
        "{out:?}"
    );
}

#[test]
fn unknown_events_are_a_debug_entry_only() {
    let mut engine = engine();
    connect(&mut engine, T0);
    let out = frame(&mut engine, r#"42["on_new_release",{"x":1}]"#, T0);
    assert!(
        matches!(out.as_slice(), [RealtimeOutput::Work(RealtimeWork::Log(LogLevel::Debug, m))] if m.contains("on_new_release"))
    );
    assert_eq!(engine.next_wake(), Some(T0 + SILENCE_LIMIT));
}

#[test]
fn the_state_as_the_pages_read_it() {
    assert!(LiveState::Live.status(T0).live);
    let retrying = LiveState::Retrying { at: T0 + 2_500 }.status(T0);
    assert!(!retrying.live);
    assert_eq!(retrying.message, "Live updates lost: trying again in 3 s");
    assert!(!LiveState::Off.status(T0).live);
}

//! The lifecycle's halt: nothing new starts, the answer on its way is recorded, then the run ends.

use super::*;

fn halt(reason: StopReason) -> Input {
    Input::Halt {
        reason,
        message: format!("halted: {reason:?}"),
    }
}

fn requests(outputs: &[Output]) -> usize {
    outputs
        .iter()
        .filter(|o| {
            matches!(
                o,
                Output::Hash { .. } | Output::Check(_) | Output::Upload(_) | Output::Probe
            )
        })
        .count()
}

#[test]
fn with_nothing_on_the_network_the_run_ends_at_once_and_the_hash_is_dropped() {
    let mut engine = started(1);
    assert_eq!(engine.items()[0].state, ItemState::Hashing);
    engine.handle_input(halt(StopReason::ConditionsLost), NOW);
    let outputs = drain(&mut engine);
    let stop = ended(&outputs).expect("ends at once");
    assert_eq!(stop.reason, StopReason::ConditionsLost);
    assert_eq!(stop.message, "halted: ConditionsLost");
    assert_eq!(engine.items()[0].state, ItemState::Pending);
    assert!(outputs.iter().any(
        |o| matches!(o, Output::Log(LogLevel::Info, line) if line == "halted: ConditionsLost")
    ));
    assert!(!outputs
        .iter()
        .any(|o| matches!(o, Output::Log(LogLevel::Warning | LogLevel::Severe, _))));
}

#[test]
fn the_upload_on_its_way_is_recorded_then_the_run_ends() {
    let mut engine = started(2);
    let request = check(&hashed(&mut engine, 0)).expect("checked once hashed");
    hashed(&mut engine, 1);
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result: reply(200, r#"{"results":[{"id":"f0","action":"accept"}]}"#),
        },
        NOW,
    );
    assert!(upload(&drain(&mut engine)).is_some());

    engine.handle_input(halt(StopReason::Paused), NOW + 1);
    let outputs = drain(&mut engine);
    assert_eq!(requests(&outputs), 0, "nothing new: {outputs:?}");
    assert!(ended(&outputs).is_none(), "waits for the answer");
    assert!(matches!(outputs.last(), Some(Output::Wait(None))));

    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: reply(201, r#"{"id":"a0","status":"created"}"#),
        },
        NOW + 2,
    );
    let outputs = drain(&mut engine);
    assert!(outputs.iter().any(
        |o| matches!(o, Output::Persist(rows) if rows[0].id == "f0" && rows[0].state == ItemState::Done)
    ));
    assert_eq!(requests(&outputs), 0, "f1's check is not sent: {outputs:?}");
    assert_eq!(ended(&outputs).map(|s| s.reason), Some(StopReason::Paused));
    assert_eq!(engine.items()[1].state, ItemState::Checking);
}

#[test]
fn a_check_on_its_way_is_recorded_and_a_hash_in_progress_dropped() {
    let mut engine = started(2);
    let request = check(&hashed(&mut engine, 0)).unwrap();
    assert_eq!(engine.items()[1].state, ItemState::Hashing);
    engine.handle_input(halt(StopReason::Cancelled), NOW);
    let outputs = drain(&mut engine);
    assert!(ended(&outputs).is_none());
    assert_eq!(engine.items()[1].state, ItemState::Pending);
    // A late hash result of the dropped file changes nothing.
    hashed(&mut engine, 1);
    assert_eq!(engine.items()[1].state, ItemState::Pending);
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result: reply(200, r#"{"results":[{"id":"f0","action":"reject","reason":"duplicate","assetId":"r0"}]}"#),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    assert_eq!(engine.items()[0].state, ItemState::Duplicate);
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::Cancelled)
    );
}

#[test]
fn a_probe_on_its_way_is_awaited_too() {
    let (mut engine, _) = ready_to_upload();
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: Err(RequestError::Network("Failed to fetch".into())),
        },
        NOW,
    );
    let Some(Output::Wait(Some(at))) = drain(&mut engine).last().cloned() else {
        panic!("waits to probe");
    };
    engine.handle_input(Input::Tick, at);
    drain(&mut engine);
    engine.handle_input(halt(StopReason::PagesClosed), at);
    assert!(ended(&drain(&mut engine)).is_none(), "the probe is out");
    engine.handle_input(Input::ProbeReply(reply(200, r#"{"res":"pong"}"#)), at + 5);
    let outputs = drain(&mut engine);
    assert_eq!(requests(&outputs), 0);
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::PagesClosed)
    );
}

#[test]
fn a_stop_while_halting_ends_at_once_and_a_second_halt_replaces_the_reason() {
    let (mut engine, _) = ready_to_upload();
    engine.handle_input(halt(StopReason::Paused), NOW);
    engine.handle_input(Input::Stop, NOW);
    let outputs = drain(&mut engine);
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::StoppedByUser)
    );

    let (mut engine, _) = ready_to_upload();
    engine.handle_input(halt(StopReason::Paused), NOW);
    engine.handle_input(halt(StopReason::Cancelled), NOW);
    assert!(ended(&drain(&mut engine)).is_none());
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: reply(500, "{}"),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::Cancelled)
    );
    assert_eq!(
        engine.items()[0].state,
        ItemState::FailedRetryable,
        "recorded as any answer"
    );
}

#[test]
fn an_answer_that_ends_the_run_itself_wins_over_the_halt() {
    let (mut engine, _) = ready_to_upload();
    engine.handle_input(halt(StopReason::Paused), NOW);
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: reply(401, "{}"),
        },
        NOW,
    );
    assert_eq!(
        ended(&drain(&mut engine)).map(|s| s.reason),
        Some(StopReason::Unauthorized)
    );
}

//! Several uploads in flight (the setting `parallelUploads`): the oldest files go first, never
//! two of one content at once, a check of what is hashed goes beside them once no upload waits,
//! answers come in any order, and a stop, an error or an outage settles every one on its way.

use super::*;

/// `n` files checked and accepted (content `n`, or `contents[i]`), with `parallel` uploads.
fn accepted(contents: &[usize], parallel: u32) -> (Engine, Vec<Output>) {
    let mut rows = files(contents.len());
    for (row, &content) in rows.iter_mut().zip(contents) {
        row.state = ItemState::Uploading;
        row.checksum = Some(sum(content));
    }
    let setup = RunSetup {
        settings: Settings {
            parallel_uploads: parallel,
            ..Settings::default()
        },
        new_run: false,
        ..setup(rows)
    };
    let mut engine = Engine::new(setup, EngineConfig::default(), NOW);
    let outputs = drain(&mut engine);
    (engine, outputs)
}

fn uploads(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Upload(request) => Some(request.id.clone()),
            _ => None,
        })
        .collect()
}

fn answer(engine: &mut Engine, id: &str, result: Result<HttpReply, RequestError>) -> Vec<Output> {
    let input = Input::UploadReply {
        id: id.into(),
        result,
    };
    engine.handle_input(input, NOW + 10);
    drain(engine)
}

fn created(engine: &mut Engine, id: &str) -> Vec<Output> {
    let body = format!(r#"{{"id":"a-{id}","status":"created"}}"#);
    answer(engine, id, reply(201, &body))
}

fn row<'a>(engine: &'a Engine, id: &str) -> &'a QueueItem {
    engine
        .items()
        .iter()
        .find(|row| row.id == id)
        .expect("a queued row")
}

#[test]
fn the_oldest_files_go_up_to_the_setting_and_the_next_when_one_is_answered() {
    let (mut engine, outputs) = accepted(&[0, 1, 2, 3, 4], 3);
    assert_eq!(uploads(&outputs), ["f0", "f1", "f2"]);
    assert!(matches!(outputs.last(), Some(Output::Wait(None))));
    // Answered out of order: the next oldest takes the free place.
    assert_eq!(uploads(&created(&mut engine, "f1")), ["f3"]);
    assert_eq!(uploads(&created(&mut engine, "f0")), ["f4"]);
    for id in ["f2", "f3"] {
        assert!(uploads(&created(&mut engine, id)).is_empty());
    }
    let outputs = created(&mut engine, "f4");
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::Completed)
    );
    assert!(engine
        .items()
        .iter()
        .all(|row| row.state == ItemState::Done));
}

#[test]
fn one_at_a_time_with_the_setting_at_one() {
    let (mut engine, outputs) = accepted(&[0, 1, 2], 1);
    assert_eq!(uploads(&outputs), ["f0"]);
    assert_eq!(uploads(&created(&mut engine, "f0")), ["f1"]);
}

#[test]
fn two_files_of_one_content_are_never_on_their_way_together() {
    let (mut engine, outputs) = accepted(&[7, 7, 8], 3);
    assert_eq!(uploads(&outputs), ["f0", "f2"], "f1 waits for its twin");
    let outputs = created(&mut engine, "f0");
    assert_eq!(uploads(&outputs), ["f1"]);
    let body = r#"{"id":"a-f0","status":"duplicate"}"#;
    answer(&mut engine, "f1", reply(200, body));
    assert_eq!(row(&engine, "f1").state, ItemState::Duplicate);
}

#[test]
fn a_check_goes_beside_the_uploads_once_none_waits() {
    let mut engine = Engine::new(
        RunSetup {
            settings: Settings {
                parallel_uploads: 3,
                ..Settings::default()
            },
            ..setup(files(3))
        },
        EngineConfig::default(),
        NOW,
    );
    drain(&mut engine);
    let request = check(&hashed(&mut engine, 0)).expect("f0 checked");
    hashed(&mut engine, 1);
    let accept = r#"{"results":[{"id":"f0","action":"accept"}]}"#;
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result: reply(200, accept),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    assert_eq!(uploads(&outputs), ["f0"]);
    let beside = check(&outputs).expect("f1 checked while f0 is on its way");
    assert_eq!(beside.ids, ["f1"]);
}

#[test]
fn a_stop_leaves_every_upload_on_its_way_to_go_again_uncounted() {
    let (mut engine, outputs) = accepted(&[0, 1, 2, 3], 3);
    assert_eq!(uploads(&outputs).len(), 3);
    engine.handle_input(Input::Stop, NOW + 1);
    let outputs = drain(&mut engine);
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::StoppedByUser)
    );
    for id in ["f0", "f1", "f2"] {
        let row = row(&engine, id);
        assert!(
            !row.sending && row.attempts == 0 && row.interruptions == 0,
            "{row:?}"
        );
    }
    // An answer after the end changes nothing.
    assert!(uploads(&created(&mut engine, "f0")).is_empty());
    assert_eq!(row(&engine, "f0").state, ItemState::Uploading);
}

#[test]
fn an_outage_waits_for_every_answer_on_its_way_before_its_probe() {
    let (mut engine, _) = accepted(&[0, 1, 2, 3], 3);
    let down = || Err(RequestError::Network("TypeError: Failed to fetch".into()));
    let outputs = answer(&mut engine, "f0", down());
    assert!(
        uploads(&outputs).is_empty(),
        "nothing new while the server is away"
    );
    assert!(!outputs.contains(&Output::Probe));
    assert!(
        matches!(outputs.last(), Some(Output::Wait(None))),
        "the answers wake the run"
    );
    created(&mut engine, "f1");
    let outputs = answer(&mut engine, "f2", down());
    assert!(!outputs.contains(&Output::Probe));
    let Some(Output::Wait(Some(at))) = outputs.last().cloned() else {
        panic!("a probe is planned once nothing is on its way: {outputs:?}");
    };
    assert!(
        at > NOW + 10,
        "no sooner than its wait after the last failure"
    );
    engine.handle_input(Input::Tick, at);
    let outputs = drain(&mut engine);
    assert!(outputs.contains(&Output::Probe), "{outputs:?}");
    engine.handle_input(Input::ProbeReply(reply(200, r#"{"res":"pong"}"#)), at + 5);
    // The server answered at once: both failures were their files' own.
    for id in ["f0", "f2"] {
        let row = row(&engine, id);
        assert_eq!(
            (row.state, row.attempts),
            (ItemState::FailedRetryable, 1),
            "{row:?}"
        );
    }
    assert_eq!(row(&engine, "f1").state, ItemState::Done);
}

#[test]
fn a_run_ending_on_an_error_leaves_the_other_uploads_to_go_again() {
    let (mut engine, _) = accepted(&[0, 1, 2], 3);
    let outputs = answer(
        &mut engine,
        "f0",
        reply(401, r#"{"message":"Invalid API key"}"#),
    );
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::Unauthorized)
    );
    for id in ["f1", "f2"] {
        let row = row(&engine, id);
        assert!(
            !row.sending && row.interruptions == 0,
            "not cut off: {row:?}"
        );
    }
}

//! "Advanced troubleshooting": a DEBUG entry for each step with its status and duration, none
//! without the setting, never a secret.

use super::*;

fn engine_with(troubleshooting: bool, n: usize) -> (Engine, Vec<Output>) {
    let settings = Settings {
        advanced_troubleshooting: troubleshooting,
        ..Settings::default()
    };
    let setup = RunSetup {
        settings,
        ..setup(files(n))
    };
    let mut engine = Engine::new(setup, EngineConfig::default(), NOW);
    let outputs = drain(&mut engine);
    (engine, outputs)
}

fn debug_lines(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Log(LogLevel::Debug, line) => Some(line.clone()),
            _ => None,
        })
        .collect()
}

/// One file through hashing, a check, a refused upload with the key in the server's words,
/// an unreachable server and its probe, and a created upload; every output, in order.
fn a_run(troubleshooting: bool) -> Vec<Output> {
    let (mut engine, mut all) = engine_with(troubleshooting, 1);
    let mut step = |engine: &mut Engine, input, at| {
        engine.handle_input(input, at);
        let outputs = drain(engine);
        all.extend(outputs.clone());
        outputs
    };
    let hashed = Input::Hashed {
        id: "f0".into(),
        result: Ok(sum(0)),
        on_server: None,
    };
    let request = check(&step(&mut engine, hashed, NOW + 7)).unwrap();
    let result = reply(200, r#"{"results":[{"id":"f0","action":"accept"}]}"#);
    let checked = Input::CheckReply {
        ids: request.ids,
        result,
    };
    step(&mut engine, checked, NOW + 37);
    let body = format!(r#"{{"message":"bad key {KEY}"}}"#);
    let refused = Input::UploadReply {
        id: "f0".into(),
        result: reply(500, &body),
    };
    let Some(Output::Wait(Some(retry_at))) = step(&mut engine, refused, NOW + 157).pop() else {
        panic!("waits to retry");
    };
    step(&mut engine, Input::Tick, retry_at);
    let unreachable = Input::UploadReply {
        id: "f0".into(),
        result: Err(RequestError::Timeout(20)),
    };
    let Some(Output::Wait(Some(probe_at))) =
        step(&mut engine, unreachable, retry_at + 20_000).pop()
    else {
        panic!("waits to probe");
    };
    step(&mut engine, Input::Tick, probe_at);
    // Found at once: the timeout was the upload's own, it is tried again after a wait.
    let pong = Input::ProbeReply(reply(200, r#"{"res":"pong"}"#));
    let Some(Output::Wait(Some(again_at))) = step(&mut engine, pong, probe_at + 4).pop() else {
        panic!("waits to retry");
    };
    step(&mut engine, Input::Tick, again_at);
    let created = Input::UploadReply {
        id: "f0".into(),
        result: reply(201, r#"{"id":"a0","status":"created"}"#),
    };
    let outputs = step(&mut engine, created, again_at + 100);
    assert!(ended(&outputs).is_some());
    all
}

#[test]
fn each_step_is_logged_with_its_status_and_duration() {
    let outputs = a_run(true);
    assert_eq!(
        debug_lines(&outputs),
        vec![
            "IMG_0.jpg: hashing (1000 bytes)",
            "IMG_0.jpg (1000 bytes): hashed in 7 ms",
            "Check sent: 1 file",
            "Check of 1 file answered HTTP 200 in 30 ms",
            "IMG_0.jpg: upload sent (1000 bytes)",
            "IMG_0.jpg: upload answered HTTP 500 in 120 ms: failed, tried again later: HTTP 500: bad key [redacted]",
            "IMG_0.jpg: upload sent (1000 bytes)",
            "IMG_0.jpg: upload answered no answer within 20 s in 20000 ms: to be sent again",
            "Probe answered HTTP 200 in 4 ms",
            "IMG_0.jpg: upload sent (1000 bytes)",
            "IMG_0.jpg: upload answered HTTP 201 in 100 ms: created",
        ]
    );
    assert!(texts(&outputs).iter().all(|t| !t.contains(KEY)));
}

#[test]
fn without_the_setting_there_is_no_debug_entry() {
    let outputs = a_run(false);
    assert_eq!(debug_lines(&outputs), Vec::<String>::new());
    assert!(outputs
        .iter()
        .any(|o| matches!(o, Output::Log(LogLevel::Info, _))));
}

#[test]
fn an_unreadable_file_and_a_failed_probe_are_logged_with_their_reason() {
    let (mut engine, _) = engine_with(true, 1);
    let unreadable = Input::Hashed {
        id: "f0".into(),
        result: Err(format!("NotReadableError {KEY}")),
        on_server: None,
    };
    engine.handle_input(unreadable, NOW + 3);
    assert!(debug_lines(&drain(&mut engine)).contains(
        &"IMG_0.jpg (1000 bytes): not readable: NotReadableError [redacted] in 3 ms".into()
    ));

    let (mut engine, _) = ready_to_upload();
    engine.settings.advanced_troubleshooting = true;
    let lost = Input::UploadReply {
        id: "f0".into(),
        result: Err(RequestError::Network("Failed to fetch".into())),
    };
    engine.handle_input(lost, NOW);
    let Some(Output::Wait(Some(probe_at))) = drain(&mut engine).pop() else {
        panic!("waits to probe");
    };
    engine.handle_input(Input::Tick, probe_at);
    drain(&mut engine);
    let failed = Input::ProbeReply(Err(RequestError::Network("Failed to fetch".into())));
    engine.handle_input(failed, probe_at + 9);
    assert!(debug_lines(&drain(&mut engine))
        .contains(&"Probe answered network error: Failed to fetch in 9 ms".into()));
}

//! What the server's failures do to a run: statuses, outages, bad replies, notifications.

use super::*;

#[test]
fn a_bulk_check_refused_403_is_unauthorized_and_429_is_retried() {
    for (status, reason) in [(403, Some(StopReason::Unauthorized)), (429, None)] {
        let mut engine = started(1);
        let request = check(&hashed(&mut engine, 0)).unwrap();
        engine.handle_input(
            Input::CheckReply {
                ids: request.ids,
                result: reply(status, "{}"),
            },
            NOW,
        );
        let outputs = drain(&mut engine);
        assert_eq!(ended(&outputs).map(|s| s.reason), reason, "HTTP {status}");
        if reason.is_none() {
            assert!(check(&outputs).is_none(), "not again at once");
            assert!(matches!(outputs.last(), Some(Output::Wait(Some(at))) if *at > NOW));
        }
    }
}

#[test]
fn an_upload_answered_429_is_retried_later_and_counts_one_attempt() {
    let (mut engine, _) = ready_to_upload();
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: reply(429, r#"{"message":"slow down"}"#),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    let item = &engine.items()[0];
    assert_eq!((item.state, item.attempts), (ItemState::FailedRetryable, 1));
    assert!(upload(&outputs).is_none());
    let Some(Output::Wait(Some(at))) = outputs.last().cloned() else {
        panic!("waits for the retry: {outputs:?}");
    };
    engine.handle_input(Input::Tick, at);
    assert!(
        upload(&drain(&mut engine)).is_some(),
        "sent again after the wait"
    );
}

#[test]
fn an_unreachable_server_pauses_the_run_and_costs_no_attempt() {
    let (mut engine, _) = ready_to_upload();
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: Err(RequestError::Network("Failed to fetch".into())),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    assert!(texts(&outputs)
        .iter()
        .any(|t| t.starts_with("Server unreachable, retrying in ")));
    let Some(Output::Wait(Some(probe_at))) = outputs.last().cloned() else {
        panic!("waits to probe: {outputs:?}");
    };
    engine.handle_input(Input::Tick, probe_at);
    let outputs = drain(&mut engine);
    assert_eq!(
        outputs
            .iter()
            .filter(|o| matches!(o, Output::Probe))
            .count(),
        1
    );
    assert!(
        upload(&outputs).is_none(),
        "nothing is sent while the server is away"
    );
    engine.handle_input(Input::ProbeReply(Err(RequestError::Timeout(20))), probe_at);
    let Some(Output::Wait(Some(again))) = drain(&mut engine).last().cloned() else {
        panic!("probes again later");
    };
    assert!(again > probe_at);
    engine.handle_input(Input::Tick, again);
    drain(&mut engine);
    engine.handle_input(Input::ProbeReply(reply(200, r#"{"res":"pong"}"#)), again);
    let outputs = drain(&mut engine);
    assert!(
        upload(&outputs).is_some(),
        "the file goes again once the server is back"
    );
    assert_eq!(engine.items()[0].attempts, 0);
}

#[test]
fn server_text_is_redacted_and_cut() {
    let (mut engine, _) = ready_to_upload();
    let body = format!(
        r#"{{"message":"echo x-api-key: {KEY} {}"}}"#,
        "y".repeat(5_000)
    );
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: reply(400, &body),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    let error = engine.items()[0].last_error.clone().unwrap();
    assert!(
        !error.contains(KEY) && error.contains("[redacted]"),
        "{error}"
    );
    assert!(
        error.chars().count() < 400,
        "cut: {} chars",
        error.chars().count()
    );
    assert!(texts(&outputs).iter().all(|t| !t.contains(KEY)));
}

#[test]
fn a_reply_leaving_out_ids_is_a_failed_check_and_repeats_are_ignored() {
    let mut engine = started(2);
    let request = check(&hashed(&mut engine, 0)).unwrap();
    assert_eq!(
        request.ids,
        vec!["f0".to_owned()],
        "checked as soon as hashed"
    );
    hashed(&mut engine, 1);
    let repeated = r#"{"results":[{"id":"f0","action":"accept"},{"id":"f0","action":"reject","reason":"duplicate","assetId":"x"}]}"#;
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result: reply(200, repeated),
        },
        NOW,
    );
    assert_eq!(
        engine.items()[0].state,
        ItemState::Uploading,
        "the first verdict stands"
    );

    let mut engine = started(1);
    hashed(&mut engine, 0);
    engine.handle_input(
        Input::CheckReply {
            ids: vec!["f0".into()],
            result: reply(200, r#"{"results":[]}"#),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    assert!(check(&outputs).is_none(), "no tight loop");
    assert!(matches!(outputs.last(), Some(Output::Wait(Some(at))) if *at > NOW));
}

#[test]
fn a_bulk_check_refused_400_ends_the_run_failed_with_the_servers_words() {
    let mut engine = started(1);
    hashed(&mut engine, 0);
    engine.handle_input(
        Input::CheckReply {
            ids: vec!["f0".into()],
            result: reply(400, r#"{"message":"assets must be an array"}"#),
        },
        NOW,
    );
    let stop = ended(&drain(&mut engine)).unwrap();
    assert_eq!(stop.reason, StopReason::Failed);
    assert!(
        stop.message.contains("assets must be an array"),
        "{}",
        stop.message
    );
}

#[test]
fn an_upload_refused_401_or_403_ends_the_run_unauthorized_and_spares_the_file() {
    for status in [401, 403] {
        let (mut engine, _) = ready_to_upload();
        engine.handle_input(
            Input::UploadReply {
                id: "f0".into(),
                result: reply(status, r#"{"message":"Missing required permission"}"#),
            },
            NOW,
        );
        let stop = ended(&drain(&mut engine)).expect("the run ends");
        assert_eq!(stop.reason, StopReason::Unauthorized, "HTTP {status}");
        assert!(stop.message.contains("log in again"), "{}", stop.message);
        let item = &engine.items()[0];
        assert_eq!(
            (item.state, item.attempts, item.sending),
            (ItemState::Uploading, 0, false),
            "HTTP {status}: sent again after a new login"
        );
    }
}

#[test]
fn a_permanent_failure_keeps_the_servers_reason_on_its_row() {
    let (mut engine, _) = ready_to_upload();
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: reply(415, r#"{"message":"Unsupported file type: .xyz"}"#),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    let item = &engine.items()[0];
    assert_eq!(item.state, ItemState::FailedPermanent);
    let reason = "the server refused the file (415): Unsupported file type: .xyz";
    assert_eq!(item.last_error.as_deref(), Some(reason));
    assert!(outputs.iter().any(
        |o| matches!(o, Output::Persist(rows) if rows[0].last_error.as_deref() == Some(reason))
    ));

    let mut engine = started(1);
    let request = check(&hashed(&mut engine, 0)).unwrap();
    let body = r#"{"results":[{"id":"f0","action":"reject","reason":"unsupported-format"}]}"#;
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result: reply(200, body),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    let item = &engine.items()[0];
    assert_eq!(item.state, ItemState::FailedPermanent);
    assert_eq!(item.last_error.as_deref(), Some("unsupported-format"));
    assert_eq!(
        ended(&outputs).map(|s| (s.reason, s.message)),
        Some((StopReason::Completed, "Backed up 0 photos, 1 failed".into()))
    );
}

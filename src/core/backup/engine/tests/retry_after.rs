//! `Retry-After` on a 429 or 503: the whole run waits as the server asked, within limits.

use super::*;

fn asking(status: u16, retry_after: &str) -> Result<HttpReply, RequestError> {
    Ok(HttpReply {
        status,
        body: r#"{"message":"busy"}"#.into(),
        retry_after: Some(retry_after.into()),
    })
}

fn answer_upload(engine: &mut Engine, result: Result<HttpReply, RequestError>, now: i64) {
    let input = Input::UploadReply {
        id: "f0".into(),
        result,
    };
    engine.handle_input(input, now);
}

fn notices(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Post(ChannelMessage::UpdateNotification(Some(update))) => {
                Some(format!("{:?}: {}", update.phase, update.notice.clone()?))
            }
            Output::Notify(NotificationKind::TotalProgress, p) => Some(p.content.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_upload_told_to_wait_holds_the_run_and_costs_no_attempt() {
    let (mut engine, _) = ready_to_upload();
    answer_upload(&mut engine, asking(503, "42"), NOW);
    let outputs = drain(&mut engine);
    assert_eq!(
        notices(&outputs),
        vec![
            "Waiting: The server asked to wait: retrying in 42 s",
            "The server asked to wait: retrying in 42 s",
        ]
    );
    assert_eq!(outputs.last(), Some(&Output::Wait(Some(NOW + 42_000))));
    assert!(!outputs.iter().any(|o| matches!(o, Output::Probe)));
    let item = &engine.items()[0];
    assert_eq!(
        (item.state, item.attempts, item.sending),
        (ItemState::Uploading, 0, false)
    );

    engine.handle_input(Input::Tick, NOW + 41_999);
    let outputs = drain(&mut engine);
    assert!(upload(&outputs).is_none(), "not before the time asked");
    engine.handle_input(Input::Tick, NOW + 42_000);
    let outputs = drain(&mut engine);
    assert!(
        upload(&outputs).is_some(),
        "sent again once the wait is over"
    );
    answer_upload(
        &mut engine,
        reply(201, r#"{"id":"a0","status":"created"}"#),
        NOW + 42_100,
    );
    assert_eq!(
        ended(&drain(&mut engine)).map(|s| s.reason),
        Some(StopReason::Completed)
    );
    assert_eq!(engine.items()[0].attempts, 1, "only the answered attempt");
}

#[test]
fn a_check_told_to_wait_by_a_date_goes_again_then_without_a_backoff() {
    // NOW is Tue, 14 Nov 2023 22:13:20 GMT.
    let mut engine = started(1);
    let request = check(&hashed(&mut engine, 0)).unwrap();
    let ids = request.ids.clone();
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result: asking(429, "Tue, 14 Nov 2023 22:14:00 GMT"),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    assert!(check(&outputs).is_none());
    assert_eq!(outputs.last(), Some(&Output::Wait(Some(NOW + 40_000))));
    engine.handle_input(Input::Tick, NOW + 40_000);
    let again = check(&drain(&mut engine)).expect("checked again at the time asked");
    assert_eq!(again.ids, ids);
}

#[test]
fn a_wait_longer_than_a_run_can_wait_ends_it_server_unreachable() {
    let (mut engine, _) = ready_to_upload();
    answer_upload(&mut engine, asking(503, "3600"), NOW);
    let stop = ended(&drain(&mut engine)).expect("ends at once");
    assert_eq!(stop.reason, StopReason::ServerUnreachable);
    assert!(stop.reason.resumes_on_wake());
    assert!(
        stop.message.contains("asked to wait 3600 s")
            && stop.message.contains("continues at the next wake-up"),
        "{}",
        stop.message
    );
    assert_eq!(engine.items()[0].attempts, 0);
}

#[test]
fn asks_in_a_row_add_up_against_the_time_a_run_can_wait() {
    let (mut engine, _) = ready_to_upload();
    let mut now = NOW;
    for ask in 0..3 {
        answer_upload(&mut engine, asking(429, "100"), now);
        let outputs = drain(&mut engine);
        if ask < 2 {
            assert!(
                ended(&outputs).is_none(),
                "ask {ask}: {} s so far",
                (ask + 1) * 100
            );
            now += 100_000;
            engine.handle_input(Input::Tick, now);
            assert!(upload(&drain(&mut engine)).is_some());
        } else {
            let stop = ended(&outputs).expect("300 s in all is over the 240 s a run waits");
            assert_eq!(stop.reason, StopReason::ServerUnreachable);
            assert!(
                stop.message.contains("asked to wait 300 s"),
                "{}",
                stop.message
            );
        }
    }
}

#[test]
fn an_answer_between_asks_starts_a_new_streak() {
    let (mut engine, _) = ready_to_upload();
    answer_upload(&mut engine, asking(503, "200"), NOW);
    drain(&mut engine);
    let mut now = NOW + 200_000;
    engine.handle_input(Input::Tick, now);
    assert!(upload(&drain(&mut engine)).is_some());
    answer_upload(&mut engine, reply(500, "{}"), now);
    let Some(Output::Wait(Some(retry_at))) = drain(&mut engine).last().cloned() else {
        panic!("waits for the retry");
    };
    now = retry_at;
    engine.handle_input(Input::Tick, now);
    assert!(upload(&drain(&mut engine)).is_some());
    answer_upload(&mut engine, asking(503, "200"), now);
    let outputs = drain(&mut engine);
    assert!(
        ended(&outputs).is_none(),
        "200 s since the answer between: {outputs:?}"
    );
    assert_eq!(outputs.last(), Some(&Output::Wait(Some(now + 200_000))));
}

#[test]
fn a_past_date_or_zero_waits_a_second_and_a_bad_header_is_ignored() {
    for value in ["0", "Mon, 13 Nov 2023 00:00:00 GMT"] {
        let (mut engine, _) = ready_to_upload();
        answer_upload(&mut engine, asking(429, value), NOW);
        let outputs = drain(&mut engine);
        assert_eq!(
            outputs.last(),
            Some(&Output::Wait(Some(NOW + 1_000))),
            "{value}"
        );
        assert_eq!(engine.items()[0].attempts, 0);
    }
    // Unreadable: as if there were none. A 503 is an outage, a 429 counts against the file.
    let (mut engine, _) = ready_to_upload();
    answer_upload(&mut engine, asking(503, "-5"), NOW);
    let outputs = drain(&mut engine);
    assert!(texts(&outputs)
        .iter()
        .any(|t| t.starts_with("Server unreachable, retrying in ")));
    let (mut engine, _) = ready_to_upload();
    answer_upload(&mut engine, asking(429, "soon"), NOW);
    drain(&mut engine);
    let item = &engine.items()[0];
    assert_eq!((item.state, item.attempts), (ItemState::FailedRetryable, 1));
}

#[test]
fn retry_after_on_other_statuses_changes_nothing() {
    let (mut engine, _) = ready_to_upload();
    answer_upload(&mut engine, asking(500, "30"), NOW);
    drain(&mut engine);
    let item = &engine.items()[0];
    assert_eq!((item.state, item.attempts), (ItemState::FailedRetryable, 1));
}

#[test]
fn a_halt_during_the_wait_ends_the_run_at_once() {
    let (mut engine, _) = ready_to_upload();
    answer_upload(&mut engine, asking(503, "42"), NOW);
    drain(&mut engine);
    let halt = Input::Halt {
        reason: StopReason::Paused,
        message: "Paused".into(),
    };
    engine.handle_input(halt, NOW + 1);
    let outputs = drain(&mut engine);
    assert_eq!(ended(&outputs).map(|s| s.reason), Some(StopReason::Paused));
    let last_update = outputs.iter().rev().find_map(|o| match o {
        Output::Post(ChannelMessage::UpdateNotification(Some(update))) => Some(update.clone()),
        _ => None,
    });
    assert_eq!(
        last_update.and_then(|u| u.notice),
        None,
        "no wait left on the page"
    );
}

#[test]
fn a_probe_due_before_the_clock_went_forward_waits_only_for_a_wait_that_holds() {
    let setup = RunSetup {
        settings: Settings {
            parallel_uploads: 2,
            ..Settings::default()
        },
        ..setup(files(2))
    };
    let mut engine = Engine::new(setup, EngineConfig::default(), NOW);
    drain(&mut engine);
    let check_f0 = check(&hashed(&mut engine, 0)).expect("f0 checked");
    let accept = reply(200, r#"{"results":[{"id":"f0","action":"accept"}]}"#);
    engine.handle_input(
        Input::CheckReply {
            ids: check_f0.ids,
            result: accept,
        },
        NOW,
    );
    let mut outputs = drain(&mut engine);
    outputs.extend(hashed(&mut engine, 1));
    let check_f1 = check(&outputs).expect("f1 checked beside the upload of f0");
    assert!(upload(&outputs).is_some());

    // The upload gets no answer: an outage is suspected, its probe waits for the check.
    answer_upload(&mut engine, Err(RequestError::Timeout(20)), NOW + 20);
    drain(&mut engine);
    // An hour later by the clock, the check is asked to wait a second.
    let later = NOW + 3_600_000;
    engine.handle_input(
        Input::CheckReply {
            ids: check_f1.ids,
            result: asking(429, "0"),
        },
        later,
    );
    let outputs = drain(&mut engine);
    assert_eq!(
        outputs.last(),
        Some(&Output::Wait(Some(later + 1_000))),
        "woken when the wait is over"
    );
    engine.handle_input(Input::Tick, later + 1_000);
    let outputs = drain(&mut engine);
    assert!(
        outputs.iter().any(|o| matches!(o, Output::Probe)),
        "then probed: {outputs:?}"
    );
}

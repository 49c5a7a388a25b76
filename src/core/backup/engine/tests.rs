use super::*;
use crate::core::backup::io::{HttpReply, RequestError};
use crate::core::channel::StopReason;

const NOW: i64 = 1_700_000_000_000;
const KEY: &str = "the-api-key-123";

fn sum(n: usize) -> String {
    format!("{n:040x}")
}

fn setup(queue: Vec<QueueItem>) -> RunSetup {
    RunSetup {
        queue,
        settings: Settings::default(),
        server: "http://immich.test/api".into(),
        secrets: vec![KEY.into()],
        new_run: true,
        seed: 42,
    }
}

fn files(n: usize) -> Vec<QueueItem> {
    (0..n)
        .map(|i| QueueItem::new(format!("f{i}"), format!("IMG_{i}.jpg"), 1_000, 0, i as i64))
        .collect()
}

fn reply(status: u16, body: &str) -> Result<HttpReply, RequestError> {
    Ok(HttpReply {
        status,
        body: body.into(),
    })
}

/// Every output up to the next Wait or Ended (which is returned last).
fn drain(engine: &mut Engine) -> Vec<Output> {
    let mut outputs = Vec::new();
    loop {
        let output = engine.poll_output();
        let last = matches!(output, Output::Wait(_) | Output::Ended(_));
        outputs.push(output);
        if last {
            return outputs;
        }
    }
}

fn hashes(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Hash { id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

fn check(outputs: &[Output]) -> Option<CheckRequest> {
    outputs.iter().find_map(|o| match o {
        Output::Check(request) => Some(request.clone()),
        _ => None,
    })
}

fn upload(outputs: &[Output]) -> Option<UploadRequest> {
    outputs.iter().find_map(|o| match o {
        Output::Upload(request) => Some(request.clone()),
        _ => None,
    })
}

fn ended(outputs: &[Output]) -> Option<SystemStop> {
    outputs.iter().find_map(|o| match o {
        Output::Ended(stop) => Some(stop.clone()),
        _ => None,
    })
}

fn texts(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Log(_, line) => Some(line.clone()),
            Output::Notify(_, payload) => Some(payload.content.clone()),
            Output::Ended(stop) => Some(stop.message.clone()),
            _ => None,
        })
        .collect()
}

/// An engine started on `n` files, its first outputs drained.
fn started(n: usize) -> Engine {
    let mut engine = Engine::new(setup(files(n)), EngineConfig::default(), NOW);
    drain(&mut engine);
    engine
}

/// Feeds the checksum of file `n` and drains what follows.
fn hashed(engine: &mut Engine, n: usize) -> Vec<Output> {
    let input = Input::Hashed {
        id: format!("f{n}"),
        result: Ok(sum(n)),
    };
    engine.handle_input(input, NOW);
    drain(engine)
}

/// An engine whose one file is hashed, checked and accepted: the next outputs send it.
fn ready_to_upload() -> (Engine, Vec<Output>) {
    let mut engine = started(1);
    let request = check(&hashed(&mut engine, 0)).expect("checked once hashed");
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result: reply(200, r#"{"results":[{"id":"f0","action":"accept"}]}"#),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    (engine, outputs)
}

#[test]
fn a_run_hashes_checks_uploads_and_completes() {
    let (mut engine, outputs) = ready_to_upload();
    let request = upload(&outputs).expect("accepted files are sent");
    assert_eq!(request.checksum, sum(0));
    assert_eq!(
        request.fields,
        vec![
            ("fileCreatedAt", "1970-01-01T00:00:00.000Z".to_owned()),
            ("fileModifiedAt", "1970-01-01T00:00:00.000Z".to_owned()),
            ("fileSize", "1000".to_owned()),
            ("filename", "IMG_0.jpg".to_owned()),
            ("isFavorite", "false".to_owned()),
        ]
    );
    let persisted_first = outputs
        .iter()
        .position(|o| matches!(o, Output::Persist(rows) if rows[0].sending))
        .expect("the row says sending");
    let sent = outputs
        .iter()
        .position(|o| matches!(o, Output::Upload(_)))
        .unwrap();
    assert!(
        persisted_first < sent,
        "written before the request goes out"
    );
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result: reply(201, r#"{"id":"a0","status":"created"}"#),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    let stop = ended(&outputs).expect("the run ends");
    assert_eq!(stop.reason, StopReason::Completed);
    assert_eq!(stop.message, "Backup complete: 1 photo");
    assert_eq!(engine.items()[0].state, ItemState::Done);
}

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
fn a_stop_ends_the_run_at_once_without_holding_the_upload_against_its_file() {
    let (mut engine, _) = ready_to_upload();
    engine.handle_input(Input::Stop, NOW);
    let outputs = drain(&mut engine);
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::StoppedByUser)
    );
    let item = &engine.items()[0];
    assert_eq!(
        (item.state, item.sending, item.attempts),
        (ItemState::Uploading, false, 0)
    );
    assert!(outputs
        .iter()
        .any(|o| matches!(o, Output::Persist(rows) if !rows[0].sending)));
}

#[test]
fn a_new_run_counts_only_its_own_files() {
    let mut old = files(2);
    old[0].state = ItemState::Done;
    old[0].checksum = Some(sum(0));
    old[0].remote_id = Some("a0".into());
    let mut engine = Engine::new(setup(old), EngineConfig::default(), NOW);
    let outputs = drain(&mut engine);
    assert!(outputs
        .iter()
        .any(|o| matches!(o, Output::Delete(ids) if ids == &vec!["f0".to_owned()])));
    assert_eq!(engine.items().len(), 1);
    assert_eq!(hashes(&outputs), vec!["f1".to_owned()]);
}

#[test]
fn empty_files_are_skipped_up_front() {
    let mut queue = files(2);
    queue[1].size = 0;
    let mut engine = Engine::new(setup(queue), EngineConfig::default(), NOW);
    let outputs = drain(&mut engine);
    assert_eq!(hashes(&outputs), vec!["f0".to_owned()]);
    assert_eq!(engine.items()[1].state, ItemState::Skipped);
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
fn a_retry_set_far_ahead_by_a_clock_set_back_is_due() {
    let mut queue = files(1);
    queue[0].state = ItemState::FailedRetryable;
    queue[0].checksum = Some(sum(0));
    queue[0].attempts = 1;
    queue[0].retry_at_ms = Some(NOW + 86_400_000);
    let mut engine = Engine::new(setup(queue), EngineConfig::default(), NOW);
    assert!(upload(&drain(&mut engine)).is_some());
}

#[test]
fn the_error_notification_shows_past_the_grace_period_and_closes_on_success() {
    let mut engine = Engine::new(setup(files(4)), EngineConfig::default(), NOW);
    let mut outputs = drain(&mut engine);
    let (mut hash, mut checks, mut uploads) = (Vec::new(), Vec::new(), Vec::new());
    let mut notified = Vec::new();
    for step in 0..200 {
        hash.extend(hashes(&outputs));
        checks.extend(check(&outputs));
        uploads.extend(upload(&outputs));
        notified.extend(outputs.iter().filter_map(|o| match o {
            Output::Notify(NotificationKind::Error, p) => Some(p.content.clone()),
            Output::CloseNotification(NotificationKind::Error) => Some("closed".into()),
            _ => None,
        }));
        let now = NOW + step;
        if let Some(request) = uploads.pop() {
            let result = if request.id == "f3" {
                reply(201, r#"{"id":"a","status":"created"}"#)
            } else {
                reply(400, r#"{"message":"bad"}"#)
            };
            engine.handle_input(
                Input::UploadReply {
                    id: request.id,
                    result,
                },
                now,
            );
        } else if let Some(request) = checks.pop() {
            let results: Vec<String> = request
                .ids
                .iter()
                .map(|id| format!(r#"{{"id":"{id}","action":"accept"}}"#))
                .collect();
            let body = format!(r#"{{"results":[{}]}}"#, results.join(","));
            engine.handle_input(
                Input::CheckReply {
                    ids: request.ids,
                    result: reply(200, &body),
                },
                now,
            );
        } else if let Some(id) = hash.pop() {
            let n: usize = id[1..].parse().unwrap();
            engine.handle_input(
                Input::Hashed {
                    id,
                    result: Ok(sum(n)),
                },
                now,
            );
        } else {
            break;
        }
        outputs = drain(&mut engine);
    }
    assert_eq!(notified.len(), 2, "{notified:?}");
    assert!(
        notified[0].starts_with("3 uploads failed in a row"),
        "{notified:?}"
    );
    assert_eq!(notified[1], "closed");
}

//! How a sync ends when the server refuses, a line is malformed, the stream breaks or ends
//! early, a commit fails, or a reset comes twice.

use super::*;

#[test]
fn a_refused_stream_ends_the_sync_with_its_reason() {
    let cases = [
        (401, "", SyncOutcome::SessionRevoked),
        (
            403,
            r#"{"message":"Sync endpoints cannot be used with API keys","error":"Forbidden","statusCode":403}"#,
            SyncOutcome::NotAllowed("Sync endpoints cannot be used with API keys".into()),
        ),
    ];
    for (status, body, expected) in cases {
        let mut engine = SyncEngine::new(SyncSetup::default(), SyncConfig::default());
        outputs(&mut engine);
        let refused = SyncInput::StreamOpened {
            status,
            body_if_error: body.into(),
        };
        let out = answer(&mut engine, refused);
        assert!(!expected.is_success());
        assert_eq!(outcome(&out), Some(expected));
        assert_eq!(commits(&out), 0);
    }
    let mut engine = SyncEngine::new(SyncSetup::default(), SyncConfig::default());
    outputs(&mut engine);
    let body = r#"{"message":"SyncRequestType.AssetsV1 is deprecated, use SyncRequestType.AssetsV2 instead"}"#;
    let refused = SyncInput::StreamOpened {
        status: 400,
        body_if_error: body.into(),
    };
    let out = answer(&mut engine, refused);
    let Some(SyncOutcome::Failed(message)) = outcome(&out) else {
        panic!("{out:?}")
    };
    assert!(
        message.contains("HTTP 400") && message.contains("deprecated"),
        "{message}"
    );
    // Ended stays ended, whatever comes.
    engine.handle_input(SyncInput::Chunk(complete().into_bytes()), T);
    assert!(matches!(engine.poll_output(), SyncOutput::Ended(_)));
}

#[test]
fn a_malformed_line_drops_its_batch_unacked() {
    let mut engine = reading(500, 10_000);
    let text = delete(1) + &delete(2) + "{\"type\":\"AssetDeleteV1\",\"data\":{\"assetId\":7}";
    let out = feed(&mut engine, &(text + "}\n" + &delete(4)), T);
    assert_eq!(commits(&out), 0);
    assert!(sent_acks(&out).is_empty());
    let Some(SyncOutcome::Failed(message)) = outcome(&out) else {
        panic!("{out:?}")
    };
    assert!(message.contains("line 3"), "{message}");
}

#[test]
fn a_malformed_line_lets_the_commit_on_its_way_finish_and_only_its_acks_go() {
    let mut engine = reading(2, 10_000);
    let out = feed(&mut engine, &(delete(1) + &delete(2) + &delete(3)), T);
    assert_eq!(commits(&out), 1);
    let out = feed(&mut engine, "{oops\n", T);
    assert!(out.is_empty(), "waits for the commit: {out:?}");
    assert!(!engine.wants_chunk());
    let out = answer(&mut engine, SyncInput::Committed);
    assert_eq!(sent_acks(&out), vec![r#"{"acks":["AssetDeleteV1|2"]}"#]);
    let out = answer(&mut engine, acked(204));
    assert_eq!(out[0], SyncOutput::ForgetAcks);
    assert!(matches!(outcome(&out), Some(SyncOutcome::Failed(m)) if m.contains("line 4")));
}

#[test]
fn a_stream_that_ends_early_stores_what_it_read_and_fails() {
    let mut engine = reading(500, 10_000);
    let text: String = FIRST.lines().take(24).map(|l| format!("{l}\n")).collect();
    let out = feed(&mut engine, &text, T);
    assert!(out.is_empty());
    let out = answer(&mut engine, SyncInput::StreamEnded);
    assert_eq!(commits(&out), 1);
    let out = answer(&mut engine, SyncInput::Committed);
    let acks = sent_acks(&out);
    assert_eq!(acks.len(), 1);
    assert!(!acks[0].contains("SyncCompleteV1"));
    let out = answer(&mut engine, acked(204));
    assert_eq!(
        outcome(&out),
        Some(SyncOutcome::Failed("the sync stream ended early".into()))
    );
}

#[test]
fn a_broken_stream_or_a_failed_commit_acks_nothing_of_the_batch() {
    let mut engine = reading(500, 10_000);
    feed(&mut engine, &delete(1), T);
    let out = answer(&mut engine, SyncInput::StreamFailed("reset by peer".into()));
    assert_eq!(commits(&out), 0);
    assert!(matches!(outcome(&out), Some(SyncOutcome::Failed(m)) if m.contains("reset by peer")));

    let mut engine = reading(1, 10_000);
    let out = feed(&mut engine, &(delete(1) + &delete(2)), T);
    assert_eq!(commits(&out), 1);
    let out = answer(
        &mut engine,
        SyncInput::CommitFailed("QuotaExceededError".into()),
    );
    assert!(sent_acks(&out).is_empty());
    assert!(
        matches!(outcome(&out), Some(SyncOutcome::Failed(m)) if m.contains("QuotaExceededError"))
    );
}

#[test]
fn a_second_reset_in_one_sync_fails_rather_than_loop() {
    let reset = line("SyncResetV1", "{}", "SyncResetV1|reset");
    let mut engine = reading(500, 10_000);
    // The rest of that stream is not read: the mirror is cleared at once.
    let out = feed(&mut engine, &(reset.clone() + &delete(1)), T);
    assert!(!engine.wants_chunk());
    assert!(matches!(&out[0], SyncOutput::Log(LogLevel::Info, _)));
    let SyncOutput::Commit(batch) = &out[1] else {
        panic!("{out:?}")
    };
    assert!(batch.clear_mirror && batch.ops.is_empty() && batch.acks.is_empty());
    let out = answer(&mut engine, SyncInput::Committed);
    assert_eq!(
        out,
        vec![SyncOutput::OpenStream {
            body: stream_body(true)
        }]
    );
    answer(&mut engine, opened(200));
    let out = feed(&mut engine, &reset, T);
    assert!(matches!(outcome(&out), Some(SyncOutcome::Failed(m)) if m.contains("again")));
}

#[test]
fn an_endless_line_fails_the_sync() {
    let mut engine = reading(500, 10_000);
    let chunk = vec![b'x'; 1024 * 1024];
    for _ in 0..4 {
        engine.handle_input(SyncInput::Chunk(chunk.clone()), T);
    }
    assert!(engine.wants_chunk());
    let out = feed(&mut engine, "x", T);
    assert!(
        matches!(outcome(&out), Some(SyncOutcome::Failed(m)) if m.contains("longer than 4 MiB"))
    );
}

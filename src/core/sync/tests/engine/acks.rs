//! The acks: first the ones a killed sync left, then after each commit; refused, failed,
//! unknown kinds, and none from before a reset.

use super::*;

#[test]
fn acks_a_killed_sync_left_go_before_the_stream_opens() {
    let setup = SyncSetup {
        pending_acks: vec!["AssetV2|1".into(), "garbage".into(), "AlbumV1|2".into()],
    };
    let mut engine = SyncEngine::new(setup, SyncConfig::default());
    let out = outputs(&mut engine);
    assert!(matches!(&out[0], SyncOutput::Log(LogLevel::Warning, m) if m.contains("garbage")));
    assert_eq!(
        sent_acks(&out),
        vec![r#"{"acks":["AlbumV1|2","AssetV2|1"]}"#]
    );
    assert!(!out
        .iter()
        .any(|o| matches!(o, SyncOutput::OpenStream { .. })));
    assert!(!engine.wants_chunk());
    let out = answer(&mut engine, acked(204));
    let open = SyncOutput::OpenStream {
        body: stream_body(false),
    };
    assert_eq!(out, vec![SyncOutput::ForgetAcks, open]);
}

#[test]
fn acks_that_fail_first_are_stored_and_sent_with_the_next_commit() {
    let setup = SyncSetup {
        pending_acks: vec!["AssetV2|1".into()],
    };
    let mut engine = SyncEngine::new(setup, SyncConfig::default());
    outputs(&mut engine);
    let out = answer(&mut engine, SyncInput::AcksFailed("offline".into()));
    assert!(matches!(&out[0], SyncOutput::Log(LogLevel::Warning, _)));
    assert!(matches!(out[1], SyncOutput::OpenStream { .. }));
    answer(&mut engine, opened(200));
    let out = feed(&mut engine, &(delete(5) + &complete()), T);
    assert!(
        sent_acks(&out).is_empty(),
        "nothing goes again before a commit"
    );
    engine.handle_input(SyncInput::StreamEnded, T);
    let out = outputs(&mut engine);
    let SyncOutput::Commit(batch) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(
        batch.acks,
        vec!["AssetDeleteV1|5", "AssetV2|1", "SyncCompleteV1|99"]
    );
    let out = answer(&mut engine, SyncInput::Committed);
    assert_eq!(
        sent_acks(&out),
        vec![r#"{"acks":["AssetDeleteV1|5","AssetV2|1","SyncCompleteV1|99"]}"#]
    );
    let out = answer(&mut engine, acked(204));
    assert_eq!(out[0], SyncOutput::ForgetAcks);
    assert_eq!(outcome(&out), Some(SyncOutcome::Done));
}

#[test]
fn unknown_types_are_skipped_with_one_warning_each_and_acked() {
    let mut engine = reading(500, 10_000);
    let text = line("StackV1", "{\"id\":\"s1\"}", "StackV1|1")
        + &line("StackV1", "{\"id\":\"s2\"}", "StackV1|2")
        + &line("FutureV9", "[]", "FutureV9|1")
        + &line("SyncAckV1", "{}", "AlbumAssetUpdateV2|5")
        + &complete();
    feed(&mut engine, &text, T);
    let out = answer(&mut engine, SyncInput::StreamEnded);
    assert_eq!(commits(&out), 0, "no row, no write");
    assert_eq!(
        sent_acks(&out),
        vec![r#"{"acks":["AlbumAssetUpdateV2|5","FutureV9|1","StackV1|2","SyncCompleteV1|99"]}"#]
    );
    let out = answer(&mut engine, acked(204));
    let warnings: Vec<&String> = out
        .iter()
        .filter_map(|o| match o {
            SyncOutput::Log(LogLevel::Warning, m) => Some(m),
            _ => None,
        })
        .collect();
    assert_eq!(
        warnings,
        vec![
            "Skipped 1 sync lines of unknown type FutureV9",
            "Skipped 2 sync lines of unknown type StackV1"
        ]
    );
    assert_eq!(outcome(&out), Some(SyncOutcome::NothingNew));
}

#[test]
fn acks_refused_are_dropped_acks_failed_wait_for_the_next_sync_and_401_revokes() {
    for (status, forget, expected) in [
        (400, true, SyncOutcome::Done),
        (503, false, SyncOutcome::Done),
        (401, false, SyncOutcome::SessionRevoked),
    ] {
        let mut engine = reading(1, 10_000);
        feed(&mut engine, &(delete(1) + &complete()), T);
        answer(&mut engine, SyncInput::StreamEnded);
        let out = answer(&mut engine, SyncInput::Committed);
        assert_eq!(sent_acks(&out).len(), 1);
        let out = answer(&mut engine, acked(status));
        assert_eq!(
            out.contains(&SyncOutput::ForgetAcks),
            forget,
            "{status}: {out:?}"
        );
        assert!(
            sent_acks(&out).is_empty(),
            "{status}: not sent again in a loop"
        );
        assert_eq!(outcome(&out), Some(expected), "{status}");
    }
}

#[test]
fn acks_held_from_before_a_reset_never_reach_the_server_after_it() {
    let setup = SyncSetup {
        pending_acks: vec!["AssetV2|5".into()],
    };
    let mut engine = SyncEngine::new(setup, SyncConfig::default());
    outputs(&mut engine);
    answer(&mut engine, SyncInput::AcksFailed("offline".into()));
    answer(&mut engine, opened(200));
    let out = feed(
        &mut engine,
        &line("SyncResetV1", "{}", "SyncResetV1|reset"),
        T,
    );
    assert!(out
        .iter()
        .any(|o| matches!(o, SyncOutput::Commit(b) if b.clear_mirror && b.acks.is_empty())));
    answer(&mut engine, SyncInput::Committed);
    answer(&mut engine, opened(200));
    feed(&mut engine, &(delete(1) + &complete()), T);
    let out = answer(&mut engine, SyncInput::StreamEnded);
    let SyncOutput::Commit(batch) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(batch.acks, vec!["AssetDeleteV1|1", "SyncCompleteV1|99"]);
    let out = answer(&mut engine, SyncInput::Committed);
    assert_eq!(
        sent_acks(&out),
        vec![r#"{"acks":["AssetDeleteV1|1","SyncCompleteV1|99"]}"#]
    );
}

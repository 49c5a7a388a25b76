//! A run from start to end: completion, stop, a new run, skipped files, a clock set back.

use super::*;
use crate::core::backup::ItemSource;

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
    assert_eq!(stop.message, "Backed up 1 photo");
    assert_eq!(engine.items()[0].state, ItemState::Done);
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
    let mut engine = Engine::new(setup(run_rows(old, true)), EngineConfig::default(), NOW);
    let outputs = drain(&mut engine);
    assert_eq!(engine.items().len(), 1);
    assert_eq!(engine.counts().total(), 1);
    assert_eq!(hashes(&outputs), vec!["f1".to_owned()]);
}

#[test]
fn a_backup_folders_finished_rows_stay_stored_but_never_join_a_run() {
    for new_run in [true, false] {
        let mut old = files(3);
        for (item, path) in old.iter_mut().zip(["a.jpg", "b.jpg"]) {
            item.state = ItemState::Done;
            item.remote_id = Some(format!("remote-{path}"));
            item.source = ItemSource::Folder {
                folder_id: "camera".into(),
                path: path.into(),
            };
        }
        old[1].source = ItemSource::Stored;
        let stored = run_rows(old, new_run);
        let kept: Vec<&str> = stored.iter().map(|i| i.id.as_str()).collect();
        if new_run {
            assert_eq!(kept, vec!["f0", "f2"], "only the picked file's row goes");
        }
        let setup = RunSetup {
            new_run,
            ..setup(stored.clone())
        };
        let mut engine = Engine::new(setup, EngineConfig::default(), NOW);
        drain(&mut engine);
        let in_run: Vec<&str> = engine.items().iter().map(|i| i.id.as_str()).collect();
        if new_run {
            assert_eq!(in_run, vec!["f2"]);
        } else {
            assert_eq!(
                in_run,
                vec!["f1", "f2"],
                "a run going on counts its picked files"
            );
        }
    }
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
fn a_retry_set_far_ahead_by_a_clock_set_back_is_due() {
    let mut queue = files(1);
    queue[0].state = ItemState::FailedRetryable;
    queue[0].checksum = Some(sum(0));
    queue[0].attempts = 1;
    queue[0].retry_at_ms = Some(NOW + 86_400_000);
    let mut engine = Engine::new(setup(queue), EngineConfig::default(), NOW);
    assert!(upload(&drain(&mut engine)).is_some());
}

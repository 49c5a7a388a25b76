//! Albums: assets join their album in batches, the rest before the run ends; a failure is a
//! warning; a run never ends with an album request unanswered, unless the user stops it.

use super::*;
use crate::core::backup::ALBUM_BATCH;

fn in_album(n: usize, album: &str) -> Vec<QueueItem> {
    let mut rows = files(n);
    for row in &mut rows {
        row.album = Some(album.into());
    }
    rows
}

fn album_requests(outputs: &[Output]) -> Vec<(String, Vec<String>)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::AddToAlbum { name, asset_ids } => Some((name.clone(), asset_ids.clone())),
            _ => None,
        })
        .collect()
}

/// An engine whose one file (in album "Trip") was uploaded: its album request is on its way.
fn adding() -> Engine {
    let mut engine = Engine::new(setup(in_album(1, "Trip")), EngineConfig::default(), NOW);
    drain(&mut engine);
    let request = check(&hashed(&mut engine, 0)).expect("checked");
    let body = r#"{"results":[{"id":"f0","action":"accept"}]}"#;
    let result = reply(200, body);
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result,
        },
        NOW,
    );
    upload(&drain(&mut engine)).expect("sent");
    let result = reply(201, r#"{"id":"a0","status":"created"}"#);
    engine.handle_input(
        Input::UploadReply {
            id: "f0".into(),
            result,
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    assert_eq!(
        album_requests(&outputs),
        [("Trip".into(), vec!["a0".into()])]
    );
    assert_eq!(
        ended(&outputs),
        None,
        "the run waits for the album's answer"
    );
    engine
}

#[test]
fn assets_join_their_album_in_batches_and_the_rest_before_the_end() {
    let mut rows = in_album(250, "Trip");
    rows.extend(in_album(252, "Other").into_iter().skip(250));
    rows.push(QueueItem::new("plain", "IMG_plain.jpg", 1_000, 0, 999));
    let mut engine = Engine::new(setup(rows), EngineConfig::default(), NOW);
    let outputs = run_to_end(&mut engine, |_| Ok(()));
    let requests = album_requests(&outputs);
    let sizes: Vec<(&str, usize)> = requests
        .iter()
        .map(|(name, ids)| (name.as_str(), ids.len()))
        .collect();
    assert_eq!(
        sizes,
        [
            ("Trip", ALBUM_BATCH),
            ("Trip", ALBUM_BATCH),
            ("Other", 2),
            ("Trip", 50)
        ]
    );
    let trip: Vec<&String> = requests
        .iter()
        .filter(|(n, _)| n == "Trip")
        .flat_map(|(_, ids)| ids)
        .collect();
    assert_eq!(trip.len(), 250);
    assert!(trip.iter().all(|id| id.starts_with("a-f")));
    let first_album = outputs
        .iter()
        .position(|o| matches!(o, Output::AddToAlbum { .. }));
    let last_upload = outputs.iter().rposition(|o| matches!(o, Output::Upload(_)));
    assert!(
        first_album < last_upload,
        "a full batch goes while files are still sent"
    );
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::Completed)
    );
    assert!(
        engine.items().iter().all(|i| i.album.is_none()),
        "every row is in its album"
    );
    assert!(texts(&outputs).contains(&"100 files added to the album \"Trip\"".to_owned()));
}

#[test]
fn a_failed_album_request_is_a_warning_and_no_file_fails() {
    let mut engine = Engine::new(setup(in_album(3, "Trip")), EngineConfig::default(), NOW);
    let outputs = run_to_end(&mut engine, |_| Err(format!("HTTP 500: boom {KEY}")));
    assert_eq!(album_requests(&outputs).len(), 1, "tried once in a run");
    let warning = "Could not add 3 files to the album \"Trip\": HTTP 500: boom [redacted]";
    assert!(outputs.contains(&Output::Log(LogLevel::Warning, warning.into())));
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::Completed)
    );
    for item in engine.items() {
        assert_eq!(item.state, ItemState::Done);
        assert_eq!(item.album.as_deref(), Some("Trip"), "kept for the next run");
    }
}

#[test]
fn a_halted_run_ends_once_the_album_request_is_answered() {
    let mut engine = adding();
    let halt = Input::Halt {
        reason: StopReason::Paused,
        message: "Backup paused.".into(),
    };
    engine.handle_input(halt, NOW);
    assert_eq!(ended(&drain(&mut engine)), None);
    let answer = Input::AlbumReply {
        name: "Trip".into(),
        result: Ok(()),
    };
    engine.handle_input(answer, NOW);
    let outputs = drain(&mut engine);
    assert_eq!(ended(&outputs).map(|s| s.reason), Some(StopReason::Paused));
    assert!(outputs
        .iter()
        .any(|o| matches!(o, Output::Persist(rows) if rows[0].album.is_none())));
}

#[test]
fn a_stop_drops_the_album_request_and_the_row_keeps_its_album() {
    let mut engine = adding();
    engine.handle_input(Input::Stop, NOW);
    let outputs = drain(&mut engine);
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::StoppedByUser)
    );
    let late = Input::AlbumReply {
        name: "Trip".into(),
        result: Ok(()),
    };
    engine.handle_input(late, NOW);
    assert_eq!(engine.items()[0].album.as_deref(), Some("Trip"));
    assert!(matches!(engine.poll_output(), Output::Ended(_)));
}

#[test]
fn an_answer_for_another_album_is_ignored() {
    let mut engine = adding();
    let other = Input::AlbumReply {
        name: "Other".into(),
        result: Ok(()),
    };
    engine.handle_input(other, NOW);
    let outputs = drain(&mut engine);
    assert_eq!(ended(&outputs), None);
    assert_eq!(engine.items()[0].album.as_deref(), Some("Trip"));
}

#[test]
fn the_next_run_adds_what_a_killed_or_failed_one_left() {
    let mut rows = in_album(3, "Trip");
    for (i, row) in rows.iter_mut().enumerate() {
        row.state = ItemState::Done;
        row.remote_id = Some(format!("a{}", i % 2));
    }
    rows[2].album = None;
    for new_run in [false, true] {
        let setup = RunSetup {
            new_run,
            ..setup(run_rows(rows.clone(), new_run))
        };
        let mut engine = Engine::new(setup, EngineConfig::default(), NOW);
        let outputs = run_to_end(&mut engine, |_| Ok(()));
        // Two rows of one asset name it once.
        assert_eq!(
            album_requests(&outputs),
            [("Trip".into(), vec!["a0".into(), "a1".into()])]
        );
        assert_eq!(
            ended(&outputs).map(|s| s.reason),
            Some(StopReason::Completed)
        );
        let cleared = outputs
            .iter()
            .any(|o| matches!(o, Output::Persist(rows) if rows.len() == 2));
        // A new run keeps the rows owing their album, and clears it once added.
        assert!(cleared);
    }
}

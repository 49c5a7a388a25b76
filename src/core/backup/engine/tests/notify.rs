//! What the notifications show: the error notification once per streak of failed uploads.

use super::*;

/// Runs one file per status (201: created, anything else: the server's refusal), in order, and
/// returns what the error notification did: "shown: <text>", "closed" (at the end of the run),
/// or "closed, progress shown" (when uploads succeed again mid-run).
fn error_notes(grace: u32, statuses: &[u16]) -> Vec<String> {
    let settings = Settings {
        upload_error_notification_grace_period: grace,
        ..Settings::default()
    };
    let setup = RunSetup {
        settings,
        ..setup(files(statuses.len()))
    };
    let mut engine = Engine::new(setup, EngineConfig::default(), NOW);
    let mut outputs = drain(&mut engine);
    let (mut hash, mut checks, mut uploads) = (Vec::new(), Vec::new(), Vec::new());
    let mut notes = Vec::new();
    // All at nearly the same instant: the pacing of progress would hold back anything paced.
    for step in 0..1_000 {
        hash.extend(hashes(&outputs));
        checks.extend(check(&outputs));
        uploads.extend(upload(&outputs));
        for (i, output) in outputs.iter().enumerate() {
            match output {
                Output::Notify(NotificationKind::Error, p) => {
                    notes.push(format!("shown: {}", p.content))
                }
                Output::CloseNotification(NotificationKind::Error) => {
                    let next = outputs.get(i + 1);
                    let progress = matches!(next, Some(Output::Notify(NotificationKind::TotalProgress, p)) if p.content.starts_with("Uploading photo"));
                    notes.push(
                        if progress {
                            "closed, progress shown"
                        } else {
                            "closed"
                        }
                        .into(),
                    );
                }
                _ => {}
            }
        }
        let now = NOW + step;
        let input = if let Some(request) = uploads.pop() {
            let n: usize = request.id[1..].parse().unwrap();
            let result = match statuses[n] {
                201 => reply(201, &format!(r#"{{"id":"a{n}","status":"created"}}"#)),
                status => reply(status, &format!(r#"{{"message":"bad {n}"}}"#)),
            };
            Input::UploadReply {
                id: request.id,
                result,
            }
        } else if let Some(request) = checks.pop() {
            let results: Vec<String> = request
                .ids
                .iter()
                .map(|id| format!(r#"{{"id":"{id}","action":"accept"}}"#))
                .collect();
            let body = format!(r#"{{"results":[{}]}}"#, results.join(","));
            Input::CheckReply {
                ids: request.ids,
                result: reply(200, &body),
            }
        } else if !hash.is_empty() {
            // the oldest hash first: uploads then go in the files' order
            let id: String = hash.remove(0);
            let n: usize = id[1..].parse().unwrap();
            Input::Hashed {
                id,
                result: Ok(sum(n)),
                on_server: None,
            }
        } else {
            break;
        };
        engine.handle_input(input, now);
        outputs = drain(&mut engine);
    }
    assert!(ended(&outputs).is_some(), "the run ends");
    notes
}

#[test]
fn the_error_notification_shows_once_when_the_grace_period_is_passed() {
    assert_eq!(
        error_notes(2, &[400, 400, 400, 400, 400]),
        vec![
            "shown: 3 uploads failed in a row. Last error: the server refused the file (400): bad 2",
            "closed",
        ]
    );
    assert_eq!(error_notes(2, &[400, 400, 201, 400]), Vec::<String>::new());
}

#[test]
fn with_no_grace_the_first_failure_shows_it() {
    assert_eq!(
        error_notes(0, &[400, 415, 201, 201, 413]),
        vec![
            "shown: 1 upload failed. Last error: the server refused the file (400): bad 0",
            "closed, progress shown",
            "shown: 1 upload failed. Last error: the server refused the file (413): bad 4",
            "closed",
        ]
    );
}

#[test]
fn successes_between_failures_start_a_new_streak() {
    let statuses = [400, 400, 201, 400, 400, 201, 400, 400, 400, 400, 201];
    assert_eq!(
        error_notes(2, &statuses),
        vec![
            "shown: 3 uploads failed in a row. Last error: the server refused the file (400): bad 8",
            "closed, progress shown",
        ]
    );
}

#[test]
fn single_progress_shows_the_hashing_percent_then_sending() {
    let settings = Settings {
        background_backup_single_progress: true,
        ..Settings::default()
    };
    let mut engine = Engine::new(
        RunSetup {
            settings,
            ..setup(files(1))
        },
        EngineConfig::default(),
        NOW,
    );
    let single = |outputs: &[Output]| -> Vec<(String, bool)> {
        outputs
            .iter()
            .filter_map(|o| match o {
                Output::Notify(NotificationKind::SingleProgress, p) => {
                    Some((p.content.clone(), p.indeterminate))
                }
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        single(&drain(&mut engine)),
        vec![("IMG_0.jpg: hashing 0%".to_owned(), false)]
    );
    let hashed = Input::Hashed {
        id: "f0".into(),
        result: Ok(sum(0)),
        on_server: None,
    };
    engine.handle_input(hashed, NOW + 600);
    let request = check(&drain(&mut engine)).unwrap();
    let accepted = Input::CheckReply {
        ids: request.ids,
        result: reply(200, r#"{"results":[{"id":"f0","action":"accept"}]}"#),
    };
    engine.handle_input(accepted, NOW + 1_200);
    assert_eq!(
        single(&drain(&mut engine)),
        vec![("IMG_0.jpg: sending".to_owned(), true)]
    );
}

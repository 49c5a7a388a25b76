//! Large files go by Background Fetch while a page can start it; a run awaits what the browser
//! still carries and sends the file itself when the browser refuses or never reports.

use super::*;
use crate::core::backup::{Carrier, CARRIED_UPLOAD_LIMIT_MS};

const BIG: u64 = 100 << 20;

/// One small and one big file, checked and accepted.
fn accepted() -> Vec<QueueItem> {
    let mut rows = files(2);
    rows[1].size = BIG;
    for (n, row) in rows.iter_mut().enumerate() {
        row.state = ItemState::Uploading;
        row.checksum = Some(sum(n));
    }
    rows
}

fn engine(rows: Vec<QueueItem>, background_fetch: bool, now: i64) -> (Engine, Vec<Output>) {
    let setup = RunSetup {
        background_fetch,
        new_run: false,
        ..setup(rows)
    };
    let mut engine = Engine::new(setup, EngineConfig::default(), now);
    let outputs = drain(&mut engine);
    (engine, outputs)
}

fn created(engine: &mut Engine, id: &str, now: i64) -> Vec<Output> {
    let body = format!(r#"{{"id":"remote-{id}","status":"created"}}"#);
    engine.handle_input(
        Input::UploadReply {
            id: id.into(),
            result: reply(201, &body),
        },
        now,
    );
    drain(engine)
}

#[test]
fn a_big_file_goes_by_background_fetch_and_a_small_one_by_the_worker() {
    let (mut engine, outputs) = engine(accepted(), true, NOW);
    let first = upload(&outputs).expect("an upload");
    assert_eq!((first.id.as_str(), first.carrier), ("f0", Carrier::Worker));
    let outputs = created(&mut engine, "f0", NOW + 10);
    let big = upload(&outputs).expect("the big file");
    assert_eq!(
        (big.id.as_str(), big.carrier, big.size),
        ("f1", Carrier::BackgroundFetch, BIG)
    );
    let row = outputs
        .iter()
        .find_map(|o| match o {
            Output::Persist(rows) => rows.iter().find(|r| r.id == "f1").cloned(),
            _ => None,
        })
        .expect("the row is stored before the fetch starts");
    assert!(row.sending && row.carried_until_ms == Some(NOW + 10 + CARRIED_UPLOAD_LIMIT_MS));
    let outputs = created(&mut engine, "f1", NOW + 20);
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::Completed)
    );
}

#[test]
fn without_a_page_or_with_the_setting_off_the_worker_sends_everything() {
    for (background_fetch, min_mb) in [(false, 64), (true, 0), (true, 101)] {
        let mut rows = accepted();
        rows.remove(0);
        let setup = RunSetup {
            background_fetch,
            settings: Settings {
                background_fetch_min_mb: min_mb,
                ..Settings::default()
            },
            ..setup(rows)
        };
        let mut engine = Engine::new(setup, EngineConfig::default(), NOW);
        let request = upload(&drain(&mut engine)).expect("an upload");
        assert_eq!(
            request.carrier,
            Carrier::Worker,
            "page {background_fetch}, {min_mb} MiB"
        );
    }
}

#[test]
fn a_refused_background_fetch_is_sent_by_the_worker() {
    let mut rows = accepted();
    rows.remove(0);
    let (mut engine, outputs) = engine(rows, true, NOW);
    assert_eq!(
        upload(&outputs).map(|r| r.carrier),
        Some(Carrier::BackgroundFetch)
    );
    engine.handle_input(
        Input::CarrierRefused {
            id: "f1".into(),
            reason: "no page".into(),
        },
        NOW + 5,
    );
    let outputs = drain(&mut engine);
    let again = upload(&outputs).expect("sent again");
    assert_eq!((again.id.as_str(), again.carrier), ("f1", Carrier::Worker));
    assert_eq!(engine.items()[0].attempts, 0, "no attempt spent");
}

#[test]
fn a_new_run_awaits_the_upload_the_browser_still_carries() {
    let mut rows = accepted();
    rows[1].sending = true;
    rows[1].carried_until_ms = Some(NOW + 60_000);
    let (mut engine, outputs) = engine(rows, true, NOW);
    // The small file waits: one upload at a time, and the carried one is on its way.
    assert_eq!(upload(&outputs), None);
    assert!(outputs.contains(&Output::Wait(Some(NOW + 60_000))));
    let row = &engine.items()[1];
    assert_eq!(
        (row.interruptions, row.sending),
        (0, true),
        "not counted as cut off"
    );
    let outputs = created(&mut engine, "f1", NOW + 1_000);
    assert_eq!(upload(&outputs).map(|r| r.id), Some("f0".into()));
    assert_eq!(engine.items()[1].state, ItemState::Done);
}

#[test]
fn a_carried_upload_never_reported_is_sent_again_by_the_worker() {
    let mut rows = accepted();
    rows.remove(0);
    rows[0].sending = true;
    rows[0].carried_until_ms = Some(NOW + 60_000);
    let (mut engine, _) = engine(rows, true, NOW);
    engine.handle_input(Input::Tick, NOW + 60_000);
    let outputs = drain(&mut engine);
    let again = upload(&outputs).expect("sent again");
    assert_eq!((again.id.as_str(), again.carrier), ("f1", Carrier::Worker));
    assert!(texts(&outputs).iter().any(|t| t.contains("never reported")));
}

#[test]
fn a_carried_upload_past_its_limit_counts_as_cut_off_at_start() {
    let mut rows = accepted();
    rows.remove(0);
    rows[0].sending = true;
    rows[0].carried_until_ms = Some(NOW - 1);
    let (engine, outputs) = engine(rows, true, NOW);
    assert_eq!(engine.items()[0].interruptions, 1);
    assert!(upload(&outputs).is_some());
}

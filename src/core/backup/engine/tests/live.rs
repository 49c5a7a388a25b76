//! Live photos: the video goes first, the photo after it with the video's asset id; a photo
//! never waits for what cannot come.

use super::*;

/// `f0` is the photo of `f1`, queued before it.
fn pair() -> Vec<QueueItem> {
    let mut rows = files(2);
    rows[0].live_video = Some("f1".into());
    rows
}

fn accept(engine: &mut Engine, id: &str) -> Vec<Output> {
    let body = format!(r#"{{"results":[{{"id":"{id}","action":"accept"}}]}}"#);
    engine.handle_input(
        Input::CheckReply {
            ids: vec![id.into()],
            result: reply(200, &body),
        },
        NOW,
    );
    drain(engine)
}

fn answer_upload(engine: &mut Engine, id: &str, status: u16, body: &str) -> Vec<Output> {
    let result = reply(status, body);
    engine.handle_input(
        Input::UploadReply {
            id: id.into(),
            result,
        },
        NOW,
    );
    drain(engine)
}

fn linked(request: &UploadRequest) -> Option<&str> {
    request
        .fields
        .iter()
        .find(|(key, _)| *key == "livePhotoVideoId")
        .map(|(_, id)| id.as_str())
}

#[test]
fn the_photo_waits_for_its_video_then_carries_its_asset_id() {
    let mut engine = Engine::new(setup(pair()), EngineConfig::default(), NOW);
    drain(&mut engine);
    let request = check(&hashed(&mut engine, 0)).expect("the photo is checked at once");
    assert_eq!(request.ids, ["f0"]);
    let outputs = accept(&mut engine, "f0");
    assert_eq!(upload(&outputs), None, "the photo waits for its video");
    let request = check(&hashed(&mut engine, 1)).expect("the video is checked");
    let outputs = accept(&mut engine, &request.ids[0]);
    let video = upload(&outputs).expect("the video goes first");
    assert_eq!((video.id.as_str(), linked(&video)), ("f1", None));
    let outputs = answer_upload(&mut engine, "f1", 201, r#"{"id":"a-v","status":"created"}"#);
    let photo = upload(&outputs).expect("then the photo");
    assert_eq!((photo.id.as_str(), linked(&photo)), ("f0", Some("a-v")));
}

#[test]
fn a_video_already_on_the_server_links_its_photo_too() {
    let mut engine = Engine::new(setup(pair()), EngineConfig::default(), NOW);
    let outputs = run_to_end(&mut engine, |_| Ok(()));
    let sent: Vec<UploadRequest> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Upload(request) => Some(request.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 2);
    assert_eq!((sent[0].id.as_str(), sent[1].id.as_str()), ("f1", "f0"));
    assert_eq!(linked(&sent[1]), Some("a-f1"));

    let mut rows = pair();
    rows[1].state = ItemState::Duplicate;
    rows[1].remote_id = Some("a-old".into());
    let mut engine = Engine::new(setup(rows), EngineConfig::default(), NOW);
    let photo = upload(&run_to_end(&mut engine, |_| Ok(()))).expect("the photo is sent");
    assert_eq!(linked(&photo), Some("a-old"));
}

#[test]
fn a_photo_whose_video_failed_goes_on_its_own() {
    let mut engine = Engine::new(setup(pair()), EngineConfig::default(), NOW);
    drain(&mut engine);
    check(&hashed(&mut engine, 0)).expect("checked");
    accept(&mut engine, "f0");
    check(&hashed(&mut engine, 1)).expect("checked");
    upload(&accept(&mut engine, "f1")).expect("the video is sent");
    let outputs = answer_upload(&mut engine, "f1", 400, r#"{"message":"bad video"}"#);
    assert_eq!(engine.items()[1].state, ItemState::FailedPermanent);
    let photo = upload(&outputs).expect("the photo goes anyway");
    assert_eq!((photo.id.as_str(), linked(&photo)), ("f0", None));
}

#[test]
fn a_photo_never_waits_for_what_cannot_come() {
    // A video outside the run, the photo itself, and two rows naming each other.
    let mut rows = files(4);
    rows[0].live_video = Some("not-queued".into());
    rows[1].live_video = Some("f1".into());
    rows[2].live_video = Some("f3".into());
    rows[3].live_video = Some("f2".into());
    let mut engine = Engine::new(setup(rows), EngineConfig::default(), NOW);
    let outputs = run_to_end(&mut engine, |_| Ok(()));
    assert_eq!(
        ended(&outputs).map(|s| s.reason),
        Some(StopReason::Completed)
    );
    assert!(engine.items().iter().all(|i| i.state == ItemState::Done));
}

#[test]
fn a_new_run_keeps_the_finished_video_of_a_photo_still_to_send() {
    let mut rows = pair();
    rows[1].state = ItemState::Done;
    rows[1].remote_id = Some("a-v".into());
    rows[0].state = ItemState::Uploading;
    rows[0].checksum = Some(sum(0));
    let mut done = QueueItem::new("f2", "IMG_2.jpg", 1_000, 0, 2);
    done.state = ItemState::Done;
    done.remote_id = Some("a-2".into());
    rows.push(done);
    let kept = run_rows(rows, true);
    let ids: Vec<&str> = kept.iter().map(|row| row.id.as_str()).collect();
    assert_eq!(
        ids,
        ["f0", "f1"],
        "the finished video stays, the other file goes"
    );
    let mut engine = Engine::new(setup(kept), EngineConfig::default(), NOW);
    let outputs = drain(&mut engine);
    let photo = upload(&outputs).expect("the photo is sent");
    assert_eq!(linked(&photo), Some("a-v"));
}

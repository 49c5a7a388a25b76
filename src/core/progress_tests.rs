use super::*;
use crate::core::backup::{ItemState, QueueCounts, QueueItem};

fn items(states: &[ItemState]) -> Vec<QueueItem> {
    states
        .iter()
        .enumerate()
        .map(|(i, &state)| {
            let mut item = QueueItem::new(format!("id{i}"), "f.jpg", 1, 0, 0);
            item.state = state;
            item
        })
        .collect()
}

fn state(total: u32, completed: u32, failed: u32) -> UploadState {
    UploadState {
        total_count: total,
        completed_count: completed,
        failed_count: failed,
        skipped_count: 0,
        current_file: Some("IMG_0042.HEIC".into()),
        current_progress: Some(41.6),
    }
}

fn with(change: impl FnOnce(&mut Settings)) -> Settings {
    let mut settings = Settings::default();
    change(&mut settings);
    settings
}

#[test]
fn upload_state_counts() {
    use ItemState::*;
    let items = items(&[
        Pending,
        Hashing,
        Checking,
        Uploading,
        Done,
        Duplicate,
        Done,
        FailedRetryable,
        FailedPermanent,
    ]);
    let state = QueueCounts::of(&items).upload_state(Some("a.jpg".into()), Some(50.0));
    assert_eq!(
        state,
        UploadState {
            total_count: 9,
            completed_count: 3,
            failed_count: 1,
            skipped_count: 0,
            current_file: Some("a.jpg".into()),
            current_progress: Some(50.0),
        }
    );
    assert_eq!(
        QueueCounts::default().upload_state(None, None).total_count,
        0
    );
}

#[test]
fn upload_state_json_shape() {
    let json = serde_json::to_value(QueueCounts::default().upload_state(None, None)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"totalCount": 0, "completedCount": 0, "failedCount": 0,
            "skippedCount": 0, "currentFile": null, "currentProgress": null})
    );
}

#[test]
fn total_progress_renders_numbers_in_text() {
    let payload = total_progress_notification(&state(100, 3, 1), &Settings::default()).unwrap();
    assert_eq!(payload.title, "Backing up your photos");
    assert_eq!(payload.content, "Uploading photo 5 of 100");
    assert_eq!((payload.progress, payload.max), (4, 100));
    assert!(!payload.indeterminate && !payload.is_detail);
}

#[test]
fn total_progress_caps_the_current_photo_at_the_total() {
    let payload = total_progress_notification(&state(20, 19, 1), &Settings::default()).unwrap();
    assert_eq!(payload.content, "Uploading photo 20 of 20");
    assert_eq!((payload.progress, payload.max), (20, 20));
    let empty = total_progress_notification(&state(0, 0, 0), &Settings::default()).unwrap();
    assert_eq!(empty.content, "Uploading photo 0 of 0");
    assert!(empty.indeterminate);
}

#[test]
fn total_progress_honours_the_setting() {
    let off = with(|s| s.background_backup_total_progress = false);
    assert_eq!(total_progress_notification(&state(10, 1, 0), &off), None);
}

#[test]
fn single_progress_is_off_by_default() {
    assert_eq!(
        single_progress_notification(&state(10, 1, 0), Phase::Hashing, &Settings::default()),
        None
    );
}

#[test]
fn single_progress_renders_the_hashing_percentage() {
    let on = with(|s| s.background_backup_single_progress = true);
    let payload = single_progress_notification(&state(10, 1, 0), Phase::Hashing, &on).unwrap();
    assert_eq!(payload.content, "IMG_0042.HEIC: hashing 42%");
    assert_eq!((payload.progress, payload.max), (42, 100));
    assert!(payload.is_detail && !payload.indeterminate);
}

#[test]
fn single_progress_while_sending_is_indeterminate_whatever_the_percent() {
    let on = with(|s| s.background_backup_single_progress = true);
    let payload = single_progress_notification(&state(10, 1, 0), Phase::Uploading, &on).unwrap();
    assert_eq!(payload.content, "IMG_0042.HEIC: sending");
    assert_eq!(payload.progress, 0);
    assert!(payload.indeterminate, "never a made-up percent");
    for phase in [Phase::Checking, Phase::Waiting, Phase::Idle] {
        assert_eq!(
            single_progress_notification(&state(10, 1, 0), phase, &on),
            None,
            "{phase:?}: no file in flight"
        );
    }
}

#[test]
fn single_progress_indeterminate_and_odd_values() {
    let on = with(|s| s.background_backup_single_progress = true);
    let show = |current: &UploadState| single_progress_notification(current, Phase::Hashing, &on);
    let mut current = state(10, 1, 0);
    current.current_progress = None;
    let payload = show(&current).unwrap();
    assert_eq!(payload.content, "IMG_0042.HEIC: hashing");
    assert!(payload.indeterminate);

    current.current_progress = Some(f64::NAN);
    assert!(show(&current).unwrap().indeterminate);
    current.current_progress = Some(250.0);
    assert_eq!(
        show(&current).unwrap().content,
        "IMG_0042.HEIC: hashing 100%"
    );

    current.current_file = None;
    assert_eq!(show(&current), None);
}

#[test]
fn error_waits_out_the_grace_period() {
    let settings = Settings::default(); // grace period 2
    assert_eq!(error_notification(0, "timeout", &settings), None);
    assert_eq!(error_notification(2, "timeout", &settings), None);
    let payload = error_notification(3, "timeout", &settings).unwrap();
    assert_eq!(payload.title, "Backup error");
    assert_eq!(
        payload.content,
        "3 uploads failed in a row. Last error: timeout"
    );

    let no_grace = with(|s| s.upload_error_notification_grace_period = 0);
    assert_eq!(
        error_notification(1, "x", &no_grace).unwrap().content,
        "1 upload failed. Last error: x"
    );
    assert_eq!(error_notification(0, "x", &no_grace), None);
}

#[test]
fn finished_summary() {
    let payload = finished_notification(&state(100, 97, 3));
    assert_eq!(payload.content, "Backed up 97 photos, 3 failed");
    assert_eq!((payload.progress, payload.max), (100, 100));
    assert_eq!(
        finished_notification(&state(1, 1, 0)).content,
        "Backed up 1 photo"
    );
    assert_eq!(
        finished_notification(&state(0, 0, 0)).content,
        "Backed up 0 photos"
    );
    let mut skipped = state(5, 3, 1);
    skipped.skipped_count = 1;
    assert_eq!(
        finished_notification(&skipped).content,
        "Backed up 3 photos, 1 failed, 1 skipped"
    );
}

#[test]
fn tags_and_payload_json_shape() {
    assert_eq!(NotificationKind::TotalProgress.tag(), "immich-backup-total");
    assert_eq!(
        NotificationKind::SingleProgress.tag(),
        "immich-backup-single"
    );
    assert_eq!(NotificationKind::Error.tag(), "immich-backup-error");
    assert_eq!(
        serde_json::to_value(NotificationKind::SingleProgress).unwrap(),
        serde_json::json!("singleProgress")
    );
    let json = serde_json::to_value(finished_notification(&state(2, 2, 0))).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"title": "Immich", "content": "Backed up 2 photos",
            "progress": 2, "max": 2, "indeterminate": false, "isDetail": false})
    );
}

#[test]
fn percent_of_a_file() {
    assert_eq!(percent(0, 0), 100.0);
    assert_eq!(percent(0, 200), 0.0);
    assert_eq!(percent(50, 200), 25.0);
    assert_eq!(percent(300, 200), 100.0);
}

#[test]
fn throttle_lets_one_notification_through_per_interval() {
    let mut throttle = Throttle::new(500);
    assert!(throttle.allow(1_000), "the first one is shown");
    assert!(!throttle.allow(1_200));
    assert!(!throttle.allow(1_499));
    assert!(throttle.allow(1_500));
    assert!(!throttle.allow(1_600));
    assert!(
        throttle.allow(900),
        "a clock that went back does not silence it"
    );
}

#[test]
fn pacer_reports_large_files_always_and_small_files_sparingly() {
    let mut pacer = ReportPacer::default();
    assert!(pacer.hashing_report_due(false, 0));
    assert!(!pacer.hashing_report_due(false, 50));
    assert!(pacer.hashing_report_due(true, 60), "a step of a large file");
    assert!(pacer.hashing_report_due(false, 100));
    assert!(pacer.notification_due(0));
    assert!(!pacer.notification_due(499));
    assert!(pacer.notification_due(500));
    pacer.notification_shown(800);
    assert!(
        !pacer.notification_due(1_000),
        "counted from the one shown unasked"
    );
    assert!(pacer.notification_due(1_300));
}

#[test]
fn badge_counts_the_files_still_waiting_in_four_characters() {
    let badge = |total, completed, failed, skipped| {
        let mut s = state(total, completed, failed);
        s.skipped_count = skipped;
        s.badge_text()
    };
    assert_eq!(
        badge(10, 4, 1, 1),
        "4",
        "done, failed and skipped files do not wait"
    );
    assert_eq!(badge(10, 7, 2, 1), "", "no badge once none wait");
    assert_eq!(badge(1_000, 1, 0, 0), "999");
    assert_eq!(badge(1_000, 0, 0, 0), "1k");
    assert_eq!(badge(100_000, 1, 0, 0), "99k");
    assert_eq!(badge(100_000, 0, 0, 0), "99k+");
    assert_eq!(
        badge(3, 5, 0, 0),
        "",
        "counts past the total are no negative"
    );
}

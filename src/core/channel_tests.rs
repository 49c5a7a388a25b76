use super::*;
use serde_json::json;

fn round_trip(message: ChannelMessage, wire: Value) {
    assert_eq!(message.to_json(), wire, "{message:?}");
    assert_eq!(ChannelMessage::from_json(&wire).unwrap(), message);
}

fn progress() -> ProgressUpdate {
    ProgressUpdate {
        state: UploadState {
            total_count: 100,
            completed_count: 4,
            failed_count: 0,
            skipped_count: 0,
            current_file: Some("IMG_1.jpg".into()),
            current_progress: None,
        },
        notification: Some(NotificationPayload {
            title: "Backing up your photos".into(),
            content: "Uploading photo 5 of 100".into(),
            progress: 4,
            max: 100,
            indeterminate: false,
            is_detail: false,
        }),
        phase: Phase::Uploading,
        file_bytes_done: Some(512),
        file_bytes_total: Some(2048),
        notice: None,
    }
}

#[test]
fn methods_without_args() {
    round_trip(
        ChannelMessage::Initialized,
        json!({"method": "initialized"}),
    );
    round_trip(ChannelMessage::Start, json!({"method": "start"}));
    round_trip(ChannelMessage::Stop, json!({"method": "stop"}));
    round_trip(
        ChannelMessage::UpdateNotification(None),
        json!({"method": "updateNotification"}),
    );
}

#[test]
fn sync_messages_wire_shape() {
    round_trip(ChannelMessage::SyncNow, json!({"method": "syncNow"}));
    round_trip(
        ChannelMessage::LibraryChanged,
        json!({"method": "libraryChanged"}),
    );
    round_trip(
        ChannelMessage::SyncState(SyncStatus {
            syncing: false,
            message: "Library up to date".into(),
            failed: false,
        }),
        json!({"method": "syncState", "args": {"syncing": false,
            "message": "Library up to date", "failed": false}}),
    );
    round_trip(
        ChannelMessage::LiveState(LiveStatus {
            live: true,
            message: "on".into(),
        }),
        json!({"method": "liveState", "args": {"live": true, "message": "on"}}),
    );
}

#[test]
fn null_args_are_accepted() {
    for method in ["initialized", "start", "stop", "updateNotification"] {
        let wire = json!({"method": method, "args": null});
        assert!(ChannelMessage::from_json(&wire).is_ok(), "{wire}");
    }
    assert_eq!(
        ChannelMessage::from_json(&json!({"method": "updateNotification", "args": null})).unwrap(),
        ChannelMessage::UpdateNotification(None)
    );
}

#[test]
fn system_stop_wire_shape() {
    round_trip(
        ChannelMessage::SystemStop(SystemStop {
            reason: StopReason::Completed,
            message: "Backup complete: 3 photos".into(),
        }),
        json!({"method": "systemStop", "args": {"reason": "completed", "message": "Backup complete: 3 photos"}}),
    );
    for (reason, wire) in [
        (StopReason::StoppedByUser, "stoppedByUser"),
        (StopReason::Unauthorized, "unauthorized"),
        (StopReason::ServerUnreachable, "serverUnreachable"),
        (StopReason::Failed, "failed"),
    ] {
        let message = ChannelMessage::SystemStop(SystemStop {
            reason,
            message: String::new(),
        });
        assert_eq!(message.to_json()["args"]["reason"], json!(wire));
    }
}

#[test]
fn update_notification_with_state() {
    round_trip(
        ChannelMessage::UpdateNotification(Some(progress())),
        json!({"method": "updateNotification", "args": {
            "state": {"totalCount": 100, "completedCount": 4, "failedCount": 0, "skippedCount": 0,
                      "currentFile": "IMG_1.jpg", "currentProgress": null},
            "notification": {"title": "Backing up your photos", "content": "Uploading photo 5 of 100",
                             "progress": 4, "max": 100, "indeterminate": false, "isDetail": false},
            "phase": "uploading", "fileBytesDone": 512, "fileBytesTotal": 2048, "notice": null,
        }}),
    );
    let idle = ProgressUpdate {
        phase: Phase::Idle,
        notification: None,
        ..progress()
    };
    let wire = ChannelMessage::UpdateNotification(Some(idle.clone())).to_json();
    assert_eq!(wire["args"]["phase"], json!("idle"));
    assert_eq!(wire["args"]["notification"], Value::Null);
    assert_eq!(
        ChannelMessage::from_json(&wire).unwrap(),
        ChannelMessage::UpdateNotification(Some(idle))
    );
}

#[test]
fn malformed_input_is_an_error() {
    for wire in [
        json!(null),
        json!("start"),
        json!([]),
        json!({}),
        json!({"method": 3}),
        json!({"method": "explode"}),
        json!({"method": "Start"}),
        json!({"args": {}}),
        json!({"method": "systemStop"}),
        json!({"method": "systemStop", "args": {"reason": "bored", "message": ""}}),
        json!({"method": "systemStop", "args": {"reason": "completed"}}),
        json!({"method": "updateNotification", "args": {"state": 1}}),
        json!({"method": "updateNotification", "args": {"phase": "idle"}}),
    ] {
        let err = ChannelMessage::from_json(&wire).unwrap_err();
        assert!(
            err.to_string().starts_with("not a channel message: "),
            "{wire}: {err}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn any_json_parses_or_errs_without_panic(value in crate::core::test_json::any_json()) {
        if let Ok(message) = ChannelMessage::from_json(&value) {
            proptest::prop_assert_eq!(ChannelMessage::from_json(&message.to_json()), Ok(message));
        }
    }
}

#[test]
fn only_interrupted_runs_resume_on_wake() {
    assert!(StopReason::ServerUnreachable.resumes_on_wake());
    assert!(StopReason::Failed.resumes_on_wake());
    assert!(!StopReason::Completed.resumes_on_wake());
    assert!(!StopReason::StoppedByUser.resumes_on_wake());
    assert!(!StopReason::Unauthorized.resumes_on_wake());
}

use super::*;

const NOW: i64 = 1_000_000;
const SUM: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";

/// An item in `state` with the fields that state implies; FailedRetryable is due at NOW.
fn item_in(state: ItemState) -> QueueItem {
    let mut item = QueueItem::new("a1", "IMG_1.jpg", 1234, 5, 10);
    item.state = state;
    if !matches!(state, ItemState::Pending | ItemState::Hashing) {
        item.checksum = Some(SUM.into());
    }
    if matches!(state, ItemState::Done | ItemState::Duplicate) {
        item.remote_id = Some("r1".into());
    }
    if state == ItemState::FailedRetryable {
        item.attempts = 1;
        item.retry_at_ms = Some(NOW);
        item.last_error = Some("timeout".into());
    }
    item
}

/// Runs `transition` on an item in every state: Ok only in `allowed`, and a refusal names the
/// state and leaves the item untouched.
fn check_only_allowed_from<T: std::fmt::Debug>(
    allowed: &[ItemState],
    mut transition: impl FnMut(&mut QueueItem) -> Result<T, TransitionError>,
) {
    for state in ItemState::ALL {
        let mut item = item_in(state);
        let before = item.clone();
        match transition(&mut item) {
            Ok(_) => assert!(allowed.contains(&state), "{state:?} should be refused"),
            Err(TransitionError::Unknown) => panic!("an item always knows itself"),
            Err(TransitionError::Invalid { from, .. }) => {
                assert!(!allowed.contains(&state), "{state:?} should be allowed");
                assert_eq!(from, state);
                assert_eq!(item, before, "a refused transition changed the item");
            }
        }
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
}

#[test]
fn new_item_is_pending_and_empty() {
    let item = QueueItem::new("id", "name.jpg", 9, 1, 2);
    assert_eq!(item.state, ItemState::Pending);
    assert_eq!(
        (item.attempts, item.checksum, item.remote_id),
        (0, None, None)
    );
    assert_eq!((item.last_error, item.retry_at_ms), (None, None));
}

#[test]
fn finished_states() {
    let finished: Vec<ItemState> = ItemState::ALL
        .into_iter()
        .filter(|s| s.is_finished())
        .collect();
    assert_eq!(
        finished,
        vec![
            ItemState::Done,
            ItemState::Duplicate,
            ItemState::FailedPermanent,
            ItemState::Skipped
        ]
    );
}

#[test]
fn item_json_shape() {
    let json = serde_json::to_value(item_in(ItemState::FailedRetryable)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "id": "a1", "name": "IMG_1.jpg", "size": 1234, "modifiedAtMs": 5, "queuedAtMs": 10,
            "state": "failedRetryable", "attempts": 1, "checksum": SUM,
            "lastError": "timeout", "retryAtMs": NOW,
        }),
        "what is zero or unset is left out"
    );
    let back: QueueItem = serde_json::from_value(json).unwrap();
    assert_eq!(back, item_in(ItemState::FailedRetryable));
    let mut full = item_in(ItemState::Uploading);
    full.sending = true;
    full.interruptions = 2;
    full.carried_until_ms = Some(NOW);
    full.source = ItemSource::Folder {
        folder_id: "d".into(),
        path: "a/IMG_1.jpg".into(),
    };
    full.live_video = Some("v".into());
    full.sidecar = Some("a/IMG_1.xmp".into());
    full.album = Some("Trip".into());
    full.remote_id = Some("r".into());
    let back: QueueItem = serde_json::from_value(serde_json::to_value(&full).unwrap()).unwrap();
    assert_eq!(back, full, "every field set comes back");
}

#[test]
fn a_row_stored_before_the_fields_were_left_out_still_reads() {
    let old = serde_json::json!({
        "id": "a1", "name": "IMG_1.jpg", "size": 1234, "modifiedAtMs": 5, "queuedAtMs": 10,
        "state": "failedRetryable", "attempts": 1, "checksum": SUM, "remoteId": null,
        "lastError": "timeout", "retryAtMs": NOW, "sending": false, "interruptions": 0,
    });
    let back: QueueItem = serde_json::from_value(old).unwrap();
    assert_eq!(back, item_in(ItemState::FailedRetryable));
}

#[test]
fn begin_hash_from_pending_hashing_or_due_retry() {
    check_only_allowed_from(
        &[
            ItemState::Pending,
            ItemState::Hashing,
            ItemState::FailedRetryable,
        ],
        |item| item.begin_hash(NOW, &policy()),
    );
    let mut item = item_in(ItemState::FailedRetryable);
    item.begin_hash(NOW, &policy()).unwrap();
    assert_eq!((item.state, item.retry_at_ms), (ItemState::Hashing, None));
}

#[test]
fn begin_hash_refuses_a_retry_not_yet_due() {
    let mut item = item_in(ItemState::FailedRetryable);
    let before = item.clone();
    let err = item.begin_hash(NOW - 1, &policy()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot begin hashing an item that is FailedRetryable"
    );
    assert_eq!(item, before);
}

#[test]
fn hashed_moves_to_checking_with_checksum() {
    check_only_allowed_from(&[ItemState::Hashing], |item| item.hashed(SUM.into()));
    let mut item = item_in(ItemState::Hashing);
    item.hashed(SUM.into()).unwrap();
    assert_eq!(
        (item.state, item.checksum.as_deref()),
        (ItemState::Checking, Some(SUM))
    );
}

#[test]
fn unreadable_is_permanent() {
    check_only_allowed_from(&[ItemState::Hashing, ItemState::Uploading], |item| {
        item.unreadable("gone".into())
    });
    let mut item = item_in(ItemState::Hashing);
    item.unreadable("NotFoundError".into()).unwrap();
    assert_eq!(item.state, ItemState::FailedPermanent);
    assert_eq!(item.last_error.as_deref(), Some("NotFoundError"));
}

#[test]
fn checked_verdicts() {
    check_only_allowed_from(&[ItemState::Checking], |item| {
        item.checked(CheckVerdict::Accept)
    });
    let mut accepted = item_in(ItemState::Checking);
    accepted.checked(CheckVerdict::Accept).unwrap();
    assert_eq!(accepted.state, ItemState::Uploading);

    let mut duplicate = item_in(ItemState::Checking);
    duplicate
        .checked(CheckVerdict::Duplicate {
            remote_id: "r9".into(),
        })
        .unwrap();
    assert_eq!(
        (duplicate.state, duplicate.remote_id.as_deref()),
        (ItemState::Duplicate, Some("r9"))
    );

    let mut unsupported = item_in(ItemState::Checking);
    unsupported
        .checked(CheckVerdict::Unsupported {
            reason: "unsupported-format".into(),
        })
        .unwrap();
    assert_eq!(unsupported.state, ItemState::FailedPermanent);
    assert_eq!(
        unsupported.last_error.as_deref(),
        Some("unsupported-format")
    );
}

#[test]
fn begin_upload_only_from_uploading_and_marks_it_sending() {
    check_only_allowed_from(&[ItemState::Uploading], |item| item.begin_upload());
    let mut item = item_in(ItemState::Uploading);
    item.begin_upload().unwrap();
    let mut sending = item_in(ItemState::Uploading);
    sending.sending = true;
    assert_eq!(item, sending);
    item.upload_unanswered().unwrap();
    assert_eq!(item, item_in(ItemState::Uploading), "no attempt counted");
    check_only_allowed_from(&[ItemState::Uploading], |item| item.upload_unanswered());
}

#[test]
fn upload_finished_only_from_uploading() {
    check_only_allowed_from(&[ItemState::Uploading], |item| {
        item.upload_finished(
            UploadOutcome::Created {
                remote_id: "r".into(),
            },
            NOW,
            &policy(),
        )
    });
}

#[test]
fn upload_created_and_duplicate() {
    let mut item = item_in(ItemState::Uploading);
    item.last_error = Some("earlier timeout".into());
    let control = item
        .upload_finished(
            UploadOutcome::Created {
                remote_id: "r2".into(),
            },
            NOW,
            &policy(),
        )
        .unwrap();
    assert_eq!(control, RunControl::Continue);
    assert_eq!(
        (item.state, item.remote_id.as_deref()),
        (ItemState::Done, Some("r2"))
    );
    assert_eq!((item.attempts, item.last_error), (1, None));

    let mut item = item_in(ItemState::Uploading);
    item.upload_finished(
        UploadOutcome::Duplicate {
            remote_id: "r3".into(),
        },
        NOW,
        &policy(),
    )
    .unwrap();
    assert_eq!(
        (item.state, item.remote_id.as_deref()),
        (ItemState::Duplicate, Some("r3"))
    );
}

#[test]
fn upload_unauthorized_consumes_nothing_and_stops() {
    let mut item = item_in(ItemState::Uploading);
    item.attempts = 3;
    let before = item.clone();
    item.begin_upload().unwrap();
    let control = item
        .upload_finished(UploadOutcome::Unauthorized, NOW, &policy())
        .unwrap();
    assert_eq!(control, RunControl::StopUnauthorized);
    assert_eq!(item, before);
}

#[test]
fn upload_rejected_is_permanent() {
    let mut item = item_in(ItemState::Uploading);
    let outcome = UploadOutcome::Rejected {
        status: 400,
        message: "bad file".into(),
    };
    item.upload_finished(outcome, NOW, &policy()).unwrap();
    assert_eq!(item.state, ItemState::FailedPermanent);
    assert_eq!(
        item.last_error.as_deref(),
        Some("the server refused the file (400): bad file")
    );
    assert_eq!(item.attempts, 1);
}

#[test]
fn upload_retryable_waits_with_backoff() {
    let mut item = item_in(ItemState::Uploading);
    let outcome = UploadOutcome::Retryable {
        message: "503".into(),
    };
    item.upload_finished(outcome, NOW, &policy()).unwrap();
    assert_eq!(item.state, ItemState::FailedRetryable);
    assert_eq!(item.retry_at_ms, Some(NOW + 2_000));
    assert_eq!(
        (item.attempts, item.last_error.as_deref()),
        (1, Some("503"))
    );
}

#[test]
fn upload_retryable_gives_up_after_max_attempts() {
    let policy = RetryPolicy {
        max_attempts: 3,
        ..policy()
    };
    let mut item = item_in(ItemState::Uploading);
    let mut now = NOW;
    // Two waits of 2 s and 4 s, then the third failure is the last.
    for expected_wait in [Some(2_000), Some(4_000), None] {
        item.begin_upload().unwrap();
        item.upload_finished(
            UploadOutcome::Retryable {
                message: "timeout".into(),
            },
            now,
            &policy,
        )
        .unwrap();
        let Some(wait) = expected_wait else { break };
        assert_eq!(item.retry_at_ms, Some(now + wait));
        now += wait;
        assert!(item.retry_due(now, &policy).unwrap());
    }
    assert_eq!(item.state, ItemState::FailedPermanent);
    assert_eq!(item.attempts, 3);
    assert_eq!(
        item.last_error.as_deref(),
        Some("gave up after 3 attempts: timeout")
    );
}

#[test]
fn zero_max_attempts_still_tries_once() {
    let policy = RetryPolicy {
        max_attempts: 0,
        ..policy()
    };
    let mut item = item_in(ItemState::Uploading);
    item.upload_finished(
        UploadOutcome::Retryable {
            message: "x".into(),
        },
        NOW,
        &policy,
    )
    .unwrap();
    assert_eq!((item.state, item.attempts), (ItemState::FailedPermanent, 1));
}

#[test]
fn full_happy_path() {
    let mut item = QueueItem::new("a", "a.jpg", 3, 0, 0);
    item.begin_hash(NOW, &policy()).unwrap();
    item.hashed(SUM.into()).unwrap();
    item.checked(CheckVerdict::Accept).unwrap();
    item.begin_upload().unwrap();
    item.upload_finished(
        UploadOutcome::Created {
            remote_id: "r".into(),
        },
        NOW,
        &policy(),
    )
    .unwrap();
    assert_eq!(item.state, ItemState::Done);
    let err = item.begin_hash(NOW, &policy()).unwrap_err();
    assert_eq!(err.to_string(), "cannot begin hashing an item that is Done");
}

mod recovery;

#[test]
fn retry_failed_starts_a_failed_file_over_and_leaves_others_alone() {
    let mut failed = item_in(ItemState::FailedPermanent);
    failed.attempts = 5;
    failed.interruptions = 3;
    failed.checksum = Some("ab".into());
    failed.last_error = Some("unsupported-format".into());
    assert!(failed.retry_failed());
    assert_eq!(failed.state, ItemState::Pending);
    assert_eq!((failed.attempts, failed.interruptions), (0, 0));
    assert_eq!((failed.checksum, failed.last_error), (None, None));
    for state in [ItemState::Done, ItemState::Pending, ItemState::Skipped] {
        let mut item = item_in(state);
        let before = item.clone();
        assert!(!item.retry_failed());
        assert_eq!(item, before);
    }
}

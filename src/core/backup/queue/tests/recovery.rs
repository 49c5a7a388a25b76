//! Rows read back after a kill or an upgrade, and the waits and retries that follow.

use super::*;

#[test]
fn an_old_row_without_the_new_fields_still_reads() {
    let json = serde_json::json!({
        "id": "a1", "name": "IMG_1.jpg", "size": 1234, "modifiedAtMs": 5, "queuedAtMs": 10,
        "state": "uploading", "attempts": 0, "checksum": SUM, "remoteId": null,
        "lastError": null, "retryAtMs": null,
    });
    let item: QueueItem = serde_json::from_value(json).unwrap();
    assert_eq!(item, item_in(ItemState::Uploading));
}

#[test]
fn empty_pending_files_are_skipped() {
    let mut empty = QueueItem::new("e", "empty.jpg", 0, 0, 0);
    assert!(empty.skip_if_empty());
    assert_eq!(empty.state, ItemState::Skipped);
    assert_eq!(empty.last_error.as_deref(), Some(EMPTY_FILE));
    assert!(!empty.skip_if_empty(), "only once");
    let mut full = QueueItem::new("f", "full.jpg", 1, 0, 0);
    assert!(!full.skip_if_empty());
    assert_eq!(full.state, ItemState::Pending);
}

#[test]
fn a_finished_row_is_never_replaced_by_an_unfinished_one() {
    for stored in ItemState::ALL {
        for new in ItemState::ALL {
            let allowed = item_in(new).may_replace(&item_in(stored));
            assert_eq!(
                allowed,
                new.is_finished() || !stored.is_finished(),
                "{new:?} over {stored:?}"
            );
        }
    }
}

#[test]
fn recover_interrupted_resets_only_hashing() {
    for state in ItemState::ALL {
        let mut item = item_in(state);
        item.recover_interrupted(3);
        let expected = if state == ItemState::Hashing {
            ItemState::Pending
        } else {
            state
        };
        assert_eq!(item.state, expected);
        let mut unchanged = item_in(state);
        unchanged.state = expected;
        assert_eq!(item, unchanged, "only the state may change");
    }
}

#[test]
fn an_upload_cut_off_too_often_fails_with_its_reason() {
    let mut item = item_in(ItemState::Uploading);
    for cut in 1..=2 {
        item.begin_upload().unwrap();
        item.recover_interrupted(3);
        assert_eq!(
            (item.state, item.interruptions, item.sending),
            (ItemState::Uploading, cut, false)
        );
    }
    item.recover_interrupted(3);
    assert_eq!(item.interruptions, 2, "a row not sending was not cut off");
    item.begin_upload().unwrap();
    item.recover_interrupted(3);
    assert_eq!(item.state, ItemState::FailedPermanent);
    assert_eq!(item.last_error.as_deref(), Some(INTERRUPTED_TOO_OFTEN));
    assert_eq!(item.attempts, 0, "no answer, no attempt");
}

#[test]
fn a_retry_wait_longer_than_any_backoff_is_due_at_once() {
    let mut item = item_in(ItemState::FailedRetryable);
    item.retry_at_ms = Some(NOW + 86_400_000);
    assert_eq!(item.retry_due(NOW, &policy()), Ok(true));
}

#[test]
fn retry_due_only_from_failed_retryable() {
    check_only_allowed_from(&[ItemState::FailedRetryable], |item| {
        item.retry_due(NOW, &policy())
    });
}

#[test]
fn retry_due_with_checksum_goes_back_to_uploading() {
    let mut item = item_in(ItemState::FailedRetryable);
    assert_eq!(item.retry_due(NOW - 1, &policy()), Ok(false));
    assert_eq!(item, item_in(ItemState::FailedRetryable));
    assert_eq!(item.retry_due(NOW, &policy()), Ok(true));
    assert_eq!(
        (item.state, item.retry_at_ms, item.attempts),
        (ItemState::Uploading, None, 1)
    );
}

#[test]
fn retry_due_without_checksum_goes_back_to_pending() {
    let mut item = item_in(ItemState::FailedRetryable);
    item.checksum = None;
    assert_eq!(item.retry_due(NOW + 1, &policy()), Ok(true));
    assert_eq!(item.state, ItemState::Pending);
}

//! Property tests of one item's state machine under any sequence of events.

use proptest::prelude::*;

use super::*;

const START_MS: i64 = 1_700_000_000_000;

#[derive(Clone, Debug)]
enum Event {
    BeginHash(usize),
    Hashed(usize),
    HashFailed(usize),
    Checked(usize, CheckVerdict),
    BeginUpload(usize),
    UploadFinished(usize, UploadOutcome),
    RetryDue(usize),
    RecoverInterrupted,
    Advance(i64),
}

fn verdict() -> impl Strategy<Value = CheckVerdict> {
    prop_oneof![
        Just(CheckVerdict::Accept),
        "[a-z0-9]{1,8}".prop_map(|remote_id| CheckVerdict::Duplicate { remote_id }),
        Just(CheckVerdict::Unsupported {
            reason: "unsupported-format".into()
        }),
    ]
}

fn outcome() -> impl Strategy<Value = UploadOutcome> {
    prop_oneof![
        "[a-z0-9]{1,8}".prop_map(|remote_id| UploadOutcome::Created { remote_id }),
        "[a-z0-9]{1,8}".prop_map(|remote_id| UploadOutcome::Duplicate { remote_id }),
        Just(UploadOutcome::Unauthorized),
        (400u16..500).prop_map(|status| UploadOutcome::Rejected {
            status,
            message: "no".into()
        }),
        Just(UploadOutcome::Retryable {
            message: "timeout".into()
        }),
    ]
}

fn event(items: usize) -> impl Strategy<Value = Event> {
    let i = 0..items;
    prop_oneof![
        i.clone().prop_map(Event::BeginHash),
        i.clone().prop_map(Event::Hashed),
        i.clone().prop_map(Event::HashFailed),
        (i.clone(), verdict()).prop_map(|(i, v)| Event::Checked(i, v)),
        i.clone().prop_map(Event::BeginUpload),
        (i.clone(), outcome()).prop_map(|(i, o)| Event::UploadFinished(i, o)),
        i.prop_map(Event::RetryDue),
        Just(Event::RecoverInterrupted),
        (0i64..400_000).prop_map(Event::Advance),
    ]
}

fn policy() -> impl Strategy<Value = RetryPolicy> {
    (1u32..6, 0i64..5_000, 0i64..100_000).prop_map(|(max_attempts, base_delay_ms, max_delay_ms)| {
        RetryPolicy {
            max_attempts,
            base_delay_ms,
            max_delay_ms,
        }
    })
}

fn items(queued: &[i64]) -> Vec<QueueItem> {
    queued
        .iter()
        .enumerate()
        .map(|(i, &at)| QueueItem::new(format!("id{i}"), format!("IMG_{i}.jpg"), 100, 0, at))
        .collect()
}

pub(super) fn checksum_of(id: &str) -> String {
    let mut stream = crate::core::checksum::Sha1Stream::new();
    stream.update(id.as_bytes());
    stream.finish_hex()
}

fn assert_invariants(item: &QueueItem, policy: &RetryPolicy) -> Result<(), TestCaseError> {
    prop_assert!(
        item.attempts <= policy.max_attempts,
        "attempts over the limit: {item:?}"
    );
    if matches!(item.state, ItemState::Done | ItemState::Duplicate) {
        prop_assert!(
            item.remote_id.is_some(),
            "finished without remote id: {item:?}"
        );
    }
    if matches!(item.state, ItemState::Checking | ItemState::Uploading) {
        prop_assert!(
            item.checksum.is_some(),
            "{:?} without checksum: {item:?}",
            item.state
        );
    }
    if item.state == ItemState::FailedRetryable {
        prop_assert!(
            item.retry_at_ms.is_some(),
            "retryable without a time: {item:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_events_keep_the_invariants(
        queued in proptest::collection::vec(0i64..10, 1..5),
        policy in policy(),
        events in proptest::collection::vec(event(4), 0..120),
    ) {
        let mut items = items(&queued);
        let mut now = START_MS;
        for event in events {
            let index = match &event {
                Event::BeginHash(i) | Event::Hashed(i) | Event::HashFailed(i) | Event::Checked(i, _)
                | Event::BeginUpload(i) | Event::UploadFinished(i, _) | Event::RetryDue(i) => *i % items.len(),
                Event::RecoverInterrupted => {
                    for item in &mut items {
                        let before = item.clone();
                        item.recover_interrupted(3);
                        if before.state.is_finished() {
                            prop_assert_eq!(&*item, &before);
                        }
                        assert_invariants(item, &policy)?;
                    }
                    continue;
                }
                Event::Advance(ms) => {
                    now += ms;
                    continue;
                }
            };
            let item = &mut items[index];
            let before = item.clone();
            let result = match event {
                Event::BeginHash(_) => item.begin_hash(now, &policy).map(|_| None),
                Event::Hashed(_) => item.hashed(checksum_of(&item.id)).map(|_| None),
                Event::HashFailed(_) => item.unreadable("unreadable".into()).map(|_| None),
                Event::Checked(_, verdict) => item.checked(verdict).map(|_| None),
                Event::BeginUpload(_) => item.begin_upload().map(|_| None),
                Event::UploadFinished(_, outcome) => {
                    let unauthorized = outcome == UploadOutcome::Unauthorized;
                    let result = item.upload_finished(outcome, now, &policy);
                    if unauthorized && result.is_ok() {
                        let answered = QueueItem { sending: false, ..before.clone() };
                        prop_assert_eq!(&*item, &answered, "Unauthorized changed the item");
                    }
                    result.map(Some)
                }
                Event::RetryDue(_) => item.retry_due(now, &policy).map(|_| None),
                Event::RecoverInterrupted | Event::Advance(_) => unreachable!("handled above"),
            };
            if before.state.is_finished() {
                prop_assert!(result.is_err(), "a finished item moved: {before:?} -> {item:?}");
            }
            match result {
                Err(_) => prop_assert_eq!(&*item, &before, "a refused transition changed the item"),
                Ok(Some(RunControl::StopUnauthorized)) => prop_assert_eq!(item.attempts, before.attempts),
                Ok(_) => {}
            }
            assert_invariants(item, &policy)?;
        }
    }
}

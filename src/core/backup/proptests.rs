//! Property tests of the queue state machine and of `next_step` driving it to the end.

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

fn checksum_of(id: &str) -> String {
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

/// The worker's deaths: each kill point consumes one planned answer; once they are used up,
/// the worker survives, so every run has an end.
struct Kills {
    planned: std::vec::IntoIter<bool>,
    happened: usize,
}

impl Kills {
    fn now(&mut self) -> bool {
        let kill = self.planned.next().unwrap_or(false);
        self.happened += usize::from(kill);
        kill
    }
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
                        item.recover_interrupted();
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
                Event::BeginHash(_) => item.begin_hash(now).map(|_| None),
                Event::Hashed(_) => item.hashed(checksum_of(&item.id)).map(|_| None),
                Event::HashFailed(_) => item.hash_failed("unreadable".into()).map(|_| None),
                Event::Checked(_, verdict) => item.checked(verdict).map(|_| None),
                Event::BeginUpload(_) => item.begin_upload().map(|_| None),
                Event::UploadFinished(_, outcome) => {
                    let unauthorized = outcome == UploadOutcome::Unauthorized;
                    let result = item.upload_finished(outcome, now, &policy);
                    if unauthorized && result.is_ok() {
                        prop_assert_eq!(&*item, &before, "Unauthorized changed the item");
                    }
                    result.map(Some)
                }
                Event::RetryDue(_) => item.retry_due(now).map(|_| None),
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

    #[test]
    fn a_server_that_always_succeeds_finishes_everything_despite_kills(
        queued in proptest::collection::vec(0i64..10, 0..8),
        check_batch in 0usize..5,
        duplicates in proptest::collection::vec(any::<bool>(), 0..40),
        kills in proptest::collection::vec(proptest::bool::weighted(0.3), 0..60),
    ) {
        let mut items = items(&queued);
        let policy = RetryPolicy::default();
        let mut kills = Kills { planned: kills.into_iter(), happened: 0 };
        let mut duplicates = duplicates.into_iter().cycle();
        let mut steps = 0usize;
        loop {
            if kills.now() {
                items.iter_mut().for_each(QueueItem::recover_interrupted);
            }
            steps += 1;
            // Hash, check and upload per item, plus at most one repeated step per kill.
            prop_assert!(steps <= 3 * items.len() + kills.happened + 1, "no end after {steps} steps");
            let step = next_step(&items, START_MS, check_batch);
            let find = |items: &mut Vec<QueueItem>, id: &str| items.iter().position(|item| item.id == id);
            match step {
                Step::Finished => break,
                Step::Hash(id) => {
                    let i = find(&mut items, &id).unwrap();
                    items[i].begin_hash(START_MS).unwrap();
                    if kills.now() {
                        items.iter_mut().for_each(QueueItem::recover_interrupted);
                        continue;
                    }
                    items[i].hashed(checksum_of(&id)).unwrap();
                }
                Step::Check(ids) => {
                    for id in ids {
                        if kills.now() {
                            items.iter_mut().for_each(QueueItem::recover_interrupted);
                            break;
                        }
                        let i = find(&mut items, &id).unwrap();
                        let verdict = if duplicates.next().unwrap_or(false) {
                            CheckVerdict::Duplicate { remote_id: format!("r-{id}") }
                        } else {
                            CheckVerdict::Accept
                        };
                        items[i].checked(verdict).unwrap();
                    }
                }
                Step::Upload(id) => {
                    let i = find(&mut items, &id).unwrap();
                    items[i].begin_upload().unwrap();
                    if kills.now() {
                        items.iter_mut().for_each(QueueItem::recover_interrupted);
                        continue;
                    }
                    let outcome = if duplicates.next().unwrap_or(false) {
                        UploadOutcome::Duplicate { remote_id: format!("r-{id}") }
                    } else {
                        UploadOutcome::Created { remote_id: format!("r-{id}") }
                    };
                    let control = items[i].upload_finished(outcome, START_MS, &policy).unwrap();
                    prop_assert_eq!(control, RunControl::Continue);
                }
                Step::Retry(_) | Step::WaitUntil(_) => {
                    prop_assert!(false, "nothing failed, yet the plan was {step:?}");
                }
            }
            items.iter().try_for_each(|item| assert_invariants(item, &policy))?;
        }
        for item in &items {
            prop_assert!(matches!(item.state, ItemState::Done | ItemState::Duplicate), "{item:?}");
            prop_assert!(item.attempts <= 1, "one answered upload per item at most: {item:?}");
        }
    }

    #[test]
    fn a_flaky_server_still_reaches_the_end(
        queued in proptest::collection::vec(0i64..10, 0..6),
        check_batch in 1usize..4,
        policy in policy(),
        verdicts in proptest::collection::vec(verdict(), 0..20),
        outcomes in proptest::collection::vec(outcome(), 0..40),
        unreadable in proptest::collection::vec(proptest::bool::weighted(0.1), 0..20),
    ) {
        let mut items = items(&queued);
        let mut now = START_MS;
        let mut verdicts = verdicts.into_iter();
        let mut outcomes = outcomes.into_iter();
        let mut unreadable = unreadable.into_iter();
        let mut unauthorized = 0usize;
        let mut steps = 0usize;
        let max = policy.max_attempts as usize;
        loop {
            steps += 1;
            // Per item: hash, check, each attempt, each retry and each wait; plus every
            // Unauthorized answer, which repeats an upload without consuming an attempt.
            prop_assert!(steps <= items.len() * (2 + 3 * max) + unauthorized + 1, "no end after {steps} steps");
            match next_step(&items, now, check_batch) {
                Step::Finished => break,
                Step::WaitUntil(at) => {
                    prop_assert!(at > now);
                    now = at;
                }
                Step::Retry(ids) => {
                    for item in items.iter_mut().filter(|item| ids.contains(&item.id)) {
                        prop_assert_eq!(item.retry_due(now), Ok(true));
                    }
                }
                Step::Hash(id) => {
                    let item = items.iter_mut().find(|item| item.id == id).unwrap();
                    item.begin_hash(now).unwrap();
                    if unreadable.next().unwrap_or(false) {
                        item.hash_failed("NotReadableError".into()).unwrap();
                    } else {
                        item.hashed(checksum_of(&id)).unwrap();
                    }
                }
                Step::Check(ids) => {
                    prop_assert!(!ids.is_empty() && ids.len() <= check_batch);
                    for item in items.iter_mut().filter(|item| ids.contains(&item.id)) {
                        item.checked(verdicts.next().unwrap_or(CheckVerdict::Accept)).unwrap();
                    }
                }
                Step::Upload(id) => {
                    let item = items.iter_mut().find(|item| item.id == id).unwrap();
                    item.begin_upload().unwrap();
                    let outcome = outcomes
                        .next()
                        .unwrap_or(UploadOutcome::Created { remote_id: format!("r-{id}") });
                    if item.upload_finished(outcome, now, &policy).unwrap() == RunControl::StopUnauthorized {
                        unauthorized += 1;
                    }
                }
            }
            items.iter().try_for_each(|item| assert_invariants(item, &policy))?;
        }
        prop_assert!(items.iter().all(|item| item.state.is_finished()));
    }
}

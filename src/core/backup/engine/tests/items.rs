//! The planner's indexes always say what a scan of the rows would: after any sequence of
//! changes, each state's rows (oldest first), the counts, the next retry and the due retries.

use proptest::prelude::*;

use super::super::items::Items;
use super::*;
use crate::core::backup::{ItemState, RetryPolicy};

fn change() -> impl Strategy<Value = (usize, usize, Option<i64>, i64)> {
    (
        0usize..40,
        0usize..ItemState::ALL.len(),
        proptest::option::of(-5i64..1_000),
        0i64..5,
    )
}

/// What a scan finds: the ids in `state` oldest first (ties in the order rows joined).
fn scanned(rows: &[QueueItem], state: ItemState) -> Vec<String> {
    let mut found: Vec<(i64, usize, String)> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.state == state)
        .map(|(slot, row)| (row.queued_at_ms, slot, row.id.clone()))
        .collect();
    found.sort();
    found.into_iter().map(|(_, _, id)| id).collect()
}

proptest! {
    #[test]
    fn the_indexes_agree_with_a_scan(
        queued in proptest::collection::vec(0i64..5, 1..40),
        changes in proptest::collection::vec(change(), 0..120),
        now in 0i64..1_000,
    ) {
        let rows: Vec<QueueItem> = queued
            .iter()
            .enumerate()
            .map(|(i, &at)| QueueItem::new(format!("r{i:02}"), "x.jpg", 1, 0, at))
            .collect();
        let mut items = Items::new(rows, QueueCounts::default());
        for (pick, state, retry_at, queued_at) in changes {
            let id = items.rows()[pick % items.rows().len()].id.clone();
            items.update(&id, |row| {
                row.state = ItemState::ALL[state];
                row.retry_at_ms = retry_at;
                row.queued_at_ms = queued_at;
                Ok(())
            }).expect("a known row");
        }
        let rows = items.rows().to_vec();
        for state in ItemState::ALL {
            let count = rows.iter().filter(|row| row.state == state).count();
            prop_assert_eq!(items.count(state) as usize, count);
            if !state.is_finished() {
                let indexed: Vec<String> = items.in_state(state).map(|row| row.id.clone()).collect();
                prop_assert_eq!(indexed, scanned(&rows, state));
            }
        }
        prop_assert_eq!(items.all_finished(), rows.iter().all(|row| row.state.is_finished()));
        let failed = || rows.iter().filter(|row| row.state == ItemState::FailedRetryable);
        prop_assert_eq!(items.next_retry_at(), failed().filter_map(|row| row.retry_at_ms).min());
        let policy = RetryPolicy { max_delay_ms: 300, ..RetryPolicy::default() };
        let mut due = items.due_retries(now, &policy);
        due.sort();
        let mut expected: Vec<String> = failed()
            .filter(|row| row.is_retry_due(now, &policy))
            .map(|row| row.id.clone())
            .collect();
        expected.sort();
        prop_assert_eq!(due, expected);
    }
}

#[test]
fn an_unknown_row_is_refused_and_a_failed_change_still_reindexes() {
    let mut items = Items::new(files(2), QueueCounts::default());
    assert_eq!(
        items.update("nope", |_| Ok(())),
        Err(crate::core::backup::TransitionError::Unknown)
    );
    let failed: Result<(), _> = items.update("f0", |row| {
        row.state = ItemState::Checking;
        Err(crate::core::backup::TransitionError::Unknown)
    });
    assert!(failed.is_err());
    assert_eq!(items.count(ItemState::Checking), 1);
    assert_eq!(items.in_state(ItemState::Pending).count(), 1);
}

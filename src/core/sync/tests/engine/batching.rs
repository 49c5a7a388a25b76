//! When batches are committed, and reading during a commit.

use super::*;

#[test]
fn a_batch_is_committed_when_full_or_old_enough() {
    let mut engine = reading(1_000, 300);
    assert_eq!(commits(&feed(&mut engine, &delete(1), T)), 0);
    assert_eq!(commits(&feed(&mut engine, &delete(2), T + 100)), 0);
    assert_eq!(commits(&feed(&mut engine, &delete(3), T + 299)), 0);
    let out = feed(&mut engine, &delete(4), T + 300);
    let SyncOutput::Commit(batch) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(batch.ops.len(), 4);
    assert!(!batch.clear_mirror);
}

#[test]
fn reading_goes_on_during_a_commit_until_the_next_batch_is_full() {
    let mut engine = reading(2, 10_000);
    let out = feed(&mut engine, &(delete(1) + &delete(2)), T);
    assert_eq!(commits(&out), 1);
    assert!(engine.wants_chunk());
    let out = feed(&mut engine, &(delete(3) + &delete(4)), T);
    assert_eq!(commits(&out), 0, "never two commits at once");
    assert!(!engine.wants_chunk(), "the next batch is full: wait");
    let out = answer(&mut engine, SyncInput::Committed);
    assert_eq!(commits(&out), 1, "the full batch goes at once");
    assert_eq!(sent_acks(&out), vec![r#"{"acks":["AssetDeleteV1|2"]}"#]);
    assert!(engine.wants_chunk());
}

#[test]
fn the_last_line_without_its_newline_counts() {
    let mut engine = reading(500, 10_000);
    feed(&mut engine, &(delete(1) + complete().trim_end()), T);
    let out = answer(&mut engine, SyncInput::StreamEnded);
    assert_eq!(commits(&out), 1);
    let out = answer(&mut engine, SyncInput::Committed);
    assert!(sent_acks(&out)[0].contains("SyncCompleteV1|99"));
    assert_eq!(
        outcome(&answer(&mut engine, acked(204))),
        Some(SyncOutcome::Done)
    );
}

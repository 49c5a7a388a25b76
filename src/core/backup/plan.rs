//! What the run loop should do next, decided from the items and the time alone.

use super::{ItemState, QueueItem};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// FailedRetryable items whose retry_at_ms <= now: call `retry_due` on each.
    Retry(Vec<String>),
    /// The oldest (queued_at_ms, then id) item in Uploading.
    Upload(String),
    /// Up to `check_batch` ids in Checking, oldest first: one bulk-upload-check request.
    Check(Vec<String>),
    /// The oldest Pending item (or, after a kill nobody recovered, the oldest Hashing one).
    Hash(String),
    /// Nothing to do before the earliest retry_at_ms of the FailedRetryable items.
    WaitUntil(i64),
    /// Every item is finished.
    Finished,
}

/// Checksums per bulk-upload-check: one request for a typical pick, small enough for any server.
pub const CHECK_BATCH: usize = 500;

/// What the run loop should do next. Pure: looks only at the items and the time.
///
/// Preference: Retry (due) > Upload > Check > Hash > WaitUntil > Finished. Finishing started
/// work first keeps few items half-done when the worker is killed; checking whatever is hashed
/// (up to `check_batch`) as soon as nothing is uploading gets the first upload going early, and
/// the files after it are hashed while it is on its way (`hash_ahead`), so that each later check
/// carries a batch.
pub fn next_step(items: &[QueueItem], now_ms: i64, check_batch: usize) -> Step {
    let due = oldest_first(items.iter().filter(|item| item.is_retry_due(now_ms)));
    if !due.is_empty() {
        return Step::Retry(ids(&due));
    }
    if let Some(item) = oldest_in(items, ItemState::Uploading) {
        return Step::Upload(item.id.clone());
    }
    let checking = oldest_first(
        items
            .iter()
            .filter(|item| item.state == ItemState::Checking),
    );
    if !checking.is_empty() {
        return Step::Check(ids(&checking[..check_batch.max(1).min(checking.len())]));
    }
    if let Some(item) =
        oldest_in(items, ItemState::Pending).or_else(|| oldest_in(items, ItemState::Hashing))
    {
        return Step::Hash(item.id.clone());
    }
    let next_retry = items
        .iter()
        .filter(|item| item.state == ItemState::FailedRetryable)
        .filter_map(|item| item.retry_at_ms)
        .min();
    match next_retry {
        Some(at) => Step::WaitUntil(at),
        None => Step::Finished,
    }
}

/// The file to hash while an upload is on its way: the oldest Pending one. Hashing needs the
/// CPU and an upload the network, so the two overlap.
pub fn hash_ahead(items: &[QueueItem]) -> Option<String> {
    oldest_in(items, ItemState::Pending).map(|item| item.id.clone())
}

fn oldest_first<'a>(items: impl Iterator<Item = &'a QueueItem>) -> Vec<&'a QueueItem> {
    let mut items: Vec<&QueueItem> = items.collect();
    items.sort_by(|a, b| (a.queued_at_ms, &a.id).cmp(&(b.queued_at_ms, &b.id)));
    items
}

fn oldest_in(items: &[QueueItem], state: ItemState) -> Option<&QueueItem> {
    items
        .iter()
        .filter(|item| item.state == state)
        .min_by(|a, b| (a.queued_at_ms, &a.id).cmp(&(b.queued_at_ms, &b.id)))
}

fn ids(items: &[&QueueItem]) -> Vec<String> {
    items.iter().map(|item| item.id.clone()).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn item(id: &str, queued_at_ms: i64, state: ItemState) -> QueueItem {
        let mut item = QueueItem::new(id, format!("{id}.jpg"), 10, 0, queued_at_ms);
        item.state = state;
        if matches!(
            state,
            ItemState::Checking | ItemState::Uploading | ItemState::FailedRetryable
        ) {
            item.checksum = Some("00".repeat(20));
        }
        if matches!(state, ItemState::Done | ItemState::Duplicate) {
            item.remote_id = Some(format!("remote-{id}"));
        }
        item
    }

    fn retrying(id: &str, retry_at_ms: i64) -> QueueItem {
        let mut item = item(id, 0, ItemState::FailedRetryable);
        item.retry_at_ms = Some(retry_at_ms);
        item
    }

    const NOW: i64 = 1_000;

    #[test]
    fn empty_queue_is_finished() {
        assert_eq!(next_step(&[], NOW, 10), Step::Finished);
    }

    #[test]
    fn only_finished_items_is_finished() {
        let items = [
            item("a", 1, ItemState::Done),
            item("b", 2, ItemState::Duplicate),
            item("c", 3, ItemState::FailedPermanent),
        ];
        assert_eq!(next_step(&items, NOW, 10), Step::Finished);
    }

    #[test]
    fn due_retries_come_first() {
        let items = [
            item("up", 0, ItemState::Uploading),
            retrying("late", NOW + 1),
            retrying("r2", NOW),
            retrying("r1", NOW - 5),
        ];
        // Same queued_at: ordered by id.
        assert_eq!(
            next_step(&items, NOW, 10),
            Step::Retry(vec!["r1".into(), "r2".into()])
        );
    }

    #[test]
    fn retry_without_a_time_is_due() {
        let mut stray = item("s", 0, ItemState::FailedRetryable);
        stray.retry_at_ms = None;
        assert_eq!(next_step(&[stray], NOW, 10), Step::Retry(vec!["s".into()]));
    }

    #[test]
    fn upload_beats_check_and_hash_oldest_first() {
        let items = [
            item("p", 0, ItemState::Pending),
            item("c", 0, ItemState::Checking),
            item("u2", 20, ItemState::Uploading),
            item("u1", 10, ItemState::Uploading),
            retrying("later", NOW + 50),
        ];
        assert_eq!(next_step(&items, NOW, 1), Step::Upload("u1".into()));
    }

    #[test]
    fn whatever_is_hashed_is_checked_before_more_hashing() {
        let items = [
            item("c1", 0, ItemState::Checking),
            item("p2", 5, ItemState::Pending),
            item("p1", 3, ItemState::Pending),
        ];
        assert_eq!(next_step(&items, NOW, 2), Step::Check(vec!["c1".into()]));
        assert_eq!(hash_ahead(&items), Some("p1".into()));
    }

    #[test]
    fn nothing_to_hash_ahead_without_pending_items() {
        let items = [
            item("h", 0, ItemState::Hashing),
            item("u", 1, ItemState::Uploading),
        ];
        assert_eq!(hash_ahead(&items), None);
    }

    #[test]
    fn full_check_batch_beats_hash() {
        let items = [
            item("c3", 3, ItemState::Checking),
            item("c1", 1, ItemState::Checking),
            item("c2", 2, ItemState::Checking),
            item("p", 0, ItemState::Pending),
        ];
        assert_eq!(
            next_step(&items, NOW, 2),
            Step::Check(vec!["c1".into(), "c2".into()])
        );
    }

    #[test]
    fn partial_check_batch_when_nothing_is_pending() {
        let items = [
            item("c1", 1, ItemState::Checking),
            item("d", 0, ItemState::Done),
        ];
        assert_eq!(next_step(&items, NOW, 50), Step::Check(vec!["c1".into()]));
    }

    #[test]
    fn zero_check_batch_still_checks_one() {
        let items = [
            item("c1", 1, ItemState::Checking),
            item("c2", 2, ItemState::Checking),
        ];
        assert_eq!(next_step(&items, NOW, 0), Step::Check(vec!["c1".into()]));
    }

    #[test]
    fn unrecovered_hashing_item_is_hashed_again() {
        let items = [
            item("h", 0, ItemState::Hashing),
            item("p", 9, ItemState::Pending),
        ];
        assert_eq!(next_step(&items, NOW, 5), Step::Hash("p".into()));
        assert_eq!(next_step(&items[..1], NOW, 5), Step::Hash("h".into()));
    }

    #[test]
    fn waits_for_the_earliest_retry() {
        let items = [
            retrying("a", NOW + 500),
            retrying("b", NOW + 100),
            item("d", 0, ItemState::Done),
        ];
        assert_eq!(next_step(&items, NOW, 10), Step::WaitUntil(NOW + 100));
        assert_eq!(
            next_step(&items, NOW + 100, 10),
            Step::Retry(vec!["b".into()])
        );
    }

    #[test]
    fn hash_beats_waiting() {
        let items = [retrying("a", NOW + 500), item("p", 0, ItemState::Pending)];
        assert_eq!(next_step(&items, NOW, 10), Step::Hash("p".into()));
    }
}

//! How long to wait before the next upload attempt, and how many attempts an item gets.

use serde::{Deserialize, Serialize};

/// Exponential backoff: `base_delay_ms` after the first failed attempt, doubling after each
/// further one, never more than `max_delay_ms`; `max_attempts` uploads at most per item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay_ms: i64,
    pub max_delay_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay_ms: 2_000,
            max_delay_ms: 300_000,
        }
    }
}

impl RetryPolicy {
    /// The wait after `attempts` failed attempts (1 -> base, 2 -> 2 x base, ...), capped.
    pub fn delay_after(&self, attempts: u32) -> i64 {
        let base = self.base_delay_ms.max(0);
        let cap = self.max_delay_ms.max(0);
        let doublings = attempts.saturating_sub(1);
        // 2^63 overflows i64: past 62 doublings any positive base is over any cap anyway.
        let factor = 1_i64
            .checked_shl(doublings)
            .filter(|f| *f > 0)
            .unwrap_or(i64::MAX);
        base.saturating_mul(factor).min(cap)
    }

    /// After `failures` failed tries of a request that has no queue row of its own (a bulk
    /// check): how long to wait before the next try, or None to give up for this run.
    pub fn wait_before_retry(&self, failures: u32) -> Option<i64> {
        (failures < self.max_attempts.max(1)).then(|| self.delay_after(failures))
    }

    /// Whether a wait until `at_ms` is over at `now_ms`. No wait this policy sets is longer than
    /// `max_delay_ms`, so one that is longer means the clock was set back: it is over too, or a
    /// clock set back one day would stall the queue for a day.
    pub fn is_due(&self, at_ms: i64, now_ms: i64) -> bool {
        at_ms <= now_ms || at_ms.saturating_sub(now_ms) > self.max_delay_ms.max(0)
    }
}

/// A small deterministic random source for spreading waits (seeded by the caller, so tests
/// replay the same run): clients that all lost the same server must not come back in step.
#[derive(Clone, Debug)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        // xorshift must not start at zero.
        Jitter(seed | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// `delay_ms` spread over 80%..=120% of itself.
    pub fn spread(&mut self, delay_ms: i64) -> i64 {
        let delay = delay_ms.max(0);
        let fifth = delay / 5;
        let offset = i64::try_from(self.next() % (2 * fifth.unsigned_abs() + 1)).unwrap_or(0);
        delay - fifth + offset
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn default_policy() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts, 5);
        assert_eq!(policy.base_delay_ms, 2_000);
        assert_eq!(policy.max_delay_ms, 300_000);
    }

    #[test]
    fn delay_doubles_then_caps() {
        let policy = RetryPolicy::default();
        let delays: Vec<i64> = (1..=10).map(|n| policy.delay_after(n)).collect();
        assert_eq!(
            delays,
            vec![2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]
        );
        assert_eq!(policy.delay_after(0), 2_000);
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let policy = RetryPolicy::default();
        for attempts in [62, 63, 64, 65, 1_000, u32::MAX] {
            assert_eq!(policy.delay_after(attempts), 300_000, "{attempts}");
        }
        let uncapped = RetryPolicy {
            max_delay_ms: i64::MAX,
            ..policy
        };
        assert_eq!(uncapped.delay_after(u32::MAX), i64::MAX);
    }

    #[test]
    fn negative_settings_mean_no_wait() {
        let policy = RetryPolicy {
            max_attempts: 3,
            base_delay_ms: -5,
            max_delay_ms: -1,
        };
        assert_eq!(policy.delay_after(3), 0);
    }

    #[test]
    fn delay_is_monotonic() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay_ms: 777,
            max_delay_ms: 1_000_000,
        };
        for n in 1..100 {
            assert!(policy.delay_after(n) <= policy.delay_after(n + 1));
        }
    }

    #[test]
    fn a_wait_longer_than_any_backoff_is_due() {
        let policy = RetryPolicy::default();
        assert!(policy.is_due(1_000, 1_000));
        assert!(!policy.is_due(1_001 + 299_999, 1_001));
        // The clock went back a day: the wait left is far over any backoff.
        assert!(policy.is_due(1_000 + 86_400_000, 1_000));
    }

    #[test]
    fn jitter_stays_within_a_fifth_and_varies() {
        let mut jitter = Jitter::new(7);
        let spread: Vec<i64> = (0..200).map(|_| jitter.spread(10_000)).collect();
        assert!(
            spread.iter().all(|d| (8_000..=12_000).contains(d)),
            "{spread:?}"
        );
        assert!(spread.iter().any(|d| *d != spread[0]));
        assert_eq!(Jitter::new(0).spread(0), 0);
        assert_eq!(Jitter::new(3).spread(-5), 0);
    }

    #[test]
    fn a_request_without_a_row_is_retried_with_backoff_then_given_up() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.wait_before_retry(1), Some(2_000));
        assert_eq!(policy.wait_before_retry(2), Some(4_000));
        assert_eq!(policy.wait_before_retry(4), Some(16_000));
        assert_eq!(policy.wait_before_retry(5), None);
        let once = RetryPolicy {
            max_attempts: 0,
            ..RetryPolicy::default()
        };
        assert_eq!(once.wait_before_retry(1), None);
    }
}

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

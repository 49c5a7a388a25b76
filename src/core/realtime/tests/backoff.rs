use proptest::prelude::*;

use super::super::{reconnect_delay, BASE_DELAY_MS, MAX_DELAY_MS};

#[test]
fn the_first_reconnect_waits_half_a_second_to_a_second() {
    assert_eq!(reconnect_delay(0, 0.0), 500);
    assert_eq!(reconnect_delay(0, 0.5), 750);
    assert_eq!(reconnect_delay(0, 0.999_999), 999);
}

#[test]
fn the_floor_doubles_up_to_the_cap() {
    let floors: Vec<u64> = (0..10).map(|n| reconnect_delay(n, 0.0)).collect();
    assert_eq!(
        floors,
        [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]
    );
    assert_eq!(reconnect_delay(u32::MAX, 0.0), MAX_DELAY_MS / 2);
    assert_eq!(reconnect_delay(u32::MAX, 0.999), 59_970);
}

#[test]
fn bad_jitter_is_clamped() {
    assert_eq!(reconnect_delay(3, f64::NAN), 4_000);
    assert_eq!(reconnect_delay(3, -1.0), 4_000);
    assert_eq!(reconnect_delay(3, f64::NEG_INFINITY), 4_000);
    assert_eq!(reconnect_delay(3, 1.0), 8_000);
    assert_eq!(reconnect_delay(3, 7.5), 8_000);
    assert_eq!(reconnect_delay(3, f64::INFINITY), 8_000);
}

proptest! {
    #[test]
    fn the_delay_stays_within_its_step(attempt in any::<u32>(), jitter in any::<f64>()) {
        let step = BASE_DELAY_MS
            .saturating_mul(1u64 << attempt.min(20))
            .min(MAX_DELAY_MS);
        let delay = reconnect_delay(attempt, jitter);
        prop_assert!((step / 2..=step).contains(&delay), "{attempt} {jitter} -> {delay}");
        prop_assert!((BASE_DELAY_MS / 2..=MAX_DELAY_MS).contains(&delay));
    }

    #[test]
    fn the_delay_never_shrinks_with_attempts(attempt in 0u32..40, jitter in 0.0f64..1.0) {
        prop_assert!(reconnect_delay(attempt + 1, jitter) >= reconnect_delay(attempt, jitter));
    }
}

//! How long to wait before the next reconnect: exponential backoff with "equal" jitter.
//!
//! After a server restart every client of it reconnects at once; the doubling keeps a server that
//! is down from being hammered, the random half spreads the clients out, and the fixed half keeps
//! a flapping network from turning into a tight loop (full jitter may draw 0 ms).

/// The first reconnect's step: between half of it and all of it.
pub const BASE_DELAY_MS: u64 = 1_000;
/// The longest step: reconnects then come every 30 to 60 s.
pub const MAX_DELAY_MS: u64 = 60_000;

/// The delay in ms before reconnect number `attempt` (0 for the first after a drop): a step of
/// `BASE_DELAY_MS * 2^attempt`, at most `MAX_DELAY_MS`, of which the first half is fixed and
/// the second is scaled by `jitter`. `jitter` is the driver's `Math.random()`, in [0, 1); a
/// value outside (or NaN) is clamped into it, so the delay always stays within the step.
pub fn reconnect_delay(attempt: u32, jitter: f64) -> u64 {
    let step = BASE_DELAY_MS
        .checked_shl(attempt.min(16))
        .unwrap_or(MAX_DELAY_MS)
        .min(MAX_DELAY_MS);
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    let half = step / 2;
    let spread = step - half;
    // `as` saturates and `jitter <= 1`, so this stays within `spread`.
    let extra = ((spread as f64) * jitter) as u64;
    half + extra.min(spread)
}

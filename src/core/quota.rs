//! Whether picked files fit in what the browser lets this app store. Picked files are copied
//! into IndexedDB until they are backed up, and a copy past the quota fails half-way through a
//! pick; so a pick that does not fit is refused before the first copy is written.

use serde::Serialize;

/// What `navigator.storage.estimate()` reports for this origin, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
pub struct StorageUse {
    pub usage: u64,
    pub quota: u64,
}

/// Kept free whatever the pick: the browser's usage is an estimate, and the queue's rows and
/// the log grow along with the copies.
const MIN_MARGIN: u64 = 10_000_000;

fn margin(quota: u64) -> u64 {
    (quota / 20).max(MIN_MARGIN)
}

/// A pick refused up front; the message says what to do instead.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "These files need {}; the browser allows this app {} more. {}",
    size_text(*.needed),
    size_text(*.available),
    advice(*.folders)
)]
pub struct QuotaError {
    pub needed: u64,
    pub available: u64,
    /// Whether this browser has backup folders, which copy nothing.
    pub folders: bool,
}

fn advice(folders: bool) -> &'static str {
    if folders {
        "Add their folder as a backup folder instead, or pick fewer files."
    } else {
        "Pick fewer files, and the rest once these are backed up (their copies are dropped then)."
    }
}

/// Refuses a pick of `needed` bytes that would leave less than the margin of the quota free.
pub fn check_pick(storage: StorageUse, needed: u64, folders: bool) -> Result<(), QuotaError> {
    let available = storage
        .quota
        .saturating_sub(storage.usage)
        .saturating_sub(margin(storage.quota));
    if needed <= available {
        Ok(())
    } else {
        Err(QuotaError {
            needed,
            available,
            folders,
        })
    }
}

/// "0.3 MB", "42 MB", "12.5 GB" (decimal units, as the browser's settings show them). The page
/// words its storage line the same way.
pub fn size_text(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    // The bounds are where rounding would print "10.0 MB" or "1000 MB".
    if mb < 9.95 {
        format!("{mb:.1} MB")
    } else if mb < 999.5 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.1} GB", mb / 1000.0)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const GB: u64 = 1_000_000_000;
    const MB: u64 = 1_000_000;

    fn storage(usage: u64, quota: u64) -> StorageUse {
        StorageUse { usage, quota }
    }

    #[test]
    fn a_pick_that_fits_with_the_margin_is_taken() {
        // 10 GB quota: 500 MB stay free.
        assert_eq!(check_pick(storage(2 * GB, 10 * GB), 7 * GB, true), Ok(()));
        assert_eq!(
            check_pick(storage(2 * GB, 10 * GB), 7_500 * MB, true),
            Ok(())
        );
        assert_eq!(check_pick(storage(0, 10 * GB), 0, false), Ok(()));
    }

    #[test]
    fn a_pick_into_the_margin_is_refused_with_what_is_left() {
        let refused = check_pick(storage(2 * GB, 10 * GB), 7_500 * MB + 1, true).unwrap_err();
        assert_eq!(refused.available, 7_500 * MB);
        assert_eq!(
            refused.to_string(),
            "These files need 7.5 GB; the browser allows this app 7.5 GB more. \
             Add their folder as a backup folder instead, or pick fewer files."
        );
    }

    #[test]
    fn a_small_quota_keeps_the_least_margin() {
        // 100 MB quota: 5% would be 5 MB, the least margin is 10 MB.
        assert_eq!(
            check_pick(storage(30 * MB, 100 * MB), 60 * MB, false),
            Ok(())
        );
        let refused = check_pick(storage(30 * MB, 100 * MB), 61 * MB, false).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "These files need 61 MB; the browser allows this app 60 MB more. \
             Pick fewer files, and the rest once these are backed up (their copies are dropped then)."
        );
    }

    #[test]
    fn usage_over_the_quota_leaves_nothing() {
        let refused = check_pick(storage(12 * GB, 10 * GB), 1, true).unwrap_err();
        assert_eq!(refused.available, 0);
        assert!(refused.to_string().contains("allows this app 0.0 MB more"));
        assert!(check_pick(storage(u64::MAX, u64::MAX), u64::MAX, true).is_err());
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(size_text(0), "0.0 MB");
        assert_eq!(size_text(340_000), "0.3 MB");
        assert_eq!(size_text(9_940_000), "9.9 MB");
        assert_eq!(size_text(42 * MB), "42 MB");
        assert_eq!(size_text(9_960_000), "10 MB");
        assert_eq!(size_text(999 * MB), "999 MB");
        assert_eq!(size_text(999_600_000), "1.0 GB");
        assert_eq!(size_text(12_500 * MB), "12.5 GB");
    }
}

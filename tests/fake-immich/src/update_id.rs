//! Update ids: what orders every change the sync stream reports, printed like the UUIDv7s Immich
//! stamps its rows with (`01a227df-fb4e-7765-a299-e501a2986117`).
//!
//! Kept as one integer, `milliseconds << 12 | sequence`, so SQLite compares and pages by them
//! cheaply. The text form puts the milliseconds in the first 48 bits and the sequence in the 12
//! bits after the version digit, so text order is number order, as a client comparing acks
//! expects; the last 62 bits are a hash of the number, only so ids look like Immich's.

use std::fmt;

const SEQUENCE_BITS: u32 = 12;

/// One update id; always positive, so 0 can stand for "before everything".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UpdateId(i64);

impl UpdateId {
    /// Below every id ever handed out.
    pub const ZERO: Self = Self(0);

    /// The id after `last` at wall-clock time `now_ms`: the clock's next millisecond when it has
    /// moved on, else the next sequence number (spilling into the next millisecond after 4,096).
    pub fn next(last: Self, now_ms: i64) -> Self {
        let clock = now_ms.max(0).saturating_mul(1 << SEQUENCE_BITS);
        Self(clock.max(last.0.saturating_add(1)))
    }

    pub fn from_db(value: i64) -> Self {
        Self(value.max(0))
    }

    pub fn to_db(self) -> i64 {
        self.0
    }

    /// Reads any UUID; its first 60 value bits order it the way the text does.
    pub fn parse(text: &str) -> Option<Self> {
        let uuid = uuid::Uuid::try_parse(text).ok()?;
        let hyphenated = uuid.hyphenated().to_string();
        if hyphenated != text.to_ascii_lowercase() {
            return None;
        }
        let bits = uuid.as_u128();
        let millis = i64::try_from(bits >> 80).ok()?;
        let sequence = i64::try_from((bits >> 64) & 0xfff).ok()?;
        Some(Self(millis << SEQUENCE_BITS | sequence))
    }
}

/// SplitMix64's finaliser: spreads the id's bits over the random-looking tail.
fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl fmt::Display for UpdateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0.unsigned_abs();
        let millis = u128::from(value >> SEQUENCE_BITS) & 0xffff_ffff_ffff;
        let sequence = u128::from(value) & 0xfff;
        let tail = u128::from(mix(value)) & ((1 << 62) - 1);
        let bits = millis << 80 | 0x7 << 76 | sequence << 64 | 0b10 << 62 | tail;
        write!(f, "{}", uuid::Uuid::from_u128(bits).hyphenated())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_as_uuid_v7_and_read_back() {
        let id = UpdateId::next(UpdateId::ZERO, 1_795_965_319_000);
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(&text[14..15], "7", "version digit of {text}");
        assert!(matches!(&text[19..20], "8" | "9" | "a" | "b"), "{text}");
        assert_eq!(UpdateId::parse(&text), Some(id));
        assert_eq!(UpdateId::parse(&text.to_uppercase()), Some(id));
    }

    #[test]
    fn text_order_is_number_order() {
        let mut last = UpdateId::ZERO;
        let mut texts = Vec::new();
        // Many ids in one millisecond, then the clock jumping ahead and going back.
        for now in [5_000, 5_000, 5_000, 9_000, 2_000, 2_000]
            .into_iter()
            .chain(std::iter::repeat_n(9_001, 5_000))
        {
            let next = UpdateId::next(last, now);
            assert!(next > last);
            texts.push(next.to_string());
            last = next;
        }
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn real_immich_ids_parse_in_their_order() {
        let earlier = UpdateId::parse("01a227df-fb4e-7765-a299-e501a2986117");
        let later = UpdateId::parse("01a227e0-1bb2-7877-aaf0-387a02e772e4");
        assert!(earlier.is_some() && later.is_some());
        assert!(earlier < later);
        assert_eq!(UpdateId::parse("not-a-uuid"), None);
        assert_eq!(UpdateId::parse("01a227dffb4e7765a299e501a2986117"), None);
    }
}

//! SHA-1 checksums as clients send them: 40 hex digits or base64 of the 20 bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub type Sha1 = [u8; 20];

/// Parses a hex or base64 SHA-1; `None` when it is neither.
pub fn parse(text: &str) -> Option<Sha1> {
    let text = text.trim();
    if text.len() == 40 {
        return parse_hex(text);
    }
    let bytes = STANDARD.decode(text).ok()?;
    bytes.try_into().ok()
}

fn parse_hex(text: &str) -> Option<Sha1> {
    let mut out = [0u8; 20];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The lowercase hex form clients send in `x-immich-checksum`.
pub fn to_hex(sum: &Sha1) -> String {
    sum.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Immich reports checksums in base64.
pub fn to_base64(sum: &Sha1) -> String {
    STANDARD.encode(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_HEX: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    const EMPTY_B64: &str = "2jmj7l5rSw0yVb/vlWAYkK/YBwk=";

    #[test]
    fn hex_and_base64_agree() {
        let from_hex = parse(EMPTY_HEX).expect("hex parses");
        assert_eq!(to_hex(&from_hex), EMPTY_HEX);
        let from_b64 = parse(EMPTY_B64).expect("base64 parses");
        assert_eq!(from_hex, from_b64);
        assert_eq!(to_base64(&from_hex), EMPTY_B64);
    }

    #[test]
    fn uppercase_hex_is_accepted() {
        assert!(parse(&EMPTY_HEX.to_uppercase()).is_some());
    }

    #[test]
    fn garbage_is_rejected() {
        assert_eq!(parse("not a checksum"), None);
        assert_eq!(parse(&"zz".repeat(20)), None);
        assert_eq!(parse("AAAA"), None);
        assert_eq!(parse(""), None);
    }
}

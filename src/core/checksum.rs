//! SHA-1, the checksum Immich deduplicates uploads by: streamed here for large files, or left
//! to the browser's native digest of the whole file for the rest (`HashMethod`).

use crate::core::sha1::Sha1;

pub const MIB: u64 = 1024 * 1024;

/// How a file is hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashMethod {
    /// The browser's native SHA-1 (`crypto.subtle.digest`) over the whole file in memory: the
    /// platform's speed, at the cost of the file's size in memory while it runs.
    Whole,
    /// `Sha1Stream` over the file's stream: one chunk of memory whatever the size, with
    /// progress between chunks.
    Stream,
}

impl HashMethod {
    /// Files of at least `stream_min_mb` MiB are streamed (0: every file is).
    pub fn for_size(size: u64, stream_min_mb: u32) -> HashMethod {
        if size >= u64::from(stream_min_mb).saturating_mul(MIB) {
            HashMethod::Stream
        } else {
            HashMethod::Whole
        }
    }
}

/// Streaming SHA-1; the web layer feeds it chunks of a Blob.
#[derive(Clone, Default)]
pub struct Sha1Stream {
    hasher: Sha1,
}

impl Sha1Stream {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    /// How many bytes were fed so far: the hashing progress of a file.
    pub fn bytes_seen(&self) -> u64 {
        self.hasher.bytes_fed()
    }

    /// The digest as 40 lowercase hex digits, the form stored in `QueueItem::checksum`.
    pub fn finish_hex(self) -> String {
        hex(&self.hasher.digest())
    }
}

/// Bytes as lowercase hex digits, two a byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A hex SHA-1 (ours) in base64, the form the server's sync data carries; None for anything
/// that is not 40 hex digits.
pub fn hex_to_base64(hex: &str) -> Option<String> {
    use base64::Engine;
    if hex.len() != 40 {
        return None;
    }
    let bytes = (0..40)
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::HashMethod;

    #[test]
    fn files_from_the_bound_up_are_streamed() {
        let mib = 1024 * 1024;
        assert_eq!(HashMethod::for_size(64 * mib - 1, 64), HashMethod::Whole);
        assert_eq!(HashMethod::for_size(64 * mib, 64), HashMethod::Stream);
        assert_eq!(
            HashMethod::for_size(0, 0),
            HashMethod::Stream,
            "0: always streamed"
        );
        assert_eq!(HashMethod::for_size(u64::MAX, u32::MAX), HashMethod::Stream);
    }

    use super::*;

    #[test]
    fn hex_checksums_read_as_the_server_s_base64() {
        // red.jpg of the recorded v3.1.0 server: "Vhkk0dtbxCqIrauSrq4VHXXgNYg=".
        assert_eq!(
            hex_to_base64("561924d1db5bc42a88adab92aeae151d75e03588").as_deref(),
            Some("Vhkk0dtbxCqIrauSrq4VHXXgNYg=")
        );
        assert_eq!(hex_to_base64("zz"), None);
        assert_eq!(hex_to_base64(&"g".repeat(40)), None);
    }
    use proptest::prelude::*;

    fn one_shot(bytes: &[u8]) -> String {
        let mut stream = Sha1Stream::new();
        stream.update(bytes);
        stream.finish_hex()
    }

    #[test]
    fn known_vectors() {
        assert_eq!(one_shot(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(one_shot(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            one_shot(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn counts_bytes_seen() {
        let mut stream = Sha1Stream::new();
        assert_eq!(stream.bytes_seen(), 0);
        stream.update(b"ab");
        stream.update(b"");
        stream.update(b"c");
        assert_eq!(stream.bytes_seen(), 3);
        assert_eq!(
            stream.finish_hex(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    proptest! {
        #[test]
        fn chunked_equals_one_shot(
            data in proptest::collection::vec(any::<u8>(), 0..5000),
            chunk in 1usize..300,
        ) {
            let mut stream = Sha1Stream::new();
            for part in data.chunks(chunk) {
                stream.update(part);
            }
            prop_assert_eq!(stream.bytes_seen(), data.len() as u64);
            prop_assert_eq!(stream.finish_hex(), one_shot(&data));
        }
    }
}

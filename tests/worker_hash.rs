//! SHA-1 of Blobs inside a real service worker, read in chunks or digested whole by the
//! browser, against values computed natively.
#![cfg(target_arch = "wasm32")]

use immich_background::core::backup::HASH_STEP_BYTES as STEP_BYTES;
use immich_background::web::files::{digest_whole, BlobHasher};
use js_sys::{Array, Uint8Array};
use wasm_bindgen_test::*;
use web_sys::Blob;

wasm_bindgen_test_configure!(run_in_service_worker);

fn blob_of(bytes: &[u8]) -> Blob {
    let parts = Array::of1(&Uint8Array::from(bytes));
    Blob::new_with_u8_array_sequence(&parts).expect("a Blob from bytes")
}

async fn hash(blob: Blob) -> (String, u32) {
    let mut hasher = BlobHasher::new(blob).expect("a readable stream");
    let mut steps = 0;
    while hasher.step().await.expect("readable blob") {
        steps += 1;
    }
    (hasher.finish_hex(), steps)
}

const VECTORS: [(&[u8], &str); 3] = [
    (b"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    (b"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
    (
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
    ),
];

#[wasm_bindgen_test]
async fn known_vectors() {
    for (bytes, expected) in VECTORS {
        assert_eq!(hash(blob_of(bytes)).await.0, expected);
        let whole = digest_whole(&blob_of(bytes)).await.expect("readable blob");
        assert_eq!(whole, expected, "the browser's digest of the whole file");
    }
}

/// 32 MiB and a bit of a linear-congruential stream, read as a stream in several steps; the expected digest
/// came from Python's hashlib over the same bytes.
#[wasm_bindgen_test]
async fn multi_chunk_blob_matches_native_sha1() {
    let len: usize = 33_566_777;
    assert!(
        len as u64 > 2 * STEP_BYTES,
        "the blob takes three steps or more"
    );
    let mut state: u32 = 12_345;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as u8
        })
        .collect();
    let (digest, steps) = hash(blob_of(&bytes)).await;
    assert_eq!(digest, "51215f97d985fc9e957385d703f89dd1b82b08b8");
    let whole = digest_whole(&blob_of(&bytes)).await.expect("readable blob");
    assert_eq!(whole, digest);
    assert_eq!(
        u64::from(steps),
        (len as u64 - 1) / STEP_BYTES,
        "one progress step per STEP_BYTES"
    );
}

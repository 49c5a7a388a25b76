//! Hashing a Blob: as a stream, so a file of any size costs one stream chunk of memory (about
//! 1 MiB in Chromium; a stream read costs far less than one `slice().arrayBuffer()` per chunk),
//! or whole by the browser's native SHA-1, faster for the files that fit in memory (npm run
//! bench).

use js_sys::{Reflect, Uint8Array};
use thiserror::Error;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, Crypto, ReadableStreamDefaultReader};

use crate::core::backup::HASH_STEP_BYTES;
use crate::core::checksum::{self, HashMethod, Sha1Stream};

#[derive(Debug, Error)]
pub enum FileError {
    #[error("the file can no longer be read: {0}")]
    Unreadable(String),
    #[error("the file changed while it was read ({expected} bytes expected, {read} read)")]
    Changed { expected: u64, read: u64 },
}

fn js_message(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

fn unreadable(value: JsValue) -> FileError {
    FileError::Unreadable(js_message(value))
}

/// SHA-1 (lowercase hex) of a whole Blob by `crypto.subtle.digest`, in a window or a worker.
pub async fn digest_whole(blob: &Blob) -> Result<String, FileError> {
    let expected = blob.size() as u64;
    let bytes = JsFuture::from(blob.array_buffer())
        .await
        .map_err(unreadable)?;
    let read = bytes
        .dyn_ref::<js_sys::ArrayBuffer>()
        .map_or(0, |b| u64::from(b.byte_length()));
    if read != expected {
        return Err(FileError::Changed { expected, read });
    }
    let subtle = Reflect::get(&js_sys::global(), &"crypto".into())
        .and_then(|crypto| crypto.dyn_into::<Crypto>())
        .map_err(unreadable)?
        .subtle();
    let digest = subtle
        .digest_with_str_and_buffer_source("SHA-1", &bytes.unchecked_into())
        .map_err(unreadable)?;
    let digest = JsFuture::from(digest).await.map_err(unreadable)?;
    Ok(checksum::hex(&Uint8Array::new(&digest).to_vec()))
}

/// SHA-1 (lowercase hex) of a whole Blob by `method`, with no progress on the way (the backup
/// driver steps a `BlobHasher` itself to report it).
pub async fn digest(blob: Blob, method: HashMethod) -> Result<String, FileError> {
    match method {
        HashMethod::Whole => digest_whole(&blob).await,
        HashMethod::Stream => {
            let mut hasher = BlobHasher::new(blob)?;
            while hasher.step().await? {}
            Ok(hasher.finish_hex())
        }
    }
}

/// SHA-1 of a Blob, at least `HASH_STEP_BYTES` per `step`.
pub struct BlobHasher {
    reader: ReadableStreamDefaultReader,
    /// The read of the next chunk, asked for before the current one is hashed: the browser
    /// reads while the wasm hashes.
    ahead: Option<JsFuture>,
    size: u64,
    hasher: Sha1Stream,
    buffer: Vec<u8>,
}

impl BlobHasher {
    pub fn new(blob: Blob) -> Result<BlobHasher, FileError> {
        let size = blob.size() as u64;
        let reader = blob
            .stream()
            .get_reader()
            .dyn_into::<ReadableStreamDefaultReader>()
            .map_err(|other| unreadable(other.into()))?;
        Ok(BlobHasher {
            reader,
            ahead: None,
            size,
            hasher: Sha1Stream::new(),
            buffer: Vec::new(),
        })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn bytes_done(&self) -> u64 {
        self.hasher.bytes_seen()
    }

    /// Hashes the next `HASH_STEP_BYTES` or the rest; returns false once the whole Blob is hashed.
    pub async fn step(&mut self) -> Result<bool, FileError> {
        let goal = self.hasher.bytes_seen() + HASH_STEP_BYTES;
        while self.hasher.bytes_seen() < goal {
            let read = self
                .ahead
                .take()
                .unwrap_or_else(|| JsFuture::from(self.reader.read()));
            let result = read.await.map_err(unreadable)?;
            let done = Reflect::get(&result, &"done".into()).map_err(unreadable)?;
            if done.as_bool().unwrap_or(false) {
                return match self.hasher.bytes_seen() {
                    read if read == self.size => Ok(false),
                    read => Err(FileError::Changed {
                        expected: self.size,
                        read,
                    }),
                };
            }
            let chunk: Uint8Array = Reflect::get(&result, &"value".into())
                .map_err(unreadable)?
                .dyn_into()
                .map_err(unreadable)?;
            self.ahead = Some(JsFuture::from(self.reader.read()));
            self.buffer.resize(chunk.length() as usize, 0);
            chunk.copy_to(&mut self.buffer);
            self.hasher.update(&self.buffer);
        }
        Ok(true)
    }

    pub fn finish_hex(self) -> String {
        self.hasher.finish_hex()
    }
}

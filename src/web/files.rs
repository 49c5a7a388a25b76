//! Reading a Blob in chunks, so a file of any size costs a few chunks of memory. The next chunk
//! is already being read while the current one is hashed.

use js_sys::{ArrayBuffer, Uint8Array};
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::core::checksum::Sha1Stream;

pub const CHUNK_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum FileError {
    #[error("the file can no longer be read: {0}")]
    Unreadable(String),
}

fn js_message(value: wasm_bindgen::JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

fn read_chunk(blob: &Blob, start: u64, end: u64) -> Result<JsFuture, FileError> {
    // Offsets stay below 2^53, so f64 holds them exactly.
    let slice = blob
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|e| FileError::Unreadable(js_message(e)))?;
    Ok(JsFuture::from(slice.array_buffer()))
}

/// SHA-1 of a Blob, one chunk per `step`.
pub struct BlobHasher {
    blob: Blob,
    size: u64,
    hasher: Sha1Stream,
    next: Option<JsFuture>,
    buffer: Vec<u8>,
}

impl BlobHasher {
    pub fn new(blob: Blob) -> BlobHasher {
        let size = blob.size() as u64;
        BlobHasher {
            blob,
            size,
            hasher: Sha1Stream::new(),
            next: None,
            buffer: Vec::new(),
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn bytes_done(&self) -> u64 {
        self.hasher.bytes_seen()
    }

    /// Hashes the next chunk; returns false once the whole Blob is hashed.
    pub async fn step(&mut self) -> Result<bool, FileError> {
        let start = self.hasher.bytes_seen();
        if start >= self.size {
            return Ok(false);
        }
        let pending = match self.next.take() {
            Some(pending) => pending,
            None => read_chunk(&self.blob, start, (start + CHUNK_BYTES).min(self.size))?,
        };
        let chunk: ArrayBuffer = pending
            .await
            .map_err(|e| FileError::Unreadable(js_message(e)))?
            .unchecked_into();
        let after = start + u64::from(chunk.byte_length());
        if after < self.size {
            self.next = Some(read_chunk(
                &self.blob,
                after,
                (after + CHUNK_BYTES).min(self.size),
            )?);
        }
        let view = Uint8Array::new(&chunk);
        self.buffer.resize(view.length() as usize, 0);
        view.copy_to(&mut self.buffer);
        self.hasher.update(&self.buffer);
        if chunk.byte_length() == 0 {
            return Err(FileError::Unreadable("the file became shorter".into()));
        }
        Ok(self.hasher.bytes_seen() < self.size)
    }

    pub fn finish_hex(self) -> String {
        self.hasher.finish_hex()
    }
}

//! Splits the bytes of a JSON-lines body into lines as they arrive, whatever the chunking.

use thiserror::Error;

/// The longest line accepted. A row is about a kilobyte; a server that sends megabytes without a
/// newline is broken, and reading on would hold all of it in memory.
pub const MAX_LINE: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum LineError {
    #[error("a line is longer than {} MiB", MAX_LINE / (1024 * 1024))]
    TooLong,
}

/// Holds the unfinished line between chunks.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
}

impl LineSplitter {
    pub fn new() -> LineSplitter {
        LineSplitter::default()
    }

    /// The lines `bytes` completes, without their `\n` (nor a `\r` before it); blank lines are
    /// left out. A line that grows past `MAX_LINE` is an error.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<Vec<u8>>, LineError> {
        let mut lines = Vec::new();
        let mut rest = bytes;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let (head, tail) = rest.split_at(end);
            rest = &tail[1..];
            if self.partial.len() + head.len() > MAX_LINE {
                return Err(LineError::TooLong);
            }
            let line = if self.partial.is_empty() {
                head.to_vec()
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(head);
                line
            };
            lines.extend(finished(line));
        }
        if self.partial.len() + rest.len() > MAX_LINE {
            return Err(LineError::TooLong);
        }
        self.partial.extend_from_slice(rest);
        Ok(lines)
    }

    /// The last line when the body does not end with a newline (a server may leave it out; a
    /// line cut by a broken connection then fails to decode).
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        finished(std::mem::take(&mut self.partial))
    }
}

/// A line without its `\r`, or None when blank.
fn finished(mut line: Vec<u8>) -> Option<Vec<u8>> {
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    (!line.iter().all(u8::is_ascii_whitespace)).then_some(line)
}

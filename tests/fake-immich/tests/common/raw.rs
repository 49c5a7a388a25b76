//! HTTP/1.1 by hand over one TCP connection, for what a client library hides: when bytes are
//! sent, when they arrive, and whether the connection is reused.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::Server;

pub struct Head {
    pub status: u16,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn content_length(&self) -> usize {
        self.header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no content-length in {:?}", self.headers))
    }
}

pub struct Connection(TcpStream);

impl Connection {
    pub fn open(server: &Server) -> Self {
        let address = server.base.trim_start_matches("http://");
        let stream = TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        Self(stream)
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.0.write_all(bytes).expect("send");
        self.0.flush().expect("flush");
    }

    /// Reads the status line and headers, and not a byte further.
    pub fn read_head(&mut self) -> Head {
        let mut raw = Vec::new();
        let mut byte = [0u8; 1];
        while !raw.ends_with(b"\r\n\r\n") {
            let read = self.0.read(&mut byte).expect("read head");
            assert_eq!(read, 1, "the server closed the connection; got {raw:?}");
            raw.push(byte[0]);
        }
        let text = String::from_utf8(raw).expect("UTF-8 head");
        let mut lines = text.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("bad status line in {text:?}"));
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_string()))
            .collect();
        Head { status, headers }
    }

    /// True when a body byte is waiting (or arrives within `within`).
    pub fn has_data_within(&mut self, within: Duration) -> bool {
        self.0.set_read_timeout(Some(within)).expect("read timeout");
        let ready = self.0.peek(&mut [0u8; 1]).is_ok_and(|n| n > 0);
        self.0
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        ready
    }

    /// True when the server closed or reset the connection without sending a byte.
    pub fn closed_without_answer(&mut self) -> bool {
        match self.0.read(&mut [0u8; 1]) {
            Ok(read) => read == 0,
            Err(error) => matches!(
                error.kind(),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
            ),
        }
    }

    /// A chunked body, chunk by chunk as the server framed them.
    pub fn read_chunks(&mut self) -> Vec<Vec<u8>> {
        let mut chunks = Vec::new();
        loop {
            let mut size_line = Vec::new();
            while !size_line.ends_with(b"\r\n") {
                let mut byte = [0u8; 1];
                self.0.read_exact(&mut byte).expect("read chunk size");
                size_line.push(byte[0]);
            }
            let size = std::str::from_utf8(&size_line[..size_line.len() - 2])
                .ok()
                .and_then(|hex| usize::from_str_radix(hex.split(';').next()?, 16).ok())
                .unwrap_or_else(|| panic!("bad chunk size line {size_line:?}"));
            let mut chunk = vec![0u8; size + 2];
            self.0.read_exact(&mut chunk).expect("read chunk");
            chunk.truncate(size);
            if size == 0 {
                return chunks;
            }
            chunks.push(chunk);
        }
    }

    pub fn read_body(&mut self, head: &Head) -> Vec<u8> {
        let mut body = vec![0u8; head.content_length()];
        self.0.read_exact(&mut body).expect("read body");
        body
    }
}

/// A request head with `Content-Length` for a body sent separately.
pub fn request_head(method: &str, path: &str, headers: &[(&str, &str)], body_len: usize) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {body_len}\r\n\r\n"));
    head
}

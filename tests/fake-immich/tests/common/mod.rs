//! Shared helpers for the integration tests: run the built binary, talk HTTP to it.
#![allow(dead_code)] // each test crate uses a different subset

pub mod http;
pub mod raw;
pub mod socket;
pub mod sync;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{SystemTime, UNIX_EPOCH};

pub const API_KEY: &str = "immich-dev-key";
pub const EMAIL: &str = "admin@immich.local";
pub const PASSWORD: &str = "immich-dev-password";

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "fake-immich-{label}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The fake-immich binary running on a free port; killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// With the API key `API_KEY`.
    pub fn start(data_dir: &Path, extra_args: &[&str]) -> Self {
        Self::start_with_args(data_dir, &[&["--api-key", API_KEY], extra_args].concat())
    }

    pub fn start_with_args(data_dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fake-immich"))
            .args(["--port", "0", "--data-dir"])
            .arg(data_dir)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn fake-immich");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read listening line");
        let base = line
            .trim()
            .strip_prefix("fake-immich listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("stderr lock")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self {
            child,
            base,
            stderr,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn ws_url(&self, query: &str) -> String {
        format!(
            "{}/api/socket.io/?EIO=4&transport=websocket{query}",
            self.base.replacen("http", "ws", 1)
        )
    }

    /// Everything the server logged so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    /// The log once it mentions `needle` (the reader thread may lag behind the response).
    pub fn log_containing(&self, needle: &str) -> String {
        for _ in 0..100 {
            let log = self.stderr();
            if log.contains(needle) {
                return log;
            }
            thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("the log never mentioned {needle:?}: {}", self.stderr());
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn sha1_hex(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

pub fn sha1_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(sha1_smol::Sha1::from(bytes).digest().bytes())
}

/// Deterministic filler bytes, different per seed.
pub fn bytes(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

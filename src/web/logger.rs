//! Log lines to the console and the stored ring, with every secret redacted first.

use crate::core::log::{redact, LogEntry, LogLevel};
use crate::web::store::Store;

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

pub struct Logger<'a> {
    store: &'a Store,
    secrets: Vec<String>,
}

impl<'a> Logger<'a> {
    pub fn new(store: &'a Store, secrets: Vec<String>) -> Logger<'a> {
        Logger { store, secrets }
    }

    pub async fn log(&self, level: LogLevel, message: &str) {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        let entry = LogEntry {
            at_ms: now_ms(),
            level,
            message: redact(message, &secrets),
        };
        let line = format!("[immich-background] {:?}: {}", entry.level, entry.message);
        match level {
            LogLevel::Info => web_sys::console::info_1(&line.into()),
            LogLevel::Warning => web_sys::console::warn_1(&line.into()),
            LogLevel::Severe => web_sys::console::error_1(&line.into()),
        }
        if let Err(e) = self.store.append_log(&entry).await {
            web_sys::console::error_1(&format!("[immich-background] log not stored: {e}").into());
        }
    }

    pub async fn info(&self, message: &str) {
        self.log(LogLevel::Info, message).await;
    }

    pub async fn warning(&self, message: &str) {
        self.log(LogLevel::Warning, message).await;
    }

    pub async fn severe(&self, message: &str) {
        self.log(LogLevel::Severe, message).await;
    }
}

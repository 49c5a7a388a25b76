//! The browser console: where log lines go besides the stored log.

use crate::core::log::{LogEntry, LogLevel};

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Prints a log line at its level.
pub fn print(entry: &LogEntry) {
    let line = format!("[immich-background] {:?}: {}", entry.level, entry.message).into();
    match entry.level {
        LogLevel::Debug => web_sys::console::debug_1(&line),
        LogLevel::Info => web_sys::console::info_1(&line),
        LogLevel::Warning => web_sys::console::warn_1(&line),
        LogLevel::Severe => web_sys::console::error_1(&line),
    }
}

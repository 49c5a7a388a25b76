//! Log levels, the bounded ring of stored log lines, and secret redaction.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// How many log lines are kept; older ones are evicted first.
pub const LOG_CAPACITY: usize = 500;

const REDACTED: &str = "[redacted]";

/// The mobile app's levels (INFO, WARNING, SEVERE) and DEBUG for troubleshooting; ordered so
/// `at_least` can filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LogLevel {
    /// Detailed entries, kept only with the setting "Advanced troubleshooting".
    Debug,
    Info,
    Warning,
    Severe,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub at_ms: i64,
    pub level: LogLevel,
    pub message: String,
}

/// A bounded buffer of log entries, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRing {
    capacity: usize,
    entries: VecDeque<LogEntry>,
}

impl LogRing {
    pub fn new(capacity: usize) -> Self {
        LogRing {
            capacity,
            entries: VecDeque::with_capacity(capacity),
        }
    }

    /// Rebuilds a ring from stored entries (oldest first), keeping the newest `capacity`.
    pub fn from_entries(capacity: usize, entries: Vec<LogEntry>) -> Self {
        let mut ring = LogRing::new(capacity);
        for entry in entries {
            ring.push(entry);
        }
        ring
    }

    /// Appends an entry, evicting the oldest when full.
    pub fn push(&mut self, entry: LogEntry) {
        if self.capacity == 0 {
            return;
        }
        while self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// All entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter()
    }

    /// The entries at `level` or more severe, oldest first.
    pub fn at_least(&self, level: LogLevel) -> Vec<LogEntry> {
        self.entries
            .iter()
            .filter(|entry| entry.level >= level)
            .cloned()
            .collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Replaces every occurrence of each non-empty secret with "[redacted]". Used on every log line
/// and error text before it is stored or shown.
///
/// One left-to-right pass, longest secret first at each position, so a secret that contains
/// another is hidden whole, and the replacement text itself is never searched again.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    if secrets.is_empty() {
        return text.to_owned();
    }
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));

    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(next) = rest.chars().next() {
        match secrets.iter().find(|secret| rest.starts_with(**secret)) {
            Some(secret) => {
                out.push_str(REDACTED);
                rest = &rest[secret.len()..];
            }
            None => {
                out.push(next);
                rest = &rest[next.len_utf8()..];
            }
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn entry(at_ms: i64, level: LogLevel) -> LogEntry {
        LogEntry {
            at_ms,
            level,
            message: format!("line {at_ms}"),
        }
    }

    fn times(ring: &LogRing) -> Vec<i64> {
        ring.entries().map(|e| e.at_ms).collect()
    }

    #[test]
    fn ring_evicts_oldest_beyond_capacity() {
        let mut ring = LogRing::new(3);
        assert!(ring.is_empty());
        for at in 1..=5 {
            ring.push(entry(at, LogLevel::Info));
        }
        assert_eq!(ring.len(), 3);
        assert_eq!(times(&ring), vec![3, 4, 5]);
    }

    #[test]
    fn ring_of_zero_capacity_keeps_nothing() {
        let mut ring = LogRing::new(0);
        ring.push(entry(1, LogLevel::Severe));
        assert!(ring.is_empty());
    }

    #[test]
    fn from_entries_keeps_the_newest() {
        let stored = (1..=10).map(|at| entry(at, LogLevel::Info)).collect();
        let ring = LogRing::from_entries(4, stored);
        assert_eq!(times(&ring), vec![7, 8, 9, 10]);
    }

    #[test]
    fn at_least_filters_by_level() {
        let mut ring = LogRing::new(LOG_CAPACITY);
        ring.push(entry(1, LogLevel::Info));
        ring.push(entry(2, LogLevel::Severe));
        ring.push(entry(3, LogLevel::Warning));
        let at = |level| {
            ring.at_least(level)
                .iter()
                .map(|e| e.at_ms)
                .collect::<Vec<_>>()
        };
        assert_eq!(at(LogLevel::Info), vec![1, 2, 3]);
        assert_eq!(at(LogLevel::Warning), vec![2, 3]);
        assert_eq!(at(LogLevel::Severe), vec![2]);
    }

    #[test]
    fn entry_json_shape() {
        let json = serde_json::to_value(entry(7, LogLevel::Warning)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"atMs": 7, "level": "WARNING", "message": "line 7"})
        );
        let back: LogEntry = serde_json::from_value(json).unwrap();
        assert_eq!(back, entry(7, LogLevel::Warning));
        assert_eq!(
            serde_json::to_value(LogLevel::Severe).unwrap(),
            serde_json::json!("SEVERE")
        );
    }

    #[test]
    fn redact_hides_every_occurrence() {
        assert_eq!(
            redact("key=abc123 again abc123", &["abc123"]),
            "key=[redacted] again [redacted]"
        );
    }

    #[test]
    fn redact_ignores_empty_secrets_and_keeps_other_text() {
        assert_eq!(redact("nothing to hide", &["", "zzz"]), "nothing to hide");
        assert_eq!(redact("plain", &[]), "plain");
    }

    #[test]
    fn redact_prefers_the_longest_secret() {
        assert_eq!(
            redact("token abcdef", &["abc", "abcdef"]),
            "token [redacted]"
        );
    }

    #[test]
    fn redact_never_searches_its_own_replacement() {
        // "red" occurs inside "[redacted]": a naive repeated replace would mangle it.
        assert_eq!(redact("red key", &["key", "red"]), "[redacted] [redacted]");
    }

    #[test]
    fn redact_handles_multibyte_text() {
        assert_eq!(
            redact("café ünïcode sécret", &["sécret"]),
            "café ünïcode [redacted]"
        );
    }
}

//! The backup settings: same names and defaults as the mobile app, validation of what the page
//! sends, and migration of what older versions stored.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The most uploads in flight at once: a browser opens six connections per server over
/// HTTP/1.1, and the sync stream and the live updates need theirs.
pub const MAX_PARALLEL_UPLOADS: u32 = 4;

/// The version written by `to_stored`. Version 0 was a bare object (see `from_stored`).
pub const SETTINGS_SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub background_backup: bool,
    pub backup_require_wifi: bool,
    pub backup_require_charging: bool,
    /// Minutes to wait after a change before a background backup starts, 1..=1440.
    pub backup_trigger_delay: u32,
    pub background_backup_total_progress: bool,
    pub background_backup_single_progress: bool,
    /// How many uploads may fail in a row before an error notification is shown, 0..=1000.
    pub upload_error_notification_grace_period: u32,
    /// How many times an upload may be cut off by the end of the worker (the browser allows one
    /// worker event a few minutes) before the file fails, 1..=100.
    pub upload_interruption_limit: u32,
    /// Whether a condition the browser cannot tell (WiFi on desktop, charging with no page open)
    /// counts as met.
    pub backup_unknown_conditions_met: bool,
    /// Detailed log entries: each step, each request's status and duration.
    pub advanced_troubleshooting: bool,
    /// Files of at least this many MiB are handed to the browser's Background Fetch while a
    /// page is open, so they outlive the worker; 0: never; 0..=1048576.
    pub background_fetch_min_mb: u32,
    /// Seconds the server's live updates stay connected once no page is in front (work in
    /// progress keeps them longer), 0..=3600.
    pub realtime_disconnect_delay: u32,
    /// Uploads a run keeps in flight at once, 1..=4; 1: strictly one request at a time.
    pub parallel_uploads: u32,
    /// Files of at least this many MiB are hashed as a stream (one chunk of memory); smaller
    /// ones whole by the browser's native SHA-1, faster; 0: every file is streamed; 0..=1048576.
    pub hash_stream_min_mb: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            background_backup: false,
            backup_require_wifi: true,
            backup_require_charging: false,
            backup_trigger_delay: 30,
            background_backup_total_progress: true,
            background_backup_single_progress: false,
            upload_error_notification_grace_period: 2,
            upload_interruption_limit: 3,
            backup_unknown_conditions_met: true,
            advanced_troubleshooting: false,
            background_fetch_min_mb: 64,
            realtime_disconnect_delay: 60,
            parallel_uploads: 3,
            hash_stream_min_mb: 64,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SettingsError {
    #[error("settings must be a JSON object")]
    NotAnObject,
    #[error("{0} is not a known setting")]
    UnknownKey(String),
    #[error("{key} must be {expected}")]
    WrongType { key: String, expected: &'static str },
    #[error("{key} must be between {min} and {max}, got {value}")]
    OutOfRange {
        key: String,
        min: u32,
        max: u32,
        value: Value,
    },
}

/// Where a setting lives in `Settings` and what values it takes.
#[derive(Clone, Copy)]
enum Field {
    Flag(fn(&mut Settings) -> &mut bool),
    Count {
        slot: fn(&mut Settings) -> &mut u32,
        min: u32,
        max: u32,
    },
}

struct Spec {
    key: &'static str,
    /// The snake_case spelling some version-0 records used.
    legacy_key: &'static str,
    field: Field,
}

const SPECS: [Spec; 14] = [
    Spec {
        key: "backgroundBackup",
        legacy_key: "background_backup",
        field: Field::Flag(|s| &mut s.background_backup),
    },
    Spec {
        key: "backupRequireWifi",
        legacy_key: "backup_require_wifi",
        field: Field::Flag(|s| &mut s.backup_require_wifi),
    },
    Spec {
        key: "backupRequireCharging",
        legacy_key: "backup_require_charging",
        field: Field::Flag(|s| &mut s.backup_require_charging),
    },
    Spec {
        key: "backupTriggerDelay",
        legacy_key: "backup_trigger_delay",
        field: Field::Count {
            slot: |s| &mut s.backup_trigger_delay,
            min: 1,
            max: 1440,
        },
    },
    Spec {
        key: "backgroundBackupTotalProgress",
        legacy_key: "background_backup_total_progress",
        field: Field::Flag(|s| &mut s.background_backup_total_progress),
    },
    Spec {
        key: "backgroundBackupSingleProgress",
        legacy_key: "background_backup_single_progress",
        field: Field::Flag(|s| &mut s.background_backup_single_progress),
    },
    Spec {
        key: "uploadErrorNotificationGracePeriod",
        legacy_key: "upload_error_notification_grace_period",
        field: Field::Count {
            slot: |s| &mut s.upload_error_notification_grace_period,
            min: 0,
            max: 1000,
        },
    },
    Spec {
        key: "uploadInterruptionLimit",
        legacy_key: "upload_interruption_limit",
        field: Field::Count {
            slot: |s| &mut s.upload_interruption_limit,
            min: 1,
            max: 100,
        },
    },
    Spec {
        key: "backupUnknownConditionsMet",
        legacy_key: "backup_unknown_conditions_met",
        field: Field::Flag(|s| &mut s.backup_unknown_conditions_met),
    },
    Spec {
        key: "advancedTroubleshooting",
        legacy_key: "advanced_troubleshooting",
        field: Field::Flag(|s| &mut s.advanced_troubleshooting),
    },
    Spec {
        key: "backgroundFetchMinMb",
        legacy_key: "background_fetch_min_mb",
        field: Field::Count {
            slot: |s| &mut s.background_fetch_min_mb,
            min: 0,
            max: 1_048_576,
        },
    },
    Spec {
        key: "realtimeDisconnectDelay",
        legacy_key: "realtime_disconnect_delay",
        field: Field::Count {
            slot: |s| &mut s.realtime_disconnect_delay,
            min: 0,
            max: 3600,
        },
    },
    Spec {
        key: "parallelUploads",
        legacy_key: "parallel_uploads",
        field: Field::Count {
            slot: |s| &mut s.parallel_uploads,
            min: 1,
            max: MAX_PARALLEL_UPLOADS,
        },
    },
    Spec {
        key: "hashStreamMinMb",
        legacy_key: "hash_stream_min_mb",
        field: Field::Count {
            slot: |s| &mut s.hash_stream_min_mb,
            min: 0,
            max: 1_048_576,
        },
    },
];

impl Spec {
    /// Validates `value` and writes it into `settings`. `digit_strings` accepts numbers stored
    /// as strings of digits, as version 0 did; the page must send real numbers.
    fn apply(
        &self,
        settings: &mut Settings,
        value: &Value,
        digit_strings: bool,
    ) -> Result<(), SettingsError> {
        let wrong_type = |expected| SettingsError::WrongType {
            key: self.key.to_owned(),
            expected,
        };
        match self.field {
            Field::Flag(slot) => {
                *slot(settings) = value.as_bool().ok_or(wrong_type("true or false"))?;
            }
            Field::Count { slot, min, max } => {
                let whole = match value {
                    Value::Number(n) => n
                        .as_i64()
                        .map(i128::from)
                        .or_else(|| n.as_u64().map(i128::from))
                        // Saturating cast: a huge whole float is simply out of range.
                        .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i128)),
                    Value::String(text) if digit_strings => {
                        let digits = text.trim();
                        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                            .then(|| digits.parse::<i128>().unwrap_or(i128::MAX))
                    }
                    _ => None,
                }
                .ok_or(wrong_type("a whole number"))?;
                *slot(settings) = u32::try_from(whole)
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| SettingsError::OutOfRange {
                        key: self.key.to_owned(),
                        min,
                        max,
                        value: value.clone(),
                    })?;
            }
        }
        Ok(())
    }
}

impl Settings {
    /// Validates a JSON object from the page. Missing keys take their default; unknown keys,
    /// wrong types and out-of-range values are refused with a message naming the key.
    pub fn from_json(value: &Value) -> Result<Settings, SettingsError> {
        let object = value.as_object().ok_or(SettingsError::NotAnObject)?;
        let mut settings = Settings::default();
        for (key, value) in object {
            let spec = SPECS
                .iter()
                .find(|spec| spec.key == key)
                .ok_or_else(|| SettingsError::UnknownKey(key.clone()))?;
            spec.apply(&mut settings, value, false)?;
        }
        Ok(settings)
    }

    /// Reads a stored record `{ "version": N, "values": {...} }` (or a bare object = version 0),
    /// migrating older schemas; never drops a stored valid value. Invalid stored values fall back
    /// to the default for that key and are reported in the returned warnings.
    pub fn from_stored(value: &Value) -> (Settings, Vec<String>) {
        let mut warnings = Vec::new();
        let Some(record) = value.as_object() else {
            warnings.push("stored settings are not an object; using the defaults".to_owned());
            return (Settings::default(), warnings);
        };
        let (version, values) = match (record.get("version"), record.get("values")) {
            (Some(version), Some(Value::Object(values))) => match version.as_u64() {
                Some(version) => (version, values),
                None => {
                    warnings.push(format!(
                        "stored settings have an unreadable version {version}; reading them as the current version"
                    ));
                    (u64::from(SETTINGS_SCHEMA_VERSION), values)
                }
            },
            _ => (0, record),
        };
        if version > u64::from(SETTINGS_SCHEMA_VERSION) {
            warnings.push(format!(
                "stored settings are from a newer version ({version}); keeping what this version understands"
            ));
        }
        let settings = read_values(values, version == 0, &mut warnings);
        (settings, warnings)
    }

    /// The record to store: `{ "version": SETTINGS_SCHEMA_VERSION, "values": {...} }`.
    pub fn to_stored(&self) -> Value {
        let values = serde_json::to_value(self).expect("settings are plain booleans and numbers");
        serde_json::json!({ "version": SETTINGS_SCHEMA_VERSION, "values": values })
    }
}

/// Reads every known key, falling back to the default (with a warning) for invalid values.
fn read_values(
    values: &Map<String, Value>,
    version_zero: bool,
    warnings: &mut Vec<String>,
) -> Settings {
    let mut settings = Settings::default();
    for (key, value) in values {
        let spec = SPECS
            .iter()
            .find(|spec| spec.key == key || (version_zero && spec.legacy_key == key));
        let Some(spec) = spec else {
            warnings.push(format!("ignored the unknown stored setting {key}"));
            continue;
        };
        // When both spellings are stored, the camelCase one is the newer: skip the legacy one.
        if spec.key != key && values.contains_key(spec.key) {
            warnings.push(format!("ignored {key}: {} is stored too", spec.key));
            continue;
        }
        if let Err(err) = spec.apply(&mut settings, value, version_zero) {
            let default = &serde_json::to_value(Settings::default())
                .expect("settings are plain booleans and numbers")[spec.key];
            warnings.push(format!("{err}; using the default {default}"));
        }
    }
    settings
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "settings_tests.rs"]
mod tests;

use super::*;
use serde_json::json;

#[test]
fn defaults_match_the_mobile_app() {
    let json = serde_json::to_value(Settings::default()).unwrap();
    assert_eq!(
        json,
        json!({
            "backgroundBackup": false,
            "backupRequireWifi": true,
            "backupRequireCharging": false,
            "backupTriggerDelay": 30,
            "backgroundBackupTotalProgress": true,
            "backgroundBackupSingleProgress": false,
            "uploadErrorNotificationGracePeriod": 2,
            "uploadInterruptionLimit": 3,
            "backupUnknownConditionsMet": true,
            "advancedTroubleshooting": false,
            "backgroundFetchMinMb": 64,
            "realtimeDisconnectDelay": 60,
            "parallelUploads": 3,
            "hashStreamMinMb": 64,
        })
    );
}

#[test]
fn every_field_has_exactly_one_spec() {
    let json = serde_json::to_value(Settings::default()).unwrap();
    let keys: Vec<&str> = SPECS.iter().map(|s| s.key).collect();
    let mut serialized: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    serialized.sort_unstable();
    assert_eq!(sorted, serialized);
}

#[test]
fn from_json_fills_missing_keys_with_defaults() {
    let settings = Settings::from_json(&json!({"backgroundBackup": true})).unwrap();
    assert_eq!(
        settings,
        Settings {
            background_backup: true,
            ..Settings::default()
        }
    );
    assert_eq!(
        Settings::from_json(&json!({})).unwrap(),
        Settings::default()
    );
}

#[test]
fn from_json_accepts_every_key_at_its_bounds() {
    let settings = Settings::from_json(&json!({
        "backgroundBackup": true,
        "backupRequireWifi": false,
        "backupRequireCharging": true,
        "backupTriggerDelay": 1440,
        "backgroundBackupTotalProgress": false,
        "backgroundBackupSingleProgress": true,
        "uploadErrorNotificationGracePeriod": 0,
        "backgroundFetchMinMb": 0,
        "realtimeDisconnectDelay": 3600,
        "parallelUploads": 1,
    }))
    .unwrap();
    assert_eq!(
        settings,
        Settings {
            background_backup: true,
            backup_require_wifi: false,
            backup_require_charging: true,
            backup_trigger_delay: 1440,
            background_backup_total_progress: false,
            background_backup_single_progress: true,
            upload_error_notification_grace_period: 0,
            upload_interruption_limit: 3,
            backup_unknown_conditions_met: true,
            advanced_troubleshooting: false,
            background_fetch_min_mb: 0,
            realtime_disconnect_delay: 3600,
            parallel_uploads: 1,
            hash_stream_min_mb: 64,
        }
    );
    let whole_float = Settings::from_json(&json!({"backupTriggerDelay": 45.0})).unwrap();
    assert_eq!(whole_float.backup_trigger_delay, 45);
}

#[test]
fn from_json_refuses_non_objects() {
    for value in [json!(null), json!([]), json!("x"), json!(3)] {
        assert_eq!(Settings::from_json(&value), Err(SettingsError::NotAnObject));
    }
}

#[test]
fn from_json_refuses_unknown_keys() {
    let err = Settings::from_json(&json!({"backup_require_wifi": true})).unwrap_err();
    assert_eq!(err, SettingsError::UnknownKey("backup_require_wifi".into()));
    assert_eq!(
        err.to_string(),
        "backup_require_wifi is not a known setting"
    );
}

#[test]
fn from_json_refuses_wrong_types_naming_the_key() {
    let err = Settings::from_json(&json!({"backupRequireWifi": "yes"})).unwrap_err();
    assert_eq!(err.to_string(), "backupRequireWifi must be true or false");
    let err = Settings::from_json(&json!({"backupTriggerDelay": "45"})).unwrap_err();
    assert_eq!(err.to_string(), "backupTriggerDelay must be a whole number");
    let err = Settings::from_json(&json!({"backupTriggerDelay": 2.5})).unwrap_err();
    assert_eq!(
        err,
        SettingsError::WrongType {
            key: "backupTriggerDelay".into(),
            expected: "a whole number"
        }
    );
}

#[test]
fn from_json_refuses_out_of_range_naming_the_key() {
    let err = Settings::from_json(&json!({"backupTriggerDelay": 0})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "backupTriggerDelay must be between 1 and 1440, got 0"
    );
    for bad in [json!(1441), json!(-5), json!(1e30), json!(u64::MAX)] {
        let err = Settings::from_json(&json!({"backupTriggerDelay": bad})).unwrap_err();
        assert!(
            matches!(err, SettingsError::OutOfRange { ref key, min: 1, max: 1440, .. } if key == "backupTriggerDelay")
        );
    }
    let err =
        Settings::from_json(&json!({"uploadErrorNotificationGracePeriod": 1001})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "uploadErrorNotificationGracePeriod must be between 0 and 1000, got 1001"
    );
}

#[test]
fn stored_round_trip() {
    let settings = Settings {
        background_backup: true,
        backup_trigger_delay: 90,
        ..Settings::default()
    };
    let stored = settings.to_stored();
    assert_eq!(stored["version"], json!(SETTINGS_SCHEMA_VERSION));
    assert_eq!(stored["values"]["backupTriggerDelay"], json!(90));
    assert_eq!(Settings::from_stored(&stored), (settings, vec![]));
}

#[test]
fn migrates_version_zero_snake_case_and_digit_strings() {
    let stored = json!({
        "background_backup": true,
        "backup_require_wifi": false,
        "backupTriggerDelay": "45",
        "upload_error_notification_grace_period": "7",
    });
    let (settings, warnings) = Settings::from_stored(&stored);
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(
        settings,
        Settings {
            background_backup: true,
            backup_require_wifi: false,
            backup_trigger_delay: 45,
            upload_error_notification_grace_period: 7,
            ..Settings::default()
        }
    );
    // Migrated once, stored in the current schema from then on.
    assert_eq!(
        Settings::from_stored(&settings.to_stored()),
        (settings, vec![])
    );
}

#[test]
fn version_zero_prefers_camel_case_when_both_are_stored() {
    let stored = json!({"backupRequireWifi": false, "backup_require_wifi": true});
    let (settings, warnings) = Settings::from_stored(&stored);
    assert!(!settings.backup_require_wifi);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("backup_require_wifi"));
}

#[test]
fn invalid_stored_value_falls_back_with_a_warning() {
    let stored = json!({"version": 1, "values": {
        "backgroundBackup": true,
        "backupTriggerDelay": 0,
        "backupRequireCharging": "maybe",
    }});
    let (settings, warnings) = Settings::from_stored(&stored);
    assert_eq!(
        settings,
        Settings {
            background_backup: true,
            ..Settings::default()
        }
    );
    assert_eq!(warnings.len(), 2);
    assert!(warnings.contains(
        &"backupTriggerDelay must be between 1 and 1440, got 0; using the default 30".to_owned()
    ));
    assert!(warnings.contains(
        &"backupRequireCharging must be true or false; using the default false".to_owned()
    ));
}

#[test]
fn version_one_takes_no_digit_strings_or_legacy_keys() {
    let stored =
        json!({"version": 1, "values": {"backupTriggerDelay": "45", "background_backup": true}});
    let (settings, warnings) = Settings::from_stored(&stored);
    assert_eq!(settings, Settings::default());
    assert_eq!(warnings.len(), 2);
}

#[test]
fn version_zero_digit_strings_are_still_range_checked() {
    for bad in [
        "0",
        "99999999999999999999999999999999999999999999",
        "4x",
        "",
        "-3",
    ] {
        let (settings, warnings) = Settings::from_stored(&json!({"backupTriggerDelay": bad}));
        assert_eq!(settings.backup_trigger_delay, 30, "{bad}");
        assert_eq!(warnings.len(), 1, "{bad}");
        assert!(
            warnings[0].starts_with("backupTriggerDelay must be"),
            "{bad}"
        );
    }
}

#[test]
fn unreadable_records_fall_back_to_defaults() {
    for value in [json!(null), json!("x"), json!([1, 2])] {
        let (settings, warnings) = Settings::from_stored(&value);
        assert_eq!(settings, Settings::default());
        assert_eq!(warnings.len(), 1);
    }
    let (settings, warnings) =
        Settings::from_stored(&json!({"version": "one", "values": {"backgroundBackup": true}}));
    assert!(settings.background_backup);
    assert_eq!(warnings.len(), 1);
}

#[test]
fn newer_version_keeps_known_values() {
    let stored = json!({"version": 9, "values": {"backgroundBackup": true, "futureThing": 1}});
    let (settings, warnings) = Settings::from_stored(&stored);
    assert!(settings.background_backup);
    assert_eq!(warnings.len(), 2);
}

proptest::proptest! {
    #[test]
    fn any_json_is_refused_or_read_without_panic(value in crate::core::test_json::any_json()) {
        if let Ok(settings) = Settings::from_json(&value) {
            proptest::prop_assert_eq!(Settings::from_stored(&settings.to_stored()), (settings, vec![]));
        }
        let (stored, _warnings) = Settings::from_stored(&value);
        proptest::prop_assert_eq!(Settings::from_stored(&stored.to_stored()), (stored, vec![]));
    }
}

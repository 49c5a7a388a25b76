//! Arbitrary JSON for property tests of the parsers: no input may make them panic.

use proptest::prelude::*;
use serde_json::Value;

/// Any JSON value, biased towards the keys and words the parsers look for.
pub fn any_json() -> impl Strategy<Value = Value> {
    let word = prop_oneof![
        Just("method".to_owned()),
        Just("args".to_owned()),
        Just("version".to_owned()),
        Just("values".to_owned()),
        Just("updateNotification".to_owned()),
        Just("systemStop".to_owned()),
        Just("backupTriggerDelay".to_owned()),
        Just("backup_require_wifi".to_owned()),
        ".{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        word.clone().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(word.clone(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

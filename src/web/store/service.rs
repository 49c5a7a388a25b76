//! The background service's record.

use serde::{Deserialize, Serialize};

use crate::core::lifecycle::ServiceRecord;

use super::{from_js, to_js, Store, StoreError, RUN_STATE};

/// Version 1 stored only `{requested}` under "backup"; read once if "service" is missing.
const LEGACY_RUN_KEY: &str = "backup";
const SERVICE_KEY: &str = "service";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyRunState {
    requested: bool,
}

impl Store {
    /// The background service's record; a database of version 1 held only whether a run was
    /// requested, which becomes a wanted run.
    pub async fn load_service(&self) -> Result<ServiceRecord, StoreError> {
        if let Some(value) = self.get_value(RUN_STATE, SERVICE_KEY).await? {
            return from_js(value);
        }
        Ok(match self.get_value(RUN_STATE, LEGACY_RUN_KEY).await? {
            Some(value) => ServiceRecord {
                wanted: from_js::<LegacyRunState>(value)?.requested,
                ..ServiceRecord::default()
            },
            None => ServiceRecord::default(),
        })
    }

    pub async fn save_service(&self, record: &ServiceRecord) -> Result<(), StoreError> {
        self.put_value(RUN_STATE, SERVICE_KEY, to_js(record)?).await
    }
}

//! The IndexedDB schema and its repositories. This module alone knows store names and record
//! shapes; writes that belong together share one transaction.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use wasm_bindgen::prelude::*;

use crate::core::immich::ApiKey;
use crate::core::log::{LogEntry, LogRing, LOG_CAPACITY};
use crate::core::server_url::ServerUrl;
use crate::core::settings::Settings;

mod folders;
mod queue;
mod service;
mod sync_state;

pub use sync_state::TaggedReply;

pub const DB_NAME: &str = "immich-background";
const SCHEMA_VERSION: u8 = 2;

const SETTINGS: &str = "settings";
const AUTH: &str = "auth";
const LOCAL_ASSETS: &str = "local_assets";
const UPLOAD_QUEUE: &str = "upload_queue";
const BACKUP_RECORDS: &str = "backup_records";
const LOGS: &str = "logs";
const RUN_STATE: &str = "run_state";
const BACKUP_FOLDERS: &str = "backup_folders";
const FOLDER_HANDLES: &str = "folder_handles";
const FOLDER_ENTRIES: &str = "folder_entries";
const SYNC_STATE: &str = "sync_state";

const SETTINGS_KEY: &str = "settings";
const LOGIN_KEY: &str = "login";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("could not open the local database: {0}")]
    Open(String),
    #[error("local database error: {0}")]
    Db(String),
    #[error("a stored record is unreadable: {0}")]
    Corrupt(String),
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

/// The server and key the user logged in with.
#[derive(Clone, Debug)]
pub struct Login {
    pub server: ServerUrl,
    pub api_key: ApiKey,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginRecord {
    server_url: String,
    api_key: String,
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StoreError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| StoreError::Db(e.to_string()))
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, StoreError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub struct Store {
    db: Database,
}

impl Store {
    pub async fn open() -> Result<Store, StoreError> {
        Self::open_named(DB_NAME).await
    }

    /// Opens (creating or migrating) a database of this schema under any name; tests use their own.
    pub async fn open_named(name: &str) -> Result<Store, StoreError> {
        let db = Database::open(name)
            .with_version(SCHEMA_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // Version 1 is the first schema: every store is created from nothing.
                if event.old_version() < 1.0 {
                    for store in [
                        SETTINGS,
                        AUTH,
                        LOCAL_ASSETS,
                        UPLOAD_QUEUE,
                        BACKUP_RECORDS,
                        RUN_STATE,
                    ] {
                        db.create_object_store(store).build()?;
                    }
                    db.create_object_store(LOGS)
                        .with_auto_increment(true)
                        .build()?;
                }
                // Version 2 adds backup folders and the cache of ETag-tagged replies.
                if event.old_version() < 2.0 {
                    for store in [BACKUP_FOLDERS, FOLDER_HANDLES, FOLDER_ENTRIES, SYNC_STATE] {
                        db.create_object_store(store).build()?;
                    }
                }
                Ok(())
            })
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        Ok(Store { db })
    }

    async fn get_value(&self, store: &str, key: &str) -> Result<Option<JsValue>, StoreError> {
        let tx = self.db.transaction(store).build()?;
        let value: Option<JsValue> = tx.object_store(store)?.get(key).primitive()?.await?;
        Ok(value.filter(|v| !v.is_undefined() && !v.is_null()))
    }

    async fn put_value(&self, store: &str, key: &str, value: JsValue) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(store)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(store)?
            .put(value)
            .with_key(key)
            .primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// The stored settings, migrated to the current schema; warnings name values that were reset.
    pub async fn load_settings(&self) -> Result<(Settings, Vec<String>), StoreError> {
        match self.get_value(SETTINGS, SETTINGS_KEY).await? {
            None => Ok((Settings::default(), Vec::new())),
            Some(value) => Ok(Settings::from_stored(&from_js::<serde_json::Value>(value)?)),
        }
    }

    pub async fn save_settings(&self, settings: &Settings) -> Result<(), StoreError> {
        self.put_value(SETTINGS, SETTINGS_KEY, to_js(&settings.to_stored())?)
            .await
    }

    pub async fn load_login(&self) -> Result<Option<Login>, StoreError> {
        let Some(value) = self.get_value(AUTH, LOGIN_KEY).await? else {
            return Ok(None);
        };
        let record: LoginRecord = from_js(value)?;
        let server =
            ServerUrl::parse(&record.server_url).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(Login {
            server,
            api_key: ApiKey::new(record.api_key),
        }))
    }

    pub async fn save_login(&self, login: &Login) -> Result<(), StoreError> {
        let record = LoginRecord {
            server_url: login.server.api_base().to_owned(),
            api_key: login.api_key.expose().to_owned(),
        };
        self.put_value(AUTH, LOGIN_KEY, to_js(&record)?).await
    }

    pub async fn clear_login(&self) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(AUTH)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(AUTH)?.delete(LOGIN_KEY).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// Appends a log line and trims the log to its capacity in the same transaction.
    pub async fn append_log(&self, entry: &LogEntry) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(LOGS)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let logs = tx.object_store(LOGS)?;
        let key: JsValue = logs
            .add(to_js(entry)?)
            .with_key_type::<JsValue>()
            .primitive()?
            .await?;
        if let Some(key) = key.as_f64() {
            let oldest_kept = key - LOG_CAPACITY as f64;
            if oldest_kept >= 1.0 {
                logs.delete::<f64, _>(KeyRange::UpperBound(oldest_kept, true))
                    .primitive()?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn load_logs(&self) -> Result<Vec<LogEntry>, StoreError> {
        let tx = self.db.transaction(LOGS).build()?;
        let values = tx
            .object_store(LOGS)?
            .get_all::<JsValue>()
            .primitive()?
            .await?;
        let mut entries = Vec::new();
        for value in values {
            entries.push(from_js::<LogEntry>(value?)?);
        }
        Ok(LogRing::from_entries(LOG_CAPACITY, entries)
            .entries()
            .cloned()
            .collect())
    }
}

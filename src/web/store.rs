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
use wasm_bindgen::JsCast;

use crate::core::backup::{ItemState, QueueItem};
use crate::core::immich::ApiKey;
use crate::core::lifecycle::ServiceRecord;
use crate::core::log::{LogEntry, LogRing, LOG_CAPACITY};
use crate::core::server_url::ServerUrl;
use crate::core::settings::Settings;

pub const DB_NAME: &str = "immich-background";
const SCHEMA_VERSION: u8 = 1;

const SETTINGS: &str = "settings";
const AUTH: &str = "auth";
const LOCAL_ASSETS: &str = "local_assets";
const UPLOAD_QUEUE: &str = "upload_queue";
const BACKUP_RECORDS: &str = "backup_records";
const LOGS: &str = "logs";
const RUN_STATE: &str = "run_state";

const SETTINGS_KEY: &str = "settings";
const LOGIN_KEY: &str = "login";
/// Version 1 stored only `{requested}` under "backup"; read once if "service" is missing.
const LEGACY_RUN_KEY: &str = "backup";
const SERVICE_KEY: &str = "service";

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

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BackupRecord<'a> {
    checksum: &'a str,
    remote_id: &'a str,
    name: &'a str,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyRunState {
    requested: bool,
}

/// A picked file as stored: the Blob itself plus what we knew of it when it was picked.
pub struct LocalAsset {
    pub id: String,
    pub blob: web_sys::Blob,
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

    /// Queues picked files: each Blob and its queue row are written in one transaction, so a
    /// file is either fully queued or not at all.
    pub async fn enqueue(&self, files: &[(QueueItem, web_sys::Blob)]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([LOCAL_ASSETS, UPLOAD_QUEUE])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let assets = tx.object_store(LOCAL_ASSETS)?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        for (item, blob) in files {
            assets
                .put(JsValue::from(blob.clone()))
                .with_key(item.id.as_str())
                .primitive()?;
            queue
                .put(to_js(item)?)
                .with_key(item.id.as_str())
                .primitive()?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn load_queue(&self) -> Result<Vec<QueueItem>, StoreError> {
        let tx = self.db.transaction(UPLOAD_QUEUE).build()?;
        let values = tx
            .object_store(UPLOAD_QUEUE)?
            .get_all::<JsValue>()
            .primitive()?
            .await?;
        let mut items = Vec::new();
        for value in values {
            items.push(from_js::<QueueItem>(value?)?);
        }
        Ok(items)
    }

    pub async fn load_blob(&self, id: &str) -> Result<Option<LocalAsset>, StoreError> {
        Ok(self
            .get_value(LOCAL_ASSETS, id)
            .await?
            .and_then(|v| v.dyn_into::<web_sys::Blob>().ok())
            .map(|blob| LocalAsset {
                id: id.to_owned(),
                blob,
            }))
    }

    /// Writes queue rows in one transaction. Rows that reached the server also record the
    /// checksum -> remote asset and drop the stored copy of the file, in the same transaction:
    /// after a kill, either all of it happened or none of it did. A row the core says may not
    /// replace the stored one (a finished row by an unfinished one) is left as stored.
    pub async fn save_items(&self, items: &[QueueItem]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([UPLOAD_QUEUE, BACKUP_RECORDS, LOCAL_ASSETS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let records = tx.object_store(BACKUP_RECORDS)?;
        let assets = tx.object_store(LOCAL_ASSETS)?;
        for item in items {
            let stored: Option<JsValue> = queue.get(item.id.as_str()).primitive()?.await?;
            if let Some(stored) = stored.filter(|v| !v.is_undefined() && !v.is_null()) {
                if !item.may_replace(&from_js::<QueueItem>(stored)?) {
                    continue;
                }
            }
            queue
                .put(to_js(item)?)
                .with_key(item.id.as_str())
                .primitive()?;
            if let (ItemState::Done | ItemState::Duplicate, Some(checksum), Some(remote_id)) =
                (item.state, &item.checksum, &item.remote_id)
            {
                let record = BackupRecord {
                    checksum,
                    remote_id,
                    name: &item.name,
                };
                records
                    .put(to_js(&record)?)
                    .with_key(checksum.as_str())
                    .primitive()?;
                assets.delete(item.id.as_str()).primitive()?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes these rows and the stored files they still hold.
    pub async fn delete_items(&self, ids: &[String]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([UPLOAD_QUEUE, LOCAL_ASSETS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let assets = tx.object_store(LOCAL_ASSETS)?;
        for id in ids {
            queue.delete(id.as_str()).primitive()?;
            assets.delete(id.as_str()).primitive()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes finished rows (and any stored file they still hold); returns how many.
    pub async fn clear_finished(&self) -> Result<u32, StoreError> {
        let finished: Vec<String> = self
            .load_queue()
            .await?
            .into_iter()
            .filter(|item| item.state.is_finished())
            .map(|item| item.id)
            .collect();
        self.delete_items(&finished).await?;
        Ok(u32::try_from(finished.len()).unwrap_or(u32::MAX))
    }

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

    /// Removes every row not sent yet (the user cancelled); returns how many.
    pub async fn delete_unsent(&self) -> Result<u32, StoreError> {
        let unsent: Vec<String> = self
            .load_queue()
            .await?
            .into_iter()
            .filter(|item| !item.state.is_finished())
            .map(|item| item.id)
            .collect();
        self.delete_items(&unsent).await?;
        Ok(u32::try_from(unsent.len()).unwrap_or(u32::MAX))
    }

    /// How many queued files are not finished.
    pub async fn count_unfinished(&self) -> Result<u32, StoreError> {
        let queue = self.load_queue().await?;
        let unfinished = queue
            .iter()
            .filter(|item| !item.state.is_finished())
            .count();
        Ok(u32::try_from(unfinished).unwrap_or(u32::MAX))
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

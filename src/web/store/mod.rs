//! The IndexedDB schema and its repositories. This module alone knows store names and record
//! shapes; writes that belong together share one transaction.

use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use wasm_bindgen::prelude::*;

use crate::core::immich::ApiKey;
use crate::core::log::{LogEntry, LogRing, LOG_CAPACITY};
use crate::core::server_url::ServerUrl;
use crate::core::session::{Credential, QueueOwner, SessionToken};
use crate::core::settings::Settings;

mod by_state;
mod connection;
mod folders;
mod mirror;
mod queue;
mod ranges;
mod run_rows;
mod schema;
mod service;
mod sync_state;

use connection::Connection;
pub use sync_state::TaggedReply;

use crate::web::json::{self, JsonError};

pub const DB_NAME: &str = "immich-background";

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
/// Kept through a logout: the queued files wait for a login to the same server and user.
const QUEUE_OWNER_KEY: &str = "queueOwner";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("could not open the local database: {0}")]
    Open(String),
    #[error("local database error: {0}")]
    Db(String),
    #[error("a stored record is unreadable: {0}")]
    Corrupt(String),
}

/// `json::to_js` with the store's error.
fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, StoreError> {
    Ok(json::to_js(value)?)
}

/// `json::from_js` with the store's error: a stored value that does not decode is corrupt.
fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, StoreError> {
    Ok(json::from_js(value)?)
}

impl From<JsonError> for StoreError {
    fn from(e: JsonError) -> Self {
        match e {
            JsonError::Encode(reason) => StoreError::Db(reason),
            JsonError::Decode(reason) => StoreError::Corrupt(reason),
        }
    }
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

/// The server, credential and user of the login.
#[derive(Clone, Debug)]
pub struct Login {
    pub server: ServerUrl,
    pub credential: Credential,
    /// Empty for a login stored before user ids were kept.
    pub user_id: String,
    /// The session's id on the server (a password login whose server said it): only its
    /// deletion logs this login out.
    pub session_id: Option<String>,
}

impl Login {
    pub fn owner(&self) -> QueueOwner {
        QueueOwner {
            server_url: self.server.api_base().to_owned(),
            user_id: self.user_id.clone(),
        }
    }
}

/// Either secret; a record of schema 1 has only `apiKey`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginRecord {
    server_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(default)]
    user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
}

/// A handle on the database: a clone is the same connection, closed when the last one goes.
#[derive(Clone)]
pub struct Store {
    db: Rc<Connection>,
}

impl Store {
    pub async fn open() -> Result<Store, StoreError> {
        Self::open_named(DB_NAME).await
    }

    /// Opens (creating or migrating) a database of this schema under any name; tests use their own.
    pub async fn open_named(name: &str) -> Result<Store, StoreError> {
        schema::upgrade(name).await?;
        let db = Database::open(name)
            .with_version(schema::SCHEMA_VERSION)
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        Ok(Store {
            db: Rc::new(Connection::new(db)),
        })
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
        let credential = match (record.access_token, record.api_key) {
            (Some(token), _) => Credential::Session(SessionToken::new(token)),
            (None, Some(key)) => Credential::ApiKey(ApiKey::new(key)),
            (None, None) => return Err(StoreError::Corrupt("a login without a secret".into())),
        };
        Ok(Some(Login {
            server,
            credential,
            user_id: record.user_id,
            session_id: record.session_id,
        }))
    }

    pub async fn save_login(&self, login: &Login) -> Result<(), StoreError> {
        let (api_key, access_token) = match &login.credential {
            Credential::ApiKey(key) => (Some(key.expose().to_owned()), None),
            Credential::Session(token) => (None, Some(token.expose().to_owned())),
        };
        let record = LoginRecord {
            server_url: login.server.api_base().to_owned(),
            api_key,
            access_token,
            user_id: login.user_id.clone(),
            session_id: login.session_id.clone(),
        };
        self.put_value(AUTH, LOGIN_KEY, to_js(&record)?).await
    }

    pub async fn save_queue_owner(&self, owner: &QueueOwner) -> Result<(), StoreError> {
        self.put_value(AUTH, QUEUE_OWNER_KEY, to_js(owner)?).await
    }

    /// Whom the queued files belong to (the last login's user, kept through a logout).
    pub async fn load_queue_owner(&self) -> Result<Option<QueueOwner>, StoreError> {
        match self.get_value(AUTH, QUEUE_OWNER_KEY).await? {
            Some(value) => Ok(Some(from_js(value)?)),
            None => Ok(None),
        }
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

//! The page side: settings, queueing picked files (copies that fit in the
//! browser's quota, or file handles), retrying failed ones, reading state and logs.

use futures_util::future::join_all;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FileSystemFileHandle, StorageEstimate};

use crate::core::backup::{ItemSource, ItemState, QueueItem};
use crate::core::channel::ServiceState;
use crate::core::immich::LoginError;
use crate::core::lifecycle::Lifecycle;
use crate::core::log::{LogEntry, LogLevel};
use crate::core::progress::UploadState;
use crate::core::quota::{self, QuotaError, StorageUse};
use crate::core::server_url::ServerUrlError;
use crate::core::session::PasswordLoginError;
use crate::core::settings::{Settings, SettingsError};
use crate::web::console::{self, now_ms};
use crate::web::folders::handles;
use crate::web::store::{Store, StoreError};

/// Any failure the page can show, each worded for a person.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Address(#[from] ServerUrlError),
    #[error(transparent)]
    Login(#[from] LoginError),
    #[error(transparent)]
    PasswordLogin(#[from] PasswordLoginError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Quota(#[from] QuotaError),
    #[error("item {0} is not a file")]
    NotAFile(usize),
    #[error("item {0} is not a file handle")]
    NotAFileHandle(usize),
    #[error("{0} cannot be read: {1}")]
    Unreadable(String, String),
    #[error("the folder {0} is already a backup folder")]
    FolderAdded(String),
    #[error("no backup folder has the id {0}")]
    NoSuchFolder(String),
    #[error("log in first")]
    NotLoggedIn,
    #[error("the thumbnail of {0} could not be loaded: {1}")]
    Thumbnail(String, String),
}

pub type PageResult<T> = Result<T, PageError>;

pub(crate) async fn open_store() -> PageResult<Store> {
    Ok(Store::open().await?)
}

pub(crate) async fn log_info(store: &Store, message: String) {
    let entry = LogEntry {
        at_ms: now_ms(),
        level: LogLevel::Info,
        message,
    };
    console::print(&entry);
    // The line is on the console either way; a log the page cannot store is not worth failing
    // the user's action for.
    store.append_log(&entry).await.unwrap_or(());
}

pub async fn load_settings() -> PageResult<Settings> {
    let (settings, _) = open_store().await?.load_settings().await?;
    Ok(settings)
}

pub async fn save_settings(value: &serde_json::Value) -> PageResult<Settings> {
    let settings = Settings::from_json(value)?;
    open_store().await?.save_settings(&settings).await?;
    Ok(settings)
}

fn new_id(file: &File, index: usize, now: i64) -> String {
    // Unique per pick; the random part keeps two picks in the same millisecond apart.
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!("{now:x}-{index:x}-{random:x}-{}", file.size() as u64)
}

fn new_item(file: &File, index: usize, now: i64) -> QueueItem {
    QueueItem::new(
        new_id(file, index, now),
        file.name(),
        file.size() as u64,
        file.last_modified() as i64,
        now,
    )
}

/// What this origin stores and may store, as the browser estimates it; None where it cannot
/// tell (no `navigator.storage`, or the estimate failed).
pub async fn storage_use() -> Option<StorageUse> {
    let manager = web_sys::window()?.navigator().storage();
    let estimate: StorageEstimate = JsFuture::from(manager.estimate().ok()?)
        .await
        .ok()?
        .unchecked_into();
    Some(StorageUse {
        usage: estimate.get_usage()? as u64,
        quota: estimate.get_quota()? as u64,
    })
}

/// Whether this browser can add backup folders (which copy nothing), for the quota's advice.
fn has_folders() -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::has(&window, &"showDirectoryPicker".into()).unwrap_or(false)
    })
}

async fn queue(picked: &[(QueueItem, JsValue)], what: &str) -> PageResult<u32> {
    let store = open_store().await?;
    store.enqueue(picked).await?;
    log_info(&store, format!("Queued {} {what}", picked.len())).await;
    Ok(u32::try_from(picked.len()).unwrap_or(u32::MAX))
}

/// Copies picked files into IndexedDB and queues them. Anything that is not a File, and a pick
/// that would not fit in the browser's quota, is refused before anything is written.
pub async fn enqueue_files(files: &js_sys::Array) -> PageResult<u32> {
    let now = now_ms();
    let mut picked = Vec::new();
    for (index, value) in files.iter().enumerate() {
        let file: File = value.dyn_into().map_err(|_| PageError::NotAFile(index))?;
        picked.push((new_item(&file, index, now), JsValue::from(file)));
    }
    let needed = picked.iter().map(|(item, _)| item.size).sum();
    // A browser that cannot estimate gets the copies tried, as before quotas were checked.
    if let Some(storage) = storage_use().await {
        quota::check_pick(storage, needed, has_folders())?;
    }
    queue(&picked, "files").await
}

/// Queues picked file handles (`showOpenFilePicker`): only the handle is stored, the worker
/// reads the file where it is.
pub async fn enqueue_file_handles(values: &js_sys::Array) -> PageResult<u32> {
    let now = now_ms();
    let mut handles = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let handle: FileSystemFileHandle = value
            .dyn_into()
            .map_err(|_| PageError::NotAFileHandle(index))?;
        handles.push(handle);
    }
    // Each file's name, size and date, all asked for at once: one at a time, the waits add up.
    let files = join_all(handles.iter().map(handles::file_of)).await;
    let mut picked = Vec::with_capacity(handles.len());
    for (index, (handle, file)) in handles.into_iter().zip(files).enumerate() {
        let file = file.map_err(|e| PageError::Unreadable(handle.name(), e.to_string()))?;
        let mut item = new_item(&file, index, now);
        item.source = ItemSource::Handle;
        picked.push((item, JsValue::from(handle)));
    }
    queue(&picked, "files, read in place").await
}

pub async fn upload_state() -> PageResult<UploadState> {
    let counts = open_store().await?.queue_counts().await?;
    Ok(counts.upload_state(None, None))
}

/// A file of the queue that was not backed up, and why.
#[derive(serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FileIssue {
    pub name: String,
    pub skipped: bool,
    pub reason: String,
}

/// The files that failed or were skipped, oldest first, with their reasons.
pub async fn file_issues() -> PageResult<Vec<FileIssue>> {
    let issues = [ItemState::FailedPermanent, ItemState::Skipped];
    let mut items = open_store().await?.rows_in_states(&issues).await?;
    items.sort_by(|a, b| (a.queued_at_ms, &a.id).cmp(&(b.queued_at_ms, &b.id)));
    Ok(items
        .into_iter()
        .map(|item| FileIssue {
            skipped: item.state == ItemState::Skipped,
            reason: item.last_error.unwrap_or_default(),
            name: item.name,
        })
        .collect())
}

pub async fn clear_finished() -> PageResult<u32> {
    open_store()
        .await?
        .clear_finished()
        .await
        .map_err(PageError::from)
}

pub async fn read_logs() -> PageResult<Vec<LogEntry>> {
    open_store()
        .await?
        .load_logs()
        .await
        .map_err(PageError::from)
}

/// Failed files back to waiting, each with a clean count.
pub async fn retry_failed() -> PageResult<u32> {
    let store = open_store().await?;
    let retried = store.retry_failed().await?;
    if retried > 0 {
        log_info(&store, format!("Retrying {retried} failed files")).await;
    }
    Ok(retried)
}

pub async fn service_state() -> PageResult<ServiceState> {
    let store = open_store().await?;
    let (settings, _) = store.load_settings().await?;
    let record = store.load_service().await?;
    Ok(Lifecycle::new(record, settings).state(now_ms()))
}

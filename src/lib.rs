//! immich-background: Immich backup for the web, as a service worker written in Rust.
//!
//! ```text
//!   page (www/app.js)                      service worker (www/sw.js)
//!   connect / enqueueFiles / settings      workerMessage / workerWake
//!            \                                   |
//!             \                                  +-- web::service_driver: core::lifecycle decides
//!              \                                 |     when a run starts, waits and stops
//!               \-- IndexedDB (web::store) ------+-- driver (web::backup_driver), under a Web Lock
//!                                                |     core::backup::Engine decides; the driver
//!                                                |     performs its outputs: rows (web::store),
//!                                                |     hashing (web::files), requests (web::http),
//!                                                |     channel + notifications (web::notify)
//!                                                |     and feeds back what happened
//! ```
//!
//! `core` decides and is tested natively; `web` performs I/O and is compiled for wasm32 only.
//! This file is the JavaScript surface and holds no logic.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub use bindings::*;

#[cfg(target_arch = "wasm32")]
mod bindings {
    use wasm_bindgen::prelude::*;

    use crate::core::lifecycle::WakeKind;
    use crate::core::settings::Settings;
    use crate::web::{
        backup_driver, json, page, page_fetch, page_folders, page_library, page_login,
        service_driver,
    };

    // The types of the values that cross are declared from their Rust types (tsify); these
    // are JavaScript's own: the wake-up names `workerWake` takes, and the browser's Background
    // Fetch registration as the page reads it.
    #[wasm_bindgen(typescript_custom_section)]
    const TYPES: &'static str = r#"
export type WakeKind = "sync" | "periodicsync" | "activate";
/** The browser's BackgroundFetchRegistration, as far as the page reads it. */
export interface BackgroundFetchProgress extends EventTarget {
  readonly id: string;
  readonly uploaded: number;
  /** the request body's size in bytes (0 when the browser cannot tell) */
  readonly uploadTotal: number;
  readonly result: "" | "success" | "failure";
  readonly failureReason: string;
}
/** A Background Fetch of the app's with its queued file. */
export interface CarriedUpload { id: string; name: string; size: number; registration: BackgroundFetchProgress; }
"#;

    fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
        json::to_js(value).map_err(fail)
    }

    /// For large results (the library view): see `json::to_js_via_json`.
    fn to_js_via_json<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
        json::to_js_via_json(value).map_err(fail)
    }

    /// Every error reaches JavaScript here, as a readable message.
    fn fail(error: impl std::fmt::Display) -> JsError {
        JsError::new(&error.to_string())
    }

    #[wasm_bindgen(js_name = defaultSettings, unchecked_return_type = "Settings")]
    pub fn default_settings() -> Result<JsValue, JsError> {
        to_js(&Settings::default())
    }

    #[wasm_bindgen(js_name = loadSettings, unchecked_return_type = "Settings")]
    pub async fn load_settings() -> Result<JsValue, JsError> {
        to_js(&page::load_settings().await.map_err(fail)?)
    }

    /// Validates and stores the settings; rejects with a message naming the bad key.
    #[wasm_bindgen(js_name = saveSettings, unchecked_return_type = "Settings")]
    pub async fn save_settings(
        #[wasm_bindgen(unchecked_param_type = "Settings")] value: JsValue,
    ) -> Result<JsValue, JsError> {
        let settings: serde_json::Value = json::from_js(value)
            .map_err(|e| JsError::new(&format!("settings must be an object: {e}")))?;
        to_js(&page::save_settings(&settings).await.map_err(fail)?)
    }

    /// Logs in with email and password (a session: backup and the library mirror) and stores
    /// the session when it worked.
    #[wasm_bindgen(js_name = loginWithPassword, unchecked_return_type = "ServerInfo")]
    pub async fn login_with_password(
        server_url: String,
        email: String,
        password: String,
    ) -> Result<JsValue, JsError> {
        let info = page_login::login_with_password(&server_url, &email, &password).await;
        to_js(&info.map_err(fail)?)
    }

    /// Checks the server and API key, and stores them when both work. An API key backs up
    /// only: the library mirror needs a password login.
    #[wasm_bindgen(unchecked_return_type = "ServerInfo")]
    pub async fn connect(server_url: String, api_key: String) -> Result<JsValue, JsError> {
        to_js(
            &page_login::connect(&server_url, &api_key)
                .await
                .map_err(fail)?,
        )
    }

    /// The origin of a server address as a login would take it ("http://localhost:2283"):
    /// what an extension asks the user access to. Throws with the login's message when the
    /// address is not one.
    #[wasm_bindgen(js_name = serverOrigin)]
    pub fn server_origin(server_url: String) -> Result<String, JsError> {
        let server = crate::core::server_url::ServerUrl::parse(&server_url).map_err(fail)?;
        Ok(server.origin())
    }

    #[wasm_bindgen(js_name = currentLogin, unchecked_return_type = "Login | undefined")]
    pub async fn current_login() -> Result<JsValue, JsError> {
        match page_login::current_login().await.map_err(fail)? {
            Some(login) => to_js(&login),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The library as the mirror holds it: counts, the timeline by day, albums, partners, trash.
    #[wasm_bindgen(js_name = libraryView, unchecked_return_type = "LibraryView")]
    pub async fn library_view() -> Result<JsValue, JsError> {
        to_js_via_json(&page_library::library_view().await.map_err(fail)?)
    }

    /// The thumbnail of a mirrored asset, fetched with the login's credential.
    #[wasm_bindgen]
    pub async fn thumbnail(asset_id: String) -> Result<web_sys::Blob, JsError> {
        page_library::thumbnail(&asset_id).await.map_err(fail)
    }

    /// Ends the session on the server and wipes it here with the library mirror; queued files
    /// stay for the next login of the same user.
    #[wasm_bindgen]
    pub async fn logout() -> Result<(), JsError> {
        page_login::logout().await.map_err(fail)
    }

    /// Stores the files in IndexedDB and queues them; resolves to how many were queued.
    /// Rejects, storing nothing, when they would not fit in the browser's quota.
    #[wasm_bindgen(js_name = enqueueFiles)]
    pub async fn enqueue_files(
        #[wasm_bindgen(unchecked_param_type = "File[]")] files: js_sys::Array,
    ) -> Result<u32, JsError> {
        page::enqueue_files(&files).await.map_err(fail)
    }

    /// Queues picked file handles (`showOpenFilePicker`), read where they are: no copy.
    #[wasm_bindgen(js_name = enqueueFileHandles)]
    pub async fn enqueue_file_handles(
        #[wasm_bindgen(unchecked_param_type = "FileSystemFileHandle[]")] handles: js_sys::Array,
    ) -> Result<u32, JsError> {
        page::enqueue_file_handles(&handles).await.map_err(fail)
    }

    /// What this origin stores and may store; undefined where the browser cannot tell.
    #[wasm_bindgen(js_name = storageUse, unchecked_return_type = "StorageUse | undefined")]
    pub async fn storage_use() -> Result<JsValue, JsError> {
        match page::storage_use().await {
            Some(storage) => to_js(&storage),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    #[wasm_bindgen(js_name = uploadState, unchecked_return_type = "UploadState")]
    pub async fn upload_state() -> Result<JsValue, JsError> {
        to_js(&page::upload_state().await.map_err(fail)?)
    }

    /// The queued files that failed or were skipped, with their reasons.
    #[wasm_bindgen(js_name = fileIssues, unchecked_return_type = "FileIssue[]")]
    pub async fn file_issues() -> Result<JsValue, JsError> {
        to_js(&page::file_issues().await.map_err(fail)?)
    }

    /// Removes finished rows (backed up, duplicate, failed permanently, skipped).
    #[wasm_bindgen(js_name = clearFinished)]
    pub async fn clear_finished() -> Result<u32, JsError> {
        page::clear_finished().await.map_err(fail)
    }

    #[wasm_bindgen(js_name = readLogs, unchecked_return_type = "LogEntry[]")]
    pub async fn read_logs() -> Result<JsValue, JsError> {
        to_js(&page::read_logs().await.map_err(fail)?)
    }

    /// SHA-1 (lowercase hex) of a Blob as a queued file is hashed: streamed (memory stays at
    /// one chunk) from `streamMinMb` MiB up (the setting `hashStreamMinMb`, its default when
    /// left out), whole by the browser's native digest below.
    #[wasm_bindgen(js_name = hashBlob)]
    pub async fn hash_blob(
        blob: web_sys::Blob,
        #[wasm_bindgen(js_name = streamMinMb)] stream_min_mb: Option<u32>,
    ) -> Result<String, JsError> {
        use crate::core::checksum::HashMethod;
        let bound = stream_min_mb.unwrap_or(Settings::default().hash_stream_min_mb);
        let method = HashMethod::for_size(blob.size() as u64, bound);
        crate::web::files::digest(blob, method).await.map_err(fail)
    }

    /// Adds a folder the user picked (`showDirectoryPicker`): the worker scans it at every run.
    #[wasm_bindgen(js_name = addBackupFolder, unchecked_return_type = "BackupFolder")]
    pub async fn add_backup_folder(
        handle: web_sys::FileSystemDirectoryHandle,
    ) -> Result<JsValue, JsError> {
        to_js(&page_folders::add_folder(handle).await.map_err(fail)?)
    }

    #[wasm_bindgen(js_name = backupFolders, unchecked_return_type = "BackupFolder[]")]
    pub async fn backup_folders() -> Result<JsValue, JsError> {
        to_js(&page_folders::backup_folders().await.map_err(fail)?)
    }

    /// Subfolders to leave out and whether the folder's files go to an album of its name.
    #[wasm_bindgen(js_name = setBackupFolderOptions, unchecked_return_type = "BackupFolder")]
    pub async fn set_backup_folder_options(
        id: String,
        excluded: Vec<String>,
        album: bool,
    ) -> Result<JsValue, JsError> {
        to_js(
            &page_folders::set_folder_options(&id, excluded, album)
                .await
                .map_err(fail)?,
        )
    }

    /// Removes a backup folder; resolves to how many of its files waiting to be sent left
    /// the queue.
    #[wasm_bindgen(js_name = removeBackupFolder)]
    pub async fn remove_backup_folder(id: String) -> Result<u32, JsError> {
        page_folders::remove_folder(&id).await.map_err(fail)
    }

    /// The folder's handle, to ask the user for read permission again (`requestPermission`
    /// needs the page's click).
    #[wasm_bindgen(js_name = backupFolderHandle)]
    pub async fn backup_folder_handle(
        id: String,
    ) -> Result<web_sys::FileSystemDirectoryHandle, JsError> {
        page_folders::folder_handle(&id).await.map_err(fail)
    }

    /// Puts the files that failed back in the queue; resolves to how many. Post `start` next.
    #[wasm_bindgen(js_name = retryFailed)]
    pub async fn retry_failed() -> Result<u32, JsError> {
        page::retry_failed().await.map_err(fail)
    }

    /// The background service's state as stored (a worker's `serviceState` message is newer).
    #[wasm_bindgen(js_name = serviceState, unchecked_return_type = "ServiceState")]
    pub async fn service_state() -> Result<JsValue, JsError> {
        to_js(&page::service_state().await.map_err(fail)?)
    }

    /// Page: starts the Background Fetch of the upload the worker handed over (its
    /// `backgroundFetch` message), which the browser carries past the worker and the page.
    /// Rejects with the reason when it cannot; post it as `backgroundFetchRefused` {id, reason}.
    #[wasm_bindgen(js_name = startBackgroundFetch, unchecked_return_type = "CarriedUpload")]
    pub async fn start_background_fetch(
        #[wasm_bindgen(unchecked_param_type = "UploadRequest")] request: JsValue,
    ) -> Result<JsValue, JsError> {
        page_fetch::start(request).await.map_err(fail)
    }

    /// Page: the app's Background Fetches still running (after a reload, say).
    #[wasm_bindgen(js_name = backgroundFetchUploads, unchecked_return_type = "CarriedUpload[]")]
    pub async fn background_fetch_uploads() -> Result<JsValue, JsError> {
        let running = page_fetch::running().await.map_err(fail)?;
        Ok(running.into_iter().collect::<js_sys::Array>().into())
    }

    /// Service worker: `backgroundfetchsuccess`, `backgroundfetchfail` or
    /// `backgroundfetchabort`; resolves once the outcome is in the queue.
    #[wasm_bindgen(js_name = workerBackgroundFetch)]
    pub async fn worker_background_fetch(event: JsValue) -> Result<(), JsError> {
        backup_driver::settle_carried(event).await.map_err(fail)
    }

    /// Service worker: a channel message from a page; `source` is the sending window's
    /// `Client.id`.
    #[wasm_bindgen(js_name = workerMessage)]
    pub async fn worker_message(data: JsValue, source: Option<String>) -> Result<(), JsError> {
        service_driver::handle_message(data, source)
            .await
            .map_err(fail)
    }

    /// Service worker: a wake-up of the browser's. Resolves once what it started is over, to
    /// whether the browser should wake the worker again (a backup is still wanted or due).
    #[wasm_bindgen(js_name = workerWake)]
    pub async fn worker_wake(
        #[wasm_bindgen(unchecked_param_type = "WakeKind")] kind: String,
        last_chance: bool,
    ) -> Result<bool, JsError> {
        let kind = match kind.as_str() {
            "sync" => WakeKind::Sync { last_chance },
            "periodicsync" => WakeKind::PeriodicSync,
            "activate" => WakeKind::Activate,
            other => return Err(JsError::new(&format!("unknown wake-up {other:?}"))),
        };
        service_driver::wake(kind).await.map_err(fail)
    }
}

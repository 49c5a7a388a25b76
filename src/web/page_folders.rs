//! The page's side of backup folders: add one the user picked, list them with their counts,
//! change their options, remove one. The worker scans them.

use wasm_bindgen_futures::JsFuture;
use web_sys::{FileSystemDirectoryHandle, FileSystemHandle};

use crate::core::folders::{BackupFolder, FolderRecord};
use crate::web::console::now_ms;
use crate::web::folders::handles;
use crate::web::page::{log_info, open_store, PageError, PageResult};
use crate::web::store::Store;

async fn same_entry(a: &FileSystemDirectoryHandle, b: &FileSystemDirectoryHandle) -> bool {
    let (a, b): (&FileSystemHandle, &FileSystemHandle) = (a.as_ref(), b.as_ref());
    JsFuture::from(a.is_same_entry(b))
        .await
        .is_ok_and(|same| same.as_bool() == Some(true))
}

async fn view(store: &Store, record: &FolderRecord) -> PageResult<BackupFolder> {
    let readable = match store.folder_handle(&record.id).await? {
        Some(handle) => handles::may_read(&handle).await.unwrap_or(false),
        None => false,
    };
    let counts = store.folder_counts(&record.id).await?;
    Ok(BackupFolder::new(record, readable, &counts))
}

/// Adds a folder the user picked (read permission already given); a folder added before is
/// refused.
pub async fn add_folder(handle: FileSystemDirectoryHandle) -> PageResult<BackupFolder> {
    let store = open_store().await?;
    let folders = store.load_folders().await?;
    for folder in &folders {
        if let Some(known) = store.folder_handle(&folder.id).await? {
            if same_entry(&known, &handle).await {
                return Err(PageError::FolderAdded(folder.name.clone()));
            }
        }
    }
    let now = now_ms();
    // Short, since every row of the folder's files holds it; drawn again on the rare clash.
    let id = loop {
        let id = format!(
            "{:08x}",
            (js_sys::Math::random() * f64::from(u32::MAX)) as u32
        );
        if folders.iter().all(|folder| folder.id != id) {
            break id;
        }
    };
    let record = FolderRecord::new(id, handle.name(), now);
    store.add_folder(&record, &handle).await?;
    log_info(&store, format!("Added the backup folder {}", record.name)).await;
    view(&store, &record).await
}

/// Every backup folder with its counts, oldest first.
pub async fn backup_folders() -> PageResult<Vec<BackupFolder>> {
    let store = open_store().await?;
    let mut folders = store.load_folders().await?;
    folders.sort_by(|a, b| (a.added_at_ms, &a.id).cmp(&(b.added_at_ms, &b.id)));
    let mut views = Vec::with_capacity(folders.len());
    for record in &folders {
        let readable = match store.folder_handle(&record.id).await? {
            Some(handle) => handles::may_read(&handle).await.unwrap_or(false),
            None => false,
        };
        let counts = store.folder_counts(&record.id).await?;
        views.push(BackupFolder::new(record, readable, &counts));
    }
    Ok(views)
}

async fn folder(store: &Store, id: &str) -> PageResult<FolderRecord> {
    store
        .load_folder(id)
        .await?
        .ok_or_else(|| PageError::NoSuchFolder(id.to_owned()))
}

/// Subfolders to leave out ('/'-separated paths inside the folder) and whether its files go
/// to an album of its name.
pub async fn set_folder_options(
    id: &str,
    excluded: Vec<String>,
    album: bool,
) -> PageResult<BackupFolder> {
    let store = open_store().await?;
    let mut record = folder(&store, id).await?;
    record.excluded = excluded;
    record.album = album;
    store.save_folder(&record).await?;
    view(&store, &record).await
}

/// Removes a folder; its files not sent yet leave the queue, what was backed up stays
/// recorded. Resolves to how many waiting files were removed.
pub async fn remove_folder(id: &str) -> PageResult<u32> {
    let store = open_store().await?;
    let record = folder(&store, id).await?;
    let removed = store.remove_folder(id).await?;
    log_info(&store, format!("Removed the backup folder {}", record.name)).await;
    Ok(removed)
}

/// The folder's handle, for the page to ask the user for read permission again.
pub async fn folder_handle(id: &str) -> PageResult<FileSystemDirectoryHandle> {
    open_store()
        .await?
        .folder_handle(id)
        .await?
        .ok_or_else(|| PageError::NoSuchFolder(id.to_owned()))
}

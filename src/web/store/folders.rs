//! Backup folders: their records, their directory handles (kept apart, since a handle is a
//! browser object that only structured clone stores) and what the scan recorded of their files.

use futures_util::future::join_all;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::FileSystemDirectoryHandle;

use crate::core::backup::{ItemSource, QueueItem};
use crate::core::folders::{entry_key, queue_id, FolderEntry, FolderRecord};

use super::queue::{put_unless_finished, stored_rows};
use super::{
    from_js, to_js, Store, StoreError, BACKUP_FOLDERS, FOLDER_ENTRIES, FOLDER_HANDLES, UPLOAD_QUEUE,
};

/// The key range of every entry of a folder after `after` (or from its first). Keys are
/// `core::folders::entry_key`: folder id, NUL, path.
fn folder_range(folder_id: &str, after: Option<&str>) -> KeyRange<JsValue> {
    let lower = entry_key(folder_id, after.unwrap_or(""));
    let upper = format!("{folder_id}\u{1}");
    KeyRange::Bound(lower.into(), after.is_some(), upper.into(), true)
}

fn put_entry(entries: &ObjectStore<'_>, entry: &FolderEntry) -> Result<(), StoreError> {
    entries
        .put(to_js(entry)?)
        .with_key(entry_key(&entry.folder_id, &entry.path))
        .primitive()?;
    Ok(())
}

/// A stored entry with its folder and path, which only its key holds.
fn entry_from(folder_id: &str, path: &str, value: JsValue) -> Result<FolderEntry, StoreError> {
    Ok(FolderEntry {
        folder_id: folder_id.to_owned(),
        path: path.to_owned(),
        ..from_js(value)?
    })
}

impl Store {
    /// Adds a folder and its handle in one transaction.
    pub async fn add_folder(
        &self,
        record: &FolderRecord,
        handle: &FileSystemDirectoryHandle,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([BACKUP_FOLDERS, FOLDER_HANDLES])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(BACKUP_FOLDERS)?
            .put(to_js(record)?)
            .with_key(record.id.as_str())
            .primitive()?;
        tx.object_store(FOLDER_HANDLES)?
            .put(JsValue::from(handle.clone()))
            .with_key(record.id.as_str())
            .primitive()?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn save_folder(&self, record: &FolderRecord) -> Result<(), StoreError> {
        self.put_value(BACKUP_FOLDERS, &record.id, to_js(record)?)
            .await
    }

    pub async fn load_folders(&self) -> Result<Vec<FolderRecord>, StoreError> {
        let tx = self.db.transaction(BACKUP_FOLDERS).build()?;
        let values = tx
            .object_store(BACKUP_FOLDERS)?
            .get_all::<JsValue>()
            .primitive()?
            .await?;
        values
            .into_iter()
            .map(|value| from_js::<FolderRecord>(value?))
            .collect()
    }

    pub async fn load_folder(&self, id: &str) -> Result<Option<FolderRecord>, StoreError> {
        self.get_value(BACKUP_FOLDERS, id)
            .await?
            .map(from_js)
            .transpose()
    }

    pub async fn folder_handle(
        &self,
        id: &str,
    ) -> Result<Option<FileSystemDirectoryHandle>, StoreError> {
        Ok(self
            .get_value(FOLDER_HANDLES, id)
            .await?
            .and_then(|value| value.dyn_into().ok()))
    }

    pub async fn count_folders(&self) -> Result<u32, StoreError> {
        let tx = self.db.transaction(BACKUP_FOLDERS).build()?;
        let count = tx
            .object_store(BACKUP_FOLDERS)?
            .count()
            .primitive()?
            .await?;
        Ok(count)
    }

    /// Removes a folder, its handle, what the scan recorded of it and its files not sent yet,
    /// in one transaction; returns how many unsent files were removed. Rows of files already
    /// backed up stay, as the history of what was sent.
    pub async fn remove_folder(&self, id: &str) -> Result<u32, StoreError> {
        let tx = self
            .db
            .transaction([BACKUP_FOLDERS, FOLDER_HANDLES, FOLDER_ENTRIES, UPLOAD_QUEUE])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(BACKUP_FOLDERS)?.delete(id).primitive()?;
        tx.object_store(FOLDER_HANDLES)?.delete(id).primitive()?;
        tx.object_store(FOLDER_ENTRIES)?
            .delete::<JsValue, _>(folder_range(id, None))
            .primitive()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let mut removed = 0u32;
        for value in queue.get_all::<JsValue>().primitive()?.await? {
            let item = from_js::<QueueItem>(value?)?;
            let of_folder =
                matches!(&item.source, ItemSource::Folder { folder_id, .. } if folder_id == id);
            if of_folder && !item.state.is_finished() {
                queue.delete(item.id.as_str()).primitive()?;
                removed = removed.saturating_add(1);
            }
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// What the scan recorded of these paths of a folder, in their order.
    pub async fn folder_entries(
        &self,
        folder_id: &str,
        paths: &[String],
    ) -> Result<Vec<Option<FolderEntry>>, StoreError> {
        let tx = self.db.transaction(FOLDER_ENTRIES).build()?;
        let entries = tx.object_store(FOLDER_ENTRIES)?;
        // Every read is sent before the first is awaited: one round of the database, not one
        // per file.
        let mut reads = Vec::with_capacity(paths.len());
        for path in paths {
            reads.push(
                entries
                    .get::<JsValue, _, _>(entry_key(folder_id, path))
                    .primitive()?,
            );
        }
        let mut found = Vec::with_capacity(paths.len());
        for (path, value) in paths.iter().zip(join_all(reads).await) {
            let stored = value?.filter(|v| !v.is_undefined() && !v.is_null());
            found.push(
                stored
                    .map(|value| entry_from(folder_id, path, value))
                    .transpose()?,
            );
        }
        Ok(found)
    }

    /// Writes what the walk saw and removes the queue rows of versions it replaced (a changed
    /// file is queued again under a new id), in one transaction.
    pub async fn put_folder_entries(
        &self,
        entries: &[FolderEntry],
        stale_rows: &[String],
    ) -> Result<(), StoreError> {
        if entries.is_empty() && stale_rows.is_empty() {
            return Ok(());
        }
        let tx = self
            .db
            .transaction([FOLDER_ENTRIES, UPLOAD_QUEUE])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(FOLDER_ENTRIES)?;
        for entry in entries {
            put_entry(&store, entry)?;
        }
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        for id in stale_rows {
            queue.delete(id.as_str()).primitive()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Up to `count` entries of a folder in key order, after the path `after`.
    pub async fn folder_entries_after(
        &self,
        folder_id: &str,
        after: Option<&str>,
        count: u32,
    ) -> Result<Vec<FolderEntry>, StoreError> {
        let tx = self.db.transaction(FOLDER_ENTRIES).build()?;
        let store = tx.object_store(FOLDER_ENTRIES)?;
        let keys = store
            .get_all_keys::<JsValue>()
            .with_query::<JsValue, _>(folder_range(folder_id, after))
            .with_limit(count)
            .primitive()?;
        let values = store
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(folder_range(folder_id, after))
            .with_limit(count)
            .primitive()?;
        let (keys, values) = (keys.await?, values.await?);
        keys.into_iter()
            .zip(values)
            .map(|(key, value)| {
                let key = key?.as_string().unwrap_or_default();
                let path = key.split_once('\u{0}').map_or("", |(_, path)| path);
                entry_from(folder_id, path, value?)
            })
            .collect()
    }

    /// Queues files found by a scan and marks their entries queued, and forgets entries of
    /// files that are gone with their queue rows, in one transaction: after a kill, a file is
    /// queued with its entry marked, or neither. A finished row with the same id (the same
    /// version of a file) stays.
    pub async fn commit_scan_batch(
        &self,
        queued: &[(FolderEntry, QueueItem)],
        gone: &[FolderEntry],
    ) -> Result<(), StoreError> {
        if queued.is_empty() && gone.is_empty() {
            return Ok(());
        }
        let tx = self
            .db
            .transaction([FOLDER_ENTRIES, UPLOAD_QUEUE])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let entries = tx.object_store(FOLDER_ENTRIES)?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let stored = stored_rows(&queue, queued.iter().map(|(_, item)| item.id.as_str())).await?;
        for ((entry, item), stored) in queued.iter().zip(stored) {
            put_entry(&entries, entry)?;
            put_unless_finished(&queue, item, stored)?;
        }
        for entry in gone {
            entries
                .delete(entry_key(&entry.folder_id, &entry.path))
                .primitive()?;
            if entry.queued {
                queue.delete(queue_id(entry)).primitive()?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

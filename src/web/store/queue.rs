//! The upload queue's rows and the picked files they stand for.

use futures_util::future::join_all;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::core::backup::{ItemState, QueueItem};
use crate::core::sync::BackedUpFile;

use super::{from_js, to_js, Store, StoreError, BACKUP_RECORDS, LOCAL_ASSETS, UPLOAD_QUEUE};

/// What reached the server, keyed by the file's checksum (which the value does not repeat).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BackupRecord<'a> {
    remote_id: &'a str,
    name: &'a str,
}

impl Store {
    /// Every file that reached the server from this device (the backup records).
    pub async fn load_backed_up(&self) -> Result<Vec<BackedUpFile>, StoreError> {
        let tx = self.db.transaction(BACKUP_RECORDS).build()?;
        let values = tx
            .object_store(BACKUP_RECORDS)?
            .get_all::<JsValue>()
            .primitive()?
            .await?;
        values.into_iter().map(|value| from_js(value?)).collect()
    }
}

/// The stored rows of these items, all asked for before the first answer is awaited.
pub(super) async fn stored_rows<'a>(
    queue: &ObjectStore<'_>,
    items: impl Iterator<Item = &'a QueueItem>,
) -> Result<Vec<Option<JsValue>>, StoreError> {
    let mut reads = Vec::new();
    for item in items {
        reads.push(queue.get::<JsValue, _, _>(item.id.as_str()).primitive()?);
    }
    let mut rows = Vec::with_capacity(reads.len());
    for row in join_all(reads).await {
        rows.push(row?.filter(|v| !v.is_undefined() && !v.is_null()));
    }
    Ok(rows)
}

/// Writes `item` unless the core says it may not replace the stored row (a finished row by an
/// unfinished one); returns whether it was written.
pub(super) fn put_unless_finished(
    queue: &ObjectStore<'_>,
    item: &QueueItem,
    stored: Option<JsValue>,
) -> Result<bool, StoreError> {
    if let Some(stored) = stored {
        if !item.may_replace(&from_js::<QueueItem>(stored)?) {
            return Ok(false);
        }
    }
    queue
        .put(to_js(item)?)
        .with_key(item.id.as_str())
        .primitive()?;
    Ok(true)
}

impl Store {
    /// Queues picked files: each file (a Blob copy, or a file handle when the row's source says
    /// so) and its queue row are written in one transaction, so a file is either fully queued
    /// or not at all.
    pub async fn enqueue(&self, files: &[(QueueItem, JsValue)]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([LOCAL_ASSETS, UPLOAD_QUEUE])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let assets = tx.object_store(LOCAL_ASSETS)?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        for (item, file) in files {
            assets
                .put(file.clone())
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

    /// One queue row, if it is still there.
    pub async fn load_item(&self, id: &str) -> Result<Option<QueueItem>, StoreError> {
        match self.get_value(UPLOAD_QUEUE, id).await? {
            Some(value) => Ok(Some(from_js::<QueueItem>(value)?)),
            None => Ok(None),
        }
    }

    /// What was stored for a picked file: its Blob copy or its file handle.
    pub async fn load_asset(&self, id: &str) -> Result<Option<JsValue>, StoreError> {
        self.get_value(LOCAL_ASSETS, id).await
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
        let stored_rows = stored_rows(&queue, items.iter()).await?;
        for (item, stored) in items.iter().zip(stored_rows) {
            if !put_unless_finished(&queue, item, stored)? {
                continue;
            }
            if let (ItemState::Done | ItemState::Duplicate, Some(checksum), Some(remote_id)) =
                (item.state, &item.checksum, &item.remote_id)
            {
                let record = BackupRecord {
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

    /// The user's Retry: in one transaction, every row that failed for good starts over (the
    /// core's `QueueItem::retry_failed`); returns how many. A failed row is finished, so the
    /// guard of `save_items` would keep it as it is.
    pub async fn retry_failed(&self) -> Result<u32, StoreError> {
        let tx = self
            .db
            .transaction(UPLOAD_QUEUE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let values = queue.get_all::<JsValue>().primitive()?.await?;
        let mut retried = 0u32;
        for value in values {
            let mut item = from_js::<QueueItem>(value?)?;
            if item.retry_failed() {
                queue
                    .put(to_js(&item)?)
                    .with_key(item.id.as_str())
                    .primitive()?;
                retried = retried.saturating_add(1);
            }
        }
        tx.commit().await?;
        Ok(retried)
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

    /// Removes finished rows of picked files (and any stored file they still hold); returns
    /// how many.
    pub async fn clear_finished(&self) -> Result<u32, StoreError> {
        let finished: Vec<String> = self
            .load_queue()
            .await?
            .into_iter()
            .filter(|item| item.state.is_finished() && !item.of_backup_folder())
            .map(|item| item.id)
            .collect();
        self.delete_items(&finished).await?;
        Ok(u32::try_from(finished.len()).unwrap_or(u32::MAX))
    }

    /// Removes every picked file not sent yet (the user cancelled); returns how many.
    pub async fn delete_unsent(&self) -> Result<u32, StoreError> {
        let unsent: Vec<String> = self
            .load_queue()
            .await?
            .into_iter()
            .filter(|item| !item.state.is_finished() && !item.of_backup_folder())
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
}

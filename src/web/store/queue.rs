//! The upload queue's rows and the picked files they stand for.

use futures_util::future::join_all;
use indexed_db_futures::index::Index;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::core::backup::{ItemSource, ItemState, QueueCounts, QueueItem};
use crate::core::sync::BackedUpFile;

use super::ranges::{of_folder_in, of_folders_in, of_state};
use super::schema::QUEUE_BY_STATE;
use super::{from_js, to_js, Store, StoreError, BACKUP_RECORDS, LOCAL_ASSETS, UPLOAD_QUEUE};
use crate::web::json::{from_js_via_json, JsonArray};

/// Queue rows read per transaction by `load_queue`.
const QUEUE_PAGE: u32 = 2_000;

/// What reached the server, keyed by the file's checksum (which the value does not repeat).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BackupRecord<'a> {
    remote_id: &'a str,
    name: &'a str,
}

/// A queue row as stored: the item, and the backup folder it belongs to ("" for a picked
/// file) for the queue's index, which counts only rows that have the field.
#[derive(Serialize)]
pub(super) struct StoredRow<'a> {
    #[serde(flatten)]
    item: &'a QueueItem,
    /// `schema::QUEUE_FOLDER_FIELD`.
    folder: &'a str,
}

impl<'a> StoredRow<'a> {
    pub(super) fn of(item: &'a QueueItem) -> StoredRow<'a> {
        let folder = match &item.source {
            ItemSource::Folder { folder_id, .. } => folder_id.as_str(),
            ItemSource::Stored | ItemSource::Handle => "",
        };
        StoredRow { item, folder }
    }
}

impl Store {
    /// Every file that reached the server from this device: the backup records of picked
    /// files, and the finished rows of backup folders (those folders' records).
    pub async fn load_backed_up(&self) -> Result<Vec<BackedUpFile>, StoreError> {
        let tx = self
            .db
            .transaction([BACKUP_RECORDS, UPLOAD_QUEUE])
            .build()?;
        let records = tx
            .object_store(BACKUP_RECORDS)?
            .get_all::<JsValue>()
            .primitive()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let by_state = queue.index(QUEUE_BY_STATE)?;
        let mut of_folders = Vec::new();
        for state in [ItemState::Done, ItemState::Duplicate] {
            let rows = by_state.get_all::<JsValue>();
            let range = of_folders_in(state)?;
            of_folders.push(rows.with_query::<JsValue, _>(range).primitive()?);
        }
        let mut files = Vec::new();
        for value in records.await? {
            files.push(from_js(value?)?);
        }
        for rows in join_all(of_folders).await {
            for value in rows? {
                let row: QueueItem = from_js_via_json(&value?)?;
                files.extend(row.remote_id.map(|remote_id| BackedUpFile {
                    name: row.name,
                    remote_id,
                }));
            }
        }
        Ok(files)
    }
}

/// The stored rows of these ids (None for one not there), all asked for before the first
/// answer is awaited.
pub(super) async fn stored_rows<'a>(
    queue: &ObjectStore<'_>,
    ids: impl Iterator<Item = &'a str>,
) -> Result<Vec<Option<JsValue>>, StoreError> {
    let mut reads = Vec::new();
    for id in ids {
        reads.push(queue.get::<JsValue, _, _>(id).primitive()?);
    }
    let mut rows = Vec::with_capacity(reads.len());
    for row in join_all(reads).await {
        rows.push(row?.filter(|v| !v.is_undefined() && !v.is_null()));
    }
    Ok(rows)
}

/// Deletes these queue rows and the stored files they still hold, in the transaction of
/// `queue` and `assets`.
pub(super) fn delete_rows<'a>(
    queue: &ObjectStore<'_>,
    assets: &ObjectStore<'_>,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<(), StoreError> {
    for id in ids {
        queue.delete(id).primitive()?;
        assets.delete(id).primitive()?;
    }
    Ok(())
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
        .put(to_js(&StoredRow::of(item))?)
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
        let mut rows = JsonArray::default();
        for (item, _) in files {
            rows.push(&StoredRow::of(item))?;
        }
        for ((item, file), row) in files.iter().zip(rows.finish()?.iter()) {
            assets
                .put(file.clone())
                .with_key(item.id.as_str())
                .primitive()?;
            queue.put(row).with_key(item.id.as_str()).primitive()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every queue row, read a page at a time (a run never reads them all: `run_rows`; this is
    /// for checking what is stored): the rows of a large queue never sit in the JS
    /// heap all at once, and the wasm memory (which never shrinks) holds them once, without the
    /// copies a growing Vec makes.
    pub async fn load_queue(&self) -> Result<Vec<QueueItem>, StoreError> {
        let mut rows: Vec<QueueItem> = Vec::new();
        loop {
            let tx = self.db.transaction(UPLOAD_QUEUE).build()?;
            let queue = tx.object_store(UPLOAD_QUEUE)?;
            let page = queue.get_all::<JsValue>();
            let values = match rows.last() {
                Some(last) => {
                    let after = KeyRange::LowerBound(JsValue::from(last.id.as_str()), true);
                    let page = page.with_query::<JsValue, _>(after);
                    page.with_limit(QUEUE_PAGE).primitive()?.await?
                }
                None => {
                    let count = queue.count().primitive()?;
                    let values = page.with_limit(QUEUE_PAGE).primitive()?.await?;
                    rows.reserve_exact(count.await? as usize);
                    values
                }
            };
            let before = rows.len();
            for value in values {
                rows.push(from_js_via_json(&value?)?);
            }
            if rows.len() - before < QUEUE_PAGE as usize {
                return Ok(rows);
            }
        }
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

    /// Writes queue rows in one transaction. Rows of picked files that reached the server also
    /// record the checksum -> remote asset and drop the stored copy of the file, in the same
    /// transaction: after a kill, either all of it happened or none of it did. (A backup
    /// folder's finished rows stay: they are its record.) A row the core says may not
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
        let stored_rows = stored_rows(&queue, items.iter().map(|item| item.id.as_str())).await?;
        for (item, stored) in items.iter().zip(stored_rows) {
            if !put_unless_finished(&queue, item, stored)? {
                continue;
            }
            if item.of_backup_folder() {
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

    /// Removes these rows and the stored files they still hold.
    pub async fn delete_items(&self, ids: &[String]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction([UPLOAD_QUEUE, LOCAL_ASSETS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let assets = tx.object_store(LOCAL_ASSETS)?;
        delete_rows(&queue, &assets, ids.iter().map(String::as_str))?;
        tx.commit().await?;
        Ok(())
    }

    /// The page's "Clear finished": removes the finished rows of picked files a new run would
    /// drop (and any stored file they still hold); returns how many.
    pub async fn clear_finished(&self) -> Result<u32, StoreError> {
        self.drop_finished_picked().await
    }

    /// How many rows of each state take part in runs, from the queue's index: the count of
    /// each state and that of the backup folders' rows.
    pub async fn queue_counts(&self) -> Result<QueueCounts, StoreError> {
        let tx = self.db.transaction(UPLOAD_QUEUE).build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        counts_in_runs(&queue.index(QUEUE_BY_STATE)?)?.await
    }

    /// How many rows of the backup folder `folder_id` are in each state.
    pub async fn folder_counts(&self, folder_id: &str) -> Result<QueueCounts, StoreError> {
        let tx = self.db.transaction(UPLOAD_QUEUE).build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let by_state = queue.index(QUEUE_BY_STATE)?;
        let mut requests = Vec::new();
        for state in ItemState::ALL {
            requests.push(count(&by_state, of_folder_in(state, folder_id)?)?);
        }
        counts_by_state(requests).await
    }
}

/// The counts of `queue_counts` from the queue's index `by_state`, asked for now.
pub(super) fn counts_in_runs(
    by_state: &Index<'_>,
) -> Result<impl std::future::Future<Output = Result<QueueCounts, StoreError>>, StoreError> {
    let mut all = Vec::new();
    let mut of_folders = Vec::new();
    for state in ItemState::ALL {
        all.push(count(by_state, of_state(state)?)?);
        of_folders.push(count(by_state, of_folders_in(state)?)?);
    }
    Ok(async move {
        Ok(QueueCounts::in_runs(
            counts_by_state(all).await?,
            counts_by_state(of_folders).await?,
        ))
    })
}

/// The number of keys of `index` in `range`, asked for now.
fn count(
    index: &Index<'_>,
    range: KeyRange<JsValue>,
) -> Result<impl std::future::Future<Output = Result<u32, StoreError>>, StoreError> {
    let request = index.count().with_query::<JsValue, _>(range).primitive()?;
    Ok(async move { Ok(request.await?) })
}

/// The counts of `requests`, one per state in `ItemState::ALL`'s order.
async fn counts_by_state(
    requests: Vec<impl std::future::Future<Output = Result<u32, StoreError>>>,
) -> Result<QueueCounts, StoreError> {
    let mut counts = QueueCounts::default();
    for (state, count) in ItemState::ALL.into_iter().zip(join_all(requests).await) {
        counts.set(state, count?);
    }
    Ok(counts)
}

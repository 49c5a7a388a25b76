//! Queue rows read by their state through the queue's index, so that what the page asks of
//! one or two states (the failed files, the files not sent) never decodes the whole queue.

use std::future::Future;

use indexed_db_futures::index::Index;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use wasm_bindgen::prelude::*;

use crate::core::backup::{ItemState, QueueItem};
use crate::web::json::from_js_via_json;

use super::queue::{delete_rows, StoredRow};
use super::ranges::{of_state, picked_in};
use super::schema::QUEUE_BY_STATE;
use super::{to_js, Store, StoreError, LOCAL_ASSETS, UPLOAD_QUEUE};

impl Store {
    /// The rows in these states, state by state in queue order.
    pub async fn rows_in_states(&self, states: &[ItemState]) -> Result<Vec<QueueItem>, StoreError> {
        let tx = self.db.transaction(UPLOAD_QUEUE).build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let by_state = queue.index(QUEUE_BY_STATE)?;
        let mut reads = Vec::new();
        for &state in states {
            reads.push(rows_in(&by_state, of_state(state)?)?);
        }
        let mut rows = Vec::new();
        for read in futures_util::future::join_all(reads).await {
            rows.extend(read?);
        }
        Ok(rows)
    }

    /// Removes every picked file not sent yet (the user cancelled) and its stored file, in one
    /// transaction; returns how many. Only the keys of those rows are read.
    pub async fn delete_unsent(&self) -> Result<u32, StoreError> {
        let tx = self
            .db
            .transaction([UPLOAD_QUEUE, LOCAL_ASSETS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let queue = tx.object_store(UPLOAD_QUEUE)?;
        let assets = tx.object_store(LOCAL_ASSETS)?;
        let by_state = queue.index(QUEUE_BY_STATE)?;
        let mut reads = Vec::new();
        for state in ItemState::ALL.into_iter().filter(|s| !s.is_finished()) {
            let keys = by_state.get_all_keys::<JsValue>();
            reads.push(
                keys.with_query::<JsValue, _>(picked_in(state)?)
                    .primitive()?,
            );
        }
        let mut unsent = Vec::new();
        for keys in futures_util::future::join_all(reads).await {
            for key in keys? {
                unsent.extend(key?.as_string());
            }
        }
        delete_rows(&queue, &assets, unsent.iter().map(String::as_str))?;
        tx.commit().await?;
        Ok(u32::try_from(unsent.len()).unwrap_or(u32::MAX))
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
        let failed = rows_in(
            &queue.index(QUEUE_BY_STATE)?,
            of_state(ItemState::FailedPermanent)?,
        )?
        .await?;
        let mut retried = 0u32;
        for mut item in failed {
            if item.retry_failed() {
                queue
                    .put(to_js(&StoredRow::of(&item))?)
                    .with_key(item.id.as_str())
                    .primitive()?;
                retried = retried.saturating_add(1);
            }
        }
        tx.commit().await?;
        Ok(retried)
    }
}

/// The rows of `index` in `range`, asked for now.
pub(super) fn rows_in(
    index: &Index<'_>,
    range: KeyRange<JsValue>,
) -> Result<impl Future<Output = Result<Vec<QueueItem>, StoreError>>, StoreError> {
    let rows = index.get_all::<JsValue>();
    let request = rows.with_query::<JsValue, _>(range).primitive()?;
    Ok(async move { decode(request.await?) })
}

/// Decodes rows read together.
pub(super) fn decode(
    values: impl IntoIterator<Item = Result<JsValue, indexed_db_futures::error::Error>>,
) -> Result<Vec<QueueItem>, StoreError> {
    values
        .into_iter()
        .map(|value| Ok(from_js_via_json(&value?)?))
        .collect()
}

//! The database's stores and indexes, version by version. The upgrade runs here on web_sys
//! rather than in indexed_db_futures: version 0.6 of that crate does not hand its upgrade
//! callback the versionchange transaction, without which no index can be added to a store that
//! already holds rows (rust-indexed-db issue #66). `Store::open` runs this first, then opens
//! the database through the crate at the version this leaves.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbCursorWithValue, IdbDatabase, IdbFactory, IdbObjectStore, IdbObjectStoreParameters,
    IdbOpenDbRequest, IdbVersionChangeEvent,
};

use super::{mirror, StoreError};
use super::{
    AUTH, BACKUP_FOLDERS, BACKUP_RECORDS, FOLDER_ENTRIES, FOLDER_HANDLES, LOCAL_ASSETS, LOGS,
    RUN_STATE, SETTINGS, SYNC_STATE, UPLOAD_QUEUE,
};

pub(super) const SCHEMA_VERSION: u32 = 5;

/// The index of `upload_queue` by state, backup folder and time queued: how many rows are in
/// each state, of one folder or of all of them, and the waiting rows in the order a run takes
/// them (picked files, then each folder, oldest first). Its key is [state, folder, queuedAtMs],
/// the folder "" for a picked file, since an index leaves out a row without its key
/// (`queue::StoredRow` writes the field). `ranges` has its key ranges.
pub(super) const QUEUE_BY_STATE: &str = "byState";
const QUEUE_BY_STATE_PATH: [&str; 3] = ["state", QUEUE_FOLDER_FIELD, "queuedAtMs"];
/// The field of a stored queue row that the index reads.
pub(super) const QUEUE_FOLDER_FIELD: &str = "folder";
/// The finished rows that still owe an album add, by [state, album]: sparse, as only rows with
/// an album have its key, so a run finds them without reading the others.
pub(super) const QUEUE_ALBUM_DEBTS: &str = "albumDebts";
const QUEUE_ALBUM_DEBTS_PATH: [&str; 2] = ["state", "album"];
/// The rows naming a live photo's video, by the video's id: sparse, to find who names a video.
pub(super) const QUEUE_LIVE_LINKS: &str = "liveLinks";
const QUEUE_LIVE_LINKS_PATH: &str = "liveVideo";

/// The callback of a walk over stored rows, which must live until the open settles.
type Step = Closure<dyn FnMut()>;

fn db_error(error: JsValue) -> StoreError {
    let message = js_sys::Error::from(error.clone())
        .message()
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"));
    StoreError::Open(message)
}

fn factory() -> Result<IdbFactory, StoreError> {
    let global = js_sys::global();
    let factory = js_sys::Reflect::get(&global, &"indexedDB".into()).map_err(db_error)?;
    factory
        .dyn_into()
        .map_err(|_| StoreError::Open("this browser has no IndexedDB".into()))
}

fn key_path(parts: &[&str]) -> Array {
    parts.iter().map(|part| JsValue::from_str(part)).collect()
}

/// Brings the database `name` to `SCHEMA_VERSION`, creating it if missing.
pub(super) async fn upgrade(name: &str) -> Result<(), StoreError> {
    let request = factory()?
        .open_with_u32(name, SCHEMA_VERSION)
        .map_err(db_error)?;
    let failure: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let walk: Rc<RefCell<Option<Step>>> = Rc::default();
    let failed = Rc::clone(&failure);
    let walking = Rc::clone(&walk);
    let upgrading = request.clone();
    let on_upgrade = Closure::once(move |event: IdbVersionChangeEvent| {
        match migrate(&upgrading, event.old_version()) {
            Ok(step) => *walking.borrow_mut() = step,
            Err(error) => {
                // Leaves the database as it was: the open fails with this error.
                if let Some(tx) = upgrading.transaction() {
                    let _ = tx.abort();
                }
                failed.borrow_mut().replace(error);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let opened = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let result = JsFuture::from(opened).await;
    request.set_onupgradeneeded(None);
    drop(walk);
    if let Some(error) = failure.borrow_mut().take() {
        return Err(db_error(error));
    }
    result.map_err(|_| {
        let reason = request.error().ok().flatten();
        StoreError::Open(reason.map_or_else(|| "the database did not open".into(), |e| e.message()))
    })?;
    let db: IdbDatabase = request.result().map_err(db_error)?.unchecked_into();
    db.close();
    Ok(())
}

/// Each version's changes, from the version the database is at. What they ask of the
/// versionchange transaction is done before the open succeeds; a walk over rows returns its
/// step, to be kept until then.
fn migrate(request: &IdbOpenDbRequest, old_version: f64) -> Result<Option<Step>, JsValue> {
    let db: IdbDatabase = request.result()?.unchecked_into();
    // Version 1 is the first schema: every store is created from nothing.
    if old_version < 1.0 {
        for store in [
            SETTINGS,
            AUTH,
            LOCAL_ASSETS,
            UPLOAD_QUEUE,
            BACKUP_RECORDS,
            RUN_STATE,
        ] {
            db.create_object_store(store)?;
        }
        let logs = IdbObjectStoreParameters::new();
        logs.set_auto_increment(true);
        db.create_object_store_with_optional_parameters(LOGS, &logs)?;
    }
    // Version 2 adds backup folders and the cache of ETag-tagged replies.
    if old_version < 2.0 {
        for store in [BACKUP_FOLDERS, FOLDER_HANDLES, FOLDER_ENTRIES, SYNC_STATE] {
            db.create_object_store(store)?;
        }
    }
    // Version 3 adds the library mirror of the sync service.
    if old_version < 3.0 {
        for store in mirror::MIRROR_STORES {
            let created = db.create_object_store(store)?;
            let index = match store {
                mirror::REMOTE_ASSETS => Some(mirror::BY_CHECKSUM),
                mirror::ALBUM_ASSETS => Some(mirror::BY_ASSET),
                _ => None,
            };
            // Each index is on the field of its name.
            if let Some(index) = index {
                created.create_index_with_str(index, index)?;
            }
        }
    }
    let mut walk = None;
    // Version 4 gives every stored queue row the backup folder field the queue's index reads
    // (the index itself is version 5's now); rows written since carry the field.
    if (1.0..4.0).contains(&old_version) {
        walk = Some(add_folder_fields(&queue_store(request)?)?);
    }
    // Version 5 indexes the queue by state, folder and time queued, so that counting rows reads
    // no row and a run reads the waiting ones a page at a time in queue order; and adds the
    // sparse indexes of what finished rows still owe. Indexes with short keys: their entries
    // cost storage in every row. The rows the walk above updates are indexed as they change.
    if old_version < 5.0 {
        let queue = queue_store(request)?;
        if old_version >= 4.0 {
            queue.delete_index(QUEUE_BY_STATE)?;
        }
        queue.create_index_with_str_sequence(QUEUE_BY_STATE, &key_path(&QUEUE_BY_STATE_PATH))?;
        queue.create_index_with_str_sequence(
            QUEUE_ALBUM_DEBTS,
            &key_path(&QUEUE_ALBUM_DEBTS_PATH),
        )?;
        queue.create_index_with_str(QUEUE_LIVE_LINKS, QUEUE_LIVE_LINKS_PATH)?;
    }
    Ok(walk)
}

/// The queue's store in the versionchange transaction, which alone may change its indexes.
fn queue_store(request: &IdbOpenDbRequest) -> Result<IdbObjectStore, JsValue> {
    request
        .transaction()
        .ok_or_else(|| JsValue::from_str("no versionchange transaction"))?
        .object_store(UPLOAD_QUEUE)
}

/// Gives every stored queue row the field the index reads, row by row in the versionchange
/// transaction. Returns the walk's step, which must live until the open settles.
fn add_folder_fields(queue: &IdbObjectStore) -> Result<Step, JsValue> {
    let walk = queue.open_cursor()?;
    let request = walk.clone();
    let step = Step::new(move || {
        let Ok(Some(cursor)) = request
            .result()
            .map(|r| r.dyn_into::<IdbCursorWithValue>().ok())
        else {
            return;
        };
        let row = cursor.value().unwrap_or(JsValue::UNDEFINED);
        let folder = js_sys::Reflect::get(&row, &"source".into())
            .and_then(|source| js_sys::Reflect::get(&source, &"folderId".into()))
            .ok()
            .filter(JsValue::is_string)
            .unwrap_or_else(|| JsValue::from_str(""));
        // A value that is no object was unreadable before and is left as it was.
        let updated = match js_sys::Reflect::set(&row, &QUEUE_FOLDER_FIELD.into(), &folder) {
            Ok(_) => cursor.update(&row).map(drop),
            Err(_) => Ok(()),
        };
        // A row left without the field would be missing from every count: the upgrade fails
        // whole instead (the open then fails with AbortError), as a failed request makes it.
        if updated.and_then(|()| cursor.continue_()).is_err() {
            if let Some(tx) = request.transaction() {
                let _ = tx.abort();
            }
        }
    });
    walk.set_onsuccess(Some(step.as_ref().unchecked_ref()));
    Ok(step)
}

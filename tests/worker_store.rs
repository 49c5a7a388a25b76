//! The IndexedDB queue, in a real service worker: what is written survives a reopen, and
//! results are recorded together with the queue state.
#![cfg(target_arch = "wasm32")]

use immich_background::core::backup::{
    CheckVerdict, ItemState, QueueItem, RetryPolicy, UploadOutcome,
};
use immich_background::core::lifecycle::ServiceRecord;
use immich_background::core::log::{LogEntry, LogLevel, LOG_CAPACITY};
use immich_background::core::settings::Settings;
use immich_background::web::store::Store;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Blob;

wasm_bindgen_test_configure!(run_in_service_worker);

/// A picked file's stored copy, as `Store::enqueue` takes it.
fn blob_of(bytes: &[u8]) -> JsValue {
    Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)))
        .expect("a Blob")
        .into()
}

async fn blob_text(blob: &JsValue) -> String {
    let blob: &Blob = blob.dyn_ref().expect("a stored Blob");
    let text = wasm_bindgen_futures::JsFuture::from(blob.text())
        .await
        .expect("text");
    text.as_string().unwrap_or_default()
}

fn unique_name(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random())
}

#[wasm_bindgen_test]
async fn queued_files_survive_a_reopen() {
    let name = unique_name("queue");
    let store = Store::open_named(&name).await.expect("open");
    let first = QueueItem::new("a", "Łódź.jpg", 5, 1_000, 2_000);
    let second = QueueItem::new("b", "b.jpg", 3, 1_000, 2_001);
    store
        .enqueue(&[
            (first.clone(), blob_of(b"hello")),
            (second.clone(), blob_of(b"abc")),
        ])
        .await
        .expect("enqueue");
    drop(store);

    let store = Store::open_named(&name).await.expect("reopen");
    let mut items = store.load_queue().await.expect("load");
    items.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(items, vec![first, second]);
    let blob = store
        .load_asset("a")
        .await
        .expect("load blob")
        .expect("stored");
    assert_eq!(blob_text(&blob).await, "hello");
}

#[wasm_bindgen_test]
async fn a_finished_upload_records_its_result_and_drops_the_file_in_one_write() {
    let store = Store::open_named(&unique_name("finish"))
        .await
        .expect("open");
    let mut item = QueueItem::new("a", "a.jpg", 5, 1_000, 2_000);
    store
        .enqueue(&[(item.clone(), blob_of(b"hello"))])
        .await
        .expect("enqueue");

    item.begin_hash(3_000, &RetryPolicy::default())
        .expect("hash");
    item.hashed("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d".into())
        .expect("hashed");
    item.checked(CheckVerdict::Accept).expect("checked");
    item.begin_upload().expect("upload");
    item.upload_finished(
        UploadOutcome::Created {
            remote_id: "r1".into(),
        },
        4_000,
        &RetryPolicy::default(),
    )
    .expect("finished");
    store.save_items(&[item.clone()]).await.expect("save");

    let items = store.load_queue().await.expect("load");
    assert_eq!(items[0].state, ItemState::Done);
    assert_eq!(items[0].remote_id.as_deref(), Some("r1"));
    assert!(store.load_asset("a").await.expect("load blob").is_none());

    // A late writer holding the row as it was before the upload must not undo it.
    let mut stale = item.clone();
    stale.state = ItemState::Uploading;
    stale.remote_id = None;
    store.save_items(&[stale]).await.expect("save stale");
    assert_eq!(store.load_queue().await.expect("load")[0], item);

    assert_eq!(store.clear_finished().await.expect("clear"), 1);
    assert!(store.load_queue().await.expect("load").is_empty());
}

#[wasm_bindgen_test]
async fn deleted_rows_take_their_stored_files_with_them() {
    let store = Store::open_named(&unique_name("delete"))
        .await
        .expect("open");
    let gone = QueueItem::new("gone", "gone.jpg", 5, 1_000, 2_000);
    let kept = QueueItem::new("kept", "kept.jpg", 3, 1_000, 2_001);
    store
        .enqueue(&[
            (gone.clone(), blob_of(b"hello")),
            (kept.clone(), blob_of(b"abc")),
        ])
        .await
        .expect("enqueue");
    store.delete_items(&["gone".into()]).await.expect("delete");
    assert_eq!(store.load_queue().await.expect("load"), vec![kept]);
    assert!(store.load_asset("gone").await.expect("blob").is_none());
    assert!(store.load_asset("kept").await.expect("blob").is_some());
}

#[wasm_bindgen_test]
async fn retry_puts_failed_rows_back_though_finished_rows_are_guarded() {
    let store = Store::open_named(&unique_name("retry"))
        .await
        .expect("open");
    let mut failed = QueueItem::new("f", "f.jpg", 3, 1_000, 2_000);
    let waiting = QueueItem::new("w", "w.jpg", 3, 1_000, 2_001);
    store
        .enqueue(&[
            (failed.clone(), blob_of(b"abc")),
            (waiting.clone(), blob_of(b"xyz")),
        ])
        .await
        .expect("enqueue");
    failed.state = ItemState::FailedPermanent;
    failed.last_error = Some("refused".into());
    store.save_items(&[failed]).await.expect("fail it");

    assert_eq!(store.retry_failed().await.expect("retry"), 1);
    let mut items = store.load_queue().await.expect("load");
    items.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(items[0].state, ItemState::Pending);
    assert_eq!(items[0].last_error, None);
    assert_eq!(items[1], waiting);
    let file = store.load_asset("f").await.expect("blob").expect("kept");
    assert_eq!(blob_text(&file).await, "abc");
}

#[wasm_bindgen_test]
async fn settings_login_state_and_logs_persist() {
    let name = unique_name("settings");
    let store = Store::open_named(&name).await.expect("open");
    assert_eq!(
        store.load_settings().await.expect("defaults").0,
        Settings::default()
    );
    let changed = Settings {
        backup_trigger_delay: 45,
        background_backup_single_progress: true,
        ..Settings::default()
    };
    store.save_settings(&changed).await.expect("save");
    assert_eq!(
        store.load_service().await.expect("service"),
        ServiceRecord::default()
    );
    let service = ServiceRecord {
        wanted: true,
        due_at_ms: Some(1_700_000_000_000),
        backup_failed_since: Some(1_600_000_000_000),
        ..ServiceRecord::default()
    };
    store.save_service(&service).await.expect("save service");
    for i in 0..LOG_CAPACITY + 5 {
        let entry = LogEntry {
            at_ms: i as i64,
            level: LogLevel::Info,
            message: format!("line {i}"),
        };
        store.append_log(&entry).await.expect("log");
    }
    drop(store);

    let store = Store::open_named(&name).await.expect("reopen");
    assert_eq!(store.load_settings().await.expect("load").0, changed);
    assert_eq!(store.load_service().await.expect("service"), service);
    let logs = store.load_logs().await.expect("logs");
    assert_eq!(logs.len(), LOG_CAPACITY);
    assert_eq!(
        logs[0].message, "line 5",
        "the oldest lines are dropped first"
    );
    assert_eq!(
        logs[LOG_CAPACITY - 1].message,
        format!("line {}", LOG_CAPACITY + 4)
    );
}

#[wasm_bindgen_test]
async fn a_queue_longer_than_a_page_loads_every_row_once() {
    let store = Store::open_named(&unique_name("pages"))
        .await
        .expect("open");
    // More than two pages of `load_queue`, with ids out of their queue order.
    let rows: Vec<(QueueItem, JsValue)> = (0..4_500u32)
        .map(|n| {
            let id = format!("{:05}", (n * 7_919) % 4_500);
            (
                QueueItem::new(id, "a.jpg", 1, 0, i64::from(n)),
                JsValue::NULL,
            )
        })
        .collect();
    store.enqueue(&rows).await.expect("enqueue");
    let mut loaded = store.load_queue().await.expect("load");
    loaded.sort_by_key(|row| row.queued_at_ms);
    let queued: Vec<QueueItem> = rows.into_iter().map(|(item, _)| item).collect();
    assert_eq!(loaded, queued);
}

#[wasm_bindgen(inline_js = "
export function openNewer(name) {
  return new Promise((resolve) => {
    const request = indexedDB.open(name, 100);
    let blocked = false;
    request.onblocked = () => { blocked = true; };
    request.onsuccess = () => { request.result.close(); resolve(blocked ? 'opened once unblocked' : 'opened'); };
    request.onerror = () => resolve(`failed: ${request.error}`);
    setTimeout(() => resolve(blocked ? 'blocked for 3 s' : 'no answer in 3 s'), 3000);
  });
}")]
extern "C" {
    /// Opens the database `name` at a version newer than any of ours, as the next version
    /// of the app would: what happened, as text.
    #[wasm_bindgen(js_name = openNewer)]
    fn open_newer(name: &str) -> js_sys::Promise;
}

async fn newer_version_opens(name: &str) -> String {
    wasm_bindgen_futures::JsFuture::from(open_newer(name))
        .await
        .ok()
        .and_then(|outcome| outcome.as_string())
        .unwrap_or_default()
}

/// The next version of the app upgrades the database at once, whether this version's handles
/// are gone or still held: neither holds the upgrade back.
#[wasm_bindgen_test]
async fn a_newer_version_upgrades_past_dropped_and_held_handles() {
    let dropped = unique_name("dropped");
    drop(Store::open_named(&dropped).await.expect("open"));
    assert_eq!(newer_version_opens(&dropped).await, "opened");

    let held = unique_name("held");
    let store = Store::open_named(&held).await.expect("open");
    store.load_settings().await.expect("settings");
    assert_eq!(newer_version_opens(&held).await, "opened");
    assert!(
        store.load_settings().await.is_err(),
        "the held handle yields: its connection is closed"
    );
}

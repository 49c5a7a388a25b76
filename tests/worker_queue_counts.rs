//! The queue's index (schema 5), in a real service worker: the numbers read from it match the
//! rows whatever their states, sources and folders, follow every write, and a queue of schema 3
//! is indexed when it opens; the files backed up are read through it.
#![cfg(target_arch = "wasm32")]

mod common;

use common::old_schema;
use immich_background::core::backup::{ItemSource, ItemState, QueueCounts, QueueItem};
use immich_background::core::sync::BackedUpFile;
use immich_background::web::store::Store;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

fn unique_name(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random())
}

fn row(id: &str, state: ItemState, folder: Option<&str>) -> QueueItem {
    let mut item = QueueItem::new(id, format!("{id}.jpg"), 5, 1_000, 2_000);
    item.state = state;
    if let Some(folder) = folder {
        item.source = ItemSource::Folder {
            folder_id: folder.into(),
            path: format!("a/{id}.jpg"),
        };
    }
    item
}

/// Queues these rows (id, state, backup folder) as picked handles or folder files; returns them.
async fn enqueue_rows(store: &Store, rows: &[(&str, ItemState, Option<&str>)]) -> Vec<QueueItem> {
    let queued: Vec<(QueueItem, JsValue)> = rows
        .iter()
        .map(|&(id, state, folder)| (row(id, state, folder), JsValue::from_str("a handle")))
        .collect();
    store.enqueue(&queued).await.expect("enqueue");
    queued.into_iter().map(|(item, _)| item).collect()
}

/// What a folder's counts must say: its rows, counted one by one.
async fn folder_by_hand(store: &Store, folder: &str) -> QueueCounts {
    let rows = store.load_queue().await.expect("load");
    QueueCounts::of(rows.iter().filter(
        |row| matches!(&row.source, ItemSource::Folder { folder_id, .. } if folder_id == folder),
    ))
}

/// What the counts must say: the rows that take part in runs, counted one by one.
async fn counted_by_hand(store: &Store) -> QueueCounts {
    let rows = store.load_queue().await.expect("load");
    QueueCounts::of(rows.iter().filter(|row| row.in_runs()))
}

#[wasm_bindgen_test]
async fn the_counts_follow_the_rows_of_every_state_and_source() {
    let store = Store::open_named(&unique_name("counts"))
        .await
        .expect("open");
    assert_eq!(
        store.queue_counts().await.expect("counts"),
        QueueCounts::default()
    );
    let mut rows = Vec::new();
    for (n, state) in ItemState::ALL.into_iter().enumerate() {
        rows.push(row(&format!("p{n}"), state, None));
        rows.push(row(&format!("f{n}"), state, Some("f1")));
        rows.push(row(&format!("g{n}"), state, Some("f2")));
    }
    let queued: Vec<(QueueItem, JsValue)> = rows
        .iter()
        .map(|item| (item.clone(), JsValue::from_str("a handle")))
        .collect();
    store.enqueue(&queued).await.expect("enqueue");
    let counts = store.queue_counts().await.expect("counts");
    assert_eq!(counts, counted_by_hand(&store).await);
    // Every unfinished state counts its three rows; of a finished one only the picked row.
    assert_eq!(counts.unfinished(), 5 * 3);
    assert_eq!(counts.get(ItemState::Done), 1);
    assert_eq!(counts.total(), 5 * 3 + 4);
    for folder in ["f1", "f2"] {
        let of_folder = store.folder_counts(folder).await.expect("folder counts");
        assert_eq!(of_folder, folder_by_hand(&store, folder).await);
        assert_eq!(of_folder.total(), 9, "one row of each state");
    }

    let mut changed = row("p0", ItemState::Uploading, None);
    changed.checksum = Some("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d".into());
    let mut finished = row("f0", ItemState::Done, Some("f1"));
    finished.remote_id = Some("r1".into());
    finished.checksum = Some("bbf4c61ddcc5e8a2dabede0f3b482cd9aea9434d".into());
    store.save_items(&[changed, finished]).await.expect("save");
    store.delete_items(&["p3".into()]).await.expect("delete");
    let counts = store.queue_counts().await.expect("counts");
    assert_eq!(counts, counted_by_hand(&store).await);
    assert_eq!(
        counts.get(ItemState::Pending),
        1,
        "f0 finished, p0 moved on"
    );
    assert_eq!(counts.get(ItemState::Uploading), 3, "p3 deleted, p0 joined");
    assert_eq!(counts.unfinished(), 5 * 3 - 2, "f0 finished, p3 deleted");
    let of_folder = store.folder_counts("f1").await.expect("folder counts");
    assert_eq!(of_folder, folder_by_hand(&store, "f1").await);
    assert_eq!(of_folder.get(ItemState::Done), 2);
    assert_eq!(
        store.folder_counts("none").await.expect("none"),
        QueueCounts::default()
    );
}

#[wasm_bindgen_test]
async fn a_queue_of_schema_3_is_indexed_when_it_opens() {
    let name = unique_name("v3");
    let old = old_schema::create(&name, 3).await;
    let rows = [
        ("a", "pending", None),
        ("b", "failedRetryable", None),
        ("c", "done", None),
        ("d", "done", Some("folder")),
        ("e", "uploading", Some("folder")),
        ("h", "skipped", Some("handle")),
    ];
    for (id, state, kind) in rows {
        let mut value = serde_json::json!({
            "id": id, "name": format!("{id}.jpg"), "size": 5, "modifiedAtMs": 1,
            "queuedAtMs": 2, "state": state,
        });
        if let Some(kind) = kind {
            value["source"] = match kind {
                "folder" => serde_json::json!({"kind": "folder", "folderId": "f1", "path": id}),
                _ => serde_json::json!({"kind": kind}),
            };
        }
        old_schema::put(&old, "upload_queue", id, value).await;
    }
    old.close();

    let store = Store::open_named(&name).await.expect("open as version 5");
    let counts = store.queue_counts().await.expect("counts");
    assert_eq!(counts, counted_by_hand(&store).await);
    assert_eq!(counts.unfinished(), 3);
    assert_eq!(
        counts.get(ItemState::Done),
        1,
        "the folder's done row is its own"
    );
    assert_eq!(counts.get(ItemState::Skipped), 1, "a picked handle counts");
    let of_folder = store.folder_counts("f1").await.expect("folder counts");
    assert_eq!(of_folder, folder_by_hand(&store, "f1").await);
    assert_eq!(of_folder.total(), 2, "the folder's rows were indexed");
    assert_eq!(store.load_queue().await.expect("queue").len(), rows.len());
}

/// A picked file is kept by its backup record, a folder's file by its finished row alone (no
/// record is written for it: deleting the row forgets it).
#[wasm_bindgen_test]
async fn the_files_backed_up_are_the_picked_records_and_the_folders_finished_rows() {
    let store = Store::open_named(&unique_name("backed-up"))
        .await
        .expect("open");
    let pending = ItemState::Pending;
    let queued = enqueue_rows(
        &store,
        &[
            ("p", pending, None),
            ("f", pending, Some("f1")),
            ("g", pending, Some("f2")),
            ("w", pending, Some("f1")),
        ],
    )
    .await;
    let finished: Vec<QueueItem> = [
        ("p", ItemState::Done),
        ("f", ItemState::Done),
        ("g", ItemState::Duplicate),
    ]
    .into_iter()
    .zip(&queued)
    .map(|((id, state), item)| {
        let mut item = item.clone();
        item.state = state;
        item.checksum = Some(format!("{id:0>40}"));
        item.remote_id = Some(format!("remote-{id}"));
        item
    })
    .collect();
    store.save_items(&finished).await.expect("save");
    let file = |id: &str| BackedUpFile {
        name: format!("{id}.jpg"),
        remote_id: format!("remote-{id}"),
    };
    let mut files = store.load_backed_up().await.expect("backed up");
    files.sort_by(|a, b| a.remote_id.cmp(&b.remote_id));
    assert_eq!(
        files,
        vec![file("f"), file("g"), file("p")],
        "not the waiting one"
    );

    store
        .delete_items(&["f".into(), "g".into()])
        .await
        .expect("delete");
    assert_eq!(
        store.load_backed_up().await.expect("backed up"),
        vec![file("p")]
    );
}

/// What a run takes in when files are queued during it: the waiting rows it does not know, of
/// every source, and no row of another state; nothing else waits.
#[wasm_bindgen_test]
async fn the_rows_queued_during_a_run_are_the_waiting_ones_it_does_not_know() {
    let store = Store::open_named(&unique_name("pending"))
        .await
        .expect("open");
    enqueue_rows(
        &store,
        &[
            ("known", ItemState::Pending, None),
            ("new", ItemState::Pending, None),
            ("new-in-folder", ItemState::Pending, Some("f1")),
            ("hashing", ItemState::Hashing, None),
            ("done", ItemState::Done, Some("f1")),
        ],
    )
    .await;
    let (rows, waiting) = store
        .waiting_page(10, |id| id == "known", 1, true)
        .await
        .expect("waiting");
    let mut taken: Vec<String> = rows.into_iter().map(|row| row.id).collect();
    taken.sort();
    assert_eq!(taken, ["new", "new-in-folder"]);
    assert_eq!(waiting, Some(0));
}

/// A stored value that is no row (unreadable before the upgrade) does not stop the rows after
/// it (in key order) from being indexed, and stays as it was.
#[wasm_bindgen_test]
async fn a_value_that_is_no_row_does_not_stop_the_upgrade() {
    let name = unique_name("junk");
    let old = old_schema::create(&name, 3).await;
    old_schema::put(
        &old,
        "upload_queue",
        "a-junk",
        serde_json::json!("not a row"),
    )
    .await;
    let row = serde_json::json!({
        "id": "d", "name": "d.jpg", "size": 5, "modifiedAtMs": 1, "queuedAtMs": 2,
        "state": "pending", "source": {"kind": "folder", "folderId": "f1", "path": "d.jpg"},
    });
    old_schema::put(&old, "upload_queue", "d", row).await;
    old.close();

    let store = Store::open_named(&name).await.expect("open as version 5");
    let of_folder = store.folder_counts("f1").await.expect("folder counts");
    assert_eq!(of_folder.get(ItemState::Pending), 1);
    assert!(
        store.load_queue().await.is_err(),
        "the value is still unreadable"
    );
}

#[wasm_bindgen_test]
async fn the_pages_issues_retry_and_cancel_read_only_their_states() {
    let store = Store::open_named(&unique_name("issues"))
        .await
        .expect("open");
    let mut failed = row("failed", ItemState::FailedPermanent, None);
    failed.last_error = Some("unreadable".into());
    enqueue_rows(
        &store,
        &[
            ("waiting", ItemState::Pending, None),
            ("sending", ItemState::Uploading, None),
            ("of-folder", ItemState::Pending, Some("f1")),
            ("empty", ItemState::Skipped, Some("f1")),
            ("done", ItemState::Done, None),
        ],
    )
    .await;
    store.save_items(&[failed]).await.expect("save");
    let issues = [ItemState::FailedPermanent, ItemState::Skipped];
    let issues = store.rows_in_states(&issues).await.expect("issues");
    let ids: Vec<&str> = issues.iter().map(|row| row.id.as_str()).collect();
    assert_eq!(ids, ["failed", "empty"]);
    assert_eq!(issues[0].last_error.as_deref(), Some("unreadable"));

    assert_eq!(store.retry_failed().await.expect("retry"), 1);
    let retried = store
        .load_item("failed")
        .await
        .expect("load")
        .expect("kept");
    assert_eq!(retried.state, ItemState::Pending);

    // Cancel: the picked files not finished go with their stored files; the rest stays.
    assert_eq!(store.delete_unsent().await.expect("cancel"), 3);
    let mut left: Vec<String> = store
        .load_queue()
        .await
        .expect("load")
        .into_iter()
        .map(|row| row.id)
        .collect();
    left.sort();
    assert_eq!(left, ["done", "empty", "of-folder"]);
    assert!(store.load_asset("waiting").await.expect("asset").is_none());
    assert!(store
        .load_asset("of-folder")
        .await
        .expect("asset")
        .is_some());
}

//! The rows a run holds, read through the queue's indexes (schema 5) in a real service worker:
//! what a run starts with, the waiting rows it pages in, the finished rows a new run drops, and
//! a queue of schema 4 re-indexed when it opens.
#![cfg(target_arch = "wasm32")]

mod common;

use std::collections::HashSet;

use common::old_schema;
use immich_background::core::backup::{ItemSource, ItemState, QueueCounts, QueueItem};
use immich_background::web::store::Store;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

fn unique_name(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random())
}

/// A row: its id, state, backup folder (None: a picked file), time queued, album owed and
/// the video it names.
struct Row {
    id: &'static str,
    state: ItemState,
    folder: Option<&'static str>,
    queued_at_ms: i64,
    album: Option<&'static str>,
    live_video: Option<&'static str>,
}

fn row(id: &'static str, state: ItemState, folder: Option<&'static str>, queued_at_ms: i64) -> Row {
    Row {
        id,
        state,
        folder,
        queued_at_ms,
        album: None,
        live_video: None,
    }
}

impl Row {
    fn album(self, album: &'static str) -> Row {
        Row {
            album: Some(album),
            ..self
        }
    }

    fn names(self, video: &'static str) -> Row {
        Row {
            live_video: Some(video),
            ..self
        }
    }

    fn item(&self) -> QueueItem {
        let mut item = QueueItem::new(self.id, format!("{}.jpg", self.id), 5, 1, self.queued_at_ms);
        item.state = self.state;
        if let Some(folder) = self.folder {
            item.source = ItemSource::Folder {
                folder_id: folder.into(),
                path: format!("a/{}.jpg", self.id),
            };
        }
        item.album = self.album.map(str::to_owned);
        item.live_video = self.live_video.map(str::to_owned);
        item
    }
}

/// Queues these rows, each with a stored file.
async fn enqueue(store: &Store, rows: &[Row]) {
    let queued: Vec<(QueueItem, JsValue)> = rows
        .iter()
        .map(|row| (row.item(), JsValue::from_str("a handle")))
        .collect();
    store.enqueue(&queued).await.expect("enqueue");
}

fn ids(rows: &[QueueItem]) -> Vec<&str> {
    rows.iter().map(|row| row.id.as_str()).collect()
}

fn sorted(mut ids: Vec<&str>) -> Vec<&str> {
    ids.sort_unstable();
    ids
}

/// What the counts must say: the rows that take part in runs, counted one by one.
async fn counted_by_hand(store: &Store) -> QueueCounts {
    let rows = store.load_queue().await.expect("load");
    QueueCounts::of(rows.iter().filter(|row| row.in_runs()))
}

#[wasm_bindgen_test]
async fn a_run_starts_with_what_it_works_on_a_page_of_the_waiting_rows_and_what_they_name() {
    let store = Store::open_named(&unique_name("start"))
        .await
        .expect("open");
    use ItemState::*;
    enqueue(
        &store,
        &[
            row("hashing", Hashing, None, 0),
            row("checking", Checking, Some("f1"), 0),
            row("uploading", Uploading, None, 0).names("video"),
            row("retrying", FailedRetryable, Some("f2"), 0),
            row("done-album", Done, Some("f1"), 0).album("Trip"),
            row("dup-album", Duplicate, None, 0).album("Trip"),
            row("failed-album", FailedPermanent, None, 0).album("Trip"),
            row("done", Done, None, 0),
            row("folder-done", Done, Some("f1"), 0),
            // Named by the uploading row, and naming another video, which names it back.
            row("video", Done, None, 0).names("video-2"),
            row("video-2", Done, Some("f1"), 0).names("video"),
            // Waiting: picked files first, then each folder, oldest first.
            row("z-picked", Pending, None, 10),
            row("a-picked", Pending, None, 30).names("gone"),
            row("a1", Pending, Some("a"), 5),
            row("a0", Pending, Some("a"), 1),
            row("b0", Pending, Some("b"), 0),
            row("a-late", Pending, Some("a"), 9),
        ],
    )
    .await;

    let (rows, counts) = store.run_start(4).await.expect("run start");
    let waiting: Vec<&str> = rows
        .iter()
        .filter(|row| row.state == Pending)
        .map(|row| row.id.as_str())
        .collect();
    assert_eq!(waiting, ["z-picked", "a-picked", "a0", "a1"]);
    assert_eq!(
        sorted(ids(&rows)),
        sorted(vec![
            "hashing",
            "checking",
            "uploading",
            "retrying",
            "done-album",
            "dup-album",
            "video",
            "video-2",
            "z-picked",
            "a-picked",
            "a0",
            "a1",
        ]),
        "no finished row without an album or a namer, no failed one, no waiting row past the page"
    );
    let once: HashSet<&str> = ids(&rows).into_iter().collect();
    assert_eq!(once.len(), rows.len(), "each row once");
    let video = rows.iter().find(|row| row.id == "video").expect("video");
    assert_eq!(
        video.live_video.as_deref(),
        Some("video-2"),
        "decoded whole"
    );
    assert_eq!(counts, counted_by_hand(&store).await);
    assert_eq!(counts.get(Pending), 6);
    assert_eq!(
        counts.get(Done),
        2,
        "the folder's finished rows are its own"
    );

    let (rows, _) = store.run_start(0).await.expect("run start without a page");
    assert!(rows.iter().all(|row| row.state != Pending), "no page asked");
    assert_eq!(rows.len(), 8);
}

#[wasm_bindgen_test]
async fn the_waiting_rows_come_a_page_at_a_time_in_queue_order() {
    let store = Store::open_named(&unique_name("pages"))
        .await
        .expect("open");
    use ItemState::*;
    let mut queued = vec![
        row("p-c", Pending, None, 1),
        row("p-a", Pending, None, 2),
        row("p-b", Pending, None, 3),
        row("f-x", Pending, Some("f"), 2),
        row("f-w", Pending, Some("f"), 1),
        row("g-3", Pending, Some("g"), 3),
        row("g-1", Pending, Some("g"), 1),
        row("g-2", Pending, Some("g"), 2),
        row("h-1", Pending, Some("h"), 0),
        row("h-2", Pending, Some("h"), 7),
    ];
    queued.push(row("hashing", Hashing, None, 0));
    queued.push(row("done", Done, Some("f"), 0));
    enqueue(&store, &queued).await;
    let order = [
        "p-c", "p-a", "p-b", "f-w", "f-x", "g-1", "g-2", "g-3", "h-1", "h-2",
    ];

    let (page, waiting) = store
        .waiting_page(3, |_| false, 0, true)
        .await
        .expect("page");
    assert_eq!(ids(&page), order[..3]);
    assert_eq!(waiting, Some(7), "counted");

    let mut known: Vec<String> = Vec::new();
    let mut pages = Vec::new();
    loop {
        let held: HashSet<String> = known.iter().cloned().collect();
        let (page, waiting) = store
            .waiting_page(3, |id| held.contains(id), known.len(), false)
            .await
            .expect("page");
        known.extend(page.iter().map(|row| row.id.clone()));
        pages.push(page.len());
        if waiting.is_some() {
            assert_eq!(waiting, Some(0));
            break;
        }
        assert!(pages.len() < 10, "paging never ends");
    }
    assert_eq!(known, order, "each once, in queue order");
    assert_eq!(pages, [3, 3, 3, 1]);

    let held: HashSet<&str> = order[..5].iter().copied().collect();
    let (page, waiting) = store
        .waiting_page(3, |id| held.contains(id), held.len(), true)
        .await
        .expect("page");
    assert_eq!(ids(&page), order[5..8]);
    assert_eq!(waiting, Some(2), "the unknown rows after the page");
}

#[wasm_bindgen_test]
async fn a_page_brings_the_videos_its_rows_name_unless_held() {
    let store = Store::open_named(&unique_name("page-videos"))
        .await
        .expect("open");
    use ItemState::*;
    enqueue(
        &store,
        &[
            row("photo", Pending, Some("f"), 1).names("video"),
            row("other", Pending, Some("f"), 2),
            row("video", Pending, Some("f"), 3),
        ],
    )
    .await;
    let (page, waiting) = store
        .waiting_page(1, |_| false, 0, true)
        .await
        .expect("page");
    assert_eq!(ids(&page), ["photo", "video"]);
    assert_eq!(waiting, Some(1), "the video waits no more");

    let (page, _) = store
        .waiting_page(1, |id| id == "video", 1, true)
        .await
        .expect("page");
    assert_eq!(ids(&page), ["photo"], "the held video is not read again");
}

#[wasm_bindgen_test]
async fn a_new_run_drops_the_finished_picked_rows_nothing_needs() {
    let store = Store::open_named(&unique_name("drop")).await.expect("open");
    use ItemState::*;
    enqueue(
        &store,
        &[
            row("done", Done, None, 0),
            row("skipped", Skipped, None, 0),
            row("failed", FailedPermanent, None, 0),
            row("folder-done", Done, Some("f1"), 0),
            row("owes-album", Duplicate, None, 0).album("Trip"),
            row("kept-video", Done, None, 0),
            row("uploading", Uploading, None, 0).names("kept-video"),
            row("dropped-video", Done, None, 0),
            row("done-photo", Done, None, 0).names("dropped-video"),
            row("waiting", Pending, None, 0),
        ],
    )
    .await;
    assert_eq!(store.drop_finished_picked().await.expect("drop"), 5);
    let left = store.load_queue().await.expect("load");
    assert_eq!(
        sorted(ids(&left)),
        sorted(vec![
            "folder-done",
            "owes-album",
            "kept-video",
            "uploading",
            "waiting"
        ])
    );
    assert!(store.load_asset("done").await.expect("asset").is_none());
    assert!(store
        .load_asset("owes-album")
        .await
        .expect("asset")
        .is_some());
    assert_eq!(
        store.clear_finished().await.expect("clear"),
        0,
        "nothing more to drop"
    );
}

#[wasm_bindgen_test]
async fn a_queue_of_schema_4_is_indexed_again_when_it_opens() {
    let name = unique_name("v4");
    let old = old_schema::create(&name, 4).await;
    let folder_row = |id: &str, state: &str, queued: i64| {
        serde_json::json!({
            "id": id, "name": format!("{id}.jpg"), "size": 5, "modifiedAtMs": 1,
            "queuedAtMs": queued, "state": state, "folder": "f1",
            "source": {"kind": "folder", "folderId": "f1", "path": id},
        })
    };
    let picked_row = |id: &str, state: &str, queued: i64| {
        serde_json::json!({
            "id": id, "name": format!("{id}.jpg"), "size": 5, "modifiedAtMs": 1,
            "queuedAtMs": queued, "state": state, "folder": "",
        })
    };
    let mut album = picked_row("album", "duplicate", 0);
    album["album"] = "Trip".into();
    let mut photo = picked_row("photo", "uploading", 0);
    photo["liveVideo"] = "video".into();
    let rows = [
        ("late", picked_row("late", "pending", 9)),
        ("folder", folder_row("folder", "pending", 1)),
        ("early", picked_row("early", "pending", 2)),
        ("folder-done", folder_row("folder-done", "done", 0)),
        ("album", album),
        ("photo", photo),
        ("video", picked_row("video", "done", 0)),
        ("done", picked_row("done", "done", 0)),
    ];
    for (id, value) in &rows {
        old_schema::put(&old, "upload_queue", id, value.clone()).await;
    }
    old.close();

    let store = Store::open_named(&name).await.expect("open as version 5");
    assert_eq!(store.load_queue().await.expect("queue").len(), rows.len());
    let counts = store.queue_counts().await.expect("counts");
    assert_eq!(counts, counted_by_hand(&store).await);
    assert_eq!(counts.get(ItemState::Pending), 3);
    assert_eq!(counts.get(ItemState::Done), 2, "not the folder's");
    let of_folder = store.folder_counts("f1").await.expect("folder counts");
    assert_eq!(of_folder.total(), 2);
    let (start, _) = store.run_start(10).await.expect("run start");
    assert_eq!(
        ids(&start),
        ["photo", "album", "early", "late", "folder", "video"],
        "held, album owed, waiting in queue order, the named video"
    );
    assert_eq!(
        store.drop_finished_picked().await.expect("drop"),
        1,
        "the video is still named, the album still owed"
    );
}

//! Backup folders in a real service worker: a folder of the origin-private file system (the
//! same FileSystemDirectoryHandle type a picked folder is) scanned through the real IndexedDB,
//! and the schema of version 1 opened by this one.
#![cfg(target_arch = "wasm32")]

mod common;

use common::old_schema;
use immich_background::core::backup::{ItemSource, ItemState, QueueItem};
use immich_background::core::folders::{FolderRecord, FolderScan, MediaTypes};
use immich_background::web::folders::scan::scan_folder;
use immich_background::web::store::Store;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{FileSystemDirectoryHandle, FileSystemFileHandle};

wasm_bindgen_test_configure!(run_in_service_worker);

const MEDIA_TYPES: &str =
    r#"{"image":[".jpg",".jpeg",".heic"],"video":[".mp4",".mov"],"sidecar":[".xmp"]}"#;

fn unique_name(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random())
}

async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> JsValue {
    let function: js_sys::Function = Reflect::get(target, &method.into())
        .expect(method)
        .dyn_into()
        .expect("a method");
    let result = function
        .apply(target, &args.iter().collect())
        .expect(method);
    JsFuture::from(js_sys::Promise::resolve(&result))
        .await
        .expect(method)
}

fn create() -> JsValue {
    let options = Object::new();
    Reflect::set(&options, &"create".into(), &true.into()).expect("options");
    options.into()
}

async fn opfs_root() -> JsValue {
    let storage = Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"storage".into()))
        .expect("navigator.storage");
    call(&storage, "getDirectory", &[]).await
}

/// A new folder of the origin-private file system.
async fn opfs_folder(name: &str) -> FileSystemDirectoryHandle {
    call(
        &opfs_root().await,
        "getDirectoryHandle",
        &[name.into(), create()],
    )
    .await
    .unchecked_into()
}

/// Writes `bytes` at the '/'-separated `path` under `root`.
async fn write(root: &FileSystemDirectoryHandle, path: &str, bytes: &[u8]) {
    let mut dir: JsValue = root.into();
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop().expect("a name");
    for part in parts {
        dir = call(&dir, "getDirectoryHandle", &[part.into(), create()]).await;
    }
    let file: FileSystemFileHandle = call(&dir, "getFileHandle", &[name.into(), create()])
        .await
        .unchecked_into();
    let writable = call(&file, "createWritable", &[]).await;
    call(&writable, "write", &[Uint8Array::from(bytes).into()]).await;
    call(&writable, "close", &[]).await;
}

async fn added(store: &Store, root: &FileSystemDirectoryHandle) -> FolderRecord {
    let record = FolderRecord::new(unique_name("folder"), "Camera", 1_000);
    store.add_folder(&record, root).await.expect("add");
    record
}

fn folder_paths(queue: &[QueueItem]) -> Vec<String> {
    let mut paths: Vec<String> = queue
        .iter()
        .filter_map(|item| match &item.source {
            ItemSource::Folder { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    paths.sort();
    paths
}

#[wasm_bindgen_test]
async fn a_scan_queues_media_in_place_and_then_only_what_changed() {
    let store = Store::open_named(&unique_name("scan")).await.expect("open");
    let media = MediaTypes::parse(MEDIA_TYPES).expect("media types");
    let root = opfs_folder(&unique_name("camera")).await;
    write(&root, "a.jpg", b"aaa").await;
    write(&root, "trip/b.JPG", b"bbbb").await;
    write(&root, "trip/b.xmp", b"<x/>").await;
    write(&root, "trip/deep/c.mp4", b"cc").await;
    write(&root, "notes.txt", b"n").await;
    let mut folder = added(&store, &root).await;

    let scan = scan_folder(&store, &mut folder, &media, &mut || true)
        .await
        .expect("scan");
    assert_eq!(scan, FolderScan::Complete { queued: 3 });
    let queue = store.load_queue().await.expect("queue");
    assert_eq!(
        folder_paths(&queue),
        vec!["a.jpg", "trip/b.JPG", "trip/deep/c.mp4"]
    );
    let photo = queue
        .iter()
        .find(|item| item.name == "b.JPG")
        .expect("b.JPG queued");
    assert_eq!(photo.sidecar.as_deref(), Some("trip/b.xmp"));
    assert_eq!((folder.files, folder.skipped), (3, 1));

    let again = scan_folder(&store, &mut folder, &media, &mut || true)
        .await
        .expect("rescan");
    assert_eq!(again, FolderScan::Complete { queued: 0 }, "nothing changed");

    write(&root, "a.jpg", b"a new version").await;
    let changed = scan_folder(&store, &mut folder, &media, &mut || true)
        .await
        .expect("scan after a change");
    assert_eq!(changed, FolderScan::Complete { queued: 1 });
    let queue = store.load_queue().await.expect("queue");
    assert_eq!(queue.len(), 3, "the new version replaces the old row");
    let a = queue.iter().find(|item| item.name == "a.jpg").expect("a");
    assert_eq!((a.size, a.state), (13, ItemState::Pending));
}

#[wasm_bindgen_test]
async fn a_scan_cut_short_goes_on_without_queueing_anything_twice() {
    let store = Store::open_named(&unique_name("cut")).await.expect("open");
    let media = MediaTypes::parse(MEDIA_TYPES).expect("media types");
    let root = opfs_folder(&unique_name("many")).await;
    for i in 0..450 {
        write(&root, &format!("d{}/IMG_{i:04}.jpg", i % 3), &[1, 2, 3]).await;
    }
    let mut folder = added(&store, &root).await;

    let cut = scan_folder(&store, &mut folder, &media, &mut || false)
        .await
        .expect("cut scan");
    assert!(matches!(cut, FolderScan::Incomplete(_)), "{cut:?}");
    assert!(store.load_queue().await.expect("queue").is_empty());

    let scan = scan_folder(&store, &mut folder, &media, &mut || true)
        .await
        .expect("scan");
    assert_eq!(scan, FolderScan::Complete { queued: 450 });
    let again = scan_folder(&store, &mut folder, &media, &mut || true)
        .await
        .expect("rescan");
    assert_eq!(again, FolderScan::Complete { queued: 0 });
    assert_eq!(store.load_queue().await.expect("queue").len(), 450);
}

#[wasm_bindgen_test]
async fn a_missing_folder_is_reported_and_keeps_its_rows() {
    let store = Store::open_named(&unique_name("missing"))
        .await
        .expect("open");
    let media = MediaTypes::parse(MEDIA_TYPES).expect("media types");
    let name = unique_name("gone");
    let root = opfs_folder(&name).await;
    write(&root, "a.jpg", b"aaa").await;
    let mut folder = added(&store, &root).await;
    scan_folder(&store, &mut folder, &media, &mut || true)
        .await
        .expect("scan");

    let parent = opfs_root().await;
    let options = Object::new();
    Reflect::set(&options, &"recursive".into(), &true.into()).expect("options");
    call(
        &parent,
        "removeEntry",
        &[name.as_str().into(), options.into()],
    )
    .await;
    let scan = scan_folder(&store, &mut folder, &media, &mut || true)
        .await
        .expect("scan of a missing folder");
    assert!(matches!(scan, FolderScan::Missing(_)), "{scan:?}");
    assert_eq!(store.load_queue().await.expect("queue").len(), 1);
}

#[wasm_bindgen_test]
async fn a_database_of_version_1_opens_with_its_queue_and_the_new_stores() {
    let name = unique_name("v1");
    let old = old_schema::create(&name, 1).await;
    let row = serde_json::json!({
        "id": "old", "name": "old.jpg", "size": 5, "modifiedAtMs": 1, "queuedAtMs": 2,
        "state": "pending", "attempts": 0, "checksum": null, "remoteId": null,
        "lastError": null, "retryAtMs": null
    });
    old_schema::put(&old, "upload_queue", "old", row).await;
    old.close();

    let store = Store::open_named(&name).await.expect("open as version 2");
    let queue = store.load_queue().await.expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(
        queue[0].source,
        ItemSource::Stored,
        "an old row was a stored copy"
    );
    assert_eq!(store.count_folders().await.expect("folders"), 0);
    assert!(store
        .tagged_reply("/server/media-types")
        .await
        .expect("sync state")
        .is_none());
}

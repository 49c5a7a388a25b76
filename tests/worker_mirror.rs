//! The library mirror in IndexedDB, in a real service worker: batches with their pending acks,
//! deletions that take what hangs on them, the checksum index, a reset, and a database of
//! schema version 2 (and its API-key login) opened by this one.
#![cfg(target_arch = "wasm32")]

mod common;

use common::old_schema;
use immich_background::core::session::{Credential, QueueOwner, SessionToken};
use immich_background::core::sync::{decode_line, op_for, MirrorOp, SyncBatch};
use immich_background::web::store::{Login, Store};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

const FIRST_SYNC: &str = include_str!("../src/core/sync/tests/fixtures/01-first-sync.jsonl");
const RED: &str = "ff2b9fd6-abfa-4699-ae23-4bb3c491ee81";
const GREEN: &str = "f4d4eb01-aa41-43fc-9cf3-a4c06b6f1445";
const ALBUM: &str = "4dcb3bde-c1c9-47da-9ade-a6b878110e79";

fn unique_name(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random())
}

/// The writes of the recorded first sync of a real v3.1.0 server.
fn first_sync_ops() -> Vec<MirrorOp> {
    FIRST_SYNC
        .lines()
        .map(|line| decode_line(line.as_bytes()).expect("a recorded line"))
        .filter_map(|line| op_for(line.entity))
        .collect()
}

fn batch(ops: Vec<MirrorOp>, acks: &[&str]) -> SyncBatch {
    SyncBatch {
        ops,
        acks: acks.iter().map(|ack| (*ack).to_owned()).collect(),
        clear_mirror: false,
    }
}

#[wasm_bindgen_test]
async fn a_batch_is_stored_with_its_acks_and_deletions_take_what_hangs_on_them() {
    let store = Store::open_named(&unique_name("mirror"))
        .await
        .expect("open");
    let acks = ["AssetV2|01a227df-fbd9-784f-a44c-ae0d7acb07be"];
    store
        .commit_sync_batch(&batch(first_sync_ops(), &acks))
        .await
        .expect("commit");
    assert_eq!(store.pending_acks().await.expect("acks"), acks);
    let mirror = store.load_mirror().await.expect("mirror");
    assert_eq!(mirror.assets.len(), 4, "three own assets and the partner's");
    assert_eq!(mirror.album_assets.len(), 2);
    assert_eq!(mirror.partners.len(), 1);
    assert_eq!(mirror.users.len(), 4);

    let found = store
        .remote_assets_by_checksum(&["Vhkk0dtbxCqIrauSrq4VHXXgNYg=".into(), "nope".into()])
        .await
        .expect("by checksum");
    assert_eq!(found[0].as_ref().map(|a| a.id.as_str()), Some(RED));
    assert!(found[1].is_none());

    store
        .commit_sync_batch(&batch(vec![MirrorOp::DeleteAsset(RED.into())], &[]))
        .await
        .expect("delete");
    let mirror = store.load_mirror().await.expect("mirror");
    assert!(mirror.assets.iter().all(|a| a.id != RED));
    assert!(
        mirror.album_assets.iter().all(|link| link.asset_id != RED),
        "its album membership went with it"
    );
    assert!(
        store.pending_acks().await.expect("acks").is_empty(),
        "a batch with no acks leaves none pending"
    );

    store
        .commit_sync_batch(&batch(vec![MirrorOp::DeleteAlbum(ALBUM.into())], &[]))
        .await
        .expect("delete album");
    let mirror = store.load_mirror().await.expect("mirror");
    assert!(mirror.albums.is_empty() && mirror.album_assets.is_empty());
    assert!(
        mirror.assets.iter().any(|a| a.id == GREEN),
        "not its assets"
    );
}

#[wasm_bindgen_test]
async fn live_updates_write_the_mirror_and_leave_the_pending_acks_alone() {
    let store = Store::open_named(&unique_name("live")).await.expect("open");
    let acks = ["AssetV2|01a227df-fbd9-784f-a44c-ae0d7acb07be"];
    store
        .commit_sync_batch(&batch(first_sync_ops(), &acks))
        .await
        .expect("commit");
    let mirror = store.load_mirror().await.expect("mirror");
    let mut green = mirror
        .assets
        .iter()
        .find(|a| a.id == GREEN)
        .expect("green")
        .clone();
    green.is_favorite = true;
    let ops = [MirrorOp::PutAsset(green), MirrorOp::DeleteAsset(RED.into())];
    store.apply_live_ops(&ops).await.expect("apply");
    let mirror = store.load_mirror().await.expect("mirror");
    assert!(mirror.assets.iter().any(|a| a.id == GREEN && a.is_favorite));
    assert!(mirror.assets.iter().all(|a| a.id != RED));
    assert!(mirror.album_assets.iter().all(|link| link.asset_id != RED));
    assert_eq!(
        store.pending_acks().await.expect("acks"),
        acks,
        "the stream's checkpoints are the acks: live writes do not move them"
    );
}

#[wasm_bindgen_test]
async fn a_reset_or_a_logout_empties_the_mirror_and_forgets_it_was_complete() {
    let store = Store::open_named(&unique_name("reset"))
        .await
        .expect("open");
    store
        .commit_sync_batch(&batch(first_sync_ops(), &["AlbumV1|1"]))
        .await
        .expect("commit");
    store.mark_mirror_complete().await.expect("complete");
    assert!(store.mirror_complete().await.expect("flag"));
    let reset = SyncBatch {
        ops: Vec::new(),
        acks: Vec::new(),
        clear_mirror: true,
    };
    store.commit_sync_batch(&reset).await.expect("reset");
    assert!(store.load_mirror().await.expect("mirror").assets.is_empty());
    assert!(!store.mirror_complete().await.expect("flag"));

    store
        .commit_sync_batch(&batch(first_sync_ops(), &["AlbumV1|2"]))
        .await
        .expect("commit again");
    store.mark_mirror_complete().await.expect("complete");
    store.save_login(&session_login()).await.expect("login");
    store.log_out().await.expect("log out");
    assert!(store.load_login().await.expect("login").is_none());
    let mirror = store.load_mirror().await.expect("mirror");
    assert!(mirror.assets.is_empty() && mirror.users.is_empty() && mirror.partners.is_empty());
    assert!(store.pending_acks().await.expect("acks").is_empty());
    assert!(!store.mirror_complete().await.expect("flag"));
}

fn session_login() -> Login {
    Login {
        server: immich_background::core::server_url::ServerUrl::parse("http://127.0.0.1:2283")
            .expect("url"),
        credential: Credential::Session(SessionToken::new("token-1".into())),
        user_id: "u1".into(),
        session_id: Some("s1".into()),
    }
}

#[wasm_bindgen_test]
async fn a_session_login_and_the_queue_s_owner_persist() {
    let store = Store::open_named(&unique_name("session"))
        .await
        .expect("open");
    let login = session_login();
    store.save_login(&login).await.expect("save");
    store.save_queue_owner(&login.owner()).await.expect("owner");
    store.log_out().await.expect("log out");
    assert!(store.load_login().await.expect("login").is_none());
    assert_eq!(
        store.load_queue_owner().await.expect("owner"),
        Some(QueueOwner {
            server_url: "http://127.0.0.1:2283/api".into(),
            user_id: "u1".into()
        }),
        "the queue's owner outlives the logout"
    );
    store.save_login(&login).await.expect("save again");
    let loaded = store.load_login().await.expect("login").expect("stored");
    assert_eq!(loaded.credential, login.credential);
    assert_eq!(loaded.user_id, "u1");
    assert_eq!(loaded.session_id.as_deref(), Some("s1"));
}

#[wasm_bindgen_test]
async fn a_database_of_version_2_opens_with_its_api_key_login_and_an_empty_mirror() {
    let name = unique_name("v2");
    let old = old_schema::create(&name, 2).await;
    let login = serde_json::json!({ "serverUrl": "http://127.0.0.1:2283/api", "apiKey": "k" });
    old_schema::put(&old, "auth", "login", login).await;
    old.close();

    let store = Store::open_named(&name).await.expect("open as version 3");
    let login = store.load_login().await.expect("login").expect("kept");
    assert!(matches!(login.credential, Credential::ApiKey(_)));
    assert_eq!(login.user_id, "", "unknown before this version");
    assert!(store.load_mirror().await.expect("mirror").assets.is_empty());
    store
        .commit_sync_batch(&batch(first_sync_ops(), &[]))
        .await
        .expect("the new stores take a batch");
}

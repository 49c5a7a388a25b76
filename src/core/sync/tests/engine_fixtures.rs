//! The engine on the streams a real server sent, through the test driver.

use super::super::{stream_body, SyncConfig, SyncOutcome, SyncReport, SYNC_REQUEST_TYPES};
use super::driver::{run, Drive, End, Rng, Trace};
use super::model::Store;
use super::*;

const RESET_LINE: &str = "{\"type\":\"SyncResetV1\",\"data\":{},\"ack\":\"SyncResetV1|reset\"}\n";

#[test]
fn the_first_sync_stores_the_library_and_acks_the_latest_of_each_kind() {
    let mut store = Store::default();
    let mut server = Replay::new(&[FIRST]);
    let (report, trace) = sync(&mut store, &mut server, SyncConfig::default());
    assert_eq!(
        report,
        SyncReport {
            outcome: SyncOutcome::Done,
            lines: 25,
            changed: true,
            auth_user_id: Some(ME.into()),
        }
    );
    assert_eq!(trace.streams, vec![stream_body(false)]);
    assert_eq!(trace.commits, 1);
    let mirror = &store.mirror;
    assert_eq!(mirror.users.len(), 4);
    assert_eq!(mirror.partners.len(), 1);
    assert_eq!(mirror.assets.len(), 4);
    assert_eq!(mirror.exifs.len(), 4);
    assert_eq!(mirror.albums.len(), 1);
    assert_eq!(mirror.album_users.len(), 1);
    assert_eq!(mirror.album_assets.len(), 2);
    // One ack per kind, the latest: the stream sends each kind's in order.
    assert_eq!(server.acked.len(), 15, "{:?}", server.acked);
    assert!(server
        .acked
        .contains(&"UserV1|01a227df-fbf3-78f2-92f8-66a1267b8751".to_owned()));
    assert!(!server
        .acked
        .contains(&"UserV1|01a227dd-b81a-7f61-ada1-a8eef48fe03f".to_owned()));
    assert!(server
        .acked
        .contains(&"AlbumAssetUpdateV2|01a227e0-1bb2-7877-aaf0-387a02e772e4".to_owned()));
    assert!(server
        .acked
        .contains(&"SyncCompleteV1|01a227e0-1bb2-7877-aaf0-387a02e772e4".to_owned()));
    assert!(
        store.pending_acks.is_empty(),
        "confirmed acks are forgotten"
    );
}

#[test]
fn the_request_asks_for_the_v2_asset_types_and_a_reset_only_when_told() {
    let body: serde_json::Value = serde_json::from_str(&stream_body(false)).unwrap_or_default();
    assert_eq!(
        body["types"].as_array().map(Vec::len),
        Some(SYNC_REQUEST_TYPES.len())
    );
    assert!(body.get("reset").is_none());
    for deprecated in [
        "AssetsV1",
        "PartnerAssetsV1",
        "AlbumAssetsV1",
        "AssetFacesV1",
    ] {
        assert!(!SYNC_REQUEST_TYPES.contains(&deprecated));
    }
    let reset: serde_json::Value = serde_json::from_str(&stream_body(true)).unwrap_or_default();
    assert_eq!(reset["reset"], serde_json::Value::Bool(true));
}

#[test]
fn nothing_new_writes_nothing_and_acks_the_completion() {
    let mut store = synced(&[FIRST]);
    let before = store.mirror.clone();
    let mut server = Replay::new(&[NOTHING_NEW]);
    let (report, trace) = sync(&mut store, &mut server, SyncConfig::default());
    assert_eq!(report.outcome, SyncOutcome::NothingNew);
    assert!(!report.changed);
    assert_eq!((trace.commits, trace.forgets), (0, 0), "no write at all");
    assert_eq!(store.mirror, before);
    assert_eq!(
        server.acked,
        vec!["SyncCompleteV1|01a227e0-1c51-71d3-bcee-7bf7dbc589ae"]
    );
}

#[test]
fn edits_trash_restore_and_deletes_reach_the_mirror() {
    let store = synced(&[FIRST, INCREMENTAL]);
    let mirror = &store.mirror;
    assert!(!mirror.assets.contains_key(RED), "deleted for good");
    assert!(!mirror.exifs.contains_key(RED), "with its exif");
    assert!(
        !mirror.assets.contains_key(YELLOW),
        "the partner deleted it"
    );
    assert!(!mirror.exifs.contains_key(YELLOW));
    assert_eq!(
        mirror.assets[BLUE].deleted_at, None,
        "trashed then restored"
    );
    assert!(mirror.assets[GREEN].is_favorite);
    assert_eq!(mirror.assets[GREEN].visibility, "hidden");
    let links: Vec<&str> = mirror
        .album_assets
        .iter()
        .map(|l| l.asset_id.as_str())
        .collect();
    assert_eq!(links, vec![GREEN]);
    assert_eq!(
        mirror.albums[ALBUM].thumbnail_asset_id.as_deref(),
        Some(GREEN)
    );

    let store = synced(&[FIRST, INCREMENTAL, GONE]);
    let mirror = &store.mirror;
    assert!(mirror.partners.is_empty());
    assert!(mirror.albums.is_empty());
    assert!(mirror.album_users.is_empty());
    assert!(mirror.album_assets.is_empty());
    assert_eq!(mirror.assets.len(), 2);
}

#[test]
fn a_reset_clears_the_mirror_and_the_full_stream_rebuilds_what_increments_built() {
    let incremental = synced(&[FIRST, INCREMENTAL, GONE]);
    let mut store = synced(&[FIRST]);
    let mut server = Replay::new(&[RESET_LINE, AFTER_RESET]);
    let (report, trace) = sync(&mut store, &mut server, SyncConfig::default());
    assert_eq!(report.outcome, SyncOutcome::Done);
    assert_eq!(trace.streams, vec![stream_body(false), stream_body(true)]);
    assert_eq!(trace.commits, 2, "the clearing, then the rows");
    assert_eq!(store.mirror, incremental.mirror);
    assert!(
        !server.acked.iter().any(|a| a.starts_with("SyncResetV1")),
        "the reset is asked by the request, not acked"
    );
}

#[test]
fn any_batching_and_chunking_of_the_recordings_ends_in_the_same_mirror() {
    let expected = synced(&[FIRST, INCREMENTAL, GONE]).mirror;
    for seed in 0..200u64 {
        let mut rng = Rng::new(seed);
        let config = SyncConfig {
            batch_lines: 1 + rng.below(8) as usize,
            batch_ms: rng.below(400) as i64,
        };
        let mut drive = Drive {
            rng,
            max_chunk: 1 + seed % 700,
            kill_one_in: 0,
            max_step_ms: 150,
            fail_one_in: 0,
        };
        let mut store = Store::default();
        for body in [FIRST, INCREMENTAL, GONE] {
            let mut engine = SyncEngine::new(SyncSetup::default(), config.clone());
            let mut trace = Trace::default();
            let end = run(
                &mut engine,
                &mut Replay::new(&[body]),
                &mut store,
                &mut drive,
                &mut trace,
            );
            assert!(
                matches!(end, Ok(End::Report(ref r)) if r.outcome == SyncOutcome::Done),
                "{end:?}"
            );
        }
        assert_eq!(store.mirror, expected, "seed {seed}");
    }
}

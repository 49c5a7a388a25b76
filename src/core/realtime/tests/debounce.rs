//! The debouncer with a fake clock: one batch per window, each asset's last state, in order.

use proptest::prelude::*;

use crate::core::realtime::{Debouncer, RealtimeEvent, DEBOUNCE_MS};
use crate::core::sync::{AssetExif, MirrorOp, RemoteAsset};

const T0: u64 = 1_800_000_000_000;

fn asset(id: &str, favorite: bool) -> RemoteAsset {
    RemoteAsset {
        id: id.into(),
        owner_id: "me".into(),
        original_file_name: format!("{id}.jpg"),
        file_created_at: None,
        local_date_time: None,
        kind: "IMAGE".into(),
        checksum: format!("{id}=="),
        deleted_at: None,
        is_favorite: favorite,
        visibility: "timeline".into(),
        duration: None,
        width: None,
        height: None,
        live_photo_video_id: None,
        stack_id: None,
        thumbhash: None,
    }
}

fn exif(id: &str) -> AssetExif {
    serde_json::from_value(serde_json::json!({ "assetId": id, "fileSizeInByte": 7 })).unwrap()
}

fn put(id: &str, favorite: bool, with_exif: bool) -> RealtimeEvent {
    RealtimeEvent::Put {
        asset: Box::new(asset(id, favorite)),
        exif: with_exif.then(|| Box::new(exif(id))),
    }
}

#[test]
fn an_event_waits_one_window() {
    let mut debouncer = Debouncer::default();
    assert_eq!(debouncer.due(), None);
    debouncer.push(put("a", false, false), T0);
    assert_eq!(debouncer.due(), Some(T0 + DEBOUNCE_MS));
    assert_eq!(debouncer.take_due(T0 + DEBOUNCE_MS - 1), None);
    let batch = debouncer.take_due(T0 + DEBOUNCE_MS).expect("due");
    assert_eq!(batch.ops, [MirrorOp::PutAsset(asset("a", false))]);
    assert_eq!(
        (batch.sync, batch.server_changed, batch.events),
        (false, false, 1)
    );
    assert_eq!(debouncer.due(), None);
    assert_eq!(debouncer.take_due(T0 + 60_000), None, "nothing twice");
}

#[test]
fn a_burst_of_a_thousand_events_is_one_batch() {
    let mut debouncer = Debouncer::default();
    for i in 0..1000u64 {
        debouncer.push(put(&format!("a{i}"), false, true), T0 + i * 4);
    }
    assert_eq!(debouncer.take_due(T0 + 4_000), None);
    let batch = debouncer.take_due(T0 + DEBOUNCE_MS).expect("one batch");
    assert_eq!(batch.events, 1000);
    assert_eq!(batch.ops.len(), 2000, "each asset and its exif");
    assert_eq!(batch.ops[0], MirrorOp::PutAsset(asset("a0", false)));
    assert_eq!(batch.ops[1999], MirrorOp::PutExif(exif("a999")));
    assert_eq!(debouncer.due(), None);
}

#[test]
fn each_asset_ends_in_its_last_state() {
    let mut debouncer = Debouncer::default();
    debouncer.push(put("kept", false, true), T0);
    debouncer.push(put("gone", false, true), T0 + 1);
    debouncer.push(put("kept", true, false), T0 + 2);
    debouncer.push(RealtimeEvent::Delete("gone".into()), T0 + 3);
    debouncer.push(RealtimeEvent::Delete("back".into()), T0 + 4);
    debouncer.push(put("back", false, false), T0 + 5);
    let batch = debouncer.flush().expect("a batch");
    assert_eq!(
        batch.ops,
        [
            MirrorOp::PutAsset(asset("kept", true)),
            MirrorOp::PutExif(exif("kept")),
            MirrorOp::DeleteAsset("gone".into()),
            MirrorOp::PutAsset(asset("back", false)),
        ],
        "a delete after an update wins; an update keeps the upload's exif"
    );
    assert_eq!(batch.events, 6);
}

#[test]
fn changes_without_rows_ask_for_a_sync_and_server_events_for_its_details() {
    let mut debouncer = Debouncer::default();
    debouncer.push(RealtimeEvent::Changed("on_asset_trash".into()), T0);
    debouncer.push(RealtimeEvent::ServerChanged, T0 + 1);
    debouncer.push(RealtimeEvent::SessionDeleted("s".into()), T0 + 2);
    debouncer.push(RealtimeEvent::Ignored("on_new_release".into()), T0 + 3);
    let batch = debouncer.flush().expect("a batch");
    assert!(batch.ops.is_empty());
    assert_eq!(
        (batch.sync, batch.server_changed, batch.events),
        (true, true, 2)
    );
    assert_eq!(debouncer.flush(), None);
}

#[test]
fn a_clock_set_back_does_not_hold_a_batch_longer() {
    let mut debouncer = Debouncer::default();
    debouncer.push(put("a", false, false), T0);
    debouncer.push(put("b", false, false), T0 - 60_000);
    assert_eq!(debouncer.due(), Some(T0 - 60_000 + DEBOUNCE_MS));
}

proptest! {
    /// Events at any times, the debouncer ticked at any times after: every event is applied
    /// within one window of its arrival (plus the tick's lateness), batches are a window apart,
    /// and none is lost.
    #[test]
    fn every_event_is_applied_within_a_window_and_batches_are_a_window_apart(
        gaps in proptest::collection::vec(0u64..8_000, 1..200),
        tick_every in 1u64..1_000,
    ) {
        let mut debouncer = Debouncer::default();
        let mut now = T0;
        let mut pending: Vec<u64> = Vec::new();
        let mut last_batch: Option<u64> = None;
        let mut applied = 0;
        let arrivals: Vec<u64> = gaps.iter().scan(T0, |t, gap| { *t += gap; Some(*t) }).collect();
        let end = arrivals.last().copied().unwrap_or(T0) + 2 * DEBOUNCE_MS;
        let mut next = arrivals.iter().peekable();
        while now <= end {
            while let Some(&&at) = next.peek() {
                if at > now { break; }
                debouncer.push(put(&format!("a{}", applied + pending.len()), false, false), at);
                pending.push(at);
                next.next();
            }
            if let Some(batch) = debouncer.take_due(now) {
                let first = pending[0];
                prop_assert!(now >= first + DEBOUNCE_MS && now < first + DEBOUNCE_MS + tick_every);
                if let Some(last) = last_batch { prop_assert!(now >= last + DEBOUNCE_MS); }
                prop_assert_eq!(batch.events, pending.len());
                applied += pending.len();
                pending.clear();
                last_batch = Some(now);
            }
            now += tick_every;
        }
        prop_assert!(pending.is_empty());
        prop_assert_eq!(applied, gaps.len());
    }
}

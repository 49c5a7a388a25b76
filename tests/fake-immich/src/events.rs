//! The socket events a change made through the API sends, to the owner's sockets only, in the
//! shapes a v3.1.0 server was recorded sending (one argument per event). They go out before the
//! HTTP answer, so a test that got the answer finds the event already on its way.
//!
//! Events are best effort, as on a real server: the change is committed whether or not its
//! event can be built, so a failure to read the asset back is logged, not answered.

use serde_json::{json, Value};

use crate::asset_dto::asset_event;
use crate::state::SharedState;
use crate::store::sync::SyncAsset;
use crate::sync::lines::{asset_data, exif_data};

fn read_back(state: &SharedState, owner_id: &str, id: &str) -> Option<SyncAsset> {
    match state.store.sync_asset(owner_id, id) {
        Ok(row) => row,
        Err(error) => {
            eprintln!("fake-immich: no socket event for asset {id}: {error}");
            None
        }
    }
}

/// A new asset (not a duplicate): `on_upload_success` [AssetResponseDto], then
/// `AssetUploadReadyV2` [{asset, exif}] with the data of the sync stream's AssetV2 and
/// AssetExifV1 rows (v3 no longer sends the V1 event).
pub fn uploaded(state: &SharedState, owner_id: &str, id: &str) {
    // Every upload passes here; most have no socket listening, so spare them the read back.
    if !state.hub.reaches(owner_id) {
        return;
    }
    let Some(row) = read_back(state, owner_id, id) else {
        return;
    };
    state
        .hub
        .emit(owner_id, "on_upload_success", &asset_event(&row));
    match (asset_data(&row), exif_data(&row)) {
        (Ok(asset), Ok(exif)) => {
            let ready = json!({ "asset": asset, "exif": exif });
            state.hub.emit(owner_id, "AssetUploadReadyV2", &ready);
        }
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("fake-immich: no AssetUploadReadyV2 for asset {id}: {error}");
        }
    }
}

/// Changed metadata: `on_asset_update` [AssetResponseDto], one event per asset (a real server
/// sends it from the job that follows the write; v3.1.0 was seen sending it after a bulk hide).
pub fn updated(state: &SharedState, owner_id: &str, ids: &[String]) {
    for id in ids {
        if let Some(row) = read_back(state, owner_id, id) {
            state
                .hub
                .emit(owner_id, "on_asset_update", &asset_event(&row));
        }
    }
}

fn ids_value(ids: &[String]) -> Value {
    Value::from(ids.to_vec())
}

/// To the trash: `on_asset_trash` [ids], one event for the request.
pub fn trashed(state: &SharedState, owner_id: &str, ids: &[String]) {
    if !ids.is_empty() {
        state.hub.emit(owner_id, "on_asset_trash", &ids_value(ids));
    }
}

/// Out of the trash: `on_asset_restore` [ids], one event for the request.
pub fn restored(state: &SharedState, owner_id: &str, ids: &[String]) {
    if !ids.is_empty() {
        state
            .hub
            .emit(owner_id, "on_asset_restore", &ids_value(ids));
    }
}

/// Deleted for good: `on_asset_delete` with one id per event (Immich deletes each asset in a job
/// of its own; v3.1.0 was even seen sending the same event twice, so clients must not mind).
pub fn deleted(state: &SharedState, owner_id: &str, ids: &[String]) {
    for id in ids {
        state.hub.emit(owner_id, "on_asset_delete", &json!(id));
    }
}

/// A logout: `on_session_delete` [session id] to the sockets of that session only.
pub fn session_deleted(state: &SharedState, session_id: &str) {
    state
        .hub
        .emit_to_session(session_id, "on_session_delete", &json!(session_id));
}

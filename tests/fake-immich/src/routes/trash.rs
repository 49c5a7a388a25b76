//! The trash: restore some or all of the caller's trashed assets, or empty it (their assets are
//! then deleted for good). Each answers TrashResponseDto, `{count}`, and tells the owner's sockets:
//! `on_asset_restore` [ids], or `on_asset_delete` per asset deleted.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::asset_edit::{check_access, remove_files};
use crate::auth::Authed;
use crate::error::ApiError;
use crate::events;
use crate::json_body::JsonBody;
use crate::state::SharedState;

#[derive(Deserialize)]
pub struct BulkIds {
    ids: Vec<String>,
}

pub async fn restore_assets(
    State(state): State<SharedState>,
    authed: Authed,
    JsonBody(request): JsonBody<BulkIds>,
) -> Result<Json<Value>, ApiError> {
    check_access(&state, &authed, &request.ids, "asset.delete")?;
    let count = state
        .store
        .restore_assets(&authed.user.id, Some(&request.ids))?;
    events::restored(&state, &authed.user.id, &request.ids);
    Ok(Json(json!({ "count": count })))
}

pub async fn restore(
    State(state): State<SharedState>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    let trashed = state.store.trashed_assets(&authed.user.id)?;
    let count = state
        .store
        .restore_assets(&authed.user.id, Some(&trashed))?;
    events::restored(&state, &authed.user.id, &trashed);
    Ok(Json(json!({ "count": count })))
}

pub async fn empty(
    State(state): State<SharedState>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    let trashed = state.store.trashed_assets(&authed.user.id)?;
    let deleted = state.store.delete_assets(&authed.user.id, &trashed)?;
    remove_files(&state, &deleted);
    events::deleted(&state, &authed.user.id, &deleted);
    Ok(Json(json!({ "count": deleted.len() })))
}

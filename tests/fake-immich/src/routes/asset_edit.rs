//! Changing assets as Immich does: `PUT /assets/{id}` (one), `PUT /assets` (many), and
//! `DELETE /assets` (to the trash, or for good with `force`). Ids of other users' assets fail the
//! whole request, as Immich's access check does. Each tells the owner's sockets: `on_asset_update`
//! per asset, `on_asset_trash` [ids], or `on_asset_delete` per asset deleted for good.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::assets::require_uuid;
use super::upload::VISIBILITIES;
use crate::asset_dto::asset_response;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::events;
use crate::json_body::JsonBody;
use crate::state::SharedState;
use crate::store::AssetChanges;

/// Immich's refusal of ids the caller may not use with `permission`.
pub(super) fn check_access(
    state: &SharedState,
    authed: &Authed,
    ids: &[String],
    permission: &str,
) -> Result<(), ApiError> {
    for id in ids {
        require_uuid(id)?;
    }
    if state.store.owns_assets(&authed.user.id, ids)? {
        return Ok(());
    }
    Err(ApiError::BadRequest(format!(
        "Not found or no {permission} access"
    )))
}

/// Removes deleted assets' files; a file already gone is what was wanted.
pub(super) fn remove_files(state: &SharedState, ids: &[String]) {
    for id in ids {
        let _ = std::fs::remove_file(state.original_path(id));
    }
}

/// The fields of UpdateAssetDto and AssetBulkUpdateDto served here; others are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    is_favorite: Option<bool>,
    visibility: Option<String>,
    description: Option<String>,
}

impl Changes {
    fn check(self) -> Result<AssetChanges, ApiError> {
        if let Some(visibility) = &self.visibility {
            if !VISIBILITIES.contains(&visibility.as_str()) {
                return Err(ApiError::BadRequest(format!(
                    "visibility must be one of the following values: {}",
                    VISIBILITIES.join(", ")
                )));
            }
        }
        Ok(AssetChanges {
            is_favorite: self.is_favorite,
            visibility: self.visibility,
            description: self.description,
        })
    }
}

pub async fn update_one(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
    JsonBody(changes): JsonBody<Changes>,
) -> Result<Json<Value>, ApiError> {
    let changes = changes.check()?;
    let ids = [id];
    check_access(&state, &authed, &ids, "asset.update")?;
    state
        .store
        .update_assets(&authed.user.id, &ids, &changes, false)?;
    events::updated(&state, &authed.user.id, &ids);
    let asset = state
        .store
        .asset(&authed.user.id, &ids[0])?
        .ok_or_else(|| ApiError::NotFound("Asset not found".into()))?;
    Ok(Json(asset_response(&asset)))
}

#[derive(Deserialize)]
pub struct BulkChanges {
    ids: Vec<String>,
    #[serde(flatten)]
    changes: Changes,
}

pub async fn update_many(
    State(state): State<SharedState>,
    authed: Authed,
    JsonBody(request): JsonBody<BulkChanges>,
) -> Result<StatusCode, ApiError> {
    let changes = request.changes.check()?;
    check_access(&state, &authed, &request.ids, "asset.update")?;
    state
        .store
        .update_assets(&authed.user.id, &request.ids, &changes, true)?;
    events::updated(&state, &authed.user.id, &request.ids);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct DeleteRequest {
    ids: Vec<String>,
    force: Option<bool>,
}

pub async fn delete_many(
    State(state): State<SharedState>,
    authed: Authed,
    JsonBody(request): JsonBody<DeleteRequest>,
) -> Result<StatusCode, ApiError> {
    check_access(&state, &authed, &request.ids, "asset.delete")?;
    if request.force == Some(true) {
        let deleted = state.store.delete_assets(&authed.user.id, &request.ids)?;
        remove_files(&state, &deleted);
        events::deleted(&state, &authed.user.id, &deleted);
    } else {
        state.store.trash_assets(&authed.user.id, &request.ids)?;
        events::trashed(&state, &authed.user.id, &request.ids);
    }
    Ok(StatusCode::NO_CONTENT)
}

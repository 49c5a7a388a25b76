//! Changing albums as Immich does: `PATCH /albums/{id}` (name, description, thumbnail),
//! `DELETE /albums/{id}/assets` with a per-id result, `DELETE /albums/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::albums::{album_response, owned_album, require_uuids, BulkIds};
use super::assets::require_uuid;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::state::SharedState;
use crate::store::{AlbumChanges, AlbumEditError, RemoveOutcome};

/// The fields of UpdateAlbumDto served here; `isActivityEnabled` and `order` are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAlbum {
    album_name: Option<String>,
    description: Option<String>,
    album_thumbnail_asset_id: Option<String>,
}

pub async fn update(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<UpdateAlbum>,
) -> Result<Json<Value>, ApiError> {
    require_uuid(&id)?;
    if let Some(thumbnail) = &request.album_thumbnail_asset_id {
        require_uuid(thumbnail)?;
    }
    let changes = AlbumChanges {
        album_name: request.album_name,
        description: request.description,
        thumbnail_asset_id: request.album_thumbnail_asset_id,
    };
    let album = match state.store.update_album(&authed.user.id, &id, &changes)? {
        Ok(album) => album,
        Err(AlbumEditError::NotFound) => {
            return Err(ApiError::BadRequest(
                "Not found or no album.update access".into(),
            ))
        }
        Err(AlbumEditError::InvalidThumbnail) => {
            return Err(ApiError::BadRequest("Invalid album thumbnail".into()))
        }
    };
    Ok(Json(album_response(&album, &authed.user, &[])))
}

pub async fn remove_assets(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<BulkIds>,
) -> Result<Json<Value>, ApiError> {
    require_uuids(&request.ids, "ids")?;
    let album = owned_album(&state, &authed, &id, "albumAsset.delete")?;
    let outcomes = state.store.remove_album_assets(&album.id, &request.ids)?;
    let results = request
        .ids
        .iter()
        .zip(outcomes)
        .map(|(id, outcome)| match outcome {
            RemoveOutcome::Removed => json!({ "id": id, "success": true }),
            RemoveOutcome::NotFound => json!({ "id": id, "success": false, "error": "not_found" }),
        })
        .collect();
    Ok(Json(Value::Array(results)))
}

pub async fn delete(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_uuid(&id)?;
    if !state.store.delete_album(&authed.user.id, &id)? {
        return Err(ApiError::BadRequest(
            "Not found or no album.delete access".into(),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

//! Albums as Immich serves them: list, create (optionally with assets), read with its assets, and
//! add assets with a per-id result. Access failures are 400s, as Immich's access checks answer.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::assets::require_uuid;
use super::users::user_response;
use crate::asset_dto::asset_response;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::state::SharedState;
use crate::store::{AddOutcome, AlbumRecord, AssetRecord, User};

/// AlbumResponseDto (fields of @immich/sdk 3.2.2); `assets` is empty where Immich leaves it so.
pub(super) fn album_response(album: &AlbumRecord, owner: &User, assets: &[AssetRecord]) -> Value {
    let mut dto = json!({
        "id": album.id,
        "ownerId": album.owner_id,
        "albumName": album.album_name,
        "description": album.description,
        "createdAt": album.created_at,
        "updatedAt": album.updated_at,
        "albumThumbnailAssetId": album.thumbnail_asset_id,
        "shared": false,
        "albumUsers": [],
        "hasSharedLink": false,
        "assets": assets.iter().map(asset_response).collect::<Vec<_>>(),
        "owner": user_response(owner),
        "assetCount": album.asset_count,
        "isActivityEnabled": true,
        "order": "desc",
    });
    // Immich leaves these out of an empty album rather than sending null.
    let optional = [
        ("startDate", &album.start_date),
        ("endDate", &album.end_date),
        ("lastModifiedAssetTimestamp", &album.last_modified_asset),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            dto[name] = json!(value);
        }
    }
    dto
}

fn parse_bool(value: Option<&str>, name: &str) -> Result<Option<bool>, ApiError> {
    match value {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::BadRequest(format!(
            "{name} must be a boolean value"
        ))),
    }
}

pub(super) fn require_uuids(ids: &[String], name: &str) -> Result<(), ApiError> {
    if ids.iter().all(|id| uuid::Uuid::parse_str(id).is_ok()) {
        return Ok(());
    }
    Err(ApiError::BadRequest(format!(
        "each value in {name} must be a UUID"
    )))
}

fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(query)| query)
        .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
}

/// The owner's album, or the answer Immich gives for an album one may not use.
pub(super) fn owned_album(
    state: &SharedState,
    authed: &Authed,
    id: &str,
    permission: &str,
) -> Result<AlbumRecord, ApiError> {
    require_uuid(id)?;
    state
        .store
        .album(&authed.user.id, id)?
        .ok_or_else(|| ApiError::BadRequest(format!("Not found or no {permission} access")))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    shared: Option<String>,
    asset_id: Option<String>,
}

pub async fn list(
    State(state): State<SharedState>,
    authed: Authed,
    list_query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let list_query = query(list_query)?;
    let shared = parse_bool(list_query.shared.as_deref(), "shared")?;
    if let Some(asset_id) = &list_query.asset_id {
        if uuid::Uuid::parse_str(asset_id).is_err() {
            return Err(ApiError::BadRequest("assetId must be a UUID".into()));
        }
    }
    // No album is shared here; Immich ignores `shared` when `assetId` is given.
    if shared == Some(true) && list_query.asset_id.is_none() {
        return Ok(Json(json!([])));
    }
    let albums = state
        .store
        .albums(&authed.user.id, list_query.asset_id.as_deref())?;
    let body = albums
        .iter()
        .map(|album| album_response(album, &authed.user, &[]))
        .collect();
    Ok(Json(Value::Array(body)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAlbum {
    album_name: String,
    description: Option<String>,
    asset_ids: Option<Vec<String>>,
}

pub async fn create(
    State(state): State<SharedState>,
    authed: Authed,
    JsonBody(request): JsonBody<CreateAlbum>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let asset_ids = request.asset_ids.unwrap_or_default();
    require_uuids(&asset_ids, "assetIds")?;
    let album = state.store.create_album(
        &authed.user.id,
        &request.album_name,
        request.description.as_deref().unwrap_or_default(),
        &asset_ids,
    )?;
    let assets = state.store.album_assets(&album.id)?;
    let body = album_response(&album, &authed.user, &assets);
    Ok((StatusCode::CREATED, Json(body)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InfoQuery {
    without_assets: Option<String>,
}

pub async fn info(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
    info_query: Result<Query<InfoQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let without_assets = parse_bool(
        query(info_query)?.without_assets.as_deref(),
        "withoutAssets",
    )?;
    let album = owned_album(&state, &authed, &id, "album.read")?;
    let assets = match without_assets {
        Some(true) => Vec::new(),
        _ => state.store.album_assets(&album.id)?,
    };
    Ok(Json(album_response(&album, &authed.user, &assets)))
}

#[derive(Deserialize)]
pub struct BulkIds {
    pub(super) ids: Vec<String>,
}

pub async fn add_assets(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<BulkIds>,
) -> Result<Json<Value>, ApiError> {
    require_uuids(&request.ids, "ids")?;
    let album = owned_album(&state, &authed, &id, "albumAsset.create")?;
    let outcomes = state
        .store
        .add_album_assets(&authed.user.id, &album.id, &request.ids)?;
    let results = request
        .ids
        .iter()
        .zip(outcomes)
        .map(|(id, outcome)| match outcome {
            AddOutcome::Added => json!({ "id": id, "success": true }),
            AddOutcome::Duplicate => json!({ "id": id, "success": false, "error": "duplicate" }),
            AddOutcome::NoPermission => {
                json!({ "id": id, "success": false, "error": "no_permission" })
            }
        })
        .collect();
    Ok(Json(Value::Array(results)))
}

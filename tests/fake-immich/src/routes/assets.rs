//! Reading assets: metadata, original bytes, counts and the pre-upload duplicate check.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

use crate::asset_dto::asset_response;
use crate::auth::Authed;
use crate::checksum;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::state::SharedState;
use crate::store::AssetRecord;

pub(super) fn require_uuid(id: &str) -> Result<(), ApiError> {
    uuid::Uuid::parse_str(id)
        .map(|_| ())
        .map_err(|_| ApiError::BadRequest("id must be a UUID".into()))
}

fn owned_asset(state: &SharedState, authed: &Authed, id: &str) -> Result<AssetRecord, ApiError> {
    require_uuid(id)?;
    state
        .store
        .asset(&authed.user.id, id)?
        .ok_or_else(|| ApiError::NotFound("Asset not found".into()))
}

pub async fn get_asset(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(asset_response(&owned_asset(&state, &authed, &id)?)))
}

/// Streams the stored file in chunks rather than loading it whole.
pub async fn original(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let asset = owned_asset(&state, &authed, &id)?;
    let file = tokio::fs::File::open(state.original_path(&asset.id)).await?;
    let headers = [
        (CONTENT_TYPE, "application/octet-stream".to_string()),
        (CONTENT_LENGTH, asset.size.to_string()),
    ];
    Ok((headers, file_body(file)).into_response())
}

/// A file as a body, read in chunks rather than whole.
pub(super) fn file_body(file: tokio::fs::File) -> Body {
    let chunks = stream::try_unfold(file, |mut file| async move {
        let mut buf = vec![0u8; 64 * 1024];
        let read = file.read(&mut buf).await?;
        buf.truncate(read);
        Ok::<_, std::io::Error>((read > 0).then_some((buf, file)))
    });
    Body::from_stream(chunks)
}

pub async fn statistics(
    State(state): State<SharedState>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    let stats = state.store.asset_stats(&authed.user.id)?;
    Ok(Json(
        json!({ "images": stats.images, "videos": stats.videos, "total": stats.total }),
    ))
}

#[derive(Deserialize)]
pub struct BulkCheckRequest {
    assets: Vec<BulkCheckItem>,
}

#[derive(Deserialize)]
struct BulkCheckItem {
    id: String,
    checksum: String,
}

pub async fn bulk_upload_check(
    State(state): State<SharedState>,
    authed: Authed,
    JsonBody(request): JsonBody<BulkCheckRequest>,
) -> Result<Json<Value>, ApiError> {
    let mut results = Vec::with_capacity(request.assets.len());
    for item in request.assets {
        let sum = checksum::parse(&item.checksum).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "checksum of {} is neither hex nor base64 SHA-1",
                item.id
            ))
        })?;
        let result = match state.store.asset_id_by_checksum(&authed.user.id, &sum)? {
            None => json!({ "id": item.id, "action": "accept" }),
            Some(asset_id) => json!({
                "id": item.id,
                "action": "reject",
                "reason": "duplicate",
                "isTrashed": state.store.is_trashed(&asset_id)?,
                "assetId": asset_id,
            }),
        };
        results.push(result);
    }
    Ok(Json(json!({ "results": results })))
}

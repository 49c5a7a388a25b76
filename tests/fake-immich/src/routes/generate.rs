//! Test switch, no real Immich has it (no login needed): `POST /api/fake-immich/assets/generate
//! {email, count}` gives the user `count` new photos at once (201 `{count}`), so a test of a
//! large library need not upload each. Each is a small PNG (the thumbnail placeholder with the
//! asset's id after its end, so every checksum differs), taken 37 minutes before the previous one
//! from 2025-06-30 12:00 UTC back, about 39 a day.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::thumbnail::PLACEHOLDER;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::media::AssetType;
use crate::state::SharedState;
use crate::store::{now_iso, to_iso, AssetRecord};

pub const PATH: &str = "/api/fake-immich/assets/generate";

const MAX_COUNT: usize = 200_000;

/// Rows per transaction, so uploads and streams meanwhile wait for one batch at most.
const BATCH: usize = 1_000;

#[derive(Deserialize)]
pub struct Generate {
    email: String,
    count: usize,
}

fn newest() -> DateTime<Utc> {
    DateTime::from_timestamp(1_751_284_800, 0).unwrap_or_default()
}

fn record(owner_id: &str, index: usize, bytes: &[u8], id: String) -> AssetRecord {
    let minutes = i64::try_from(index).unwrap_or(i64::MAX).saturating_mul(37);
    let taken = to_iso(newest() - Duration::minutes(minutes));
    let now = now_iso();
    AssetRecord {
        checksum: sha1_smol::Sha1::from(bytes).digest().bytes(),
        owner_id: owner_id.to_string(),
        asset_type: AssetType::Image,
        original_file_name: format!("generated-{index:06}.png"),
        device_asset_id: None,
        device_id: None,
        file_created_at: taken.clone(),
        file_modified_at: taken,
        is_favorite: false,
        visibility: "timeline".into(),
        duration_ms: None,
        live_photo_video_id: None,
        size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        created_at: now.clone(),
        updated_at: now,
        id,
    }
}

/// Writes each batch's files, then its rows, so every visible asset has its file.
fn generate_all(state: &SharedState, owner_id: &str, count: usize) -> Result<usize, ApiError> {
    let mut created = 0;
    for start in (0..count).step_by(BATCH) {
        let mut batch = Vec::with_capacity(BATCH);
        for index in start..count.min(start + BATCH) {
            let id = uuid::Uuid::new_v4().to_string();
            let bytes = [
                PLACEHOLDER,
                format!("fake-immich generated {id}").as_bytes(),
            ]
            .concat();
            std::fs::write(state.original_path(&id), &bytes)?;
            batch.push(record(owner_id, index, &bytes, id));
        }
        created += state.store.insert_assets(&batch)?;
    }
    Ok(created)
}

pub async fn generate(
    State(state): State<SharedState>,
    JsonBody(request): JsonBody<Generate>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !(1..=MAX_COUNT).contains(&request.count) {
        return Err(ApiError::BadRequest(format!(
            "count must be from 1 to {MAX_COUNT}"
        )));
    }
    let owner_id = state
        .store
        .user_id_by_email(&request.email)?
        .ok_or_else(|| ApiError::NotFound("User not found".into()))?;
    let worker = state.clone();
    let count = request.count;
    let created = tokio::task::spawn_blocking(move || generate_all(&worker, &owner_id, count))
        .await
        .map_err(|error| ApiError::Io(std::io::Error::other(error)))??;
    Ok((StatusCode::CREATED, Json(json!({ "count": created }))))
}

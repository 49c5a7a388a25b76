//! `POST /api/assets`: store the file (and its sidecar's size) once per user and content, link a
//! live photo to its video, tell the user's sockets (`on_upload_success`, `AssetUploadReadyV2`).

mod fields;
mod receive;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};

use crate::auth::Authed;
use crate::checksum::{self, Sha1};
use crate::error::ApiError;
use crate::events;
use crate::media::AssetType;
use crate::state::SharedState;
use crate::store::{now_iso, AssetRecord, InsertOutcome, LiveLink};
use fields::UploadFields;
pub(super) use fields::VISIBILITIES;
use receive::{receive, ReceivedFile};

/// The checksum the client claims, if it sent one.
fn claimed_checksum(headers: &HeaderMap) -> Result<Option<Sha1>, ApiError> {
    let Some(value) = headers.get("x-immich-checksum") else {
        return Ok(None);
    };
    let parsed = value.to_str().ok().and_then(checksum::parse);
    parsed.map(Some).ok_or_else(|| {
        ApiError::BadRequest("x-immich-checksum must be a hex or base64 SHA-1".into())
    })
}

fn duplicate(existing: String) -> (StatusCode, Json<Value>) {
    let body = json!({ "id": existing, "status": "duplicate" });
    (StatusCode::OK, Json(body))
}

/// Immich's `onBeforeLink`: the video must be a video of the same user; a video still on the
/// timeline is hidden (and the user's sockets told), even if the photo turns out a duplicate.
fn link_live_video(state: &SharedState, user_id: &str, video_id: &str) -> Result<(), ApiError> {
    let refusal = match state.store.link_live_video(user_id, video_id)? {
        LiveLink::Linked { hidden_now } => {
            if hidden_now {
                state.hub.emit(user_id, "on_asset_hidden", &json!(video_id));
            }
            return Ok(());
        }
        LiveLink::NotFound => "Live photo video not found",
        LiveLink::NotAVideo => "Live photo video must be a video",
        LiveLink::OtherOwner => "Live photo video does not belong to the user",
    };
    Err(ApiError::BadRequest(refusal.into()))
}

fn new_record(owner_id: &str, file: &ReceivedFile, fields: UploadFields) -> AssetRecord {
    // The text field wins: browsers write a `"` in the part's filename as `%22`.
    let original_file_name = fields
        .filename
        .or_else(|| file.file_name.clone())
        .unwrap_or_else(|| "untitled".into());
    let now = now_iso();
    AssetRecord {
        id: uuid::Uuid::new_v4().to_string(),
        owner_id: owner_id.to_string(),
        checksum: file.checksum,
        asset_type: AssetType::from_file_name(&original_file_name),
        original_file_name,
        device_asset_id: fields.device_asset_id,
        device_id: fields.device_id,
        file_created_at: fields.file_created_at,
        file_modified_at: fields.file_modified_at,
        is_favorite: fields.is_favorite,
        visibility: fields.visibility,
        duration_ms: fields.duration_ms,
        live_photo_video_id: fields.live_photo_video_id,
        size: file.size,
        created_at: now.clone(),
        updated_at: now,
    }
}

pub async fn upload(
    State(state): State<SharedState>,
    authed: Authed,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !state.upload_delay.is_zero() {
        tokio::time::sleep(state.upload_delay).await;
    }
    let multipart = multipart.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let claimed = claimed_checksum(&headers)?;
    let form = receive(multipart, &state.incoming_dir).await?;
    let file = form
        .asset
        .ok_or_else(|| ApiError::BadRequest("assetData is required".into()))?;
    let fields = UploadFields::parse(&form.fields)?;
    if claimed.is_some_and(|claimed| claimed != file.checksum) {
        return Err(ApiError::BadRequest(format!(
            "x-immich-checksum does not match the uploaded bytes (received SHA-1 {})",
            checksum::to_base64(&file.checksum)
        )));
    }

    if let Some(claimed) = claimed {
        // Immich answers a known checksum before it reads the form: no live-photo link then.
        if let Some(existing) = state
            .store
            .asset_id_by_checksum(&authed.user.id, &claimed)?
        {
            return Ok(duplicate(existing));
        }
    }
    if let Some(video_id) = &fields.live_photo_video_id {
        link_live_video(&state, &authed.user.id, video_id)?;
    }

    let record = new_record(&authed.user.id, &file, fields);
    let destination = state.original_path(&record.id);
    // Bytes go in place before the row exists, so every visible asset has its file.
    file.temp.persist(&destination)?;
    let outcome = state.store.insert_asset(&record, form.sidecar.as_ref());
    if !matches!(outcome, Ok(InsertOutcome::Created)) {
        // Best effort: the row was not created, so this file is unreachable either way.
        let _ = std::fs::remove_file(&destination);
    }
    match outcome? {
        InsertOutcome::Created => {
            events::uploaded(&state, &authed.user.id, &record.id);
            let body = json!({ "id": record.id, "status": "created" });
            Ok((StatusCode::CREATED, Json(body)))
        }
        InsertOutcome::Duplicate(existing) => Ok(duplicate(existing)),
    }
}

//! The caller's login sessions: list, delete one (its token gets 401 from then on), and the test
//! switch `POST /api/fake-immich/sessions/reset-all` (no real Immich has it; no login needed):
//! every session's next sync stream is a lone `SyncResetV1`, as when Immich marks sessions for a
//! full resync.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::assets::require_uuid;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::state::SharedState;

pub const RESET_ALL_PATH: &str = "/api/fake-immich/sessions/reset-all";

/// SessionResponseDto; devices are not recorded here.
pub async fn list(
    State(state): State<SharedState>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    let current = authed.session.as_ref().map(|session| session.id.as_str());
    let sessions = state.store.sessions(&authed.user.id)?;
    let body = sessions
        .iter()
        .map(|session| {
            json!({
                "id": session.id,
                "createdAt": session.created_at,
                "updatedAt": session.updated_at,
                "current": current == Some(session.id.as_str()),
                "deviceType": "",
                "deviceOS": "",
                "appVersion": null,
                "isPendingSyncReset": session.pending_sync_reset,
            })
        })
        .collect();
    Ok(Json(Value::Array(body)))
}

pub async fn delete(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_uuid(&id)?;
    if !state.store.delete_session(&authed.user.id, &id)? {
        return Err(ApiError::BadRequest(
            "Not found or no session.delete access".into(),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset_all(State(state): State<SharedState>) -> Result<StatusCode, ApiError> {
    state.store.mark_all_sessions_for_reset()?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/sync/*`: the stream of changes since the session's checkpoints and the acks that move
//! them. Sessions only: Immich v3 refuses API keys here whatever their permissions.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Authed;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::state::SharedState;
use crate::store::Session;
use crate::sync::ack::{Ack, Position};
use crate::sync::types::{check_request_types, is_entity_type, not_one_of, ENTITY_TYPES};
use crate::sync::{lines, stream};

/// Immich's limit on one `POST /sync/ack`.
const MAX_ACKS: usize = 1000;

fn session(authed: &Authed) -> Result<&Session, ApiError> {
    authed
        .session
        .as_ref()
        .ok_or_else(|| ApiError::Forbidden("Sync endpoints cannot be used with API keys".into()))
}

fn json_lines(body: Body) -> Response {
    ([(CONTENT_TYPE, "application/jsonlines+json")], body).into_response()
}

#[derive(Deserialize)]
pub struct StreamRequest {
    types: Vec<String>,
    reset: Option<bool>,
}

pub async fn stream(
    State(state): State<SharedState>,
    authed: Authed,
    JsonBody(request): JsonBody<StreamRequest>,
) -> Result<Response, ApiError> {
    let session = session(&authed)?;
    check_request_types(&request.types).map_err(ApiError::BadRequest)?;
    if request.reset == Some(true) {
        state.store.reset_sync_progress(&session.id)?;
    } else if session.pending_sync_reset {
        // The client must drop what it has and ack this line (or ask with `reset: true`).
        let line = lines::bare("SyncResetV1", "SyncResetV1|reset");
        return Ok(json_lines(Body::from(line)));
    }
    let mut checkpoints = HashMap::new();
    for (kind, ack) in state.store.checkpoints(&session.id)? {
        // Stored acks were checked when they came; one that no longer parses is forgotten.
        if let Ok(ack) = Ack::parse(&ack) {
            checkpoints.insert(kind, ack);
        }
    }
    let job = stream::Job {
        user_id: authed.user.id.clone(),
        session_id: session.id.clone(),
        types: request.types,
        checkpoints,
        now: state.store.now_id()?,
    };
    Ok(json_lines(stream::body(state.clone(), job)))
}

#[derive(Deserialize)]
pub struct AckRequest {
    acks: Vec<String>,
}

/// Stores the latest ack of each type; a `SyncResetV1` ack starts the session over instead and
/// ends the request there, as Immich's `setAcks` does.
pub async fn set_acks(
    State(state): State<SharedState>,
    authed: Authed,
    JsonBody(request): JsonBody<AckRequest>,
) -> Result<StatusCode, ApiError> {
    let session = session(&authed)?;
    if request.acks.len() > MAX_ACKS {
        return Err(ApiError::BadRequest(format!(
            "acks must contain no more than {MAX_ACKS} elements"
        )));
    }
    let mut latest: Vec<(String, String)> = Vec::new();
    for text in &request.acks {
        let ack = Ack::parse(text).map_err(|error| ApiError::BadRequest(error.to_string()))?;
        if ack.position == Position::Reset {
            state.store.reset_sync_progress(&session.id)?;
            return Ok(StatusCode::NO_CONTENT);
        }
        latest.retain(|(kind, _)| *kind != ack.kind);
        latest.push((ack.kind, text.clone()));
    }
    state.store.save_checkpoints(&session.id, &latest)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_acks(
    State(state): State<SharedState>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    let session = session(&authed)?;
    let acks = state.store.checkpoints(&session.id)?;
    let body = acks
        .into_iter()
        .map(|(kind, ack)| json!({ "type": kind, "ack": ack }))
        .collect();
    Ok(Json(Value::Array(body)))
}

#[derive(Deserialize, Default)]
pub struct DeleteAcks {
    types: Option<Vec<String>>,
}

/// Forgets the session's checkpoints of `types`, or all of them. The body may be left out.
pub async fn delete_acks(
    State(state): State<SharedState>,
    authed: Authed,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let session = session(&authed)?;
    let request: DeleteAcks = if body.iter().all(u8::is_ascii_whitespace) {
        DeleteAcks::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| ApiError::BadRequest(error.to_string()))?
    };
    if let Some(types) = &request.types {
        if !types.iter().all(|kind| is_entity_type(kind)) {
            return Err(ApiError::BadRequest(not_one_of("types", &ENTITY_TYPES)));
        }
    }
    state
        .store
        .delete_checkpoints(&session.id, request.types.as_deref())?;
    Ok(StatusCode::NO_CONTENT)
}

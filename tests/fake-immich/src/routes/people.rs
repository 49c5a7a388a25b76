//! Test switches, no real Immich has them (no login needed): more users for tests that need a
//! partner. `POST /api/fake-immich/users {email, password, name}` adds one (201; an email already
//! known keeps its user and takes the password and name, 200) and answers `{id, email, name,
//! apiKey}`; `DELETE /api/fake-immich/users/{id}` removes one with all they own (204).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::asset_edit::remove_files;
use super::assets::require_uuid;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::state::SharedState;

pub const PATH: &str = "/api/fake-immich/users";
pub const ONE_PATH: &str = "/api/fake-immich/users/{id}";

#[derive(Deserialize)]
pub struct AddUser {
    email: String,
    password: String,
    name: String,
}

pub async fn add(
    State(state): State<SharedState>,
    JsonBody(request): JsonBody<AddUser>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if request.email.trim().is_empty() || request.password.is_empty() {
        return Err(ApiError::BadRequest(
            "email and password must not be empty".into(),
        ));
    }
    let added = state
        .store
        .add_user(&request.email, &request.password, &request.name)?;
    let status = if added.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = json!({
        "id": added.user.id,
        "email": added.user.email,
        "name": added.user.name,
        "apiKey": added.api_key,
    });
    Ok((status, Json(body)))
}

pub async fn remove(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_uuid(&id)?;
    let deleted = state
        .store
        .delete_user(&id)?
        .ok_or_else(|| ApiError::NotFound("User not found".into()))?;
    remove_files(&state, &deleted);
    Ok(StatusCode::NO_CONTENT)
}

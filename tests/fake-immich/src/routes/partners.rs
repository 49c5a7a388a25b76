//! Partners: share one's library with another user (`POST /partners {sharedWithId}`, or the
//! older `POST /partners/{id}`), list, show in one's timeline, stop sharing.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::assets::require_uuid;
use super::users::user_response;
use crate::auth::Authed;
use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::state::SharedState;
use crate::store::{PartnerDirection, PartnerError, PartnerRecord};

/// PartnerResponseDto: the other user, and whether the caller's timeline shows them.
fn partner_response(partner: &PartnerRecord) -> Value {
    let mut dto = user_response(&partner.user);
    dto["inTimeline"] = Value::Bool(partner.in_timeline);
    dto
}

#[derive(Deserialize)]
pub struct ListQuery {
    direction: Option<String>,
}

pub async fn list(
    State(state): State<SharedState>,
    authed: Authed,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let direction = query.ok().and_then(|Query(query)| query.direction);
    let direction = match direction.as_deref() {
        Some("shared-by") => PartnerDirection::SharedBy,
        Some("shared-with") => PartnerDirection::SharedWith,
        _ => {
            return Err(ApiError::BadRequest(
                "direction must be one of the following values: shared-by, shared-with".into(),
            ))
        }
    };
    let partners = state.store.partners(&authed.user.id, direction)?;
    Ok(Json(Value::Array(
        partners.iter().map(partner_response).collect(),
    )))
}

fn create_partner(
    state: &SharedState,
    authed: &Authed,
    shared_with_id: &str,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_uuid(shared_with_id)?;
    let message = match state
        .store
        .create_partner(&authed.user.id, shared_with_id)?
    {
        Ok(partner) => return Ok((StatusCode::CREATED, Json(partner_response(&partner)))),
        Err(PartnerError::Exists) => "Partner already exists",
        Err(PartnerError::UnknownUser) => "User not found",
        Err(PartnerError::WithSelf) => "Cannot share with yourself",
    };
    Err(ApiError::BadRequest(message.into()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePartner {
    shared_with_id: String,
}

pub async fn create(
    State(state): State<SharedState>,
    authed: Authed,
    JsonBody(request): JsonBody<CreatePartner>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    create_partner(&state, &authed, &request.shared_with_id)
}

/// The pre-v2 form, still served by v3.
pub async fn create_with_id(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    create_partner(&state, &authed, &id)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePartner {
    in_timeline: bool,
}

/// The caller shows (or hides) the assets of `id`, who shares with them, in their timeline.
pub async fn update(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<UpdatePartner>,
) -> Result<Json<Value>, ApiError> {
    require_uuid(&id)?;
    let partner = state
        .store
        .update_partner(&id, &authed.user.id, request.in_timeline)?
        .ok_or_else(|| ApiError::BadRequest("Not found or no partner.update access".into()))?;
    Ok(Json(partner_response(&partner)))
}

/// The caller stops sharing with `id`.
pub async fn remove(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_uuid(&id)?;
    if !state.store.remove_partner(&authed.user.id, &id)? {
        return Err(ApiError::BadRequest("Partner not found".into()));
    }
    Ok(StatusCode::NO_CONTENT)
}

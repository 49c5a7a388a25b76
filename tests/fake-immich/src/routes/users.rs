//! The current user and the API key in use.

use axum::http::header::{ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::auth::Authed;
use crate::error::ApiError;
use crate::store::{AuthMethod, User};

fn user_admin_dto(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "isAdmin": true,
        "avatarColor": "primary",
        "clusterGroupId": "",
        "createdAt": user.created_at,
        "updatedAt": user.updated_at,
        "profileChangedAt": user.created_at,
        "deletedAt": null,
        "license": null,
        "oauthId": "",
        "profileImagePath": "",
        "quotaSizeInBytes": null,
        "quotaUsageInBytes": 0,
        "shouldChangePassword": false,
        "status": "active",
        "storageLabel": "admin",
    })
}

/// Answers 304 when the client's `If-None-Match` names the current body's ETag.
pub async fn me(authed: Authed, headers: HeaderMap) -> Response {
    let body = user_admin_dto(&authed.user).to_string();
    let etag = format!("\"{}\"", sha1_smol::Sha1::from(body.as_bytes()).digest());
    let matches = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim().trim_start_matches("W/") == etag)
        });
    let etag_header = HeaderValue::from_str(&etag).map(|value| [(ETAG, value)]);
    let Ok(etag_header) = etag_header else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if matches {
        return (StatusCode::NOT_MODIFIED, etag_header).into_response();
    }
    let json_type = [(axum::http::header::CONTENT_TYPE, "application/json")];
    (etag_header, json_type, body).into_response()
}

/// The CLI checks the key's permissions here before uploading.
pub async fn my_api_key(authed: Authed) -> Result<Json<Value>, ApiError> {
    if authed.method != AuthMethod::ApiKey {
        return Err(ApiError::BadRequest(
            "Not authenticated with an API key".into(),
        ));
    }
    Ok(Json(json!({
        "id": authed.user.api_key_id,
        "name": "fake-immich seeded key",
        "createdAt": authed.user.created_at,
        "updatedAt": authed.user.updated_at,
        "permissions": ["all"],
    })))
}

//! The current user and the API key in use.

use axum::Json;
use serde_json::{json, Value};

use crate::auth::Authed;
use crate::error::ApiError;
use crate::store::{AuthMethod, User};

/// UserResponseDto: how other objects (an album's owner) show a user.
pub fn user_response(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "avatarColor": "primary",
        "profileImagePath": "",
        "profileChangedAt": user.created_at,
    })
}

fn user_admin_dto(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "isAdmin": user.is_admin,
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
        "storageLabel": user.is_admin.then_some("admin"),
    })
}

pub async fn me(authed: Authed) -> Json<Value> {
    Json(user_admin_dto(&authed.user))
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

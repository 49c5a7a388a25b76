//! Unauthenticated server information.

use axum::Json;
use serde_json::{json, Value};

use crate::media::{IMAGE_EXTENSIONS, SIDECAR_EXTENSIONS, VIDEO_EXTENSIONS};

/// Lets clients given the bare server URL discover where the API lives.
pub async fn well_known() -> Json<Value> {
    Json(json!({ "api": { "endpoint": "/api" } }))
}

pub async fn ping() -> Json<Value> {
    Json(json!({ "res": "pong" }))
}

/// The Immich version this server imitates (ServerVersionResponseDto), also what the socket's
/// `on_server_version` tells on connect.
pub fn server_version() -> Value {
    json!({ "major": 3, "minor": 1, "patch": 0, "prerelease": null })
}

pub async fn version() -> Json<Value> {
    Json(server_version())
}

/// What this server does, as `GET /server/features` of Immich v3 tells it (ServerFeaturesDto).
pub async fn features() -> Json<Value> {
    Json(json!({
        "smartSearch": false,
        "facialRecognition": false,
        "duplicateDetection": false,
        "map": false,
        "reverseGeocoding": false,
        "importFaces": false,
        "sidecar": true,
        "search": false,
        "trash": true,
        "oauth": false,
        "oauthAutoLaunch": false,
        "passwordLogin": true,
        "configFile": false,
        "email": false,
        "ocr": false,
    }))
}

pub async fn media_types() -> Json<Value> {
    Json(json!({
        "image": IMAGE_EXTENSIONS,
        "video": VIDEO_EXTENSIONS,
        "sidecar": SIDECAR_EXTENSIONS,
    }))
}

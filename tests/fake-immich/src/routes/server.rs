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

pub async fn version() -> Json<Value> {
    Json(json!({ "major": 2, "minor": 3, "patch": 1, "prerelease": null }))
}

pub async fn media_types() -> Json<Value> {
    Json(json!({
        "image": IMAGE_EXTENSIONS,
        "video": VIDEO_EXTENSIONS,
        "sidecar": SIDECAR_EXTENSIONS,
    }))
}

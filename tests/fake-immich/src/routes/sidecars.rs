//! Test-only, no real Immich has it: what arrived as an asset's `sidecarData`, since Immich's
//! AssetResponseDto does not show it. `GET /api/fake-immich/assets/{id}/sidecar` answers
//! `{"bytes": size, "sha1": hex}`, both null for an asset uploaded without one, 404 for an unknown
//! asset. Like the other test controls it needs no login.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::SharedState;

pub const PATH: &str = "/api/fake-immich/assets/{id}/sidecar";

pub async fn sidecar(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let sidecar = state
        .store
        .sidecar(&id)?
        .ok_or_else(|| ApiError::NotFound("Asset not found".into()))?;
    Ok(Json(match sidecar {
        Some(sidecar) => json!({
            "bytes": sidecar.size,
            "sha1": sidecar.checksum.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        }),
        None => json!({ "bytes": null, "sha1": null }),
    }))
}

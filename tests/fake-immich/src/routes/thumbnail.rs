//! `GET /assets/{id}/thumbnail`: something a page can show for an asset the caller may view.
//! Nothing here renders thumbnails, so a photo a browser can decode is sent as it is, and
//! anything else (videos, RAW, HEIC) gets a small grey placeholder.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::assets::{file_body, require_uuid};
use crate::auth::Authed;
use crate::error::ApiError;
use crate::state::SharedState;

pub(super) const PLACEHOLDER: &[u8] = include_bytes!("thumbnail-placeholder.png");

/// Image types every current browser decodes, by extension.
const BROWSER_IMAGES: &[(&str, &str)] = &[
    (".jpg", "image/jpeg"),
    (".jpeg", "image/jpeg"),
    (".jpe", "image/jpeg"),
    (".png", "image/png"),
    (".webp", "image/webp"),
    (".gif", "image/gif"),
    (".avif", "image/avif"),
    (".bmp", "image/bmp"),
];

fn browser_type(file_name: &str) -> Option<&'static str> {
    let dot = file_name.rfind('.')?;
    let ext = file_name[dot..].to_ascii_lowercase();
    BROWSER_IMAGES
        .iter()
        .find(|(known, _)| *known == ext)
        .map(|(_, mime)| *mime)
}

pub async fn thumbnail(
    State(state): State<SharedState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_uuid(&id)?;
    let asset = state
        .store
        .viewable_asset(&authed.user.id, &id)?
        .ok_or_else(|| ApiError::BadRequest("Not found or no asset.view access".into()))?;
    let (mime, body) = match browser_type(&asset.original_file_name) {
        Some(mime) => {
            let file = tokio::fs::File::open(state.original_path(&asset.id)).await?;
            (mime, file_body(file))
        }
        None => ("image/png", Body::from(PLACEHOLDER)),
    };
    // Immich lets browsers keep thumbnails for a day.
    let headers = [
        (CONTENT_TYPE, mime),
        (CACHE_CONTROL, "private, max-age=86400, no-transform"),
    ];
    Ok((headers, body).into_response())
}

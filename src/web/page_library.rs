//! The page's view of the library mirror: read from IndexedDB (so it works offline), shaped by
//! `core::sync::library_view`, and thumbnails fetched with the login's credential.

use serde::Serialize;

use crate::core::sync::{self, BackedUpFile, Library};
use crate::web::http::ImmichHttp;
use crate::web::page::{open_store, PageError, PageResult};

/// The library view, and the files backed up from this device that the server no longer has.
#[derive(Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct LibraryView {
    #[serde(flatten)]
    pub view: Library,
    pub deleted_on_server: Vec<BackedUpFile>,
}

pub async fn library_view() -> PageResult<LibraryView> {
    let store = open_store().await?;
    let me = store
        .load_login()
        .await?
        .map(|login| login.user_id)
        .unwrap_or_default();
    let mirror = store.load_mirror().await?;
    let deleted = sync::deleted_on_server(
        &store.load_backed_up().await?,
        &mirror.assets,
        store.mirror_complete().await?,
    );
    Ok(LibraryView {
        view: sync::library_view(&mirror, &me),
        deleted_on_server: deleted,
    })
}

/// The thumbnail of a mirrored asset (`GET /assets/{id}/thumbnail`).
pub async fn thumbnail(asset_id: &str) -> PageResult<web_sys::Blob> {
    let login = open_store()
        .await?
        .load_login()
        .await?
        .ok_or(PageError::NotLoggedIn)?;
    let path = format!("/assets/{}/thumbnail", url_segment(asset_id));
    let http = ImmichHttp::new(login.server, Some(login.credential));
    let failed = |reason: String| PageError::Thumbnail(asset_id.to_owned(), reason);
    match http.get_blob(&path).await {
        Ok((200, blob)) => Ok(blob),
        Ok((status, _)) => Err(failed(format!("HTTP {status}"))),
        Err(e) => Err(failed(e.to_string())),
    }
}

/// An id as one path segment: only the characters of a UUID pass unescaped.
fn url_segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

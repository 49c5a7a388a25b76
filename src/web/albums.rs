//! Adding assets to the user's album of a name, created if missing, like the CLI's `--album`:
//! `GET /albums`, then `POST /albums` with the assets or `PUT /albums/{id}/assets`. What the
//! replies mean is `core::immich`'s.

use crate::core::backup::RequestResult;
use crate::core::immich::{self, AlbumError};
use crate::web::http::ImmichHttp;

/// Adds the assets `ids` to the album `name`; the error is in words for the log.
pub async fn add_to_album(http: &ImmichHttp, name: &str, ids: &[String]) -> Result<(), String> {
    let list = answered(http.get("/albums").await)?;
    let found = immich::album_id_by_name(list.0, &list.1, name).map_err(words)?;
    match found {
        Some(id) => {
            let body = immich::add_assets_body(ids);
            let added = answered(http.put_json(&immich::album_assets_path(&id), body).await)?;
            immich::parse_added_assets(added.0, &added.1).map_err(words)
        }
        None => {
            let body = immich::create_album_body(name, ids);
            let created = answered(http.post_json("/albums", body).await)?;
            immich::parse_created_album(created.0, &created.1)
                .map(|_| ())
                .map_err(words)
        }
    }
}

/// The status and body of an answer, or why there was none.
fn answered(result: RequestResult) -> Result<(u16, String), String> {
    result
        .map(|reply| (reply.status, reply.body))
        .map_err(|e| e.to_string())
}

fn words(error: AlbumError) -> String {
    error.to_string()
}

//! Albums, as the CLI's `--album` fills them: the user's album of a name is found in
//! `GET /albums`, created by `POST /albums` with its first assets when missing, and given more
//! by `PUT /albums/{id}/assets`. The web side sends; what the replies mean is decided here.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{check_status, ReplyError};

/// Why assets could not be added to an album, in words for the log.
#[derive(Debug, Error, PartialEq)]
pub enum AlbumError {
    #[error(
        "the API key lacks the album permissions (album.read, album.create, albumAsset.create)"
    )]
    Forbidden,
    #[error("{0}")]
    Reply(ReplyError),
    #[error("the server refused {refused} of {total} files ({reason})")]
    Refused {
        refused: usize,
        total: usize,
        reason: String,
    },
}

impl From<ReplyError> for AlbumError {
    fn from(error: ReplyError) -> Self {
        match error {
            ReplyError::Unauthorized(403) => AlbumError::Forbidden,
            other => AlbumError::Reply(other),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Album {
    id: String,
    album_name: String,
}

/// The id of the first album named exactly `name` in the `GET /albums` reply, if any.
pub fn album_id_by_name(status: u16, body: &str, name: &str) -> Result<Option<String>, AlbumError> {
    check_status(status, body)?;
    let albums: Vec<Album> =
        serde_json::from_str(body).map_err(|e| ReplyError::Malformed(e.to_string()))?;
    Ok(albums
        .into_iter()
        .find(|album| album.album_name == name)
        .map(|album| album.id))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateAlbum<'a> {
    album_name: &'a str,
    asset_ids: &'a [String],
}

/// The body of `POST /albums`: the new album with its first assets.
pub fn create_album_body(name: &str, asset_ids: &[String]) -> String {
    let body = CreateAlbum {
        album_name: name,
        asset_ids,
    };
    serde_json::to_string(&body).unwrap_or_default()
}

/// The id of the album `POST /albums` created.
pub fn parse_created_album(status: u16, body: &str) -> Result<String, AlbumError> {
    #[derive(Deserialize)]
    struct Created {
        id: String,
    }
    check_status(status, body)?;
    let created: Created =
        serde_json::from_str(body).map_err(|e| ReplyError::Malformed(e.to_string()))?;
    Ok(created.id)
}

/// The path of `PUT /albums/{id}/assets`; the id is the server's, escaped all the same so it
/// cannot reach another route.
pub fn album_assets_path(album_id: &str) -> String {
    let mut path = String::from("/albums/");
    for byte in album_id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            path.push(char::from(byte));
        } else {
            path.push_str(&format!("%{byte:02X}"));
        }
    }
    path.push_str("/assets");
    path
}

/// The body of `PUT /albums/{id}/assets`.
pub fn add_assets_body(asset_ids: &[String]) -> String {
    serde_json::json!({ "ids": asset_ids }).to_string()
}

/// Reads the `PUT /albums/{id}/assets` reply, one result per asset: an asset already in the
/// album counts as added; any other refusal fails the batch with the first reason.
pub fn parse_added_assets(status: u16, body: &str) -> Result<(), AlbumError> {
    #[derive(Deserialize)]
    struct Added {
        success: bool,
        error: Option<String>,
    }
    check_status(status, body)?;
    let results: Vec<Added> =
        serde_json::from_str(body).map_err(|e| ReplyError::Malformed(e.to_string()))?;
    let total = results.len();
    let refused: Vec<String> = results
        .into_iter()
        .filter(|added| !added.success)
        .map(|added| added.error.unwrap_or_else(|| "unknown".to_owned()))
        .filter(|error| error != "duplicate")
        .collect();
    match refused.first() {
        None => Ok(()),
        Some(reason) => Err(AlbumError::Refused {
            refused: refused.len(),
            total,
            reason: super::cut_server_text(reason),
        }),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const LIST: &str = r#"[
        {"id":"a-1","albumName":"Holidays","ownerId":"u","shared":false,"assetCount":3},
        {"id":"a-2","albumName":"holidays","ownerId":"u","shared":false,"assetCount":0},
        {"id":"a-3","albumName":"Holidays","ownerId":"u","shared":true,"assetCount":1}
    ]"#;

    #[test]
    fn an_album_is_found_by_its_exact_name_first_one_first() {
        assert_eq!(
            album_id_by_name(200, LIST, "Holidays"),
            Ok(Some("a-1".into()))
        );
        assert_eq!(
            album_id_by_name(200, LIST, "holidays"),
            Ok(Some("a-2".into()))
        );
        assert_eq!(album_id_by_name(200, LIST, "Work"), Ok(None));
        assert_eq!(album_id_by_name(200, "[]", "Work"), Ok(None));
    }

    #[test]
    fn an_unusable_album_list_is_an_error() {
        assert!(matches!(
            album_id_by_name(200, "<html>", "x"),
            Err(AlbumError::Reply(ReplyError::Malformed(_)))
        ));
        assert_eq!(
            album_id_by_name(403, r#"{"message":"Missing permission"}"#, "x"),
            Err(AlbumError::Forbidden)
        );
        assert_eq!(
            album_id_by_name(401, "{}", "x"),
            Err(AlbumError::Reply(ReplyError::Unauthorized(401)))
        );
        let error = album_id_by_name(500, r#"{"message":"boom"}"#, "x").unwrap_err();
        assert_eq!(error.to_string(), "the server answered HTTP 500: boom");
    }

    #[test]
    fn the_bodies_are_what_immich_reads() {
        let ids = vec!["x1".to_owned(), "x2".to_owned()];
        let create: serde_json::Value =
            serde_json::from_str(&create_album_body("Trip \"2024\"", &ids)).unwrap();
        assert_eq!(
            create,
            serde_json::json!({"albumName": "Trip \"2024\"", "assetIds": ["x1", "x2"]})
        );
        let add: serde_json::Value = serde_json::from_str(&add_assets_body(&ids)).unwrap();
        assert_eq!(add, serde_json::json!({"ids": ["x1", "x2"]}));
    }

    #[test]
    fn the_created_album_id_is_read() {
        let body = r#"{"id":"new-1","albumName":"Trip","assets":[]}"#;
        assert_eq!(parse_created_album(201, body), Ok("new-1".into()));
        assert!(parse_created_album(201, "{}").is_err());
        assert!(parse_created_album(400, r#"{"message":"bad"}"#).is_err());
    }

    #[test]
    fn an_album_path_escapes_what_is_not_an_id() {
        assert_eq!(
            album_assets_path("0b1e-9f3a_x.y~z"),
            "/albums/0b1e-9f3a_x.y~z/assets"
        );
        assert_eq!(
            album_assets_path("../users?x"),
            "/albums/..%2Fusers%3Fx/assets"
        );
    }

    #[test]
    fn assets_already_in_the_album_count_as_added() {
        let body =
            r#"[{"id":"x1","success":true},{"id":"x2","success":false,"error":"duplicate"}]"#;
        assert_eq!(parse_added_assets(200, body), Ok(()));
    }

    #[test]
    fn any_other_refusal_fails_the_batch_with_its_reason() {
        let body = r#"[{"id":"x1","success":true},{"id":"x2","success":false,"error":"no_permission"},
            {"id":"x3","success":false}]"#;
        let error = parse_added_assets(200, body).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the server refused 2 of 3 files (no_permission)"
        );
        assert!(parse_added_assets(200, "{}").is_err());
        assert_eq!(parse_added_assets(403, "{}"), Err(AlbumError::Forbidden));
    }
}

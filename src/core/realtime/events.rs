//! What the server's socket events mean for the mirror, as the Immich mobile app reads them.
//!
//! An event that carries whole rows (an upload, an update of an asset outside the trash) is
//! written as it is; one that carries only ids (trash, restore, hidden, album and stack changes)
//! asks for an incremental sync, which brings the exact rows in one request. A known event with a
//! payload that cannot be read is not dropped: it asks for the sync too, so nothing is lost.

use serde::Deserialize;
use serde_json::Value;

use crate::core::sync::{AssetExif, RemoteAsset};

/// One event of the server, read.
#[derive(Clone, Debug, PartialEq)]
pub enum RealtimeEvent {
    /// An asset to put in the mirror (upsert), with its exif when the event carries it.
    Put {
        asset: Box<RemoteAsset>,
        exif: Option<Box<AssetExif>>,
    },
    /// An asset deleted for good.
    Delete(String),
    /// Something changed that the event does not describe whole: the sync stream brings it.
    /// The text says what, for the log.
    Changed(String),
    /// The server's version or configuration changed: its details are asked again.
    ServerChanged,
    /// The session with this id was logged out.
    SessionDeleted(String),
    /// The server refused the socket's credentials.
    Unauthorized,
    /// An event the mirror has no use for (a new release, a person's thumbnail, ...).
    Ignored(String),
}

/// A known event whose payload does not have the shape Immich sends.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the server's {event} event could not be read: {reason}")]
pub struct EventError {
    pub event: String,
    pub reason: String,
}

/// Reads one event (its name and arguments as the socket decoded them).
pub fn read_event(name: &str, args: &[Value]) -> Result<RealtimeEvent, EventError> {
    let first = args.first().unwrap_or(&Value::Null);
    let fail = |reason: String| EventError {
        event: name.to_string(),
        reason,
    };
    Ok(match name {
        "on_upload_success" | "on_asset_update" => {
            let response = AssetResponse::deserialize(first).map_err(|e| fail(e.to_string()))?;
            if response.is_trashed {
                // The response has no trash date; the stream has it.
                RealtimeEvent::Changed(format!("{name} of an asset in the trash"))
            } else {
                RealtimeEvent::Put {
                    asset: Box::new(response.into_row()),
                    exif: None,
                }
            }
        }
        "AssetUploadReadyV2" => {
            let ready = UploadReady::deserialize(first).map_err(|e| fail(e.to_string()))?;
            RealtimeEvent::Put {
                asset: Box::new(ready.asset),
                exif: ready.exif.map(Box::new),
            }
        }
        "on_asset_delete" => RealtimeEvent::Delete(text(first).ok_or_else(|| fail(expected_id()))?),
        "on_asset_trash" | "on_asset_restore" => {
            ids(first).ok_or_else(|| fail("expected a list of asset ids".into()))?;
            RealtimeEvent::Changed(name.to_string())
        }
        "on_asset_hidden" | "on_album_update" | "on_asset_stack_update" => {
            RealtimeEvent::Changed(name.to_string())
        }
        "on_server_version" | "on_config_update" => RealtimeEvent::ServerChanged,
        "on_session_delete" => {
            RealtimeEvent::SessionDeleted(text(first).ok_or_else(|| fail(expected_id()))?)
        }
        "error" if first.as_str() == Some("unauthorized") => RealtimeEvent::Unauthorized,
        other => RealtimeEvent::Ignored(other.to_string()),
    })
}

fn expected_id() -> String {
    "expected an id".into()
}

fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

fn ids(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(text).collect()
}

/// `AssetUploadReadyV2`'s argument: the rows the sync stream would send for the new asset.
#[derive(Deserialize)]
struct UploadReady {
    asset: RemoteAsset,
    #[serde(default)]
    exif: Option<AssetExif>,
}

/// The fields of an `AssetResponseDto` the mirror keeps (v3: `duration` in milliseconds or null,
/// like the stream's).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssetResponse {
    id: String,
    owner_id: String,
    original_file_name: String,
    #[serde(default)]
    file_created_at: Option<String>,
    #[serde(default)]
    local_date_time: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    checksum: String,
    #[serde(default)]
    is_trashed: bool,
    #[serde(default)]
    is_favorite: bool,
    visibility: String,
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    width: Option<u32>,
    #[serde(default)]
    height: Option<u32>,
    #[serde(default)]
    live_photo_video_id: Option<String>,
    #[serde(default)]
    stack: Option<StackRef>,
    #[serde(default)]
    thumbhash: Option<String>,
}

#[derive(Deserialize)]
struct StackRef {
    id: String,
}

impl AssetResponse {
    fn into_row(self) -> RemoteAsset {
        RemoteAsset {
            id: self.id,
            owner_id: self.owner_id,
            original_file_name: self.original_file_name,
            file_created_at: self.file_created_at,
            local_date_time: self.local_date_time,
            kind: self.kind,
            checksum: self.checksum,
            deleted_at: None,
            is_favorite: self.is_favorite,
            visibility: self.visibility,
            duration: self.duration,
            width: self.width,
            height: self.height,
            live_photo_video_id: self.live_photo_video_id,
            stack_id: self.stack.map(|stack| stack.id),
            thumbhash: self.thumbhash,
        }
    }
}

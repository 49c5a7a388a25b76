//! AssetResponseDto as the Immich server renders it (fields of @immich/sdk 3.2.2).

use serde_json::{json, Value};

use crate::checksum;
use crate::store::AssetRecord;

pub fn asset_response(asset: &AssetRecord) -> Value {
    let ext = asset
        .original_file_name
        .rsplit_once('.')
        .map(|(_, ext)| format!(".{}", ext.to_ascii_lowercase()))
        .unwrap_or_default();
    json!({
        "id": asset.id,
        // Older servers sent these two; kept for clients written against them.
        "deviceAssetId": asset.device_asset_id,
        "deviceId": asset.device_id,
        "ownerId": asset.owner_id,
        "libraryId": null,
        "type": asset.asset_type.as_str(),
        "originalFileName": asset.original_file_name,
        "originalPath": format!("upload/upload/{}/{}{ext}", asset.owner_id, asset.id),
        "checksum": checksum::to_base64(&asset.checksum),
        "fileCreatedAt": asset.file_created_at,
        "fileModifiedAt": asset.file_modified_at,
        // Without EXIF parsing, the capture time is the best local time there is.
        "localDateTime": asset.file_created_at,
        "createdAt": asset.created_at,
        "updatedAt": asset.updated_at,
        "isFavorite": asset.is_favorite,
        "isArchived": asset.visibility == "archive",
        "isTrashed": false,
        "isOffline": false,
        "isEdited": false,
        "hasMetadata": false,
        "visibility": asset.visibility,
        "duration": asset.duration_ms,
        "livePhotoVideoId": asset.live_photo_video_id,
        "thumbhash": null,
        "width": null,
        "height": null,
        "people": [],
        "tags": [],
        "stack": null,
        "duplicateId": null,
    })
}

//! AssetResponseDto as the Immich server renders it (fields of @immich/sdk 3.2.2), for the HTTP
//! answers and, with the keys a v3.1.0 socket was recorded sending, for the socket events.

use serde_json::{json, Value};

use crate::checksum;
use crate::media::mime_type;
use crate::store::sync::SyncAsset;
use crate::store::AssetRecord;
use crate::sync::lines;

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

/// AssetResponseDto as `on_upload_success` and `on_asset_update` carry it: the keys of the
/// recorded v3.1.0 frames (no device ids or stack; the MIME type, EXIF and trash state added).
pub fn asset_event(row: &SyncAsset) -> Value {
    let asset = &row.asset;
    let mut dto = asset_response(asset);
    if let Some(fields) = dto.as_object_mut() {
        for key in ["deviceAssetId", "deviceId", "stack"] {
            fields.remove(key);
        }
        let mime = mime_type(&asset.original_file_name);
        fields.insert("originalMimeType".into(), mime.into());
        fields.insert("isTrashed".into(), row.deleted_at.is_some().into());
        fields.insert("duration".into(), lines::duration(row).into());
        // Thumbnails are served from the upload on, so the asset counts as resized.
        fields.insert("resized".into(), true.into());
        fields.insert("exifInfo".into(), exif_info(row));
    }
    dto
}

/// ExifResponseDto: what an upload tells without reading the file's metadata.
fn exif_info(row: &SyncAsset) -> Value {
    let asset = &row.asset;
    json!({
        "make": null,
        "model": null,
        "exifImageWidth": null,
        "exifImageHeight": null,
        "fileSizeInByte": asset.size,
        "orientation": null,
        "dateTimeOriginal": asset.file_created_at,
        "modifyDate": asset.file_modified_at,
        "timeZone": null,
        "lensModel": null,
        "fNumber": null,
        "focalLength": null,
        "iso": null,
        "exposureTime": null,
        "latitude": null,
        "longitude": null,
        "city": null,
        "state": null,
        "country": null,
        "description": row.description,
        "projectionType": null,
        "rating": null,
    })
}

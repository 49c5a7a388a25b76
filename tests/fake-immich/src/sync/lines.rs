//! The stream's lines: `{"type", "data", "ack"}` and a newline, with `data` in the shape Immich
//! v3.1.0 sends for the type (same keys, in its order; null where nothing here knows a value).

use serde::Serialize;

use crate::checksum;
use crate::media::AssetType;
use crate::store::sync::{Record, SyncAsset, SyncUser};

/// What no row here knows: sent as `null`, like Immich does for an unset column.
type Null = Option<()>;

#[derive(Serialize)]
struct Line<'a, T> {
    #[serde(rename = "type")]
    kind: &'a str,
    data: T,
    ack: &'a str,
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthUser<'a> {
    id: &'a str,
    name: &'a str,
    email: &'a str,
    avatar_color: Null,
    deleted_at: Null,
    profile_changed_at: &'a str,
    is_admin: bool,
    pin_code: Null,
    oauth_id: &'a str,
    storage_label: Option<&'a str>,
    quota_size_in_bytes: Null,
    quota_usage_in_bytes: u64,
    has_profile_image: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct User<'a> {
    id: &'a str,
    name: &'a str,
    email: &'a str,
    avatar_color: Null,
    deleted_at: Null,
    profile_changed_at: &'a str,
    has_profile_image: bool,
}

/// SyncAssetV2, for own, partner and album assets alike.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Asset<'a> {
    id: &'a str,
    owner_id: &'a str,
    original_file_name: &'a str,
    file_created_at: &'a str,
    file_modified_at: &'a str,
    created_at: &'a str,
    local_date_time: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    deleted_at: Option<&'a str>,
    is_favorite: bool,
    visibility: &'a str,
    duration: Option<String>,
    live_photo_video_id: Option<&'a str>,
    stack_id: Null,
    library_id: Null,
    width: Null,
    height: Null,
    is_edited: bool,
    checksum: String,
    thumbhash: Null,
}

/// SyncAssetExifV1: what an upload tells without reading the file's metadata.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Exif<'a> {
    asset_id: &'a str,
    description: &'a str,
    exif_image_width: Null,
    exif_image_height: Null,
    file_size_in_byte: u64,
    orientation: Null,
    date_time_original: &'a str,
    modify_date: &'a str,
    time_zone: Null,
    latitude: Null,
    longitude: Null,
    projection_type: Null,
    city: Null,
    state: Null,
    country: Null,
    make: Null,
    model: Null,
    lens_model: Null,
    f_number: Null,
    focal_length: Null,
    iso: Null,
    exposure_time: Null,
    profile_description: Null,
    rating: Null,
    fps: Null,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Album<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    created_at: &'a str,
    updated_at: &'a str,
    thumbnail_asset_id: Option<&'a str>,
    is_activity_enabled: bool,
    order: &'a str,
    owner_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Partner<'a> {
    shared_by_id: &'a str,
    shared_with_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_timeline: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlbumUser<'a> {
    album_id: &'a str,
    user_id: &'a str,
    role: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlbumAsset<'a> {
    asset_id: &'a str,
    album_id: &'a str,
}

/// What a deletion names: `{"assetId": ...}` and so on.
#[derive(Serialize)]
enum Deleted<'a> {
    #[serde(rename = "assetId")]
    Asset(&'a str),
    #[serde(rename = "albumId")]
    Album(&'a str),
    #[serde(rename = "userId")]
    User(&'a str),
}

/// Immich's interval text for a video's length, e.g. `0:00:05.000000`.
pub fn duration(asset: &SyncAsset) -> Option<String> {
    if asset.asset.asset_type != AssetType::Video {
        return None;
    }
    let micros = (asset.asset.duration_ms? * 1000.0).round().max(0.0) as u64;
    let seconds = micros / 1_000_000;
    Some(format!(
        "{}:{:02}:{:02}.{:06}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        micros % 1_000_000
    ))
}

fn asset(row: &SyncAsset) -> Asset<'_> {
    let asset = &row.asset;
    Asset {
        id: &asset.id,
        owner_id: &asset.owner_id,
        original_file_name: &asset.original_file_name,
        file_created_at: &asset.file_created_at,
        file_modified_at: &asset.file_modified_at,
        created_at: &asset.created_at,
        // Without EXIF parsing, the capture time is the best local time there is.
        local_date_time: &asset.file_created_at,
        kind: asset.asset_type.as_str(),
        deleted_at: row.deleted_at.as_deref(),
        is_favorite: asset.is_favorite,
        visibility: &asset.visibility,
        duration: duration(row),
        live_photo_video_id: asset.live_photo_video_id.as_deref(),
        stack_id: None,
        library_id: None,
        width: None,
        height: None,
        is_edited: false,
        checksum: checksum::to_base64(&asset.checksum),
        thumbhash: None,
    }
}

fn exif(row: &SyncAsset) -> Exif<'_> {
    let asset = &row.asset;
    Exif {
        asset_id: &asset.id,
        description: &row.description,
        exif_image_width: None,
        exif_image_height: None,
        file_size_in_byte: asset.size,
        orientation: None,
        date_time_original: &asset.file_created_at,
        modify_date: &asset.file_modified_at,
        time_zone: None,
        latitude: None,
        longitude: None,
        projection_type: None,
        city: None,
        state: None,
        country: None,
        make: None,
        model: None,
        lens_model: None,
        f_number: None,
        focal_length: None,
        iso: None,
        exposure_time: None,
        profile_description: None,
        rating: None,
        fps: None,
    }
}

/// An AssetV2 row's data; the socket's `AssetUploadReadyV2` carries the same.
pub fn asset_data(row: &SyncAsset) -> serde_json::Result<serde_json::Value> {
    serde_json::to_value(asset(row))
}

/// An AssetExifV1 row's data, the `exif` of `AssetUploadReadyV2`.
pub fn exif_data(row: &SyncAsset) -> serde_json::Result<serde_json::Value> {
    serde_json::to_value(exif(row))
}

fn auth_user(user: &SyncUser) -> AuthUser<'_> {
    AuthUser {
        id: &user.id,
        name: &user.name,
        email: &user.email,
        avatar_color: None,
        deleted_at: None,
        profile_changed_at: &user.created_at,
        is_admin: user.is_admin,
        pin_code: None,
        oauth_id: "",
        storage_label: user.is_admin.then_some("admin"),
        quota_size_in_bytes: None,
        quota_usage_in_bytes: user.usage,
        has_profile_image: false,
    }
}

fn user(user: &SyncUser) -> User<'_> {
    User {
        id: &user.id,
        name: &user.name,
        email: &user.email,
        avatar_color: None,
        deleted_at: None,
        profile_changed_at: &user.created_at,
        has_profile_image: false,
    }
}

fn write<T: Serialize>(
    out: &mut Vec<u8>,
    kind: &str,
    data: T,
    ack: &str,
) -> serde_json::Result<()> {
    serde_json::to_writer(&mut *out, &Line { kind, data, ack })?;
    out.push(b'\n');
    Ok(())
}

/// A line without data: `SyncAckV1`, `SyncCompleteV1`, `SyncResetV1`.
pub fn bare(kind: &str, ack: &str) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing a struct of two strings to a Vec cannot fail.
    let _ = write(&mut out, kind, Empty {}, ack);
    out
}

#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("a {kind} line cannot show {record}")]
    Mismatch { kind: &'static str, record: String },
    #[error("encoding a line: {0}")]
    Json(#[from] serde_json::Error),
}

/// Appends the line telling `record` as entity type `kind`.
pub fn append(
    out: &mut Vec<u8>,
    kind: &'static str,
    record: &Record,
    ack: &str,
) -> Result<(), LineError> {
    match (kind, record) {
        ("AuthUserV1", Record::User(row)) => write(out, kind, auth_user(row), ack)?,
        ("UserV1", Record::User(row)) => write(out, kind, user(row), ack)?,
        ("UserDeleteV1", Record::Id(id)) => write(out, kind, Deleted::User(id), ack)?,
        (
            "PartnerV1" | "PartnerDeleteV1",
            Record::Partner {
                shared_by_id,
                shared_with_id,
                in_timeline,
            },
        ) => {
            let in_timeline = (kind == "PartnerV1").then_some(*in_timeline);
            let data = Partner {
                shared_by_id,
                shared_with_id,
                in_timeline,
            };
            write(out, kind, data, ack)?
        }
        (
            "AssetV2"
            | "PartnerAssetV2"
            | "PartnerAssetBackfillV2"
            | "AlbumAssetCreateV2"
            | "AlbumAssetUpdateV2",
            Record::Asset(row),
        ) => write(out, kind, asset(row), ack)?,
        (
            "AssetExifV1"
            | "PartnerAssetExifV1"
            | "PartnerAssetExifBackfillV1"
            | "AlbumAssetExifCreateV1"
            | "AlbumAssetExifUpdateV1",
            Record::Asset(row),
        ) => write(out, kind, exif(row), ack)?,
        ("AssetDeleteV1" | "PartnerAssetDeleteV1", Record::Id(id)) => {
            write(out, kind, Deleted::Asset(id), ack)?
        }
        ("AlbumV1", Record::Album(row)) => {
            let data = Album {
                id: &row.id,
                name: &row.name,
                description: &row.description,
                created_at: &row.created_at,
                updated_at: &row.updated_at,
                thumbnail_asset_id: row.thumbnail_asset_id.as_deref(),
                is_activity_enabled: true,
                order: "desc",
                owner_id: &row.owner_id,
            };
            write(out, kind, data, ack)?
        }
        ("AlbumDeleteV1", Record::Id(id)) => write(out, kind, Deleted::Album(id), ack)?,
        (
            "AlbumUserV1",
            Record::AlbumUser {
                album_id,
                user_id,
                role,
            },
        ) => write(
            out,
            kind,
            AlbumUser {
                album_id,
                user_id,
                role,
            },
            ack,
        )?,
        ("AlbumToAssetV1" | "AlbumToAssetDeleteV1", Record::AlbumAsset { album_id, asset_id }) => {
            write(out, kind, AlbumAsset { asset_id, album_id }, ack)?
        }
        _ => {
            return Err(LineError::Mismatch {
                kind,
                record: format!("{record:?}"),
            })
        }
    }
    Ok(())
}

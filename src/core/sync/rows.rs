//! The mirror's rows: what it keeps of each sync entity, read from the server's `data` and
//! handed to the web side as they are (camelCase, the server's own names).
//!
//! Only the fields the mirror uses are read; the rest are skipped. Values that may be unknown are
//! `Option`s and default to None when a server leaves them out, so a server that adds or drops an
//! optional field does not stop the sync.

use serde::{Deserialize, Deserializer, Serialize};

/// An asset on the server: the user's own, a partner's, or one of a shared album.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteAsset {
    pub id: String,
    pub owner_id: String,
    pub original_file_name: String,
    #[serde(default)]
    pub file_created_at: Option<String>,
    /// The date and time where it was taken, written as UTC: its first ten characters are the
    /// day it belongs to.
    #[serde(default)]
    pub local_date_time: Option<String>,
    /// IMAGE, VIDEO, AUDIO or OTHER.
    #[serde(rename = "type")]
    pub kind: String,
    /// SHA-1 of the file, base64: how a local file is known to be on the server.
    pub checksum: String,
    /// Set while the asset is in the trash.
    #[serde(default)]
    pub deleted_at: Option<String>,
    #[serde(default)]
    pub is_favorite: bool,
    /// timeline, archive, hidden (a live photo's video) or locked.
    pub visibility: String,
    #[serde(default)]
    pub duration: Option<f64>,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    #[serde(default)]
    pub live_photo_video_id: Option<String>,
    #[serde(default)]
    pub stack_id: Option<String>,
    #[serde(default)]
    pub thumbhash: Option<String>,
}

impl RemoteAsset {
    /// Whether this asset holds a file of the user `me`: their own, in the trash or not (the
    /// server answers an upload of such a file "duplicate"). A partner's copy of the same bytes
    /// does not count: the user's own backup still lacks it.
    pub fn is_backup_of(&self, me: &str) -> bool {
        !me.is_empty() && self.owner_id == me
    }
}

/// An asset's exif, keyed by its asset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetExif {
    pub asset_id: String,
    #[serde(default)]
    pub date_time_original: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub file_size_in_byte: Option<u64>,
    #[serde(default)]
    pub exif_image_width: Option<u32>,
    #[serde(default)]
    pub exif_image_height: Option<u32>,
    /// A string in @immich/sdk 3.2.2; older servers sent a number, read as its text.
    #[serde(default, deserialize_with = "text_or_number")]
    pub orientation: Option<String>,
    #[serde(default)]
    pub make: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub lens_model: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Album {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub owner_id: String,
    #[serde(default)]
    pub thumbnail_asset_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A member of an album, the owner included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlbumUser {
    pub album_id: String,
    pub user_id: String,
    /// owner, editor or viewer.
    pub role: String,
}

/// An asset in an album.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlbumAsset {
    pub album_id: String,
    pub asset_id: String,
}

/// A user of the server (the signed-in user is one too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub deleted_at: Option<String>,
}

/// `shared_by_id` shares their library with `shared_with_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Partner {
    pub shared_by_id: String,
    pub shared_with_id: String,
    /// The partner's assets show in the timeline of the one they are shared with.
    #[serde(default)]
    pub in_timeline: bool,
}

fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(Option::<Loose>::deserialize(d)?.map(|value| match value {
        Loose::Text(text) => text,
        Loose::Number(number) => number.to_string(),
    }))
}

//! Which files the server takes, from its `GET /server/media-types` reply: images and videos are
//! backed up, sidecars travel with their photo, anything else is skipped.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{split_ext, FolderError};

/// What a file of a backup folder is to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileKind {
    Image,
    Video,
    /// Metadata (.xmp) sent with the photo of the same name, never on its own.
    Sidecar,
    /// A type the server does not take: counted as skipped, never queued.
    Other,
}

impl FileKind {
    /// Whether a file of this kind is uploaded as an asset.
    pub fn is_media(self) -> bool {
        matches!(self, Self::Image | Self::Video)
    }
}

/// The server's extensions, lowercase with their leading dot (".jpg").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaTypes {
    image: BTreeSet<String>,
    video: BTreeSet<String>,
    sidecar: BTreeSet<String>,
}

/// The reply as the server sends it; servers may add lists, which are ignored.
#[derive(Deserialize)]
struct Reply {
    image: Vec<String>,
    video: Vec<String>,
    #[serde(default)]
    sidecar: Vec<String>,
}

/// ".JPG" and "jpg" both read as ".jpg"; an empty extension is dropped.
fn normalized(list: Vec<String>) -> BTreeSet<String> {
    list.into_iter()
        .filter_map(|ext| {
            let ext = ext.trim().trim_start_matches('.').to_ascii_lowercase();
            (!ext.is_empty()).then(|| format!(".{ext}"))
        })
        .collect()
}

impl MediaTypes {
    /// Reads a `/server/media-types` reply (or the copy kept with its ETag).
    pub fn parse(json: &str) -> Result<MediaTypes, FolderError> {
        let reply: Reply =
            serde_json::from_str(json).map_err(|e| FolderError::MediaTypes(e.to_string()))?;
        let media = MediaTypes {
            image: normalized(reply.image),
            video: normalized(reply.video),
            sidecar: normalized(reply.sidecar),
        };
        // Taken at its word, an empty reply would make every recorded file look gone.
        if media.image.is_empty() && media.video.is_empty() {
            return Err(FolderError::NoMediaTypes);
        }
        Ok(media)
    }

    /// The same lists as JSON, in the server's shape: `parse(to_json())` gives them back.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "image": self.image,
            "video": self.video,
            "sidecar": self.sidecar,
        })
        .to_string()
    }

    /// The kind of a file by its last extension, whatever its case ("IMG_1.HEIC" is an image).
    pub fn kind(&self, name: &str) -> FileKind {
        let Some(ext) = split_ext(name).1 else {
            return FileKind::Other;
        };
        let ext = format!(".{}", ext.to_ascii_lowercase());
        if self.image.contains(&ext) {
            FileKind::Image
        } else if self.video.contains(&ext) {
            FileKind::Video
        } else if self.sidecar.contains(&ext) {
            FileKind::Sidecar
        } else {
            FileKind::Other
        }
    }
}

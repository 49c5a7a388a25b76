//! Which file extensions are images or videos, as the server advertises them.

pub const IMAGE_EXTENSIONS: &[&str] = &[
    ".3fr", ".ari", ".arw", ".avif", ".bmp", ".cap", ".cin", ".cr2", ".cr3", ".crw", ".dcr",
    ".dng", ".erf", ".fff", ".gif", ".heic", ".heif", ".hif", ".iiq", ".insp", ".jp2", ".jpe",
    ".jpeg", ".jpg", ".jxl", ".k25", ".kdc", ".mrw", ".nef", ".nrw", ".orf", ".ori", ".pef",
    ".png", ".psd", ".raf", ".raw", ".rw2", ".rwl", ".sr2", ".srf", ".srw", ".svg", ".tif",
    ".tiff", ".webp", ".x3f",
];

pub const VIDEO_EXTENSIONS: &[&str] = &[
    ".3gp", ".3gpp", ".avi", ".flv", ".insv", ".m2t", ".m2ts", ".m4v", ".mkv", ".mov", ".mp4",
    ".mpe", ".mpeg", ".mpg", ".mts", ".vob", ".webm", ".wmv",
];

pub const SIDECAR_EXTENSIONS: &[&str] = &[".xmp"];

/// The MIME type Immich records for a file name (`originalMimeType`), for the common kinds.
pub fn mime_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" | "jpe" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "heif" | "hif" => "image/heif",
        "avif" => "image/avif",
        "tif" | "tiff" => "image/tiff",
        "dng" => "image/dng",
        "mov" => "video/quicktime",
        "mp4" | "m4v" | "insv" => "video/mp4",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "3gp" | "3gpp" => "video/3gpp",
        _ => "application/octet-stream",
    }
}

/// Immich's AssetTypeEnum values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetType {
    Image,
    Video,
    Other,
}

impl AssetType {
    pub fn from_file_name(name: &str) -> Self {
        let Some(dot) = name.rfind('.') else {
            return Self::Other;
        };
        let ext = name[dot..].to_ascii_lowercase();
        if IMAGE_EXTENSIONS.contains(&ext.as_str()) {
            Self::Image
        } else if VIDEO_EXTENSIONS.contains(&ext.as_str()) {
            Self::Video
        } else {
            Self::Other
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "IMAGE",
            Self::Video => "VIDEO",
            Self::Other => "OTHER",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "IMAGE" => Self::Image,
            "VIDEO" => Self::Video,
            _ => Self::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_follows_extension_case_insensitively() {
        assert_eq!(AssetType::from_file_name("a.JPG"), AssetType::Image);
        assert_eq!(AssetType::from_file_name("clip.mov"), AssetType::Video);
        assert_eq!(AssetType::from_file_name("notes.txt"), AssetType::Other);
        assert_eq!(AssetType::from_file_name("no-extension"), AssetType::Other);
    }
}

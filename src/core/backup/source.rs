//! Where a queued file's bytes are read from when it is hashed and sent.

use serde::{Deserialize, Serialize};

/// Rows written before backup folders existed have no `source`: they are Blob copies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ItemSource {
    /// A Blob copy stored in IndexedDB (local_assets) when the file was picked.
    #[default]
    Stored,
    /// A FileSystemFileHandle stored in local_assets (showOpenFilePicker): no copy.
    Handle,
    /// A file of a backup folder, read in place: the folder's id and the path inside it
    /// ("a/b/IMG_1.jpg", '/'-separated).
    Folder { folder_id: String, path: String },
}

impl ItemSource {
    pub fn is_stored(&self) -> bool {
        *self == ItemSource::Stored
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_folder_source_is_tagged_camel_case() {
        let source = ItemSource::Folder {
            folder_id: "d1".into(),
            path: "a/IMG_1.jpg".into(),
        };
        let json = serde_json::to_value(&source).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "folder", "folderId": "d1", "path": "a/IMG_1.jpg"})
        );
        assert_eq!(serde_json::from_value::<ItemSource>(json).unwrap(), source);
    }
}

//! Where a queued file's bytes are read from when it is hashed and sent.

use serde::{Deserialize, Serialize};

/// Rows written before backup folders existed have no `source`: they are Blob copies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::backup::QueueItem;

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

    #[test]
    fn a_row_stored_before_folders_reads_as_a_stored_copy() {
        let old = r#"{"id":"f1","name":"IMG_1.jpg","size":10,"modifiedAtMs":0,"queuedAtMs":0,
            "state":"pending","attempts":0,"checksum":null,"remoteId":null,"lastError":null,
            "retryAtMs":null}"#;
        let item: QueueItem = serde_json::from_str(old).unwrap();
        assert_eq!(item, QueueItem::new("f1", "IMG_1.jpg", 10, 0, 0));
        assert_eq!(item.source, ItemSource::Stored);
        assert_eq!(
            (item.live_video, item.sidecar, item.album),
            (None, None, None)
        );
    }
}

//! The bytes of a queued file, wherever they are: a copy stored when it was picked, a stored
//! file handle, or a file of a backup folder read in place. The worker reads them to hash and
//! send a file, a page to hand one to Background Fetch.

use wasm_bindgen::JsCast;
use web_sys::{Blob, File, FileSystemFileHandle};

use crate::core::backup::{ItemSource, QueueItem};
use crate::web::folders::handles::{self, HandleError};
use crate::web::store::Store;

const NOT_STORED: &str = "the picked file is no longer stored";

/// What is needed to find a file again and tell whether it is still the one queued.
pub struct Wanted {
    pub id: String,
    pub source: ItemSource,
    pub size: u64,
    pub modified_at_ms: i64,
}

impl Wanted {
    pub fn of(item: &QueueItem) -> Wanted {
        Wanted {
            id: item.id.clone(),
            source: item.source.clone(),
            size: item.size,
            modified_at_ms: item.modified_at_ms,
        }
    }
}

fn unreadable(error: HandleError) -> String {
    match error {
        HandleError::NotFound(_) => {
            "the file is gone from its folder (deleted, moved or renamed)".into()
        }
        HandleError::NoPermission => "the browser no longer allows reading its folder".into(),
        HandleError::Other(message) => format!("the file cannot be read: {message}"),
    }
}

/// The file's bytes, or why they cannot be had. A file that changed since it was queued is
/// refused: its checksum would not match, and the next scan queues the new version.
pub async fn open(store: &Store, wanted: &Wanted) -> Result<Blob, String> {
    match &wanted.source {
        ItemSource::Stored => match store.load_asset(&wanted.id).await {
            Ok(Some(value)) => value.dyn_into::<Blob>().map_err(|_| NOT_STORED.to_owned()),
            Ok(None) => Err(NOT_STORED.to_owned()),
            Err(e) => Err(e.to_string()),
        },
        ItemSource::Handle => {
            let handle = match store.load_asset(&wanted.id).await {
                Ok(Some(value)) => value
                    .dyn_into::<FileSystemFileHandle>()
                    .map_err(|_| NOT_STORED.to_owned())?,
                Ok(None) => return Err(NOT_STORED.to_owned()),
                Err(e) => return Err(e.to_string()),
            };
            let file = handles::file_of(&handle).await.map_err(unreadable)?;
            unchanged(file, wanted)
        }
        ItemSource::Folder { folder_id, path } => {
            let file = open_in_folder(store, folder_id, path).await?;
            unchanged(file, wanted)
        }
    }
}

/// A sidecar of a backup folder's file; None when it cannot be read (the photo goes without).
pub async fn open_sidecar(store: &Store, source: &ItemSource, path: &str) -> Option<File> {
    match source {
        ItemSource::Folder { folder_id, .. } => open_in_folder(store, folder_id, path).await.ok(),
        _ => None,
    }
}

async fn open_in_folder(store: &Store, folder_id: &str, path: &str) -> Result<File, String> {
    let root = match store.folder_handle(folder_id).await {
        Ok(Some(root)) => root,
        Ok(None) => return Err("its backup folder was removed".into()),
        Err(e) => return Err(e.to_string()),
    };
    handles::open_path(&root, path).await.map_err(unreadable)
}

fn unchanged(file: File, wanted: &Wanted) -> Result<Blob, String> {
    let modified = file.last_modified() as i64;
    if file.size() as u64 != wanted.size || modified != wanted.modified_at_ms {
        return Err(
            "the file changed since it was found; the next scan backs up the new version".into(),
        );
    }
    Ok(file.into())
}

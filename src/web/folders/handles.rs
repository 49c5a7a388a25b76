//! The File System Access API as the scan and the reads need it: the read permission of a
//! stored folder, its entries one at a time, and a file found again by its path.

use js_sys::{AsyncIterator, Reflect};
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemHandle};

#[derive(Debug, Error)]
pub enum HandleError {
    /// The folder or file is no longer where it was (deleted, moved or renamed).
    #[error("not found: {0}")]
    NotFound(String),
    /// The browser no longer lets us read it.
    #[error("no permission to read it")]
    NoPermission,
    #[error("{0}")]
    Other(String),
}

impl From<JsValue> for HandleError {
    fn from(value: JsValue) -> Self {
        let name = Reflect::get(&value, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        let message = value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "unknown error".into());
        match name.as_str() {
            "NotFoundError" | "TypeMismatchError" => HandleError::NotFound(message),
            "NotAllowedError" | "SecurityError" => HandleError::NoPermission,
            _ => HandleError::Other(message),
        }
    }
}

/// Whether the folder may be read now without asking the user. `queryPermission` is not in
/// web-sys's stable API, so it is called by name.
pub async fn may_read(folder: &FileSystemDirectoryHandle) -> Result<bool, HandleError> {
    let descriptor = js_sys::Object::new();
    Reflect::set(&descriptor, &"mode".into(), &"read".into())?;
    let query: js_sys::Function = Reflect::get(folder, &"queryPermission".into())?
        .dyn_into()
        .map_err(|_| HandleError::Other("queryPermission is missing".into()))?;
    let promise: js_sys::Promise = query.call1(folder, &descriptor)?.dyn_into()?;
    let state = JsFuture::from(promise).await?;
    Ok(state.as_string().as_deref() == Some("granted"))
}

/// One entry of a folder, as the walk hands it out.
pub enum Entry {
    File(FileSystemFileHandle, String),
    Directory(FileSystemDirectoryHandle, String),
}

/// The entries of one directory, read one at a time: a folder of any size costs one entry of
/// memory here.
pub struct DirEntries {
    values: AsyncIterator,
}

impl DirEntries {
    pub fn new(dir: &FileSystemDirectoryHandle) -> DirEntries {
        DirEntries {
            values: dir.values(),
        }
    }

    pub async fn next(&mut self) -> Result<Option<Entry>, HandleError> {
        let step = JsFuture::from(self.values.next()?).await?;
        if Reflect::get(&step, &"done".into())?.as_bool() == Some(true) {
            return Ok(None);
        }
        let value = Reflect::get(&step, &"value".into())?;
        let handle: FileSystemHandle = value
            .dyn_into()
            .map_err(|_| HandleError::Other("a folder entry is not a file system handle".into()))?;
        let name = handle.name();
        Ok(Some(match handle.kind() {
            web_sys::FileSystemHandleKind::Directory => {
                Entry::Directory(handle.unchecked_into(), name)
            }
            _ => Entry::File(handle.unchecked_into(), name),
        }))
    }
}

pub async fn file_of(handle: &FileSystemFileHandle) -> Result<File, HandleError> {
    Ok(JsFuture::from(handle.get_file()).await?.unchecked_into())
}

/// The file at `path` ('/'-separated) under `root`, found again from its folder.
pub async fn open_path(root: &FileSystemDirectoryHandle, path: &str) -> Result<File, HandleError> {
    let mut dir = root.clone();
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            let file: FileSystemFileHandle = JsFuture::from(dir.get_file_handle(part))
                .await?
                .unchecked_into();
            return file_of(&file).await;
        }
        dir = JsFuture::from(dir.get_directory_handle(part))
            .await?
            .unchecked_into();
    }
    Err(HandleError::NotFound(path.to_owned()))
}

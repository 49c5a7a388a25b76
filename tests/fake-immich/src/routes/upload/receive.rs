//! Reads the multipart upload: the file part goes straight to disk while its SHA-1 is computed,
//! so a large file never sits in memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::extract::multipart::{Field, Multipart, MultipartError};
use tokio::io::AsyncWriteExt;

use crate::checksum::Sha1;
use crate::error::ApiError;
use crate::store::Sidecar;

/// Text fields are tiny in practice (a dozen short ones); the caps stop a client from filling
/// memory through them. The file part has no cap: it goes to disk.
const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;
const MAX_PARTS: usize = 64;

/// A file under the incoming directory, deleted on drop unless moved into place.
pub struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    pub fn persist(mut self, destination: &Path) -> std::io::Result<()> {
        if let Some(path) = self.path.take() {
            std::fs::rename(&path, destination)?;
        }
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Best effort: a leftover part file only wastes space.
            let _ = std::fs::remove_file(path);
        }
    }
}

pub struct ReceivedFile {
    pub temp: TempFile,
    /// The name the client gave the part, if any.
    pub file_name: Option<String>,
    pub checksum: Sha1,
    pub size: u64,
}

pub struct ReceivedForm {
    pub asset: Option<ReceivedFile>,
    pub sidecar: Option<Sidecar>,
    pub fields: HashMap<String, String>,
}

fn bad_multipart(error: MultipartError) -> ApiError {
    ApiError::BadRequest(format!("invalid multipart body: {}", error.body_text()))
}

pub async fn receive(
    mut multipart: Multipart,
    incoming_dir: &Path,
) -> Result<ReceivedForm, ApiError> {
    let mut form = ReceivedForm {
        asset: None,
        sidecar: None,
        fields: HashMap::new(),
    };
    let mut parts = 0;
    while let Some(field) = multipart.next_field().await.map_err(bad_multipart)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::BadRequest(format!(
                "the form has more than {MAX_PARTS} fields"
            )));
        }
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "assetData" if form.asset.is_some() => {
                return Err(ApiError::BadRequest("assetData was sent twice".into()));
            }
            "assetData" => form.asset = Some(save_file(field, incoming_dir).await?),
            "sidecarData" if form.sidecar.is_some() => {
                return Err(ApiError::BadRequest("sidecarData was sent twice".into()));
            }
            "sidecarData" => form.sidecar = Some(measure(field).await?),
            _ => {
                let text = read_text(field, &name).await?;
                form.fields.insert(name, text);
            }
        }
    }
    Ok(form)
}

async fn save_file(mut field: Field<'_>, incoming_dir: &Path) -> Result<ReceivedFile, ApiError> {
    let file_name = field.file_name().map(str::to_string);
    let path = incoming_dir.join(format!("{}.part", uuid::Uuid::new_v4()));
    let mut file = tokio::fs::File::create(&path).await?;
    let temp = TempFile { path: Some(path) };
    let mut hasher = sha1_smol::Sha1::new();
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(bad_multipart)? {
        hasher.update(&chunk);
        size += chunk.len() as u64;
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    file.sync_all().await?;
    Ok(ReceivedFile {
        temp,
        file_name,
        checksum: hasher.digest().bytes(),
        size,
    })
}

/// Only the sidecar's size and SHA-1 are kept (nothing here reads XMP), so it needs no storage.
async fn measure(mut field: Field<'_>) -> Result<Sidecar, ApiError> {
    let mut hasher = sha1_smol::Sha1::new();
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(bad_multipart)? {
        hasher.update(&chunk);
        size += chunk.len() as u64;
    }
    Ok(Sidecar {
        size,
        checksum: hasher.digest().bytes(),
    })
}

async fn read_text(mut field: Field<'_>, name: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(bad_multipart)? {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
            return Err(ApiError::BadRequest(format!(
                "field {name} is larger than {} KiB",
                MAX_TEXT_FIELD_BYTES / 1024
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::BadRequest(format!("field {name} is not UTF-8")))
}

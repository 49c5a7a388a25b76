//! The seeded user's API key when none is given on the command line: random, and kept in the
//! data folder so a restart keeps it and a launcher (`npm start`) can read it from there.

use std::io::Write;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "api-key";

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("reading {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is empty; delete it to have a new key made", path.display())]
    Empty { path: PathBuf },
}

/// The key stored in `data_dir`, made and stored first if there is none.
pub fn load_or_create(data_dir: &Path) -> Result<String, KeyFileError> {
    let path = data_dir.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().is_empty() => Err(KeyFileError::Empty { path }),
        Ok(text) => Ok(text.trim().to_string()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => create(&path),
        Err(source) => Err(KeyFileError::Read { path, source }),
    }
}

fn create(path: &Path) -> Result<String, KeyFileError> {
    // 32 bytes from the operating system's generator (244 random bits) as 64 hex digits.
    let key = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    // Written under another name, then renamed: whoever waits for the file never reads half.
    let temp = path.with_extension("tmp");
    let written = write_private(&temp, &format!("{key}\n"))
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|source| KeyFileError::Write {
            path: path.to_path_buf(),
            source,
        });
    if written.is_err() {
        // Best effort: a leftover is replaced on the next start anyway.
        let _ = std::fs::remove_file(&temp);
    }
    written.map(|()| key)
}

/// Creates `path` readable by its owner only (on unix), replacing a leftover from a crash.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

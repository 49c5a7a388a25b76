//! The scan's first phase: what a walk of a folder sees, compared with what it recorded.
//!
//! Each scan has a generation. Every file the walk sees gets an entry stamped with it; once a
//! walk has seen the whole folder, an entry with an older stamp is a file that is gone. A walk
//! cut short (a kill, a stopped run) leaves the folder's scan incomplete, and the next scan
//! reuses its generation, so what the first walk stamped is not written again. The price: a
//! file deleted between the two walks keeps its entry until the scan after.

use serde::{Deserialize, Serialize};

use super::{split_path, FileKind, MediaTypes};
use crate::core::checksum::hex;
use crate::core::sha1::Sha1;

/// Whether the browser lets the worker read a folder.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FolderStatus {
    #[default]
    Ok,
    /// The browser dropped the read permission: the page's one click asks for it again.
    NeedsPermission,
    /// The folder is gone or moved; its files' records stay.
    Missing { message: String },
}

/// A backup folder as stored (without its directory handle, which the web side keeps).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderRecord {
    pub id: String,
    /// The directory's name, shown in the page and used as the album's name.
    pub name: String,
    /// Subfolders not backed up: '/'-separated paths inside the folder ("2019/raw").
    #[serde(default)]
    pub excluded: Vec<String>,
    /// Whether the folder's assets are added to an album named after it.
    #[serde(default)]
    pub album: bool,
    /// The generation of the current or last scan.
    pub scan_gen: u64,
    /// Whether the scan of `scan_gen` walked the whole folder.
    pub scan_complete: bool,
    pub added_at_ms: i64,
    #[serde(default)]
    pub status: FolderStatus,
    /// When a scan last completed.
    pub last_scan_at_ms: Option<i64>,
    /// Media files found by the last complete scan.
    pub files: u64,
    /// Files of types the server does not take, found by the last complete scan.
    pub skipped: u64,
}

impl FolderRecord {
    pub fn new(id: impl Into<String>, name: impl Into<String>, now_ms: i64) -> FolderRecord {
        FolderRecord {
            id: id.into(),
            name: name.into(),
            excluded: Vec::new(),
            album: false,
            scan_gen: 0,
            scan_complete: true,
            added_at_ms: now_ms,
            status: FolderStatus::Ok,
            last_scan_at_ms: None,
            files: 0,
            skipped: 0,
        }
    }

    /// Starts a scan and returns its generation: a new one after a complete scan, the same
    /// one when the last scan was cut short. Store the record before the walk writes entries.
    pub fn begin_scan(&mut self) -> u64 {
        if self.scan_complete {
            self.scan_gen = self.scan_gen.saturating_add(1);
            self.scan_complete = false;
        }
        self.scan_gen
    }

    /// The walk saw the whole folder and the queueing pass is over: the counts are the walk's.
    /// A complete walk also proves the folder is there and readable.
    pub fn finish_scan(&mut self, now_ms: i64, files: u64, skipped: u64) {
        self.scan_complete = true;
        self.last_scan_at_ms = Some(now_ms);
        self.files = files;
        self.skipped = skipped;
        self.status = FolderStatus::Ok;
    }

    /// Whether the walk leaves out this directory ('/'-separated, inside the folder): one the
    /// user excluded or one inside it, and hidden ones (".thumbnails", ".git"), as the Immich
    /// CLI does without `--include-hidden`.
    pub fn excludes(&self, dir_path: &str) -> bool {
        let dir = dir_path.trim_matches('/');
        if dir.split('/').any(is_hidden) {
            return true;
        }
        self.excluded.iter().any(|excluded| {
            let excluded = excluded.trim_matches('/');
            !excluded.is_empty()
                && dir
                    .strip_prefix(excluded)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }
}

/// A hidden name (".DS_Store", "._IMG_1.jpg", the resource forks macOS writes on other disks).
fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// What the scan recorded of one file of a folder: images, videos and sidecars; files of
/// other types are counted, not recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderEntry {
    /// The folder and the path are the store's key (`entry_key`), not repeated in the value.
    #[serde(skip)]
    pub folder_id: String,
    /// '/'-separated, inside the folder: "a/b/IMG_1.jpg".
    #[serde(skip)]
    pub path: String,
    pub size: u64,
    pub modified_at_ms: i64,
    pub kind: FileKind,
    /// The generation of the last scan that saw the file.
    pub seen_in_scan: u64,
    /// This version (size, mtime) of the file has its queue row.
    pub queued: bool,
}

impl FolderEntry {
    /// The file's name, without its directory.
    pub fn name(&self) -> &str {
        split_path(&self.path).1
    }

    /// The directory the file is in, "" at the folder's top.
    pub fn dir(&self) -> &str {
        split_path(&self.path).0
    }
}

/// The store's key of an entry: a folder's entries are one key range, and in key order the
/// files of a directory that share a stem are neighbours ("IMG_1.HEIC", "IMG_1.MOV").
pub fn entry_key(folder_id: &str, path: &str) -> String {
    format!("{folder_id}\u{0}{path}")
}

/// The queue id of a file's version: the same file, size and mtime always give the same id, so
/// a scan run again after a kill writes the same row, never a second one.
/// Short, since it is stored in every row and its key: 64 bits of SHA-1 leave a collision
/// among one user's files out of reach.
pub fn queue_id(entry: &FolderEntry) -> String {
    let version = format!(
        "{}\u{0}{}\u{0}{}\u{0}{}",
        entry.folder_id, entry.path, entry.size, entry.modified_at_ms
    );
    let mut sha = Sha1::new();
    sha.update(version.as_bytes());
    let digest = sha.digest();
    format!("f{}", hex(&digest[..8]))
}

/// A file as the walk sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenFile {
    pub path: String,
    pub size: u64,
    pub modified_at_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Not recorded before.
    New,
    /// Its size, mtime or kind differ from the record: it is queued (and hashed) again.
    Changed,
    Unchanged,
    /// A type the server does not take, or a hidden file: not recorded.
    Skipped,
}

/// What the walk makes of one seen file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    pub kind: FileKind,
    pub change: Change,
    /// The entry to write, or None when there is nothing to write (skipped, or already
    /// stamped by this generation's earlier walk).
    pub entry: Option<FolderEntry>,
    /// The queue row of the version a changed file replaces: removed, or the file would count
    /// twice.
    pub stale_row: Option<String>,
}

/// Compares a seen file with its record (None: not recorded) in the scan `gen`.
pub fn observe(
    recorded: Option<&FolderEntry>,
    seen: &SeenFile,
    folder_id: &str,
    gen: u64,
    media: &MediaTypes,
) -> Observation {
    let name = split_path(&seen.path).1;
    let kind = if is_hidden(name) {
        FileKind::Other
    } else {
        media.kind(name)
    };
    if kind == FileKind::Other {
        return Observation {
            kind,
            change: Change::Skipped,
            entry: None,
            stale_row: None,
        };
    }
    let mut stale_row = None;
    let (change, entry) = match recorded {
        Some(old)
            if old.size == seen.size
                && old.modified_at_ms == seen.modified_at_ms
                && old.kind == kind =>
        {
            let stamp = (old.seen_in_scan != gen).then(|| FolderEntry {
                seen_in_scan: gen,
                ..old.clone()
            });
            (Change::Unchanged, stamp)
        }
        old => {
            let change = match old {
                Some(old) => {
                    stale_row = old.queued.then(|| queue_id(old));
                    Change::Changed
                }
                None => Change::New,
            };
            let fresh = FolderEntry {
                folder_id: folder_id.to_owned(),
                path: seen.path.clone(),
                size: seen.size,
                modified_at_ms: seen.modified_at_ms,
                kind,
                seen_in_scan: gen,
                queued: false,
            };
            (change, Some(fresh))
        }
    };
    Observation {
        kind,
        change,
        entry,
        stale_row,
    }
}

/// After a complete walk of the scan `gen`: whether the file of this entry is gone. Never ask
/// before the walk is complete: a file not reached yet would look gone.
pub fn is_gone(entry: &FolderEntry, gen: u64) -> bool {
    entry.seen_in_scan != gen
}

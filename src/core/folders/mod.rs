//! Backup folders: folders the user chose once, read in place, whose new and changed media
//! files are found by a scan at every run. Pure decisions; the web side walks the directory
//! handles and reads and writes IndexedDB (src/web/folders/, src/web/store/folders.rs).
//!
//! A scan of one folder, and why a kill anywhere in it is safe:
//!
//! ```text
//! gen = folder.begin_scan(); store the folder        same gen again after a cut-short scan
//! walk (skip dirs folder.excludes()), in batches:
//!     observe(recorded entry, seen file, ..)  ->      write the entries it returns
//!     (kind and change: count files and skipped)      (stamped seen_in_scan = gen)
//! only after the whole walk, one pass over the folder's entries in key order:
//!     is_gone(entry, gen)  -> forget the entry        (its queue row stays)
//!     else grouper.push(entry) -> groups -> plan_group -> (entry marked queued, queue row)
//!     write each page's marks, rows and forgets in one transaction; a stored row with the
//!     same id stays if finished (`QueueItem::may_replace`); grouper.finish() at the end
//! folder.finish_scan(now, files, skipped); store the folder
//! ```
//!
//! A file is recognised by (path, size, mtime): an unchanged one is not queued or hashed
//! again, a changed one gets a new queue id (`queue_id`). A queue row and the mark on its
//! entry are written together, and the id of a version never changes, so a scan run again
//! after a kill writes the same row again, never a second one.

mod media_types;
mod pairing;
mod report;
mod scan;
mod view;

pub use media_types::{FileKind, MediaTypes};
pub use pairing::{plan_group, Grouper, GROUP_LIMIT};
pub use report::{problems_notification, FolderScan};
pub use scan::{
    entry_key, is_gone, observe, queue_id, Change, FolderEntry, FolderRecord, FolderStatus,
    Observation, SeenFile,
};
pub use view::{BackupFolder, FolderState};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FolderError {
    #[error("the server's media types could not be read: {0}")]
    MediaTypes(String),
    #[error("the server listed no image or video type")]
    NoMediaTypes,
}

/// "a/b/IMG_1.jpg" -> ("a/b", "IMG_1.jpg"); at the folder's top the directory is "".
fn split_path(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(slash) => (&path[..slash], &path[slash + 1..]),
        None => ("", path),
    }
}

/// "IMG_1.HEIC.xmp" -> ("IMG_1.HEIC", Some("xmp")). A name without a dot, or with only a
/// leading one (".DS_Store"), has no extension.
fn split_ext(name: &str) -> (&str, Option<&str>) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], Some(&name[dot + 1..])),
        _ => (name, None),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

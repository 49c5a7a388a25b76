//! The scan's second phase: a pass over a folder's entries in key order that queues the media
//! files not queued yet, each with its sidecar and its live-photo video.
//!
//! In key order, every file that a photo pairs with starts with the photo's stem and a dot
//! ("IMG_1." for "IMG_1.HEIC": "IMG_1.HEIC.xmp", "IMG_1.MOV", "IMG_1.xmp"), and the names that
//! start with it are one run of keys. Other entries may sit inside that run (the group of
//! "IMG_1.HEIC.xmp", a stem with a dot such as "IMG_1.edit.jpg", a subfolder "IMG_1.d/"), so
//! the `Grouper` keeps a group open as long as the keys are inside its run: a few groups at a
//! time, one per dot or slash of the current path at most, each of at most `GROUP_LIMIT`
//! entries. A folder of any size is paired in bounded memory.

use crate::core::backup::{ItemSource, QueueItem};

use super::{queue_id, split_ext, split_path, FileKind, FolderEntry, FolderRecord};

/// The most entries one group holds. A bigger one (the same stem with more than 64
/// extensions) is handed out in parts, and pairs across parts are not made.
pub const GROUP_LIMIT: usize = 64;

struct OpenGroup {
    dir: String,
    /// The stem the group's files share.
    key: String,
    /// "dir/key.": the group's files start with it; in key order, once an entry does not, no
    /// later one does.
    prefix: String,
    entries: Vec<FolderEntry>,
}

/// Groups a folder's entries, pushed in key order (`entry_key`; IndexedDB's order of strings
/// does), into the groups that `plan_group` pairs within: the files of one directory that share
/// a stem. Every entry comes out in one group, except a sidecar, which may come out in two:
/// "a.b.xmp" belongs with "a.b" (a photo named so) or with "a.b.jpg".
#[derive(Default)]
pub struct Grouper {
    open: Vec<OpenGroup>,
}

impl Grouper {
    pub fn new() -> Grouper {
        Grouper::default()
    }

    /// Takes the next entry; returns the groups that no later entry can join.
    pub fn push(&mut self, entry: FolderEntry) -> Vec<Vec<FolderEntry>> {
        let (open, closed): (Vec<_>, Vec<_>) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(|group| entry.path.starts_with(&group.prefix));
        self.open = open;
        let mut done: Vec<Vec<FolderEntry>> = closed
            .into_iter()
            .map(|group| group.entries)
            .filter(|entries| !entries.is_empty())
            .collect();
        let (dir, name) = split_path(&entry.path);
        let (dir, stem) = (dir.to_owned(), split_ext(name).0.to_owned());
        if entry.kind == FileKind::Sidecar {
            if let (outer, Some(_)) = split_ext(&stem) {
                self.add(&dir, outer, entry.clone(), &mut done);
            }
        }
        self.add(&dir, &stem, entry, &mut done);
        done
    }

    /// The groups still open once the last entry was pushed.
    pub fn finish(self) -> Vec<Vec<FolderEntry>> {
        self.open
            .into_iter()
            .map(|group| group.entries)
            .filter(|entries| !entries.is_empty())
            .collect()
    }

    fn add(&mut self, dir: &str, key: &str, entry: FolderEntry, done: &mut Vec<Vec<FolderEntry>>) {
        let index = match self
            .open
            .iter()
            .position(|group| group.dir == dir && group.key == key)
        {
            Some(index) => index,
            None => {
                let prefix = if dir.is_empty() {
                    format!("{key}.")
                } else {
                    format!("{dir}/{key}.")
                };
                self.open.push(OpenGroup {
                    dir: dir.to_owned(),
                    key: key.to_owned(),
                    prefix,
                    entries: Vec::new(),
                });
                self.open.len() - 1
            }
        };
        let group = &mut self.open[index];
        if group.entries.len() >= GROUP_LIMIT {
            done.push(std::mem::take(&mut group.entries));
        }
        group.entries.push(entry);
    }
}

/// The queue rows of a group's media files not queued yet, each with its entry marked queued:
/// write both in one transaction, and keep a stored row with the same id (`may_replace`).
/// Sidecars and other files are never queued. A photo gets its sidecar ("IMG_1.jpg.xmp", else
/// "IMG_1.xmp") and the queue id of a video of the same stem ("IMG_1.MOV"): a live photo,
/// whose video the engine uploads first. The pairs are looked for in the whole group,
/// including entries queued by an earlier scan.
pub fn plan_group(
    group: &[FolderEntry],
    folder: &FolderRecord,
    now_ms: i64,
) -> Vec<(FolderEntry, QueueItem)> {
    group
        .iter()
        .filter(|entry| entry.kind.is_media() && !entry.queued)
        .map(|entry| {
            let mut item = QueueItem::new(
                queue_id(entry),
                entry.name(),
                entry.size,
                entry.modified_at_ms,
                now_ms,
            );
            item.source = ItemSource::Folder {
                folder_id: entry.folder_id.clone(),
                path: entry.path.clone(),
            };
            item.sidecar = sidecar_of(entry, group).map(|sidecar| sidecar.path.clone());
            if entry.kind == FileKind::Image {
                item.live_video = live_video_of(entry, group).map(queue_id);
            }
            item.album = folder.album.then(|| folder.name.clone());
            let marked = FolderEntry {
                queued: true,
                ..entry.clone()
            };
            (marked, item)
        })
        .collect()
}

/// The same stem in the same case, the same extension in any case: "IMG_1.jpg", "IMG_1.JPG".
fn same_name(a: &str, b: &str) -> bool {
    match (split_ext(a), split_ext(b)) {
        ((stem_a, Some(ext_a)), (stem_b, Some(ext_b))) => {
            stem_a == stem_b && ext_a.eq_ignore_ascii_case(ext_b)
        }
        _ => false,
    }
}

/// "IMG_1.jpg.xmp" for "IMG_1.jpg", else "IMG_1.xmp" (the two names Immich looks for).
fn sidecar_of<'a>(media: &FolderEntry, group: &'a [FolderEntry]) -> Option<&'a FolderEntry> {
    let stem = split_ext(media.name()).0;
    let sidecars = || {
        group
            .iter()
            .filter(|entry| entry.kind == FileKind::Sidecar && entry.dir() == media.dir())
    };
    sidecars()
        .find(|sidecar| same_name(split_ext(sidecar.name()).0, media.name()))
        .or_else(|| sidecars().find(|sidecar| split_ext(sidecar.name()).0 == stem))
}

/// The first video (in key order) of the image's directory and stem.
fn live_video_of<'a>(image: &FolderEntry, group: &'a [FolderEntry]) -> Option<&'a FolderEntry> {
    let stem = split_ext(image.name()).0;
    group.iter().find(|entry| {
        entry.kind == FileKind::Video
            && entry.dir() == image.dir()
            && split_ext(entry.name()).0 == stem
    })
}

//! The scan of the backup folders, run at the start of every backup run: walks each folder one
//! directory entry at a time, records what it sees in batches, then queues new and changed
//! media files in one pass over the folder's entries in key order (so that a photo finds its
//! sidecar and its live-photo video). `core::folders` decides; this file reads and writes.
//!
//! A kill at any point is safe: the folder's scan generation is reused by the next scan, the
//! walk finds what it recorded unchanged, and a file is queued together with the mark on its
//! entry, so never twice.

use futures_util::future::join_all;
use web_sys::{FileSystemDirectoryHandle, FileSystemFileHandle};

use crate::core::backup::QueueItem;
use crate::core::folders::{
    is_gone, observe, plan_group, FileKind, FolderEntry, FolderRecord, FolderScan, FolderStatus,
    Grouper, MediaTypes, SeenFile,
};
use crate::web::console::now_ms;
use crate::web::store::{Store, StoreError};

use super::handles::{self, DirEntries, Entry, HandleError};

/// Files looked at before their records are read and written in one go.
const WALK_BATCH: usize = 200;
/// Entries read at a time in the queueing pass.
const QUEUE_PAGE: u32 = 500;

/// Scans one folder; `keep_going` is asked between batches (false: the run is being stopped,
/// and the scan resumes with the next run).
pub async fn scan_folder(
    store: &Store,
    folder: &mut FolderRecord,
    media: &MediaTypes,
    keep_going: &mut dyn FnMut() -> bool,
) -> Result<FolderScan, StoreError> {
    let outcome = match store.folder_handle(&folder.id).await? {
        None => FolderScan::Missing("its handle is no longer stored".into()),
        Some(root) => match handles::may_read(&root).await {
            Ok(true) => walk_and_queue(store, folder, &root, media, keep_going).await?,
            Ok(false) | Err(HandleError::NoPermission) => FolderScan::NeedsPermission,
            Err(HandleError::NotFound(message)) => FolderScan::Missing(message),
            Err(HandleError::Other(message)) => FolderScan::Incomplete(message),
        },
    };
    folder.status = match &outcome {
        FolderScan::Complete { .. } | FolderScan::Incomplete(_) => FolderStatus::Ok,
        FolderScan::NeedsPermission => FolderStatus::NeedsPermission,
        FolderScan::Missing(message) => FolderStatus::Missing {
            message: message.clone(),
        },
    };
    store.save_folder(folder).await?;
    Ok(outcome)
}

async fn walk_and_queue(
    store: &Store,
    folder: &mut FolderRecord,
    root: &FileSystemDirectoryHandle,
    media: &MediaTypes,
    keep_going: &mut dyn FnMut() -> bool,
) -> Result<FolderScan, StoreError> {
    let generation = folder.begin_scan();
    store.save_folder(folder).await?;
    let mut walk = Walk {
        store,
        folder,
        media,
        generation,
        batch: Vec::with_capacity(WALK_BATCH),
        files: 0,
        skipped: 0,
    };
    // A subfolder that cannot be read is passed over: the rest is still queued, and nothing
    // is forgotten as gone until a walk reads everything.
    let mut unreadable: Option<String> = None;
    let mut dirs = vec![(root.clone(), String::new())];
    while let Some((dir, prefix)) = dirs.pop() {
        let mut entries = DirEntries::new(&dir);
        loop {
            let entry = match entries.next().await {
                Ok(Some(entry)) => entry,
                Ok(None) => break,
                Err(HandleError::NotFound(message)) if prefix.is_empty() => {
                    return Ok(FolderScan::Missing(message));
                }
                Err(error) => {
                    unreadable.get_or_insert(format!("{prefix}: {error}"));
                    break;
                }
            };
            match entry {
                Entry::Directory(handle, name) => {
                    let path = format!("{prefix}{name}");
                    if !walk.folder.excludes(&path) {
                        dirs.push((handle, format!("{path}/")));
                    }
                }
                Entry::File(handle, name) => {
                    walk.batch.push((format!("{prefix}{name}"), handle));
                    if walk.batch.len() >= WALK_BATCH {
                        walk.record().await?;
                        if !keep_going() {
                            return Ok(FolderScan::Incomplete("the run was stopped".into()));
                        }
                    }
                }
            }
        }
    }
    walk.record().await?;
    let (files, skipped) = (walk.files, walk.skipped);
    let complete = unreadable.is_none();
    let queued = queue_and_forget(store, &*walk.folder, generation, complete).await?;
    if let Some(why) = unreadable {
        return Ok(FolderScan::Incomplete(why));
    }
    walk.folder.finish_scan(now_ms(), files, skipped);
    Ok(FolderScan::Complete { queued })
}

/// The walk's batch of seen files and what it has counted.
struct Walk<'a> {
    store: &'a Store,
    folder: &'a mut FolderRecord,
    media: &'a MediaTypes,
    generation: u64,
    batch: Vec<(String, FileSystemFileHandle)>,
    files: u64,
    skipped: u64,
}

impl Walk<'_> {
    /// Compares the batch with what was recorded and writes what changed.
    async fn record(&mut self) -> Result<(), StoreError> {
        let batch = std::mem::take(&mut self.batch);
        // The batch's files are asked for their size and mtime at once, not one after another.
        let files = join_all(batch.iter().map(|(_, handle)| handles::file_of(handle))).await;
        let seen: Vec<SeenFile> = batch
            .into_iter()
            .zip(files)
            // A file deleted while the walk runs is simply not seen.
            .filter_map(|((path, _), file)| {
                let file = file.ok()?;
                Some(SeenFile {
                    path,
                    size: file.size() as u64,
                    modified_at_ms: file.last_modified() as i64,
                })
            })
            .collect();
        let paths: Vec<String> = seen.iter().map(|file| file.path.clone()).collect();
        let recorded = self.store.folder_entries(&self.folder.id, &paths).await?;
        let mut writes = Vec::new();
        let mut stale_rows = Vec::new();
        for (file, recorded) in seen.iter().zip(recorded) {
            let observation = observe(
                recorded.as_ref(),
                file,
                &self.folder.id,
                self.generation,
                self.media,
            );
            match observation.kind {
                FileKind::Image | FileKind::Video => self.files += 1,
                FileKind::Other => self.skipped += 1,
                FileKind::Sidecar => {}
            }
            stale_rows.extend(observation.stale_row);
            writes.extend(observation.entry);
        }
        self.store.put_folder_entries(&writes, &stale_rows).await
    }
}

/// One pass over the folder's entries in key order: media files not queued yet are queued
/// (with their sidecar and live-photo video), entries not seen by a `complete` walk are
/// forgotten. Returns how many files were queued.
async fn queue_and_forget(
    store: &Store,
    folder: &FolderRecord,
    generation: u64,
    complete: bool,
) -> Result<u32, StoreError> {
    let now = now_ms();
    let mut grouper = Grouper::new();
    let mut after: Option<String> = None;
    let mut queued = 0u32;
    loop {
        let page = store
            .folder_entries_after(&folder.id, after.as_deref(), QUEUE_PAGE)
            .await?;
        let last_page = page.len() < QUEUE_PAGE as usize;
        after = page.last().map(|entry| entry.path.clone());
        let mut gone: Vec<FolderEntry> = Vec::new();
        let mut planned = Vec::new();
        for entry in page {
            if complete && is_gone(&entry, generation) {
                gone.push(entry);
                continue;
            }
            for group in grouper.push(entry) {
                planned.extend(plan_group(&group, folder, now));
            }
        }
        if last_page {
            for group in grouper.finish() {
                planned.extend(plan_group(&group, folder, now));
            }
            return commit(store, &planned, &gone, queued).await;
        }
        queued = commit(store, &planned, &gone, queued).await?;
    }
}

/// Writes one page's queued files and forgotten entries; returns the count queued so far.
async fn commit(
    store: &Store,
    planned: &[(FolderEntry, QueueItem)],
    gone: &[FolderEntry],
    queued: u32,
) -> Result<u32, StoreError> {
    store.commit_scan_batch(planned, gone).await?;
    Ok(queued.saturating_add(u32::try_from(planned.len()).unwrap_or(u32::MAX)))
}

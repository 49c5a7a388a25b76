//! The simulated folder on disk and store, and the scan as the web side runs it.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::super::tests::media;
use super::super::*;
use super::{checked, idb_key, path_of, shuffled, Step, FOLDER};
use crate::core::backup::{ItemSource, ItemState, QueueItem};

pub(super) struct World {
    media: MediaTypes,
    /// The folder on disk: path -> (size, mtime).
    files: BTreeMap<String, (u64, i64)>,
    /// Every version a file ever had: mtimes only grow, so no two are alike.
    versions: BTreeSet<(String, u64, i64)>,
    /// Versions whose entry a scan forgot (gone, or in a subfolder excluded since): only these
    /// may be planned again, and then they get the same row.
    forgotten: BTreeSet<(String, u64, i64)>,
    clock: i64,
    /// What the store holds.
    folder: FolderRecord,
    entries: BTreeMap<Vec<u16>, FolderEntry>,
    pub(super) queue: BTreeMap<String, QueueItem>,
}

impl World {
    pub(super) fn new(album: bool) -> World {
        let mut folder = FolderRecord::new(FOLDER, "Camera", 0);
        folder.album = album;
        World {
            media: media(),
            files: BTreeMap::new(),
            versions: BTreeSet::new(),
            forgotten: BTreeSet::new(),
            clock: 1_000,
            folder,
            entries: BTreeMap::new(),
            queue: BTreeMap::new(),
        }
    }

    fn write(&mut self, path: String, size: u64) {
        self.clock += 1;
        self.versions.insert((path.clone(), size, self.clock));
        self.files.insert(path, (size, self.clock));
    }

    pub(super) fn edit(&mut self, step: Step) -> Result<(), TestCaseError> {
        let nth = |files: &BTreeMap<String, (u64, i64)>, n: usize| {
            (!files.is_empty())
                .then(|| files.keys().nth(n % files.len()).cloned())
                .flatten()
        };
        match step {
            Step::Write(d, s, e, size) => self.write(path_of(d, s, e), size),
            Step::Touch(n, grow) => {
                if let Some(path) = nth(&self.files, n) {
                    let size = self.files[&path].0 + u64::from(grow);
                    self.write(path, size);
                }
            }
            Step::Remove(n) => {
                if let Some(path) = nth(&self.files, n) {
                    self.files.remove(&path);
                }
            }
            Step::ToggleExcluded => {
                self.folder.excluded = match self.folder.excluded.is_empty() {
                    true => vec!["skip".into()],
                    false => Vec::new(),
                }
            }
            Step::Upload(n) => {
                let id = (!self.queue.is_empty())
                    .then(|| self.queue.keys().nth(n % self.queue.len()).cloned())
                    .flatten();
                if let Some(item) = id.and_then(|id| self.queue.get_mut(&id)) {
                    item.state = ItemState::Done;
                    item.remote_id = Some(format!("asset-{}", item.id));
                }
            }
            Step::Scan(seed, batch, kill) => {
                self.scan(seed, batch, kill)?;
            }
        }
        Ok(())
    }

    /// One scan as the web side runs it; returns whether it completed.
    pub(super) fn scan(
        &mut self,
        seed: u64,
        batch: usize,
        kill: Option<usize>,
    ) -> Result<bool, TestCaseError> {
        let mut writes = 0usize;
        let mut killed = move || {
            writes += 1;
            kill.is_some_and(|k| writes > k)
        };
        let mut folder = self.folder.clone();
        let fresh = folder.scan_complete;
        let gen = folder.begin_scan();
        self.folder = folder.clone();
        if killed() {
            return Ok(false);
        }
        let walked: Vec<SeenFile> = self
            .files
            .iter()
            .filter(|(path, _)| !folder.excludes(path.rsplit_once('/').map_or("", |(d, _)| d)))
            .map(|(path, &(size, modified_at_ms))| SeenFile {
                path: path.clone(),
                size,
                modified_at_ms,
            })
            .collect();
        let walked = shuffled(walked, seed);
        let (mut files, mut skipped) = (0u64, 0u64);
        for chunk in walked.chunks(batch) {
            let mut write = Vec::new();
            for seen in chunk {
                let recorded = self.entries.get(&idb_key(&seen.path));
                let observation = observe(recorded, seen, FOLDER, gen, &self.media);
                match observation.kind {
                    FileKind::Image | FileKind::Video => files += 1,
                    FileKind::Other => skipped += 1,
                    FileKind::Sidecar => {}
                }
                write.extend(observation.entry);
            }
            for entry in write {
                self.entries.insert(idb_key(&entry.path), entry);
            }
            if killed() {
                return Ok(false);
            }
        }

        // Only now, after the whole walk: forget what is gone, queue what is not queued yet.
        let snapshot: Vec<FolderEntry> = self.entries.values().cloned().collect();
        let present: Vec<FolderEntry> = snapshot
            .iter()
            .filter(|e| !is_gone(e, gen))
            .cloned()
            .collect();
        let walked_paths: BTreeSet<&str> = walked.iter().map(|s| s.path.as_str()).collect();
        let mut grouper = Grouper::new();
        let (mut planned, mut gone) = (Vec::new(), Vec::new());
        let mut pushed = snapshot.into_iter().peekable();
        while let Some(entry) = pushed.next() {
            if is_gone(&entry, gen) {
                prop_assert!(
                    !walked_paths.contains(entry.path.as_str()),
                    "a seen file is gone"
                );
                gone.push(entry);
            } else {
                for group in grouper.push(entry) {
                    prop_assert!(group.len() <= GROUP_LIMIT);
                    planned.extend(plan_group(&group, &folder, self.clock));
                }
            }
            if pushed.peek().is_none() {
                for group in std::mem::take(&mut grouper).finish() {
                    planned.extend(plan_group(&group, &folder, self.clock));
                }
            }
            if planned.len() + gone.len() >= batch || pushed.peek().is_none() {
                for row in std::mem::take(&mut planned) {
                    let (entry, item) = checked(row, &present, &folder)?;
                    let version = (entry.path.clone(), entry.size, entry.modified_at_ms);
                    self.entries.insert(idb_key(&entry.path), entry);
                    // As the store does: the same id is the same row, and a finished one stays.
                    if let Some(stored) = self.queue.get(&item.id) {
                        prop_assert!(
                            self.forgotten.contains(&version),
                            "queued twice: {}",
                            item.id
                        );
                        if !item.may_replace(stored) {
                            continue;
                        }
                    }
                    self.queue.insert(item.id.clone(), item);
                }
                for entry in std::mem::take(&mut gone) {
                    self.entries.remove(&idb_key(&entry.path));
                    self.forgotten
                        .insert((entry.path, entry.size, entry.modified_at_ms));
                }
                if killed() {
                    return Ok(false);
                }
            }
        }
        folder.finish_scan(self.clock, files, skipped);
        self.folder = folder;
        self.check_complete(&walked, fresh, files, skipped)?;
        Ok(true)
    }

    fn check_complete(
        &self,
        walked: &[SeenFile],
        fresh: bool,
        files: u64,
        skipped: u64,
    ) -> Result<(), TestCaseError> {
        let mut recordable = BTreeSet::new();
        let (mut media_files, mut others) = (0u64, 0u64);
        for seen in walked {
            let name = seen
                .path
                .rsplit_once('/')
                .map_or(seen.path.as_str(), |(_, n)| n);
            let kind = match name.starts_with('.') {
                true => FileKind::Other,
                false => self.media.kind(name),
            };
            match kind {
                FileKind::Other => {
                    others += 1;
                    continue;
                }
                FileKind::Sidecar => {}
                FileKind::Image | FileKind::Video => media_files += 1,
            }
            recordable.insert(idb_key(&seen.path));
            let entry = self.entries.get(&idb_key(&seen.path));
            prop_assert!(entry.is_some(), "{} not recorded", seen.path);
            let entry = entry.cloned().unwrap_or_else(|| unreachable!());
            prop_assert_eq!(
                (entry.size, entry.modified_at_ms),
                (seen.size, seen.modified_at_ms)
            );
            if kind.is_media() {
                prop_assert!(entry.queued, "{} not queued", seen.path);
                prop_assert!(
                    self.queue.contains_key(&queue_id(&entry)),
                    "no row for {}",
                    seen.path
                );
            }
        }
        prop_assert_eq!((files, skipped), (media_files, others));
        let stored: BTreeSet<Vec<u16>> = self.entries.keys().cloned().collect();
        prop_assert!(stored.is_superset(&recordable));
        if fresh {
            prop_assert_eq!(
                stored,
                recordable,
                "a complete fresh scan forgets what is gone"
            );
        }
        Ok(())
    }

    /// What holds whatever happened: rows only for media files that existed, never hidden.
    pub(super) fn check_rows(&self) -> Result<(), TestCaseError> {
        for item in self.queue.values() {
            let ItemSource::Folder { folder_id, path } = &item.source else {
                return Err(TestCaseError::fail("a folder row of another source"));
            };
            prop_assert_eq!(folder_id.as_str(), FOLDER);
            let version = (path.clone(), item.size, item.modified_at_ms);
            prop_assert!(
                self.versions.contains(&version),
                "a row for no file: {:?}",
                version
            );
            prop_assert!(self.media.kind(&item.name).is_media(), "{} queued", path);
            prop_assert!(
                !path.split('/').any(|part| part.starts_with('.')),
                "{} queued",
                path
            );
            if let Some(video) = &item.live_video {
                prop_assert!(
                    self.queue.contains_key(video),
                    "live video {} not queued",
                    video
                );
            }
        }
        Ok(())
    }
}

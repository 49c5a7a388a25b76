//! The scan over generated folders: files written, changed and removed between scans, walks in
//! any order, kills after any write, subfolders excluded and taken back. A simulated store
//! (entries and queue rows, keyed in IndexedDB's order) stands for the web side.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::tests::media;
use super::*;
use crate::core::backup::{ItemSource, QueueItem};

mod world;
use world::World;

const FOLDER: &str = "f1";
const DIRS: &[&str] = &["", "d", "d/e", "IMG_1.d", "a.b", ".hidden", "skip"];
const STEMS: &[&str] = &[
    "IMG_1",
    "IMG_10",
    "IMG_1.edit",
    "a",
    "a.b",
    "é",
    "\u{1F600}",
    "\u{FF01}",
    "._IMG_1",
];
const EXTS: &[&str] = &[
    "jpg", "JPG", "HEIC", "MOV", "mp4", "xmp", "XMP", "jpg.xmp", "JPG.xmp", "HEIC.xmp", "txt",
];

fn path_of(dir: usize, stem: usize, ext: usize) -> String {
    let name = format!("{}.{}", STEMS[stem], EXTS[ext]);
    match DIRS[dir] {
        "" => name,
        dir => format!("{dir}/{name}"),
    }
}

/// IndexedDB orders string keys by UTF-16 code units, not as Rust does (by code points).
fn idb_key(path: &str) -> Vec<u16> {
    entry_key(FOLDER, path).encode_utf16().collect()
}

fn stem_of(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// The sidecar and live-photo video a media file should get, looked for among ALL the entries
/// of its directory (`all` in key order), without any grouping.
fn expected_pairs(media: &FolderEntry, all: &[FolderEntry]) -> (Option<String>, Option<String>) {
    let name = media.name();
    let stem = stem_of(name);
    let siblings = || all.iter().filter(|e| e.dir() == media.dir());
    let sidecars = || siblings().filter(|e| e.kind == FileKind::Sidecar);
    let full = sidecars().find(|s| {
        let base = stem_of(s.name());
        base.eq_ignore_ascii_case(name) && base.starts_with(&format!("{stem}."))
    });
    let by_stem = sidecars().find(|s| stem_of(s.name()) == stem);
    let live = siblings()
        .filter(|_| media.kind == FileKind::Image)
        .find(|e| e.kind == FileKind::Video && stem_of(e.name()) == stem);
    (full.or(by_stem).map(|s| s.path.clone()), live.map(queue_id))
}

/// Checks one planned row against the whole directory; returns it.
fn checked(
    (entry, item): (FolderEntry, QueueItem),
    all: &[FolderEntry],
    folder: &FolderRecord,
) -> Result<(FolderEntry, QueueItem), TestCaseError> {
    prop_assert!(entry.queued && entry.kind.is_media());
    prop_assert_eq!(&item.id, &queue_id(&entry));
    prop_assert_eq!(item.name.as_str(), entry.name());
    let source = ItemSource::Folder {
        folder_id: FOLDER.into(),
        path: entry.path.clone(),
    };
    prop_assert_eq!(&item.source, &source);
    prop_assert_eq!(
        item.album.clone(),
        folder.album.then(|| folder.name.clone())
    );
    let (sidecar, live) = expected_pairs(&entry, all);
    prop_assert_eq!(&item.sidecar, &sidecar, "sidecar of {}", entry.path);
    prop_assert_eq!(&item.live_video, &live, "live video of {}", entry.path);
    Ok((entry, item))
}

fn shuffled<T>(mut items: Vec<T>, seed: u64) -> Vec<T> {
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
    items
}

#[derive(Clone, Debug)]
enum Step {
    /// A file is written: new, or over one that was there.
    Write(usize, usize, usize, u64),
    /// The n-th file (modulo) gets a new mtime, and maybe a new size.
    Touch(usize, bool),
    Remove(usize),
    /// The subfolder "skip" is excluded, or taken back.
    ToggleExcluded,
    /// The n-th queue row (modulo) is backed up.
    Upload(usize),
    /// A scan: walk order, batch size, and the write after which the worker is killed.
    Scan(u64, usize, Option<usize>),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..DIRS.len(), 0..STEMS.len(), 0..EXTS.len(), 0u64..3)
            .prop_map(|(d, s, e, size)| Step::Write(d, s, e, size)),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(n, grow)| Step::Touch(n, grow)),
        1 => any::<usize>().prop_map(Step::Remove),
        1 => Just(Step::ToggleExcluded),
        1 => any::<usize>().prop_map(Step::Upload),
        3 => (any::<u64>(), 1usize..6, proptest::option::of(0usize..12))
            .prop_map(|(seed, batch, kill)| Step::Scan(seed, batch, kill)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_version_is_queued_once_whatever_the_kills(
        album in any::<bool>(),
        steps in proptest::collection::vec(step(), 1..40),
        seed in any::<u64>(),
    ) {
        let mut world = World::new(album);
        for step in steps {
            world.edit(step)?;
            world.check_rows()?;
        }
        // Two complete scans at the end: the second starts fresh and sees everything as is.
        prop_assert!(world.scan(seed, 3, None)?);
        prop_assert!(world.scan(seed.rotate_left(7), 4, None)?);
        world.check_rows()?;
        let queued = world.queue.len();
        prop_assert!(world.scan(seed.rotate_left(13), 2, None)?);
        prop_assert_eq!(world.queue.len(), queued, "an unchanged folder queues nothing");
    }

    #[test]
    fn grouping_pairs_as_if_the_whole_directory_were_seen(
        picks in proptest::collection::btree_set((0..DIRS.len(), 0..STEMS.len(), 0..EXTS.len()), 0..60),
    ) {
        let media = media();
        let mut entries: Vec<FolderEntry> = picks
            .into_iter()
            .map(|(d, s, e)| path_of(d, s, e))
            .map(|path| FolderEntry {
                kind: media.kind(&path),
                folder_id: FOLDER.into(),
                path,
                size: 1,
                modified_at_ms: 0,
                seen_in_scan: 1,
                queued: false,
            })
            .filter(|e| e.kind != FileKind::Other)
            .collect();
        entries.sort_by_key(|e| idb_key(&e.path));
        let mut grouper = Grouper::new();
        let mut groups = Vec::new();
        for entry in entries.clone() {
            groups.extend(grouper.push(entry));
        }
        groups.extend(grouper.finish());
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for group in &groups {
            prop_assert!(!group.is_empty() && group.len() <= GROUP_LIMIT);
            for entry in group {
                *seen.entry(entry.path.as_str()).or_default() += 1;
            }
        }
        for entry in &entries {
            let times = seen.get(entry.path.as_str()).copied().unwrap_or(0);
            match entry.kind {
                FileKind::Sidecar => prop_assert!((1..=2).contains(&times), "{}", entry.path),
                _ => prop_assert_eq!(times, 1, "{}", entry.path),
            }
        }
        let folder = FolderRecord::new(FOLDER, "Camera", 0);
        let mut queued = 0;
        for group in &groups {
            for row in plan_group(group, &folder, 0) {
                checked(row, &entries, &folder)?;
                queued += 1;
            }
        }
        prop_assert_eq!(queued, entries.iter().filter(|e| e.kind.is_media()).count());
    }
}

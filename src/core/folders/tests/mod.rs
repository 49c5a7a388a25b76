use super::*;

/// A real `/server/media-types` reply (the lists of tests/fake-immich, as Immich sends them).
pub(super) const MEDIA_TYPES_REPLY: &str = r#"{"image":[".3fr",".ari",".arw",".avif",".bmp",
".cap",".cin",".cr2",".cr3",".crw",".dcr",".dng",".erf",".fff",".gif",".heic",".heif",".hif",
".iiq",".insp",".jp2",".jpe",".jpeg",".jpg",".jxl",".k25",".kdc",".mrw",".nef",".nrw",".orf",
".ori",".pef",".png",".psd",".raf",".raw",".rw2",".rwl",".sr2",".srf",".srw",".svg",".tif",
".tiff",".webp",".x3f"],"video":[".3gp",".3gpp",".avi",".flv",".insv",".m2t",".m2ts",".m4v",
".mkv",".mov",".mp4",".mpe",".mpeg",".mpg",".mts",".vob",".webm",".wmv"],"sidecar":[".xmp"]}"#;

pub(super) fn media() -> MediaTypes {
    MediaTypes::parse(MEDIA_TYPES_REPLY).expect("the reply parses")
}

pub(super) fn entry(path: &str, kind: FileKind) -> FolderEntry {
    FolderEntry {
        folder_id: "f1".into(),
        path: path.into(),
        size: 10,
        modified_at_ms: 1_000,
        kind,
        seen_in_scan: 1,
        queued: false,
    }
}

fn seen(path: &str, size: u64, modified_at_ms: i64) -> SeenFile {
    SeenFile {
        path: path.into(),
        size,
        modified_at_ms,
    }
}

#[test]
fn media_types_of_a_real_reply_classify_any_case() {
    let media = media();
    assert_eq!(media.kind("IMG_1.HEIC"), FileKind::Image);
    assert_eq!(media.kind("a.b.jpg"), FileKind::Image);
    assert_eq!(media.kind("clip.MoV"), FileKind::Video);
    assert_eq!(media.kind("IMG_1.HEIC.XMP"), FileKind::Sidecar);
    for other in [
        "notes.txt",
        "IMG_1.json",
        ".DS_Store",
        "README",
        "trailing.",
    ] {
        assert_eq!(media.kind(other), FileKind::Other, "{other}");
    }
    assert_eq!(MediaTypes::parse(&media.to_json()), Ok(media));
}

#[test]
fn media_types_tolerate_new_lists_and_odd_spellings() {
    let media =
        MediaTypes::parse(r#"{"image":["JPG"," .Png",""],"video":[".MP4"],"other":[1]}"#).unwrap();
    assert_eq!(media.kind("a.jpg"), FileKind::Image);
    assert_eq!(media.kind("a.png"), FileKind::Image);
    assert_eq!(media.kind("a.mp4"), FileKind::Video);
    assert_eq!(
        media.kind("a.xmp"),
        FileKind::Other,
        "no sidecar list: none"
    );
}

#[test]
fn a_bad_media_types_reply_is_an_error() {
    for bad in [
        "",
        "[]",
        "null",
        r#"{"image":".jpg","video":[]}"#,
        r#"{"image":[]}"#,
    ] {
        assert!(
            matches!(MediaTypes::parse(bad), Err(FolderError::MediaTypes(_))),
            "{bad}"
        );
    }
    assert_eq!(
        MediaTypes::parse(r#"{"image":[],"video":[""],"sidecar":[".xmp"]}"#),
        Err(FolderError::NoMediaTypes)
    );
}

#[test]
fn a_scan_cut_short_keeps_its_generation() {
    let mut folder = FolderRecord::new("f1", "Camera", 5);
    assert_eq!(folder.begin_scan(), 1);
    assert_eq!(folder.begin_scan(), 1, "the first walk did not finish");
    folder.status = FolderStatus::NeedsPermission;
    folder.finish_scan(9, 3, 2);
    assert!(folder.scan_complete);
    assert_eq!(
        (folder.last_scan_at_ms, folder.files, folder.skipped),
        (Some(9), 3, 2)
    );
    assert_eq!(folder.status, FolderStatus::Ok);
    assert_eq!(folder.begin_scan(), 2);
}

#[test]
fn observe_tells_new_changed_unchanged_and_skipped() {
    let media = media();
    let new = observe(None, &seen("a/IMG_1.jpg", 10, 1_000), "f1", 2, &media);
    assert_eq!((new.kind, new.change), (FileKind::Image, Change::New));
    let recorded = new.entry.expect("a new file is recorded");
    assert_eq!((recorded.seen_in_scan, recorded.queued), (2, false));

    let queued = FolderEntry {
        queued: true,
        ..recorded.clone()
    };
    let again = observe(
        Some(&queued),
        &seen("a/IMG_1.jpg", 10, 1_000),
        "f1",
        2,
        &media,
    );
    assert_eq!((again.change, again.entry), (Change::Unchanged, None));
    let next = observe(
        Some(&queued),
        &seen("a/IMG_1.jpg", 10, 1_000),
        "f1",
        3,
        &media,
    );
    assert_eq!(next.change, Change::Unchanged);
    assert_eq!(
        next.entry,
        Some(FolderEntry {
            seen_in_scan: 3,
            ..queued.clone()
        }),
        "stamped, still queued"
    );

    for (size, mtime) in [(11, 1_000), (10, 1_001)] {
        let changed = observe(
            Some(&queued),
            &seen("a/IMG_1.jpg", size, mtime),
            "f1",
            3,
            &media,
        );
        assert_eq!(changed.change, Change::Changed);
        let entry = changed.entry.expect("a changed file is recorded");
        assert_eq!((entry.size, entry.modified_at_ms), (size, mtime));
        assert!(!entry.queued, "its new version is queued again");
        assert_ne!(queue_id(&entry), queue_id(&queued));
        assert_eq!(
            changed.stale_row,
            Some(queue_id(&queued)),
            "the old row goes"
        );
    }
    let unqueued = observe(
        Some(&recorded),
        &seen("a/IMG_1.jpg", 12, 1_000),
        "f1",
        3,
        &media,
    );
    assert_eq!(
        unqueued.stale_row, None,
        "a version never queued left no row"
    );
    assert_eq!(new.stale_row, None);

    for skipped in ["a/notes.txt", "a/._IMG_1.jpg", "a/.hidden.mov"] {
        let other = observe(None, &seen(skipped, 10, 0), "f1", 3, &media);
        assert_eq!(
            (other.kind, other.change, other.entry),
            (FileKind::Other, Change::Skipped, None)
        );
    }
    let sidecar = observe(None, &seen("IMG_1.xmp", 1, 0), "f1", 3, &media);
    assert_eq!(
        (sidecar.kind, sidecar.change),
        (FileKind::Sidecar, Change::New)
    );
}

#[test]
fn gone_means_not_seen_by_this_generation() {
    let mut recorded = entry("IMG_1.jpg", FileKind::Image);
    recorded.seen_in_scan = 4;
    assert!(!is_gone(&recorded, 4));
    assert!(is_gone(&recorded, 5));
}

#[test]
fn queue_ids_follow_the_version() {
    let a = entry("a/IMG_1.jpg", FileKind::Image);
    assert_eq!(queue_id(&a), queue_id(&a.clone()));
    assert_eq!(queue_id(&a).len(), 17, "{}", queue_id(&a));
    let elsewhere = FolderEntry {
        folder_id: "f2".into(),
        ..a.clone()
    };
    assert_ne!(
        queue_id(&a),
        queue_id(&elsewhere),
        "another folder, another id"
    );
    assert_eq!(entry_key("f1", "a/IMG_1.jpg"), "f1\u{0}a/IMG_1.jpg");
    assert_eq!((a.dir(), a.name()), ("a", "IMG_1.jpg"));
    let top = entry("IMG_1.jpg", FileKind::Image);
    assert_eq!((top.dir(), top.name()), ("", "IMG_1.jpg"));
}

#[test]
fn excluded_subfolders_and_hidden_ones_are_not_walked() {
    let mut folder = FolderRecord::new("f1", "Camera", 0);
    folder.excluded = vec!["2019/raw".into(), "/tmp/".into(), String::new()];
    for excluded in [
        "2019/raw",
        "2019/raw/a",
        "tmp",
        "tmp/x/y",
        ".thumbnails",
        "a/.git/b",
    ] {
        assert!(folder.excludes(excluded), "{excluded}");
    }
    for walked in ["", "2019", "2019/rawer", "2019/ra", "tmpx", "a/b.c"] {
        assert!(!folder.excludes(walked), "{walked}");
    }
}

#[test]
fn folder_records_are_stored_camel_case() {
    let mut folder = FolderRecord::new("f1", "Camera", 7);
    folder.status = FolderStatus::Missing {
        message: "moved".into(),
    };
    let json = serde_json::to_value(&folder).unwrap();
    assert_eq!(json["scanGen"], 0);
    assert_eq!(json["addedAtMs"], 7);
    assert_eq!(
        json["status"],
        serde_json::json!({"kind": "missing", "message": "moved"})
    );
    assert_eq!(
        serde_json::from_value::<FolderRecord>(json).unwrap(),
        folder
    );
    let e = serde_json::to_value(entry("IMG_1.jpg", FileKind::Sidecar)).unwrap();
    assert_eq!(
        (e.get("folderId"), e.get("path"), e["kind"].as_str()),
        (None, None, Some("sidecar")),
        "an entry's folder and path are its key, not in its value"
    );
}

#[test]
fn scan_outcomes_are_told() {
    assert_eq!(FolderScan::Complete { queued: 0 }.log_line("Camera"), None);
    let (level, line) = FolderScan::Complete { queued: 3 }
        .log_line("Camera")
        .unwrap();
    assert_eq!(level, crate::core::log::LogLevel::Info);
    assert!(line.contains("\"Camera\"") && line.contains('3'));
    let (level, _) = FolderScan::NeedsPermission.log_line("Camera").unwrap();
    assert_eq!(level, crate::core::log::LogLevel::Warning);
    assert_eq!(problems_notification(&[], &[]), None);
    let one = problems_notification(&["Camera".into()], &[]).unwrap();
    assert!(one.content.contains("\"Camera\"") && one.content.contains("it is"));
    assert_eq!(one.title, "A backup folder needs attention");
    let two = problems_notification(&["A".into(), "B".into()], &[]).unwrap();
    assert!(two.content.contains("\"A\", \"B\"") && two.content.contains("they are"));
    let both = problems_notification(&["A".into()], &["Old".into()]).unwrap();
    assert!(
        both.content.contains("\"Old\" is gone or was moved"),
        "{}",
        both.content
    );
    assert_eq!(both.title, "Backup folders need attention");
}

mod pairing;

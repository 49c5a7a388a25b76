//! Grouping in key order and the pairs planned within a group.

use super::{super::*, entry};
use crate::core::backup::{ItemSource, QueueItem};

/// Pushes the paths in key order; returns the groups' paths.
fn groups(paths: &[(&str, FileKind)]) -> Vec<Vec<String>> {
    let mut sorted: Vec<FolderEntry> = paths.iter().map(|(p, k)| entry(p, *k)).collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut grouper = Grouper::new();
    let mut out = Vec::new();
    for e in sorted {
        out.extend(grouper.push(e));
    }
    out.extend(grouper.finish());
    out.into_iter()
        .map(|group| group.into_iter().map(|e| e.path).collect())
        .collect()
}

fn group_of<'a>(groups: &'a [Vec<String>], path: &str) -> &'a Vec<String> {
    groups
        .iter()
        .find(|g| g.iter().any(|p| p == path))
        .expect("every entry comes out")
}

#[test]
fn a_live_photo_stays_together_around_what_sorts_between() {
    use FileKind::*;
    let groups = groups(&[
        ("IMG_1.HEIC", Image),
        ("IMG_1.HEIC.xmp", Sidecar),
        ("IMG_1.Hz.jpg", Image),
        ("IMG_1.A/IMG_1.jpg", Image),
        ("IMG_1.MOV", Video),
        ("IMG_10.jpg", Image),
        ("a.b.jpg", Image),
        ("a.b.xmp", Sidecar),
        ("a.jpg", Image),
    ]);
    let live = group_of(&groups, "IMG_1.HEIC");
    assert!(live.contains(&"IMG_1.MOV".to_owned()));
    assert!(live.contains(&"IMG_1.HEIC.xmp".to_owned()));
    assert!(!live.contains(&"IMG_1.Hz.jpg".to_owned()));
    assert!(!live.contains(&"IMG_1.A/IMG_1.jpg".to_owned()));
    assert!(!live.contains(&"IMG_10.jpg".to_owned()));
    let dotted = group_of(&groups, "a.b.jpg");
    assert!(dotted.contains(&"a.b.xmp".to_owned()));
    assert!(!dotted.contains(&"a.jpg".to_owned()));
}

#[test]
fn a_sidecar_sorted_before_its_photo_still_pairs() {
    use FileKind::*;
    // 'X' < 'j': "IMG_1.XMP" and "IMG_1.JPG.xmp" come before "IMG_1.jpg".
    let groups = groups(&[
        ("IMG_1.XMP", Sidecar),
        ("IMG_1.JPG.xmp", Sidecar),
        ("IMG_1.jpg", Image),
    ]);
    let photo = group_of(&groups, "IMG_1.jpg");
    assert_eq!(photo.len(), 3, "{photo:?}");
}

#[test]
fn a_huge_group_comes_out_in_bounded_parts() {
    let names: Vec<String> = (0..150).map(|i| format!("x.{i:03}.jpg.xmp")).collect();
    let mut paths: Vec<(&str, FileKind)> = names
        .iter()
        .map(|n| (n.as_str(), FileKind::Sidecar))
        .collect();
    paths.push(("x.jpg", FileKind::Image));
    let groups = groups(&paths);
    assert!(groups.iter().all(|g| g.len() <= GROUP_LIMIT));
    assert!(groups.iter().any(|g| g.contains(&"x.jpg".to_owned())));
}

fn plan(group: &[FolderEntry], album: bool) -> Vec<(FolderEntry, QueueItem)> {
    let mut folder = FolderRecord::new("f1", "Camera", 0);
    folder.album = album;
    plan_group(group, &folder, 42)
}

#[test]
fn a_live_photo_is_planned_with_its_video_and_sidecar() {
    use FileKind::*;
    let heic = entry("d/IMG_1.HEIC", Image);
    let xmp = entry("d/IMG_1.HEIC.xmp", Sidecar);
    let mov = entry("d/IMG_1.MOV", Video);
    let planned = plan(&[heic.clone(), xmp, mov.clone()], true);
    assert_eq!(planned.len(), 2, "the sidecar is not queued");
    let (marked, photo) = &planned[0];
    assert!(marked.queued);
    assert_eq!(photo.id, queue_id(&heic));
    assert_eq!(photo.name, "IMG_1.HEIC");
    assert_eq!(
        (photo.size, photo.modified_at_ms, photo.queued_at_ms),
        (10, 1_000, 42)
    );
    assert_eq!(
        photo.source,
        ItemSource::Folder {
            folder_id: "f1".into(),
            path: "d/IMG_1.HEIC".into()
        }
    );
    assert_eq!(photo.live_video.as_deref(), Some(queue_id(&mov).as_str()));
    assert_eq!(photo.sidecar.as_deref(), Some("d/IMG_1.HEIC.xmp"));
    assert_eq!(photo.album.as_deref(), Some("Camera"));
    let (_, video) = &planned[1];
    assert_eq!(
        (video.id.as_str(), video.live_video.as_ref()),
        (queue_id(&mov).as_str(), None)
    );
    assert_eq!(video.sidecar, None, "\"IMG_1.HEIC.xmp\" is the photo's");
}

#[test]
fn sidecar_names_prefer_the_full_name() {
    use FileKind::*;
    let group = [
        entry("IMG_1.JPG.xmp", Sidecar),
        entry("IMG_1.XMP", Sidecar),
        entry("IMG_1.jpg", Image),
        entry("IMG_1.png", Image),
        entry("img_1.mov", Video),
    ];
    let planned = plan(&group, false);
    let sidecars: Vec<_> = planned.iter().map(|(_, i)| i.sidecar.as_deref()).collect();
    assert_eq!(
        sidecars,
        [Some("IMG_1.JPG.xmp"), Some("IMG_1.XMP"), None],
        "stems match in case"
    );
    assert!(planned.iter().all(|(_, i)| i.live_video.is_none()));
    assert!(planned.iter().all(|(_, i)| i.album.is_none()));
}

#[test]
fn queued_entries_are_paired_with_but_not_planned() {
    use FileKind::*;
    let mut mov = entry("IMG_1.MOV", Video);
    mov.queued = true;
    let other_dir = entry("x/IMG_1.mp4", Video);
    let heic = entry("IMG_1.HEIC", Image);
    let planned = plan(&[heic, mov.clone(), other_dir.clone()], false);
    let ids: Vec<_> = planned.iter().map(|(_, i)| i.id.clone()).collect();
    assert_eq!(
        ids,
        [queue_id(&entry("IMG_1.HEIC", Image)), queue_id(&other_dir)]
    );
    assert_eq!(planned[0].1.live_video, Some(queue_id(&mov)));
    assert!(plan(&[entry("notes.txt", Other), entry("a.xmp", Sidecar)], false).is_empty());
}

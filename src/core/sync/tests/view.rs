use super::super::{library_view, Counts, MirrorOp, Partner, RemoteAsset};
use super::*;

fn names(assets: &[super::super::LibraryAsset]) -> Vec<&str> {
    assets.iter().map(|a| a.name.as_str()).collect()
}

#[test]
fn the_first_sync_shows_my_photos_by_day_the_album_and_the_partner() {
    let mirror = synced(&[FIRST]).mirror;
    let view = library_view(&mirror.contents(), ME);
    assert_eq!(
        view.counts,
        Counts {
            photos: 3,
            videos: 0,
            timeline: 3,
            trashed: 0,
            albums: 1,
            partners: 1
        }
    );
    assert_eq!(view.days.len(), 1);
    assert_eq!(view.days[0].date, "2026-11-20");
    // Taken at the same instant: ordered by id, the same every time.
    assert_eq!(
        names(&view.days[0].assets),
        vec!["blue photo ünï.jpg", "green.jpg", "red.jpg"]
    );
    assert_eq!(view.albums.len(), 1);
    assert_eq!(
        (view.albums[0].name.as_str(), view.albums[0].count),
        ("Capture album", 2)
    );
    assert_eq!(view.partners.len(), 1);
    assert_eq!(view.partners[0].name, "Partner User");
    assert!(
        !view.partners[0].in_timeline,
        "not in my timeline, as recorded"
    );
    assert_eq!(names(&view.partners[0].assets), vec!["yellow.jpg"]);
    assert!(view.trash.is_empty());

    let json = serde_json::to_value(&view).unwrap_or_default();
    assert_eq!(json["days"][0]["assets"][0]["isFavorite"], false);
    assert_eq!(json["partners"][0]["inTimeline"], false);
}

#[test]
fn hidden_trashed_and_deleted_assets_leave_the_timeline() {
    let mut store = synced(&[FIRST, INCREMENTAL]);
    let view = library_view(&store.mirror.contents(), ME);
    assert_eq!(
        names(&view.days[0].assets),
        vec!["blue photo ünï.jpg"],
        "green is hidden"
    );
    assert_eq!(view.albums[0].count, 0, "its one asset is hidden");
    assert!(view.partners[0].assets.is_empty());

    let mut blue = store.mirror.assets[BLUE].clone();
    blue.deleted_at = Some("2026-11-29T16:00:00.000Z".into());
    store.mirror.apply(&MirrorOp::PutAsset(blue));
    let view = library_view(&store.mirror.contents(), ME);
    assert!(view.days.is_empty());
    assert_eq!(names(&view.trash), vec!["blue photo ünï.jpg"]);
    assert_eq!(view.counts.trashed, 1);
    assert_eq!(view.counts.photos, 0);
}

#[test]
fn a_partner_in_my_timeline_shows_there_newest_day_first() {
    let mut mirror = synced(&[FIRST]).mirror;
    mirror.apply(&MirrorOp::PutPartner(Partner {
        shared_by_id: PARTNER.into(),
        shared_with_id: ME.into(),
        in_timeline: true,
    }));
    let later = RemoteAsset {
        id: "later".into(),
        original_file_name: "movie.mp4".into(),
        kind: "VIDEO".into(),
        local_date_time: Some("2026-11-21T08:00:00.000Z".into()),
        ..mirror.assets[RED].clone()
    };
    mirror.apply(&MirrorOp::PutAsset(later));
    let view = library_view(&mirror.contents(), ME);
    let dates: Vec<&str> = view.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(dates, vec!["2026-11-21", "2026-11-20"]);
    assert_eq!(names(&view.days[0].assets), vec!["movie.mp4"]);
    assert!(names(&view.days[1].assets).contains(&"yellow.jpg"));
    assert_eq!((view.counts.photos, view.counts.videos), (4, 1));
}

#[test]
fn someone_else_s_asset_of_a_shared_album_counts_in_the_album_only() {
    let mut mirror = synced(&[FIRST]).mirror;
    let theirs = RemoteAsset {
        id: "theirs".into(),
        owner_id: "someone".into(),
        ..mirror.assets[RED].clone()
    };
    mirror.apply(&MirrorOp::PutAsset(theirs));
    mirror.apply(&MirrorOp::PutAlbumAsset(super::super::AlbumAsset {
        album_id: ALBUM.into(),
        asset_id: "theirs".into(),
    }));
    let view = library_view(&mirror.contents(), ME);
    assert_eq!(view.albums[0].count, 3);
    assert_eq!(view.counts.photos, 3);
}

#[test]
fn only_the_user_s_own_assets_count_as_their_backups() {
    let mirror = synced(&[FIRST]).mirror.contents();
    let mine = mirror
        .assets
        .iter()
        .find(|a| a.original_file_name == "red.jpg");
    let partners = mirror
        .assets
        .iter()
        .find(|a| a.original_file_name == "yellow.jpg");
    let (Some(mine), Some(partners)) = (mine, partners) else {
        panic!("the recording has red.jpg and the partner's yellow.jpg");
    };
    assert!(mine.is_backup_of(ME));
    assert!(!partners.is_backup_of(ME));
    assert!(
        !mine.is_backup_of(""),
        "a login stored before user ids knows none"
    );
}

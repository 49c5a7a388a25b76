//! The library as the pages show it, computed from the mirror: counts, the timeline by day,
//! albums, partners and the trash. Pure, so the page shows the same offline.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::rows::{Album, AlbumAsset, Partner, RemoteAsset, User};

/// What the mirror holds, as read from its stores.
#[derive(Clone, Debug, Default)]
pub struct MirrorContents {
    pub users: Vec<User>,
    pub partners: Vec<Partner>,
    pub assets: Vec<RemoteAsset>,
    pub albums: Vec<Album>,
    pub album_assets: Vec<AlbumAsset>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Library {
    pub counts: Counts,
    /// The timeline, newest day first.
    pub days: Vec<Day>,
    /// The user's trashed assets, last trashed first.
    pub trash: Vec<LibraryAsset>,
    pub albums: Vec<AlbumView>,
    /// Those who share their library with the user.
    pub partners: Vec<PartnerView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Photos and videos of the timeline.
    pub photos: usize,
    pub videos: usize,
    /// Every asset of the timeline, of any kind.
    pub timeline: usize,
    pub trashed: usize,
    pub albums: usize,
    pub partners: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Day {
    /// YYYY-MM-DD of where the assets were taken (their local date and time).
    pub date: String,
    /// Newest first.
    pub assets: Vec<LibraryAsset>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct LibraryAsset {
    /// The server's id: `/assets/{id}/thumbnail`.
    pub id: String,
    pub name: String,
    /// IMAGE, VIDEO, AUDIO or OTHER.
    pub kind: String,
    pub is_favorite: bool,
    pub owner_id: String,
    /// Local date and time it was taken, as the server wrote it.
    pub taken_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AlbumView {
    pub id: String,
    pub name: String,
    /// Its assets that show (not trashed, not hidden).
    pub count: usize,
    pub thumbnail_asset_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PartnerView {
    /// The partner's user id.
    pub id: String,
    pub name: String,
    /// Their assets shared with the user, newest first.
    pub assets: Vec<LibraryAsset>,
    /// Their assets also show in the user's timeline.
    pub in_timeline: bool,
}

/// The library of the user `me`. The timeline holds `me`'s assets and those of partners who
/// show in it, as Immich's: in the timeline (not archived, hidden or locked) and not trashed.
pub fn library_view(mirror: &MirrorContents, me: &str) -> Library {
    let sharing: Vec<&Partner> = mirror
        .partners
        .iter()
        .filter(|p| p.shared_with_id == me && p.shared_by_id != me)
        .collect();
    let in_timeline: HashSet<&str> = sharing
        .iter()
        .filter(|p| p.in_timeline)
        .map(|p| p.shared_by_id.as_str())
        .collect();

    let mut timeline: Vec<&RemoteAsset> = mirror
        .assets
        .iter()
        .filter(|a| is_shown(a) && (a.owner_id == me || in_timeline.contains(a.owner_id.as_str())))
        .collect();
    newest_first(&mut timeline);
    let mut days: Vec<Day> = Vec::new();
    for asset in &timeline {
        let date = day_of(asset);
        match days.last_mut() {
            Some(day) if day.date == date => day.assets.push(view(asset)),
            _ => days.push(Day {
                date,
                assets: vec![view(asset)],
            }),
        }
    }

    let mut trashed: Vec<&RemoteAsset> = mirror
        .assets
        .iter()
        .filter(|a| a.owner_id == me && a.deleted_at.is_some() && a.visibility != "hidden")
        .collect();
    trashed.sort_by(|a, b| {
        b.deleted_at
            .cmp(&a.deleted_at)
            .then_with(|| a.id.cmp(&b.id))
    });

    let shown: HashSet<&str> = mirror
        .assets
        .iter()
        .filter(|a| {
            a.deleted_at.is_none() && matches!(a.visibility.as_str(), "timeline" | "archive")
        })
        .map(|a| a.id.as_str())
        .collect();
    let mut album_counts: HashMap<&str, usize> = HashMap::new();
    for link in &mirror.album_assets {
        if shown.contains(link.asset_id.as_str()) {
            *album_counts.entry(link.album_id.as_str()).or_default() += 1;
        }
    }
    let mut albums: Vec<AlbumView> = mirror
        .albums
        .iter()
        .map(|album| AlbumView {
            id: album.id.clone(),
            name: album.name.clone(),
            count: album_counts.get(album.id.as_str()).copied().unwrap_or(0),
            thumbnail_asset_id: album.thumbnail_asset_id.clone(),
        })
        .collect();
    albums.sort_by(|a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));

    let partners: Vec<PartnerView> = sharing
        .iter()
        .map(|partner| partner_view(mirror, partner))
        .collect();

    let counts = Counts {
        photos: timeline.iter().filter(|a| a.kind == "IMAGE").count(),
        videos: timeline.iter().filter(|a| a.kind == "VIDEO").count(),
        timeline: timeline.len(),
        trashed: trashed.len(),
        albums: albums.len(),
        partners: partners.len(),
    };
    Library {
        counts,
        days,
        trash: trashed.into_iter().map(view).collect(),
        albums,
        partners,
    }
}

fn partner_view(mirror: &MirrorContents, partner: &Partner) -> PartnerView {
    let id = partner.shared_by_id.as_str();
    let name = mirror
        .users
        .iter()
        .find(|u| u.id == id)
        .map_or_else(|| id.to_owned(), |u| u.name.clone());
    let mut assets: Vec<&RemoteAsset> = mirror
        .assets
        .iter()
        .filter(|a| a.owner_id == id && is_shown(a))
        .collect();
    newest_first(&mut assets);
    PartnerView {
        id: id.to_owned(),
        name,
        assets: assets.into_iter().map(view).collect(),
        in_timeline: partner.in_timeline,
    }
}

/// In the timeline and not trashed.
fn is_shown(asset: &RemoteAsset) -> bool {
    asset.visibility == "timeline" && asset.deleted_at.is_none()
}

fn taken_at(asset: &RemoteAsset) -> Option<&String> {
    asset
        .local_date_time
        .as_ref()
        .or(asset.file_created_at.as_ref())
}

fn newest_first(assets: &mut [&RemoteAsset]) {
    assets.sort_by(|a, b| taken_at(b).cmp(&taken_at(a)).then_with(|| a.id.cmp(&b.id)));
}

/// The date part of an ISO date and time; empty when unknown.
fn day_of(asset: &RemoteAsset) -> String {
    taken_at(asset)
        .and_then(|at| at.get(..10))
        .unwrap_or_default()
        .to_owned()
}

fn view(asset: &RemoteAsset) -> LibraryAsset {
    LibraryAsset {
        id: asset.id.clone(),
        name: asset.original_file_name.clone(),
        kind: asset.kind.clone(),
        is_favorite: asset.is_favorite,
        owner_id: asset.owner_id.clone(),
        taken_at: taken_at(asset).cloned(),
    }
}

//! Files backed up from this device whose server copy is gone: the user deleted it on the server
//! (another client, the web app). They are shown as "deleted on server" and not sent again unless
//! the user picks them again; files never sent are not concerned.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::rows::RemoteAsset;

/// A file that reached the server from this device, as the backup records (picked files) or a
/// backup folder's finished rows keep it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BackedUpFile {
    pub name: String,
    pub remote_id: String,
}

/// The backed-up files the mirror no longer has, not even in the trash, by name, each asset
/// once (a folder's file backed up before its rows became its record has both). Nothing while
/// the mirror is not complete (before the first whole sync, or during a reset): an asset missing
/// from it may just not have arrived.
pub fn deleted_on_server(
    backed_up: &[BackedUpFile],
    assets: &[RemoteAsset],
    mirror_complete: bool,
) -> Vec<BackedUpFile> {
    if !mirror_complete {
        return Vec::new();
    }
    let on_server: HashSet<&str> = assets.iter().map(|a| a.id.as_str()).collect();
    let mut listed = HashSet::new();
    let mut gone: Vec<BackedUpFile> = backed_up
        .iter()
        .filter(|file| !on_server.contains(file.remote_id.as_str()))
        .filter(|file| listed.insert(file.remote_id.as_str()))
        .cloned()
        .collect();
    gone.sort_by(|a, b| (&a.name, &a.remote_id).cmp(&(&b.name, &b.remote_id)));
    gone
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn file(name: &str, remote_id: &str) -> BackedUpFile {
        BackedUpFile {
            name: name.into(),
            remote_id: remote_id.into(),
        }
    }

    fn asset(id: &str, trashed: bool) -> RemoteAsset {
        let line = format!(
            r#"{{"id":"{id}","ownerId":"me","originalFileName":"x.jpg","type":"IMAGE",
            "checksum":"c","visibility":"timeline","deletedAt":{}}}"#,
            if trashed {
                "\"2026-11-29T00:00:00.000Z\""
            } else {
                "null"
            }
        );
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("a test asset: {e}"))
    }

    #[test]
    fn a_backed_up_file_missing_from_a_complete_mirror_was_deleted_on_the_server() {
        let backed_up = [
            file("b.jpg", "gone"),
            file("a.jpg", "kept"),
            file("t.jpg", "trashed"),
        ];
        let assets = [asset("kept", false), asset("trashed", true)];
        assert_eq!(
            deleted_on_server(&backed_up, &assets, true),
            vec![file("b.jpg", "gone")],
            "a trashed copy is still on the server"
        );
        assert!(deleted_on_server(&backed_up, &assets, false).is_empty());
    }

    #[test]
    fn an_asset_kept_twice_is_listed_once() {
        let backed_up = [
            file("a.jpg", "gone"),
            file("a.jpg", "gone"),
            file("b.jpg", "left"),
        ];
        assert_eq!(
            deleted_on_server(&backed_up, &[], true),
            vec![file("a.jpg", "gone"), file("b.jpg", "left")]
        );
    }
}

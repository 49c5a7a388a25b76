//! What the sim checks of live-photo pairs and albums: a photo goes after its video and
//! carries the video's asset id once the server has it; an album row is cleared only with the
//! server's word, and a completed run leaves none behind unless an album request failed.

use proptest::prelude::*;

use super::Sim;
use crate::core::backup::{ItemState, UploadRequest};

impl Sim {
    /// At the moment the photo's upload goes out.
    pub(super) fn check_live(&self, request: &UploadRequest) -> Result<(), TestCaseError> {
        let linked = request
            .fields
            .iter()
            .find(|(key, _)| *key == "livePhotoVideoId")
            .map(|(_, id)| id);
        let photo = &self.stored[&request.id];
        let video = photo
            .live_video
            .as_ref()
            .filter(|id| **id != photo.id)
            .and_then(|id| self.stored.get(id));
        let Some(video) = video else {
            prop_assert!(linked.is_none(), "linked to no video: {request:?}");
            return Ok(());
        };
        if video.live_video.is_none() {
            prop_assert!(
                video.state.is_finished(),
                "the photo went before its video: {video:?}"
            );
        }
        match video.state {
            ItemState::Done | ItemState::Duplicate => prop_assert_eq!(
                linked,
                video.remote_id.as_ref(),
                "the photo carries its video's asset id"
            ),
            _ => prop_assert!(linked.is_none(), "linked to a video not on the server"),
        }
        Ok(())
    }

    pub(super) fn check_albums(&self, completed: bool) -> Result<(), TestCaseError> {
        for file in &self.world.files {
            let (Some(album), Some(row)) = (&file.album, self.stored.get(&file.id)) else {
                continue;
            };
            let on_server = matches!(row.state, ItemState::Done | ItemState::Duplicate);
            if row.album.is_none() {
                let added = self.albums.get(album).is_some_and(|assets| {
                    row.remote_id.as_ref().is_some_and(|id| assets.contains(id))
                });
                prop_assert!(added, "album cleared without the server's word: {row:?}");
            } else if completed && on_server {
                prop_assert!(
                    self.album_failures > 0,
                    "a completed run left an asset out of its album: {row:?}"
                );
            }
        }
        Ok(())
    }
}

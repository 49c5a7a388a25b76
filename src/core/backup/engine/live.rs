//! Live photos, as the CLI sends them: the video of a pair goes first, and its photo follows
//! with the video's asset id as `livePhotoVideoId`, which makes the server show the two as one.
//! Hashing and checking of the photo go ahead; only its upload waits.

use std::collections::HashSet;

use super::super::{ItemState, QueueItem};
use super::Engine;

/// The form field that links a photo to its video on the server.
pub(super) const LIVE_PHOTO_VIDEO_ID: &str = "livePhotoVideoId";

impl Engine {
    /// The run's row of the video this photo names, other than the photo itself.
    fn live_video_of(&self, photo: &QueueItem) -> Option<&QueueItem> {
        let id = photo.live_video.as_deref().filter(|id| *id != photo.id)?;
        self.items.get(id)
    }

    /// Whether the photo's upload waits for its video: the video is in the run, unfinished,
    /// and waits for nothing itself, so rows naming each other (or a chain) never hold each
    /// other up, and a video outside the run holds nothing up.
    pub(super) fn waits_for_video(&self, photo: &QueueItem) -> bool {
        self.live_video_of(photo)
            .is_some_and(|video| !video.state.is_finished() && video.live_video.is_none())
    }

    /// The asset id the photo is linked to: its video's, once the server has the video. A
    /// video that failed leaves the photo to be sent on its own.
    pub(super) fn live_video_asset(&self, photo: &QueueItem) -> Option<String> {
        let video = self.live_video_of(photo)?;
        match video.state {
            ItemState::Done | ItemState::Duplicate => video.remote_id.clone(),
            _ => None,
        }
    }
}

/// The ids of the videos that unfinished photos among `rows` wait for: a new run keeps these
/// rows even when finished, since the photo still needs the video's asset id.
pub(super) fn videos_still_needed(rows: &[QueueItem]) -> HashSet<String> {
    rows.iter()
        .filter(|row| !row.state.is_finished())
        .filter_map(|row| row.live_video.clone())
        .collect()
}

//! Before a run sends anything, it looks for new and changed files in the backup folders. The
//! server says which files it takes (`/server/media-types`, kept with its ETag).

use futures_channel::mpsc::UnboundedReceiver;

use crate::core::folders::{problems_notification, FolderScan, MediaTypes};
use crate::core::log::LogLevel;
use crate::core::progress::NotificationKind;
use crate::web::folders::scan::scan_folder;
use crate::web::http::ImmichHttp;
use crate::web::notify;
use crate::web::store::{Store, TaggedReply};

use super::{log, Control, DriverError};

const MEDIA_TYPES: &str = "/server/media-types";

/// Scans every backup folder; returns the Stop or Halt that came meanwhile, for the run to
/// end with.
pub(super) async fn scan_folders(
    store: &Store,
    http: &ImmichHttp,
    control: &mut UnboundedReceiver<Control>,
) -> Result<Option<Control>, DriverError> {
    let folders = store.load_folders().await?;
    if folders.is_empty() {
        return Ok(None);
    }
    let Some(media) = media_types(store, http).await? else {
        let message = "The server's media types are unknown (not reachable?): backup folders are scanned at the next run".to_owned();
        log(store, LogLevel::Warning, message).await;
        return Ok(None);
    };
    let mut stopped = None;
    let (mut needs_permission, mut missing) = (Vec::new(), Vec::new());
    for mut folder in folders {
        let mut keep_going = || {
            while let Ok(received) = control.try_recv() {
                // An input is for a run's engine: the rows it concerns are loaded after the scan.
                if !matches!(received, Control::Queued | Control::Input(_)) {
                    stopped = Some(received);
                }
            }
            stopped.is_none()
        };
        if !keep_going() {
            break;
        }
        let scan = scan_folder(store, &mut folder, &media, &mut keep_going).await?;
        if let Some((level, line)) = scan.log_line(&folder.name) {
            log(store, level, line).await;
        }
        match scan {
            FolderScan::NeedsPermission => needs_permission.push(folder.name),
            FolderScan::Missing(_) => missing.push(folder.name),
            _ => {}
        }
    }
    if let Some(payload) = problems_notification(&needs_permission, &missing) {
        // Without the permission to notify, the page still shows the folder's state.
        notify::show(NotificationKind::Error, &payload)
            .await
            .unwrap_or(());
    }
    Ok(stopped)
}

/// The server's media types: asked with the kept ETag, so an unchanged list costs a 304; the
/// kept copy serves when the server cannot be asked.
async fn media_types(store: &Store, http: &ImmichHttp) -> Result<Option<MediaTypes>, DriverError> {
    let kept = store.tagged_reply(MEDIA_TYPES).await?;
    let etag = kept.as_ref().map(|reply| reply.etag.as_str());
    if let Ok((reply, new_etag)) = http.get_tagged(MEDIA_TYPES, etag).await {
        if (200..300).contains(&reply.status) {
            match MediaTypes::parse(&reply.body) {
                Ok(media) => {
                    if let Some(etag) = new_etag {
                        let body = reply.body;
                        store
                            .save_tagged_reply(MEDIA_TYPES, &TaggedReply { etag, body })
                            .await?;
                    }
                    return Ok(Some(media));
                }
                Err(e) => log(store, LogLevel::Warning, format!("Media types: {e}")).await,
            }
        }
    }
    Ok(kept.and_then(|reply| MediaTypes::parse(&reply.body).ok()))
}

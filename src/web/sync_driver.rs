//! The service worker's driver of a sync: `core::sync::SyncEngine` decides, this performs its
//! outputs (the stream read chunk by chunk, batches committed to the mirror, acks sent) and feeds
//! back what happened. One sync at a time across tabs and worker instances, under a Web Lock.

use std::cell::Cell;

use crate::core::channel::{ChannelMessage, SyncStatus};
use crate::core::log::redact;
use crate::core::sync::{
    polled, Polled, SyncConfig, SyncEngine, SyncInput, SyncOutput, SyncReport, SyncSetup,
    POLLED_ENDPOINTS,
};
use crate::web::backup_driver::{log, DriverError};
use crate::web::console::now_ms;
use crate::web::http::{ByteStream, ImmichHttp, Opened};
use crate::web::store::{Store, TaggedReply};
use crate::web::{locks, notify};

const SYNC_LOCK: &str = "immich-background/sync";

thread_local! {
    /// Whether this instance is syncing, and whether another trigger came meanwhile.
    static SYNCING: Cell<(bool, bool)> = const { Cell::new((false, false)) };
}

/// Syncs, once more when another trigger came meanwhile (its changes may have missed the
/// stream). A trigger during a sync of this instance returns at once: that sync covers it.
/// Returns the last report; None when nothing ran.
pub async fn sync_until_current() -> Result<Option<SyncReport>, DriverError> {
    let (running, _) = SYNCING.get();
    if running {
        SYNCING.set((true, true));
        return Ok(None);
    }
    SYNCING.set((true, false));
    let mut result = sync().await;
    while matches!(&result, Ok(Some(report)) if report.outcome.is_success()) && SYNCING.get().1 {
        SYNCING.set((true, false));
        result = sync().await;
    }
    SYNCING.set((false, false));
    result
}

/// Brings the mirror up to date; None when the login cannot sync (none, or an API key).
async fn sync() -> Result<Option<SyncReport>, DriverError> {
    let store = Store::open().await?;
    let Some(login) = store.load_login().await? else {
        return Ok(None);
    };
    if !login.credential.can_sync() {
        return Ok(None);
    }
    let secret = login.credential.secret().to_owned();
    let http = ImmichHttp::new(login.server, Some(login.credential));
    let job = async move { run(&store, &http, &secret).await };
    let report = locks::with_lock(SYNC_LOCK, job).await??;
    Ok(Some(report))
}

/// Asks the server's details again (its version or configuration changed), when the login can.
pub async fn refresh_server_details() -> Result<(), DriverError> {
    let store = Store::open().await?;
    let Some(login) = store.load_login().await? else {
        return Ok(());
    };
    let http = ImmichHttp::new(login.server, Some(login.credential));
    poll_tagged(&store, &http).await
}

async fn post_status(syncing: bool, message: String, failed: bool) -> Result<(), DriverError> {
    let status = SyncStatus {
        syncing,
        message,
        failed,
    };
    Ok(notify::broadcast(&ChannelMessage::SyncState(status)).await?)
}

/// Asks the endpoints the stream does not cover with their kept ETags; keeps what changed.
async fn poll_tagged(store: &Store, http: &ImmichHttp) -> Result<(), DriverError> {
    let (settings, _) = store.load_settings().await?;
    for endpoint in POLLED_ENDPOINTS {
        let kept = store.tagged_reply(endpoint).await?;
        let etag = kept.as_ref().map(|reply| reply.etag.as_str());
        // Unreachable: the stream's own request tells the user.
        let Ok((reply, new_etag)) = http.get_tagged(endpoint, etag).await else {
            return Ok(());
        };
        let outcome = polled(reply.status, new_etag);
        if let Polled::Changed { etag } = &outcome {
            let fresh = TaggedReply {
                etag: etag.clone(),
                body: reply.body,
            };
            store.save_tagged_reply(endpoint, &fresh).await?;
        }
        if settings.advanced_troubleshooting {
            let (level, line) = outcome.log_line(endpoint);
            log(store, level, line).await;
        }
    }
    Ok(())
}

/// `secret` is redacted from every text that may hold the server's words (a log line, the
/// outcome the pages show).
async fn run(store: &Store, http: &ImmichHttp, secret: &str) -> Result<SyncReport, DriverError> {
    let clean = |text: &str| redact(text, &[secret]);
    post_status(true, "Syncing the library…".into(), false).await?;
    poll_tagged(store, http).await?;
    let setup = SyncSetup {
        pending_acks: store.pending_acks().await?,
    };
    let mut engine = SyncEngine::new(setup, SyncConfig::default());
    let mut stream: Option<ByteStream> = None;
    loop {
        let input = match engine.poll_output() {
            SyncOutput::SendAcks { body } => match http.post_json("/sync/ack", body).await {
                Ok(reply) => SyncInput::AcksSent {
                    status: reply.status,
                    body_if_error: reply.body,
                },
                Err(e) => SyncInput::AcksFailed(e.to_string()),
            },
            SyncOutput::OpenStream { body } => match http.post_streamed("/sync/stream", body).await
            {
                Ok(Opened::Stream(opened)) => {
                    stream = Some(opened);
                    SyncInput::StreamOpened {
                        status: 200,
                        body_if_error: String::new(),
                    }
                }
                Ok(Opened::Refused(reply)) => SyncInput::StreamOpened {
                    status: reply.status,
                    body_if_error: reply.body,
                },
                Err(e) => SyncInput::StreamFailed(e.to_string()),
            },
            SyncOutput::Commit(batch) => match store.commit_sync_batch(&batch).await {
                Ok(()) => {
                    notify::broadcast(&ChannelMessage::LibraryChanged).await?;
                    SyncInput::Committed
                }
                Err(e) => SyncInput::CommitFailed(e.to_string()),
            },
            SyncOutput::ForgetAcks => {
                store.forget_pending_acks().await?;
                continue;
            }
            SyncOutput::Log(level, message) => {
                log(store, level, clean(&message)).await;
                continue;
            }
            SyncOutput::Ended(report) => {
                let failed = !report.outcome.is_success();
                // Written once, so a sync with nothing new still writes nothing.
                if !failed && !store.mirror_complete().await? {
                    store.mark_mirror_complete().await?;
                }
                post_status(false, clean(&report.outcome.to_string()), failed).await?;
                return Ok(report);
            }
            // The engine says when it takes more of the body (never more than it can hold).
            SyncOutput::Idle => match stream.as_mut().filter(|_| engine.wants_chunk()) {
                Some(open) => match open.next().await {
                    Ok(Some(chunk)) => SyncInput::Chunk(chunk),
                    Ok(None) => {
                        stream = None;
                        SyncInput::StreamEnded
                    }
                    Err(e) => {
                        stream = None;
                        SyncInput::StreamFailed(e.to_string())
                    }
                },
                None => SyncInput::StreamFailed("the sync waited with no stream to read".into()),
            },
        };
        engine.handle_input(input, now_ms());
    }
}

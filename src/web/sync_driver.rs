//! The service worker's driver of a sync: `core::sync::SyncEngine` decides, this performs its
//! outputs (the stream read chunk by chunk, batches committed to the mirror, acks sent) and feeds
//! back what happened. One sync at a time across tabs and worker instances, under a Web Lock.

use std::cell::Cell;

use futures_channel::oneshot;
use futures_util::future::{join_all, select, Either};
use futures_util::pin_mut;
use wasm_bindgen_futures::spawn_local;

use crate::core::backup::RequestError;
use crate::core::channel::{ChannelMessage, SyncStatus};
use crate::core::log::redact;
use crate::core::sync::{
    polled, Polled, SyncBatch, SyncConfig, SyncEngine, SyncInput, SyncOutput, SyncReport,
    SyncSetup, POLLED_ENDPOINTS,
};
use crate::web::backup_driver::{log, DriverError};
use crate::web::console::now_ms;
use crate::web::http::{ByteStream, ImmichHttp, Opened};
use crate::web::store::{Store, StoreError, TaggedReply};
use crate::web::{locks, notify};

const SYNC_LOCK: &str = "immich-background/sync";

thread_local! {
    /// Whether this instance is syncing, and whether another trigger came meanwhile.
    static SYNCING: Cell<(bool, bool)> = const { Cell::new((false, false)) };
}

/// Syncs, once more when another trigger came meanwhile (its changes may have missed the
/// stream). A trigger during a sync of this instance returns at once: that sync covers it.
/// Returns the last report; None when nothing ran.
pub async fn sync_until_current(store: &Store) -> Result<Option<SyncReport>, DriverError> {
    let (running, _) = SYNCING.get();
    if running {
        SYNCING.set((true, true));
        return Ok(None);
    }
    SYNCING.set((true, false));
    let mut result = sync(store).await;
    while matches!(&result, Ok(Some(report)) if report.outcome.is_success()) && SYNCING.get().1 {
        SYNCING.set((true, false));
        result = sync(store).await;
    }
    SYNCING.set((false, false));
    result
}

/// Brings the mirror up to date; None when the login cannot sync (none, or an API key).
async fn sync(store: &Store) -> Result<Option<SyncReport>, DriverError> {
    let Some(login) = store.load_login().await? else {
        return Ok(None);
    };
    if !login.credential.is_session() {
        return Ok(None);
    }
    let secret = login.credential.secret().to_owned();
    let http = ImmichHttp::new(login.server, Some(login.credential));
    let store = store.clone();
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

/// Asks the endpoints the stream does not cover with their kept ETags, all at once; keeps what
/// changed.
async fn poll_tagged(store: &Store, http: &ImmichHttp) -> Result<(), DriverError> {
    let (settings, _) = store.load_settings().await?;
    let polls = POLLED_ENDPOINTS.map(|endpoint| poll_one(store, http, endpoint));
    for outcome in join_all(polls).await {
        // None: unreachable, and the stream's own request tells the user.
        if let Some((endpoint, outcome)) = outcome? {
            if settings.advanced_troubleshooting {
                let (level, line) = outcome.log_line(endpoint);
                log(store, level, line).await;
            }
        }
    }
    Ok(())
}

async fn poll_one(
    store: &Store,
    http: &ImmichHttp,
    endpoint: &'static str,
) -> Result<Option<(&'static str, Polled)>, DriverError> {
    let kept = store.tagged_reply(endpoint).await?;
    let etag = kept.as_ref().map(|reply| reply.etag.as_str());
    let Ok((reply, new_etag)) = http.get_tagged(endpoint, etag).await else {
        return Ok(None);
    };
    let outcome = polled(reply.status, new_etag);
    if let Polled::Changed { etag } = &outcome {
        let fresh = TaggedReply {
            etag: etag.clone(),
            body: reply.body,
        };
        store.save_tagged_reply(endpoint, &fresh).await?;
    }
    Ok(Some((endpoint, outcome)))
}

/// `secret` is redacted from every text that may hold the server's words (a log line, the
/// outcome the pages show).
async fn run(store: &Store, http: &ImmichHttp, secret: &str) -> Result<SyncReport, DriverError> {
    post_status(true, "Syncing the library…".into(), false).await?;
    let report = read_stream(store, http, secret).await?;
    let failed = !report.outcome.is_success();
    // Written once, so a sync with nothing new still writes nothing.
    if !failed && !store.mirror_complete().await? {
        store.mark_mirror_complete().await?;
    }
    let outcome = redact(&report.outcome.to_string(), &[secret]);
    post_status(false, outcome, failed).await?;
    // Nothing the pages show waits for these: asked once the library is current, they never
    // hold up its requests at the server.
    poll_tagged(store, http).await?;
    Ok(report)
}

/// A batch stored by a task of its own while the stream is read on: a transaction stays alive
/// only while its requests are answered at once, which this loop cannot do while it awaits the
/// network.
fn store_batch(store: &Store, batch: SyncBatch) -> oneshot::Receiver<Result<(), StoreError>> {
    let (done, stored) = oneshot::channel();
    let store = store.clone();
    spawn_local(async move {
        // The receiver is gone only when the sync ended, which waits for this commit.
        let _ = done.send(store.commit_sync_batch(&batch).await);
    });
    stored
}

type Stored = Result<Result<(), StoreError>, oneshot::Canceled>;
type Read = Result<Option<Vec<u8>>, RequestError>;

async fn committed(stored: Stored) -> Result<SyncInput, DriverError> {
    Ok(match stored {
        Ok(Ok(())) => {
            notify::broadcast(&ChannelMessage::LibraryChanged).await?;
            SyncInput::Committed
        }
        Ok(Err(e)) => SyncInput::CommitFailed(e.to_string()),
        Err(oneshot::Canceled) => SyncInput::CommitFailed("the write was cut off".into()),
    })
}

fn chunk_read(read: Read) -> SyncInput {
    match read {
        Ok(Some(chunk)) => SyncInput::Chunk(chunk),
        Ok(None) => SyncInput::StreamEnded,
        Err(e) => SyncInput::StreamFailed(e.to_string()),
    }
}

/// Waits for the commit on its way or the next chunk (when `reading`), whichever comes first;
/// a chunk asked for is always taken (a read dropped half way would lose it).
async fn next_event(
    storing: &mut Option<oneshot::Receiver<Result<(), StoreError>>>,
    reading: Option<&mut ByteStream>,
) -> (Option<Stored>, Option<Read>) {
    match (storing.take(), reading) {
        (Some(stored), Some(open)) => {
            let read = open.next();
            pin_mut!(read);
            match select(stored, read).await {
                Either::Left((stored, read)) => (Some(stored), Some(read.await)),
                Either::Right((chunk, stored)) => {
                    *storing = Some(stored);
                    (None, Some(chunk))
                }
            }
        }
        (Some(stored), None) => (Some(stored.await), None),
        (None, Some(open)) => (None, Some(open.next().await)),
        (None, None) => (None, None),
    }
}

/// The engine's requests and commits, until it ends.
async fn read_stream(
    store: &Store,
    http: &ImmichHttp,
    secret: &str,
) -> Result<SyncReport, DriverError> {
    let clean = |text: &str| redact(text, &[secret]);
    let setup = SyncSetup {
        pending_acks: store.pending_acks().await?,
    };
    let mut engine = SyncEngine::new(setup, SyncConfig::default());
    let mut stream: Option<ByteStream> = None;
    let mut storing: Option<oneshot::Receiver<Result<(), StoreError>>> = None;
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
            // The engine asks for no other commit before this one's answer.
            SyncOutput::Commit(batch) => {
                storing = Some(store_batch(store, batch));
                continue;
            }
            SyncOutput::ForgetAcks => {
                store.forget_pending_acks().await?;
                continue;
            }
            SyncOutput::Log(level, message) => {
                log(store, level, clean(&message)).await;
                continue;
            }
            SyncOutput::Ended(report) => return Ok(report),
            // The engine says when it takes more of the body (never more than it can hold).
            SyncOutput::Idle => {
                let reading = stream.as_mut().filter(|_| engine.wants_chunk());
                let (stored, read) = next_event(&mut storing, reading).await;
                if stored.is_none() && read.is_none() {
                    SyncInput::StreamFailed("the sync waited with no stream to read".into())
                } else {
                    if let Some(stored) = stored {
                        engine.handle_input(committed(stored).await?, now_ms());
                    }
                    match read.map(chunk_read) {
                        Some(SyncInput::Chunk(chunk)) => SyncInput::Chunk(chunk),
                        Some(end) => {
                            stream = None;
                            end
                        }
                        None => continue,
                    }
                }
            }
        };
        engine.handle_input(input, now_ms());
    }
}

//! The stream's body: a blocking task walks the plan a page of rows at a time and hands each
//! page's lines to the response through a small channel, so a library of any size streams in
//! bounded memory, and a client that stops reading stops the walk.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use futures_util::stream;
use tokio::sync::mpsc::{channel, Sender};

use super::ack::Ack;
use super::lines::{self, LineError};
use super::plan::{plan, Request, Step};
use crate::state::SharedState;
use crate::store::{Store, StoreError};
use crate::update_id::UpdateId;

/// Rows per query and per chunk of the body.
const PAGE_ROWS: usize = 500;

/// Chunks written ahead of the client.
const CHUNKS_AHEAD: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("reading the changes: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Line(#[from] LineError),
    /// The client went away; nobody is left to tell.
    #[error("the client stopped reading")]
    Gone,
}

/// What a stream serves, fixed when it starts.
pub struct Job {
    pub user_id: String,
    pub session_id: String,
    pub types: Vec<String>,
    pub checkpoints: HashMap<String, Ack>,
    pub now: UpdateId,
}

fn send(chunks: &Sender<Result<Bytes, StreamError>>, bytes: Vec<u8>) -> Result<(), StreamError> {
    chunks
        .blocking_send(Ok(Bytes::from(bytes)))
        .map_err(|_| StreamError::Gone)
}

fn walk(
    store: &Store,
    job: &Job,
    chunks: &Sender<Result<Bytes, StreamError>>,
) -> Result<(), StreamError> {
    let request = Request {
        user_id: &job.user_id,
        session_id: &job.session_id,
        types: &job.types,
        checkpoints: &job.checkpoints,
        now: job.now,
    };
    for step in plan(store, &request)? {
        let (feed, kind, mut after, ack_prefix, mut lead) = match step {
            Step::Line(line) => {
                send(chunks, line)?;
                continue;
            }
            Step::Feed {
                feed,
                kind,
                after,
                ack_prefix,
                lead,
            } => (feed, kind, after, ack_prefix, lead),
        };
        loop {
            let page = store.feed_page(&job.user_id, &feed, after, job.now, PAGE_ROWS)?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.key;
            let mut out = lead.take().unwrap_or_default();
            for row in &page {
                lines::append(
                    &mut out,
                    kind,
                    &row.record,
                    &format!("{ack_prefix}{}", row.key),
                )?;
            }
            send(chunks, out)?;
            if page.len() < PAGE_ROWS {
                break;
            }
        }
    }
    Ok(())
}

/// The response body of a stream. A failure midway ends the body early, without
/// `SyncCompleteV1`, which tells the client to keep its checkpoints.
pub fn body(state: SharedState, job: Job) -> Body {
    let (chunks, receiver) = channel(CHUNKS_AHEAD);
    tokio::task::spawn_blocking(move || match walk(&state.store, &job, &chunks) {
        Ok(()) | Err(StreamError::Gone) => {}
        Err(error) => {
            eprintln!("sync stream failed: {error}");
            // The client may be gone too; then there is nobody to tell.
            let _ = chunks.blocking_send(Err(error));
        }
    });
    Body::from_stream(stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    }))
}

//! Test-only evidence that a client never sends one file twice at once: how many uploads were
//! in flight together at most, and how often an upload arrived while another one with the same
//! `x-immich-checksum` was still in flight. An upload is in flight from its head's arrival until
//! its answer is ready, its body read to the end, or its connection lost. Arrivals per checksum
//! are kept too: a test bounds how often each file was sent, not only the total.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::checksum::{self, Sha1};
use crate::state::SharedState;

const UPLOAD_ROUTE: &str = "/api/assets";

#[derive(Debug, Default)]
struct Tally {
    current: u64,
    max: u64,
    /// In-flight uploads per claimed checksum; an entry goes when its count drops to 0.
    by_checksum: HashMap<Sha1, u64>,
    same_file_concurrent: u64,
    /// Uploads that arrived per claimed checksum, ever.
    arrivals: HashMap<Sha1, u64>,
}

#[derive(Debug, Default)]
pub struct UploadsInFlight(Mutex<Tally>);

impl UploadsInFlight {
    fn lock(&self) -> MutexGuard<'_, Tally> {
        // Each update is done under one lock, so a panic elsewhere leaves nothing half done.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many uploads are in flight now.
    pub fn current(&self) -> u64 {
        self.lock().current
    }

    /// The most uploads that were in flight at one instant.
    pub fn max_concurrent(&self) -> u64 {
        self.lock().max
    }

    /// How many uploads arrived while one with the same checksum was in flight.
    pub fn same_file_concurrent(&self) -> u64 {
        self.lock().same_file_concurrent
    }

    /// How many uploads arrived per checksum (lowercase hex), since the process started.
    pub fn arrivals(&self) -> BTreeMap<String, u64> {
        self.lock()
            .arrivals
            .iter()
            .map(|(sum, count)| (checksum::to_hex(sum), *count))
            .collect()
    }

    fn arrive(&self, checksum: Option<Sha1>) -> InFlight<'_> {
        let mut tally = self.lock();
        tally.current += 1;
        tally.max = tally.max.max(tally.current);
        if let Some(sum) = checksum {
            *tally.arrivals.entry(sum).or_default() += 1;
            let same = tally.by_checksum.entry(sum).or_default();
            *same += 1;
            if *same > 1 {
                tally.same_file_concurrent += 1;
            }
        }
        InFlight {
            tracker: self,
            checksum,
        }
    }
}

/// One upload in flight; leaves the tally when dropped, however the request ends.
struct InFlight<'a> {
    tracker: &'a UploadsInFlight,
    checksum: Option<Sha1>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut tally = self.tracker.lock();
        tally.current = tally.current.saturating_sub(1);
        if let Some(sum) = self.checksum {
            if let Some(same) = tally.by_checksum.get_mut(&sum) {
                *same = same.saturating_sub(1);
                if *same == 0 {
                    tally.by_checksum.remove(&sum);
                }
            }
        }
    }
}

/// Sits outside the draining layer, so an upload answered early stays in flight until its
/// body is in.
pub async fn track_uploads(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let is_upload = request.method() == Method::POST
        && request
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|route| route.as_str() == UPLOAD_ROUTE);
    if !is_upload {
        return next.run(request).await;
    }
    // An unreadable checksum counts towards concurrency only; the upload route refuses it.
    let checksum = request
        .headers()
        .get("x-immich-checksum")
        .and_then(|value| value.to_str().ok())
        .and_then(checksum::parse);
    let _in_flight = state.uploads_in_flight.arrive(checksum);
    next.run(request).await
}

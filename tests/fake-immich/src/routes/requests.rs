//! Test-only, no real Immich has it: how many requests each route received (failed ones too),
//! so end-to-end tests can tell how often a client called. Counts live as long as the process.
//!
//! `GET /api/fake-immich/requests` answers `{"METHOD /route": count, ...}` plus keys without a
//! space, so never a route's: `uploadsInFlight`, `maxConcurrentUploads` and `sameFileConcurrent`
//! (see `uploads_in_flight`) and `faultsApplied` (requests a queued fault applied to).
//! `GET /api/fake-immich/uploads` answers `{"<hex sha1>": uploads that arrived with it, ...}`.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;

use crate::state::SharedState;

pub const PATH: &str = "/api/fake-immich/requests";
pub const UPLOADS_PATH: &str = "/api/fake-immich/uploads";

/// `"METHOD /route/{param}"` -> requests received.
#[derive(Debug, Default)]
pub struct RequestCounts(Mutex<BTreeMap<String, u64>>);

impl RequestCounts {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, u64>> {
        // A panic elsewhere cannot leave a half-updated counter behind.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub async fn count_request(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    // The route, not the path: ids would make one entry per asset.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str);
    let key = format!("{} {route}", request.method());
    *state.request_counts.lock().entry(key).or_default() += 1;
    next.run(request).await
}

pub async fn counts(State(state): State<SharedState>) -> Json<BTreeMap<String, u64>> {
    let mut counts = state.request_counts.lock().clone();
    let uploads = &state.uploads_in_flight;
    counts.insert("uploadsInFlight".into(), uploads.current());
    counts.insert("maxConcurrentUploads".into(), uploads.max_concurrent());
    counts.insert("sameFileConcurrent".into(), uploads.same_file_concurrent());
    counts.insert("faultsApplied".into(), state.faults.applied());
    Json(counts)
}

pub async fn uploads_per_checksum(State(state): State<SharedState>) -> Json<BTreeMap<String, u64>> {
    Json(state.uploads_in_flight.arrivals())
}

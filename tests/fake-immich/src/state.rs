//! What every handler shares.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::origins::AllowedOrigins;
use crate::routes::{FaultQueue, RequestCounts, UploadsInFlight};
use crate::socketio::hub::Hub;
use crate::store::Store;

pub struct AppState {
    pub store: Store,
    pub hub: Hub,
    /// Finished uploads, one file per asset id.
    pub originals_dir: PathBuf,
    /// Uploads in progress; moved to `originals_dir` once stored.
    pub incoming_dir: PathBuf,
    pub upload_delay: Duration,
    /// How long the upload routes hold their answer's body after its head.
    pub stall_body: Duration,
    pub ping_interval: Duration,
    pub ping_timeout: Duration,
    pub allowed_origins: AllowedOrigins,
    pub request_counts: RequestCounts,
    pub uploads_in_flight: UploadsInFlight,
    pub faults: FaultQueue,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    pub fn original_path(&self, asset_id: &str) -> PathBuf {
        self.originals_dir.join(asset_id)
    }
}

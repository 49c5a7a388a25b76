//! The sync service's core: a local mirror of the Immich library kept by the server's sync
//! stream (`POST /sync/stream`), decoded line by line as bytes arrive, applied in batches and
//! acknowledged only once stored.
//!
//! - `lines`: splits the body into lines as bytes arrive.
//! - `decode`, `entity`, `rows`: a line into what it says and its ack.
//! - `mirror`: the writes a line makes to the mirror.
//! - `engine`: one sync, from the first request to the report.
//! - `types`: what is asked for.
//! - `polled`: the endpoints asked with an ETag beside the stream.
//! - `view`: the library as the pages show it, from the mirror.
//! - `deleted`: files backed up from this device whose server copy is gone.

mod decode;
mod deleted;
mod engine;
mod entity;
mod lines;
mod mirror;
mod polled;
mod rows;
mod types;
mod view;

pub use decode::decode_line;
pub use deleted::{deleted_on_server, BackedUpFile};
pub use engine::{
    SyncBatch, SyncConfig, SyncEngine, SyncInput, SyncOutcome, SyncOutput, SyncReport, SyncSetup,
    BATCH_LINES, BATCH_MS,
};
pub use entity::{Ack, Entity, SyncLine, SyncLineError};
pub use lines::{LineError, LineSplitter, MAX_LINE};
pub use mirror::{op_for, MirrorOp};
pub use polled::{polled, Polled, POLLED_ENDPOINTS};
pub use rows::{Album, AlbumAsset, AlbumUser, AssetExif, Partner, RemoteAsset, User};
pub use types::{stream_body, MAX_ACKS_PER_CALL, SYNC_REQUEST_TYPES};
pub use view::{
    library_view, AlbumView, Counts, Day, Library, LibraryAsset, MirrorContents, PartnerView,
};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

//! The backup run: one state machine per file (`queue`), the waits between tries (`retry`), and
//! the engine that owns a run (`engine`), driven through its inputs and outputs (`io`).

mod carried;
mod counts;
mod engine;
mod handover;
mod io;
mod paging;
mod queue;
mod retry;
mod source;

pub use carried::{Carrier, CARRIED_UPLOAD_LIMIT_MS};
pub use counts::QueueCounts;
pub use engine::{
    Engine, EngineConfig, OutagePolicy, RunSetup, ALBUM_BATCH, CHECK_BATCH, HASHES_AT_ONCE,
    HASH_STEP_BYTES, STOPPED,
};
pub use handover::{
    carried_report, carried_target, fetch_tag, id_of_tag, CarriedTarget, HandedUpload, Refusal,
    HAND_OVER_METHOD, REFUSED_METHOD,
};
pub use io::{CheckRequest, HttpReply, Input, Output, RequestError, RequestResult, UploadRequest};
pub use paging::{dropped_by_new_run, HASHED_AHEAD, HELD_WHOLE, PAGE_ROWS};
pub use queue::{
    CheckVerdict, ItemState, QueueItem, RunControl, TransitionError, UploadOutcome, EMPTY_FILE,
    INTERRUPTED_TOO_OFTEN,
};
pub use retry::RetryPolicy;
pub use source::ItemSource;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod sim;

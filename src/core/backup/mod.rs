//! The upload queue: one state machine per file (`queue`), the backoff between attempts
//! (`retry`), and the choice of what to do next (`plan`).

mod plan;
mod queue;
mod retry;

pub use plan::{hash_ahead, next_step, Step, CHECK_BATCH};
pub use queue::{CheckVerdict, ItemState, QueueItem, RunControl, TransitionError, UploadOutcome};
pub use retry::RetryPolicy;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;

//! Test-only, no real Immich has it: faults queued for the next requests to one path, so tests
//! can show how a client meets a failing server.
//!
//! `POST /api/fake-immich/faults` with `{"path": "/api/assets", "count": 1, "status": 503,
//! "retryAfter": "5", "message": "...", "reset": false, "delayMs": 0}` (all optional, at least
//! one of `status`, `reset`, `delayMs`) queues one; `DELETE` drops whatever is still queued.
//! Like the request counts, it needs no login, and browsers reach it from the allowed origins.

mod inject;
mod queue;

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use serde::Deserialize;

use crate::error::ApiError;
use crate::json_body::JsonBody;
use crate::state::SharedState;

pub use inject::inject_fault;
pub use queue::FaultQueue;
use queue::{Fault, Outcome};

pub const PATH: &str = "/api/fake-immich/faults";

/// A fault here would lock a test out of its own controls.
const OWN_PREFIX: &str = "/api/fake-immich/";

const DEFAULT_MESSAGE: &str = "Injected fault (fake-immich)";

fn default_path() -> String {
    "/api/assets".into()
}

fn one() -> u32 {
    1
}

/// The request body; unknown fields are refused so a misspelt one cannot pass unnoticed.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRequest {
    /// The exact request path (no query) the fault applies to.
    #[serde(default = "default_path")]
    path: String,
    /// How many of the next requests to that path it applies to.
    #[serde(default = "one")]
    count: u32,
    /// Answer with this error status, in Immich's error shape.
    status: Option<u16>,
    /// `Retry-After` of that answer.
    retry_after: Option<String>,
    /// `message` of that answer.
    message: Option<String>,
    /// Close the connection without an answer.
    #[serde(default)]
    reset: bool,
    /// Wait this long first; with neither status nor reset, then handle the request as usual.
    #[serde(default)]
    delay_ms: u64,
}

fn bad(message: &str) -> ApiError {
    ApiError::BadRequest(message.into())
}

impl FaultRequest {
    fn outcome(self) -> Result<Outcome, ApiError> {
        let Some(status) = self.status else {
            if self.retry_after.is_some() || self.message.is_some() {
                return Err(bad("retryAfter and message belong to a status"));
            }
            return Ok(if self.reset {
                Outcome::Reset
            } else {
                Outcome::Handle
            });
        };
        if self.reset {
            return Err(bad(
                "a fault either answers with a status or resets, not both",
            ));
        }
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|status| status.is_client_error() || status.is_server_error())
            .ok_or_else(|| bad("status must be an error status, 400 to 599"))?;
        let retry_after = self
            .retry_after
            .map(|value| {
                HeaderValue::try_from(value)
                    .map_err(|_| bad("retryAfter is not a valid header value"))
            })
            .transpose()?;
        let message = self.message.unwrap_or_else(|| DEFAULT_MESSAGE.into());
        Ok(Outcome::Answer {
            status,
            retry_after,
            message,
        })
    }

    fn into_fault(self) -> Result<(String, u32, Fault), ApiError> {
        if !self.path.starts_with('/') || self.path.starts_with(OWN_PREFIX) {
            return Err(bad(
                "path must be a request path such as /api/assets, outside /api/fake-immich/",
            ));
        }
        if self.count == 0 {
            return Err(bad("count must be at least 1"));
        }
        let delay = Duration::from_millis(self.delay_ms);
        let (path, count) = (self.path.clone(), self.count);
        let outcome = self.outcome()?;
        if matches!(outcome, Outcome::Handle) && delay.is_zero() {
            return Err(bad("a fault needs a status, reset or delayMs"));
        }
        Ok((path, count, Fault { delay, outcome }))
    }
}

pub async fn add(
    State(state): State<SharedState>,
    JsonBody(request): JsonBody<FaultRequest>,
) -> Result<StatusCode, ApiError> {
    let (path, count, fault) = request.into_fault()?;
    state.faults.push(path, count, fault);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn clear(State(state): State<SharedState>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

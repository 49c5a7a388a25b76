//! Applies a queued fault to a request, inside the CORS layer (so a browser can read a faulted
//! answer) and inside the counting and draining layers (so it is counted like any request, and
//! the body of an answered one is still read to its end before the answer goes out).

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::queue::Outcome;
use crate::error::error_body;
use crate::reset::{ResetSwitch, Unsent};
use crate::state::SharedState;

pub async fn inject_fault(
    State(state): State<SharedState>,
    ConnectInfo(switch): ConnectInfo<ResetSwitch>,
    request: Request,
    next: Next,
) -> Response {
    // A preflight is the browser asking, not the client: it must not use up a fault.
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let Some(fault) = state.faults.take(request.uri().path()) else {
        return next.run(request).await;
    };
    eprintln!(
        "fault on {} {}: {fault}",
        request.method(),
        request.uri().path()
    );
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    match fault.outcome {
        Outcome::Handle => next.run(request).await,
        Outcome::Answer {
            status,
            retry_after,
            message,
        } => {
            // Dropping the request hands its unread body to the draining layer.
            drop(request);
            let mut response = error_body(status, &message);
            if let Some(value) = retry_after {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
        }
        Outcome::Reset => {
            switch.pull();
            // Never sent: the connection fails before hyper writes a byte of it.
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(Unsent);
            response
        }
    }
}

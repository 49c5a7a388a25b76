//! `--stall-body-ms`: the answer's head goes out at once and its body that much later, so tests
//! can check that a client's timeout covers reading the body, not just the head.

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{stream, StreamExt};

use crate::state::SharedState;

pub async fn stall_body(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let delay = state.stall_body;
    if delay.is_zero() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The stream below has no known length; the head announces it as the plain answer would.
    if let Some(length) = body.size_hint().exact() {
        parts.headers.insert(CONTENT_LENGTH, length.into());
    }
    let late = stream::once(async move {
        tokio::time::sleep(delay).await;
        body.into_data_stream()
    })
    .flatten();
    Response::from_parts(parts, Body::from_stream(late))
}

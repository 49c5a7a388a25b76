//! Every answer waits until the request body has been read to its end.
//!
//! Extractors and handlers may answer before reading the body (a 401, a body that is not a
//! form, an oversized field). hyper then tries once to discard the rest; when those bytes have
//! not arrived yet it closes the connection, after the response went out without
//! `Connection: close`, so a client that pools connections sends its next request into a dead
//! one. Reading the rest here keeps the connection usable, as Node (so a real Immich) does, and
//! a client still sending never has its upload reset before it can read the answer.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, BodyDataStream, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use tokio::sync::oneshot;

/// The request body as handlers see it; gives back whatever they left unread when dropped.
struct GivesBackRest {
    rest: Option<BodyDataStream>,
    give_back: Option<oneshot::Sender<BodyDataStream>>,
}

impl Stream for GivesBackRest {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(rest) = self.rest.as_mut() else {
            return Poll::Ready(None);
        };
        let next = rest.poll_next_unpin(cx);
        if let Poll::Ready(None) = next {
            self.rest = None;
        }
        next
    }
}

impl Drop for GivesBackRest {
    fn drop(&mut self) {
        if let (Some(rest), Some(give_back)) = (self.rest.take(), self.give_back.take()) {
            // Fails only when the request was abandoned, and then nobody answers anyway.
            let _ = give_back.send(rest);
        }
    }
}

pub async fn drain_request_body(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let (give_back, mut unread) = oneshot::channel();
    let body = Body::from_stream(GivesBackRest {
        rest: Some(body.into_data_stream()),
        give_back: Some(give_back),
    });
    let response = next.run(Request::from_parts(parts, body)).await;
    // Empty when the handler read everything; a body still held elsewhere is not waited for.
    if let Ok(mut rest) = unread.try_recv() {
        // A broken body ends the loop: the connection is lost and the answer goes nowhere.
        while let Some(Ok(_)) = rest.next().await {}
    }
    response
}

//! One stderr line per request. Only the path is printed: the query may hold an API key.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::reset::Unsent;

pub async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = match response.extensions().get::<Unsent>() {
        Some(Unsent) => "reset".to_string(),
        None => response.status().as_u16().to_string(),
    };
    eprintln!(
        "{method} {path} {status} {}ms",
        started.elapsed().as_millis()
    );
    response
}

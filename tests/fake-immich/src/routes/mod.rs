//! The HTTP surface: routes, CORS, request logging and counting, body draining and the JSON 404.

mod assets;
mod drain;
mod logging;
mod requests;
mod server;
mod session;
mod stall;
mod upload;
mod users;

pub use requests::RequestCounts;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::error::error_body;
use crate::socketio::connection;
use crate::state::SharedState;

async fn not_found(method: Method, uri: Uri) -> Response {
    error_body(
        StatusCode::NOT_FOUND,
        &format!("Cannot {method} {}", uri.path()),
    )
}

pub fn router(state: SharedState) -> Router {
    let stall_body = middleware::from_fn_with_state(state.clone(), stall::stall_body);
    let routes = Router::new()
        .route("/.well-known/immich", get(server::well_known))
        .route("/api/server/ping", get(server::ping))
        .route("/api/server/version", get(server::version))
        .route("/api/server/media-types", get(server::media_types))
        .route("/api/users/me", get(users::me))
        .route("/api/api-keys/me", get(users::my_api_key))
        .route("/api/auth/login", post(session::login))
        .route("/api/auth/validateToken", post(session::validate_token))
        // Uploads stream to disk, so the default in-memory body cap does not apply.
        .route(
            "/api/assets",
            post(upload::upload)
                .layer(DefaultBodyLimit::disable())
                .layer(stall_body.clone()),
        )
        .route(
            "/api/assets/bulk-upload-check",
            post(assets::bulk_upload_check).layer(stall_body),
        )
        .route("/api/assets/statistics", get(assets::statistics))
        .route("/api/assets/{id}", get(assets::get_asset))
        .route("/api/assets/{id}/original", get(assets::original))
        .route("/api/socket.io", get(connection::upgrade))
        .route("/api/socket.io/", get(connection::upgrade))
        .route(requests::PATH, get(requests::counts))
        .fallback(not_found);
    let routes = match state.allowed_origins.cors() {
        Some(cors) => routes.layer(cors),
        None => routes,
    };
    routes
        .layer(middleware::from_fn_with_state(
            state.clone(),
            requests::count_request,
        ))
        .layer(middleware::from_fn(drain::drain_request_body))
        .layer(middleware::from_fn(logging::log_request))
        .with_state(state)
}

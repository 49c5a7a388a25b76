//! The HTTP surface: routes, CORS, request logging and counting, body draining and the JSON 404,
//! ETags on the JSON GET routes, and the test-only endpoints under `/api/fake-immich/`: request
//! counts (`requests`), switchable faults (`faults`), uploaded sidecars (`sidecars`), more users
//! (`people`), assets in bulk (`generate`), sessions marked for a sync reset (`sessions`) and the
//! socket switches: drop all, go silent, count them (`sockets`).

mod album_edit;
mod albums;
mod asset_edit;
mod assets;
mod drain;
mod etag;
mod faults;
mod generate;
mod logging;
mod partners;
mod people;
mod requests;
mod server;
mod session;
mod sessions;
mod sidecars;
mod sockets;
mod stall;
mod sync;
mod thumbnail;
mod trash;
mod upload;
mod uploads_in_flight;
mod users;

pub use faults::FaultQueue;
pub use requests::RequestCounts;
pub use server::server_version;
pub use uploads_in_flight::UploadsInFlight;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware;
use axum::response::Response;
use axum::routing::{delete, get, post, put, MethodRouter};
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

/// A JSON GET route, with the ETag Immich's Express adds to every such answer.
fn json_get<H, T>(handler: H) -> MethodRouter<SharedState>
where
    H: axum::handler::Handler<T, SharedState>,
    T: 'static,
{
    get(handler).layer(middleware::from_fn(etag::etag))
}

pub fn router(state: SharedState) -> Router {
    let stall_body = middleware::from_fn_with_state(state.clone(), stall::stall_body);
    let routes = Router::new()
        .route("/.well-known/immich", json_get(server::well_known))
        .route("/api/server/ping", json_get(server::ping))
        .route("/api/server/version", json_get(server::version))
        .route("/api/server/media-types", json_get(server::media_types))
        .route("/api/server/features", json_get(server::features))
        .route("/api/users/me", json_get(users::me))
        .route("/api/api-keys/me", json_get(users::my_api_key))
        .route("/api/auth/login", post(session::login))
        .route("/api/auth/validateToken", post(session::validate_token))
        .route("/api/auth/logout", post(session::logout))
        .route("/api/sessions", json_get(sessions::list))
        .route("/api/sessions/{id}", delete(sessions::delete))
        // Uploads stream to disk, so the default in-memory body cap does not apply.
        .route(
            "/api/assets",
            post(upload::upload)
                .layer(DefaultBodyLimit::disable())
                .layer(stall_body.clone())
                .put(asset_edit::update_many)
                .delete(asset_edit::delete_many),
        )
        .route(
            "/api/assets/bulk-upload-check",
            post(assets::bulk_upload_check).layer(stall_body),
        )
        .route("/api/assets/statistics", json_get(assets::statistics))
        .route(
            "/api/assets/{id}",
            json_get(assets::get_asset).put(asset_edit::update_one),
        )
        .route("/api/assets/{id}/original", get(assets::original))
        .route("/api/assets/{id}/thumbnail", get(thumbnail::thumbnail))
        .route("/api/trash/empty", post(trash::empty))
        .route("/api/trash/restore", post(trash::restore))
        .route("/api/trash/restore/assets", post(trash::restore_assets))
        .route("/api/socket.io", get(connection::upgrade))
        .route("/api/socket.io/", get(connection::upgrade))
        .route("/api/albums", json_get(albums::list).post(albums::create))
        .route(
            "/api/albums/{id}",
            json_get(albums::info)
                .patch(album_edit::update)
                .delete(album_edit::delete),
        )
        .route(
            "/api/albums/{id}/assets",
            put(albums::add_assets).delete(album_edit::remove_assets),
        )
        .route(
            "/api/partners",
            json_get(partners::list).post(partners::create),
        )
        .route(
            "/api/partners/{id}",
            post(partners::create_with_id)
                .put(partners::update)
                .delete(partners::remove),
        )
        .route("/api/sync/stream", post(sync::stream))
        .route(
            "/api/sync/ack",
            json_get(sync::get_acks)
                .post(sync::set_acks)
                .delete(sync::delete_acks),
        )
        .route(requests::PATH, get(requests::counts))
        .route(requests::UPLOADS_PATH, get(requests::uploads_per_checksum))
        .route(sidecars::PATH, get(sidecars::sidecar))
        .route(faults::PATH, post(faults::add).delete(faults::clear))
        .route(people::PATH, post(people::add))
        .route(generate::PATH, post(generate::generate))
        .route(people::ONE_PATH, delete(people::remove))
        .route(sessions::RESET_ALL_PATH, post(sessions::reset_all))
        .route(sockets::PATH, get(sockets::list))
        .route(sockets::DROP_PATH, post(sockets::drop_all))
        .route(sockets::SILENCE_PATH, post(sockets::silence))
        .fallback(not_found)
        // Inside CORS, so a browser can read a faulted answer and a preflight never meets one.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject_fault,
        ));
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
        .layer(middleware::from_fn_with_state(
            state.clone(),
            uploads_in_flight::track_uploads,
        ))
        .layer(middleware::from_fn(logging::log_request))
        .with_state(state)
}

//! The socket.io address of a server: its API base with the websocket scheme.
//!
//! Immich serves socket.io under the API (`/api/socket.io`), websocket transport only (polling
//! answers "Transport unknown"), so the client opens the WebSocket directly with `EIO=4` and
//! `transport=websocket`, as socket.io-client does with `transports: ["websocket"]`. The base is
//! already validated by `ServerUrl` (https except loopback, no credentials): this only maps it.

use ::url::Url;
use thiserror::Error;

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SocketUrlError {
    #[error("not a valid server address")]
    Invalid,
    #[error("unsupported address scheme \"{0}\": the server address must start with https://")]
    UnsupportedScheme(String),
    #[error("the server address must not contain a user name or password")]
    Credentials,
}

/// "https://h/api" -> "wss://h/api/socket.io/?EIO=4&transport=websocket" ("http" -> "ws").
/// A path before "/api" (a server behind a reverse proxy's sub-path) is kept.
pub fn socket_url(api_base: &str) -> Result<String, SocketUrlError> {
    let mut url = Url::parse(api_base.trim()).map_err(|_| SocketUrlError::Invalid)?;
    let scheme = match url.scheme() {
        "https" | "wss" => "wss",
        "http" | "ws" => "ws",
        other => return Err(SocketUrlError::UnsupportedScheme(other.to_owned())),
    };
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SocketUrlError::Invalid);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SocketUrlError::Credentials);
    }
    // Both are special schemes, between which `url` allows the change.
    url.set_scheme(scheme)
        .map_err(|()| SocketUrlError::Invalid)?;
    let path = format!("{}/socket.io/", url.path().trim_end_matches('/'));
    url.set_path(&path);
    url.set_query(Some("EIO=4&transport=websocket"));
    url.set_fragment(None);
    Ok(url.into())
}

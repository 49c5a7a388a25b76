//! Which web pages may use this server from a browser: the `--allow-origin` list.
//!
//! With no list the server sends no CORS headers, like a stock Immich, so no other site's page
//! can read its answers; and a WebSocket opened by a page from a foreign origin is refused,
//! since browsers do not apply CORS to WebSockets at all.

use std::str::FromStr;
use std::sync::Arc;

use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, ETAG, HOST, IF_NONE_MATCH, ORIGIN, RETRY_AFTER,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What an allowed page may send beyond the CORS-safe headers. `Cache-Control` too: a fetch with
/// its own `If-None-Match` must set one, or the browser adds `no-cache` and gets no 304 (etag.rs).
const REQUEST_HEADERS: [HeaderName; 6] = [
    CONTENT_TYPE,
    AUTHORIZATION,
    IF_NONE_MATCH,
    CACHE_CONTROL,
    HeaderName::from_static("x-api-key"),
    HeaderName::from_static("x-immich-checksum"),
];

#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not an origin such as http://localhost:8080 (scheme, host, optional port)")]
pub struct NotAnOrigin(String);

/// An origin as browsers write it in the `Origin` header: `scheme://host[:port]`, lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

impl FromStr for Origin {
    type Err = NotAnOrigin;

    fn from_str(text: &str) -> Result<Self, NotAnOrigin> {
        let not_an_origin = || NotAnOrigin(text.to_string());
        let uri: Uri = text.parse().map_err(|_| not_an_origin())?;
        let scheme = uri.scheme_str().filter(|s| matches!(*s, "http" | "https"));
        let authority = uri.authority().filter(|a| !a.as_str().contains('@'));
        let bare = uri.query().is_none() && matches!(uri.path(), "" | "/");
        match (scheme, authority, bare) {
            (Some(scheme), Some(authority), true) => {
                Ok(Self(format!("{scheme}://{authority}").to_ascii_lowercase()))
            }
            _ => Err(not_an_origin()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AllowedOrigins {
    pages: Arc<[Origin]>,
    extension_sockets: bool,
}

impl AllowedOrigins {
    pub fn new(origins: Vec<Origin>, extension_sockets: bool) -> Self {
        Self {
            pages: origins.into(),
            extension_sockets,
        }
    }

    fn lists(&self, origin: &HeaderValue) -> bool {
        self.pages
            .iter()
            .any(|allowed| allowed.0.as_bytes() == origin.as_bytes())
    }

    /// Whether a WebSocket handshake may proceed: requests without `Origin` come from
    /// programs rather than pages; pages must be listed or be served by this server itself;
    /// extensions are admitted when the switch says so.
    pub fn admit_socket(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(ORIGIN) else {
            return true;
        };
        let own = headers
            .get(HOST)
            .map(|host| [b"http://", host.as_bytes()].concat());
        let extension =
            self.extension_sockets && origin.as_bytes().starts_with(b"chrome-extension://");
        extension
            || self.lists(origin)
            || own.is_some_and(|own| own.eq_ignore_ascii_case(origin.as_bytes()))
    }

    /// CORS for the listed origins; none at all when the list is empty.
    pub fn cors(&self) -> Option<CorsLayer> {
        if self.pages.is_empty() {
            return None;
        }
        let allowed = self.clone();
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::predicate(move |origin, _| {
                    allowed.lists(origin)
                }))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::DELETE,
                    Method::OPTIONS,
                ])
                .allow_headers(REQUEST_HEADERS)
                // A page's fetch reads only the headers listed here; a client backing off
                // needs Retry-After of a 429 or 503.
                .expose_headers([ETAG, RETRY_AFTER]),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(origins: &[&str]) -> AllowedOrigins {
        AllowedOrigins::new(
            origins
                .iter()
                .map(|o| o.parse().expect("an origin"))
                .collect(),
            false,
        )
    }

    fn socket_headers(origin: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:2283"));
        if let Some(origin) = origin {
            headers.insert(ORIGIN, HeaderValue::from_str(origin).expect("header"));
        }
        headers
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        let origin: Origin = "HTTP://LocalHost:8080/".parse().expect("an origin");
        assert_eq!(origin, Origin("http://localhost:8080".into()));
        for bad in [
            "localhost:8080",
            "ftp://localhost",
            "http://localhost/app",
            "http://localhost?x=1",
            "http://user@localhost",
            "",
        ] {
            assert!(bad.parse::<Origin>().is_err(), "{bad}");
        }
    }

    #[test]
    fn sockets_from_listed_own_or_no_origin_are_admitted() {
        let origins = allowed(&["http://localhost:8080"]);
        assert!(origins.admit_socket(&socket_headers(None)));
        assert!(origins.admit_socket(&socket_headers(Some("http://localhost:8080"))));
        assert!(origins.admit_socket(&socket_headers(Some("http://127.0.0.1:2283"))));
        assert!(!origins.admit_socket(&socket_headers(Some("http://localhost:8081"))));
        assert!(!origins.admit_socket(&socket_headers(Some("https://evil.example"))));
        assert!(!origins.admit_socket(&socket_headers(Some("null"))));
        assert!(allowed(&[]).cors().is_none());
    }

    #[test]
    fn extension_sockets_are_admitted_only_with_the_switch() {
        let extension = Some("chrome-extension://abcdefghijklmnopabcdefghijklmnop");
        assert!(!allowed(&[]).admit_socket(&socket_headers(extension)));
        let extensions = AllowedOrigins::new(Vec::new(), true);
        assert!(extensions.admit_socket(&socket_headers(extension)));
        assert!(!extensions.admit_socket(&socket_headers(Some("https://evil.example"))));
        assert!(extensions.cors().is_none());
    }
}

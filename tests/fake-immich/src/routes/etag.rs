//! ETags and `304 Not Modified` the way Immich's Express sends them: every JSON answer carries a
//! weak ETag of its body (`W/"<length in hex>-<base64 SHA-1, 27 characters>"`, Express's default),
//! and a GET whose `If-None-Match` names it is answered 304 without a body, as Express's `fresh`
//! decides. Express ignores `If-None-Match` when the request says `Cache-Control: no-cache`, and
//! browsers add exactly that to a fetch carrying its own `If-None-Match` unless the page sets a
//! `Cache-Control` of its own: a client that wants its 304 must send one (e.g. `max-age=0`).

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_NONE_MATCH, TRANSFER_ENCODING,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

/// Express's weak ETag of a body.
pub fn weak_etag(body: &[u8]) -> String {
    let digest = sha1_smol::Sha1::from(body).digest().bytes();
    let hash = base64::engine::general_purpose::STANDARD.encode(digest);
    format!("W/\"{:x}-{}\"", body.len(), &hash[..27])
}

/// Express's `fresh`: whether the client's copy (named by `If-None-Match`) is still current.
fn is_fresh(request: &HeaderMap, etag: &str) -> bool {
    let header = |name| {
        request
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let Some(none_match) = header(IF_NONE_MATCH) else {
        return false;
    };
    let no_cache = header(CACHE_CONTROL)
        .is_some_and(|value| value.split(',').any(|token| token.trim() == "no-cache"));
    if no_cache {
        return false;
    }
    if none_match.trim() == "*" {
        return true;
    }
    none_match
        .split([',', ' '])
        .filter(|tag| !tag.is_empty())
        .any(|tag| tag == etag || format!("W/{tag}") == etag)
}

/// For the JSON GET routes: the body is small and already in memory, so buffering it costs little.
pub async fn etag(request: Request, next: Next) -> Response {
    let conditional = matches!(*request.method(), Method::GET | Method::HEAD);
    let request_headers = request.headers().clone();
    let (mut parts, body) = next.run(request).await.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let tag = weak_etag(&bytes);
    let Ok(value) = HeaderValue::from_str(&tag) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    parts.headers.insert(ETAG, value);
    if conditional && parts.status.is_success() && is_fresh(&request_headers, &tag) {
        parts.status = StatusCode::NOT_MODIFIED;
        for name in [CONTENT_TYPE, CONTENT_LENGTH, TRANSFER_ENCODING] {
            parts.headers.remove(name);
        }
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn etags_are_expresss_weak_ones() {
        // As the npm `etag` package computes it for "hello".
        assert_eq!(weak_etag(b"hello"), "W/\"5-qvTGHdzF6KLavt4PO0gs2a6pQ00\"");
        assert_eq!(weak_etag(b""), "W/\"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk\"");
    }

    #[test]
    fn freshness_follows_express() {
        let tag = "W/\"5-abc\"";
        assert!(!is_fresh(&headers(&[]), tag));
        assert!(is_fresh(&headers(&[("if-none-match", "W/\"5-abc\"")]), tag));
        // The strong form of the same tag and lists of tags match too.
        assert!(is_fresh(&headers(&[("if-none-match", "\"5-abc\"")]), tag));
        assert!(is_fresh(
            &headers(&[("if-none-match", "W/\"1-old\", W/\"5-abc\"")]),
            tag
        ));
        assert!(is_fresh(&headers(&[("if-none-match", "*")]), tag));
        assert!(!is_fresh(
            &headers(&[("if-none-match", "W/\"1-old\"")]),
            tag
        ));
        let no_cache = [
            ("if-none-match", "W/\"5-abc\""),
            ("cache-control", "no-cache"),
        ];
        assert!(!is_fresh(&headers(&no_cache), tag));
        let max_age = [
            ("if-none-match", "W/\"5-abc\""),
            ("cache-control", "max-age=0"),
        ];
        assert!(is_fresh(&headers(&max_age), tag));
    }
}

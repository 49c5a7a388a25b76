//! Who is calling: API key or session token, from headers (`x-api-key`, `Authorization: Bearer`,
//! the `immich_access_token` cookie) or, for HTTP routes, the query string (`apiKey`,
//! `sessionKey`). The socket uses the headers alone, as Immich v3.1.0 was measured doing.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};

use crate::error::ApiError;
use crate::state::SharedState;
use crate::store::{AuthMethod, Session, Store, User};

/// The cookie Immich's login sets; browsers send it with every request to the server's origin.
pub const ACCESS_TOKEN_COOKIE: &str = "immich_access_token";

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: User,
    pub method: AuthMethod,
    /// The login session, unless an API key was used.
    pub session: Option<Session>,
}

/// The value of a cookie in the request's `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

enum Credential {
    ApiKey(String),
    Token(String),
}

fn header_credential(headers: &HeaderMap) -> Option<Credential> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(key) = header("x-api-key") {
        return Some(Credential::ApiKey(key.to_string()));
    }
    if let Some(token) = header(AUTHORIZATION.as_str()).and_then(|v| v.strip_prefix("Bearer ")) {
        return Some(Credential::Token(token.trim().to_string()));
    }
    cookie(headers, ACCESS_TOKEN_COOKIE).map(|token| Credential::Token(token.to_string()))
}

fn credential(headers: &HeaderMap, uri: &Uri) -> Option<Credential> {
    if let Some(credential) = header_credential(headers) {
        return Some(credential);
    }
    let Query(query) = Query::<HashMap<String, String>>::try_from_uri(uri).ok()?;
    if let Some(key) = query.get("apiKey") {
        return Some(Credential::ApiKey(key.clone()));
    }
    query
        .get("sessionKey")
        .map(|token| Credential::Token(token.clone()))
}

/// An HTTP request's caller: headers first, then the query string.
pub fn authenticate(store: &Store, headers: &HeaderMap, uri: &Uri) -> Result<Authed, ApiError> {
    check(store, credential(headers, uri))
}

/// A socket's caller: Immich's socket gateway reads the headers only, so a credential in the
/// URL (`?apiKey=`, `?sessionKey=`) leaves the socket unauthenticated.
pub fn authenticate_headers(store: &Store, headers: &HeaderMap) -> Result<Authed, ApiError> {
    check(store, header_credential(headers))
}

fn check(store: &Store, credential: Option<Credential>) -> Result<Authed, ApiError> {
    match credential {
        None => Err(ApiError::AuthRequired),
        Some(Credential::ApiKey(key)) => store
            .user_by_api_key(&key)?
            .map(|user| Authed {
                user,
                method: AuthMethod::ApiKey,
                session: None,
            })
            .ok_or(ApiError::InvalidApiKey),
        Some(Credential::Token(token)) => store
            .session_by_token(&token)?
            .map(|(user, session)| Authed {
                user,
                method: AuthMethod::Session,
                session: Some(session),
            })
            .ok_or(ApiError::InvalidToken),
    }
}

impl FromRequestParts<SharedState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, ApiError> {
        authenticate(&state.store, &parts.headers, &parts.uri)
    }
}

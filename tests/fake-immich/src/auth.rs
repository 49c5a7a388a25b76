//! Who is calling: API key or bearer token, from headers or (for WebSockets) the query string.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};

use crate::error::ApiError;
use crate::state::SharedState;
use crate::store::{AuthMethod, Store, User};

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: User,
    pub method: AuthMethod,
}

enum Credential {
    ApiKey(String),
    Token(String),
}

fn credential(headers: &HeaderMap, uri: &Uri) -> Option<Credential> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(key) = header("x-api-key") {
        return Some(Credential::ApiKey(key.to_string()));
    }
    if let Some(token) = header(AUTHORIZATION.as_str()).and_then(|v| v.strip_prefix("Bearer ")) {
        return Some(Credential::Token(token.trim().to_string()));
    }
    let Query(query) = Query::<HashMap<String, String>>::try_from_uri(uri).ok()?;
    if let Some(key) = query.get("apiKey") {
        return Some(Credential::ApiKey(key.clone()));
    }
    query
        .get("sessionKey")
        .map(|token| Credential::Token(token.clone()))
}

pub fn authenticate(store: &Store, headers: &HeaderMap, uri: &Uri) -> Result<Authed, ApiError> {
    match credential(headers, uri) {
        None => Err(ApiError::AuthRequired),
        Some(Credential::ApiKey(key)) => store
            .user_by_api_key(&key)?
            .map(|user| Authed {
                user,
                method: AuthMethod::ApiKey,
            })
            .ok_or(ApiError::InvalidApiKey),
        Some(Credential::Token(token)) => store
            .user_by_token(&token)?
            .map(|user| Authed {
                user,
                method: AuthMethod::Session,
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

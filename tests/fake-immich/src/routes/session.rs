//! Password login (a session, with Immich's cookies), logout (its session's sockets are told
//! `on_session_delete`) and token validation.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{Authed, ACCESS_TOKEN_COOKIE};
use crate::error::ApiError;
use crate::events;
use crate::json_body::JsonBody;
use crate::state::SharedState;

/// Immich's cookies live 400 days.
const COOKIE_MAX_AGE_SECONDS: i64 = 400 * 24 * 3600;

const AUTH_TYPE_COOKIE: &str = "immich_auth_type";
const IS_AUTHENTICATED_COOKIE: &str = "immich_is_authenticated";

/// Set-Cookie values as Immich's login sends them; only the token is hidden from scripts.
fn login_cookies(token: &str) -> [(axum::http::HeaderName, String); 3] {
    let expires = (chrono::Utc::now() + chrono::Duration::seconds(COOKIE_MAX_AGE_SECONDS))
        .format("%a, %d %b %Y %H:%M:%S GMT");
    let cookie = |name: &str, value: &str, http_only: bool| {
        let http_only = if http_only { "; HttpOnly" } else { "" };
        let value = format!(
            "{name}={value}; Max-Age={COOKIE_MAX_AGE_SECONDS}; Path=/; Expires={expires}{http_only}; SameSite=Lax"
        );
        (SET_COOKIE, value)
    };
    [
        cookie(ACCESS_TOKEN_COOKIE, token, true),
        cookie(AUTH_TYPE_COOKIE, "password", true),
        cookie(IS_AUTHENTICATED_COOKIE, "true", false),
    ]
}

/// What Express's `clearCookie` sends.
fn cleared_cookies() -> [(axum::http::HeaderName, String); 3] {
    [
        ACCESS_TOKEN_COOKIE,
        AUTH_TYPE_COOKIE,
        IS_AUTHENTICATED_COOKIE,
    ]
    .map(|name| {
        (
            SET_COOKIE,
            format!("{name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
        )
    })
}

#[derive(Deserialize)]
pub struct LoginRequest {
    email: String,
    password: String,
}

pub async fn login(
    State(state): State<SharedState>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    let user = state
        .store
        .user_by_credentials(&request.email, &request.password)?
        .ok_or(ApiError::BadCredentials)?;
    let (token, _session) = state.store.create_session(&user.id)?;
    let body = json!({
        "accessToken": token,
        "userId": user.id,
        "userEmail": user.email,
        "name": user.name,
        "isAdmin": user.is_admin,
        "profileImagePath": "",
        "shouldChangePassword": false,
        "isOnboarded": true,
    });
    Ok((
        StatusCode::CREATED,
        AppendHeaders(login_cookies(&token)),
        Json(body),
    )
        .into_response())
}

/// Ends the caller's session (with an API key there is none to end) and clears the cookies.
pub async fn logout(
    State(state): State<SharedState>,
    authed: Authed,
) -> Result<Response, ApiError> {
    if let Some(session) = &authed.session {
        state.store.delete_session(&authed.user.id, &session.id)?;
        // Only a logout says so; `DELETE /sessions/{id}` tells nobody (both measured on v3.1.0),
        // and the session's sockets stay open, as Immich leaves them.
        events::session_deleted(&state, &session.id);
    }
    let body = json!({ "successful": true, "redirectUri": "/auth/login?autoLaunch=0" });
    Ok((StatusCode::OK, AppendHeaders(cleared_cookies()), Json(body)).into_response())
}

/// Reaching the handler means the extractor accepted the credentials.
pub async fn validate_token(_authed: Authed) -> Json<Value> {
    Json(json!({ "authStatus": true }))
}

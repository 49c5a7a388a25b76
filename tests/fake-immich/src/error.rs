//! Errors answered to clients, in Immich's JSON error shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Authentication required")]
    AuthRequired,
    #[error("Invalid API key")]
    InvalidApiKey,
    #[error("Invalid user token")]
    InvalidToken,
    #[error("Incorrect email or password")]
    BadCredentials,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("storage failure: {0}")]
    Store(#[from] StoreError),
    #[error("file system failure: {0}")]
    Io(#[from] std::io::Error),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::AuthRequired
            | Self::InvalidApiKey
            | Self::InvalidToken
            | Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Store(_) | Self::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The body Immich (NestJS) sends with every error status.
pub fn error_body(status: StatusCode, message: &str) -> Response {
    let body = json!({
        "message": message,
        "error": status.canonical_reason().unwrap_or("Error"),
        "statusCode": status.as_u16(),
        "correlationId": uuid::Uuid::new_v4().simple().to_string()[..8].to_string(),
    });
    (status, Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            eprintln!("internal error: {self}");
        }
        error_body(status, &self.to_string())
    }
}

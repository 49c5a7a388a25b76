//! The Immich server's replies, read and classified. The web layer hands over a status code and
//! the body text; the decisions about what a reply means for the user or the queue live here.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::core::backup::{CheckVerdict, UploadOutcome};

mod albums;

pub use albums::{
    add_assets_body, album_assets_path, album_id_by_name, create_album_body, parse_added_assets,
    parse_created_album, AlbumError,
};

/// An API key. Its Debug and Display never show it, so it cannot leak through a log line or an
/// error text by accident; `expose` is called only where the key goes on the wire or to storage.
#[derive(Clone, PartialEq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> ApiKey {
        ApiKey(key.trim().to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

/// What the page shows after a successful login check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub server_url: String,
    pub user_name: String,
    pub user_email: String,
    pub version: String,
}

/// Why a login check failed, worded for the person typing the address and key.
#[derive(Debug, Error, PartialEq)]
pub enum LoginError {
    #[error("Please enter your API key (Account settings > API keys in the Immich web app).")]
    MissingApiKey,
    #[error(
        "Could not reach the server at {0}: check the address and that the server is running."
    )]
    Unreachable(String),
    #[error("The server at {0} does not answer like an Immich server: check the address.")]
    NotImmich(String),
    #[error("The server at {0} answered with a redirect, which is not followed: enter the address it redirects to (often the https:// one).")]
    Redirected(String),
    #[error("The server refused the API key: check that it is correct and has not been revoked.")]
    WrongApiKey,
    #[error("The API key lacks a permission this app needs (user.read): {0}")]
    Forbidden(String),
    #[error("Unexpected answer from the server (HTTP {status}): {message}")]
    Unexpected { status: u16, message: String },
}

/// An error body of the Immich API: `{"message": ..., "error": ..., "statusCode": ...}`.
/// `message` is sometimes a list of validation messages.
#[derive(Deserialize)]
struct ErrorBody {
    message: Option<serde_json::Value>,
}

/// The most of a server's text that becomes part of a message: a proxy's error page or a huge
/// JSON `message` must not flood the log, the queue rows or a notification.
pub const MAX_SERVER_TEXT: usize = 300;

/// `text` cut to `MAX_SERVER_TEXT` characters, with an ellipsis when it was longer.
pub fn cut_server_text(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_SERVER_TEXT).collect();
    match chars.next() {
        Some(_) => format!("{head}…"),
        None => head,
    }
}

/// The readable part of an error reply, or an excerpt of a body that is not Immich's shape, cut
/// to `MAX_SERVER_TEXT` characters either way.
pub fn error_message(body: &str) -> String {
    let from_json = serde_json::from_str::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.message)
        .map(|m| match m {
            serde_json::Value::String(s) => s,
            serde_json::Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        });
    cut_server_text(&from_json.unwrap_or_else(|| body.to_owned()))
}

/// `GET /server/ping` must answer `{"res":"pong"}`.
pub fn is_pong(status: u16, body: &str) -> bool {
    #[derive(Deserialize)]
    struct Pong {
        res: String,
    }
    status == 200 && serde_json::from_str::<Pong>(body).is_ok_and(|p| p.res == "pong")
}

/// Reads `GET /server/version` into "major.minor.patch".
pub fn parse_version(body: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Version {
        major: u32,
        minor: u32,
        patch: u32,
    }
    let v: Version = serde_json::from_str(body).ok()?;
    Some(format!("{}.{}.{}", v.major, v.minor, v.patch))
}

/// The user of a credential, from `GET /users/me`.
#[derive(Debug, PartialEq, Deserialize)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// The user of the key, from `GET /users/me`.
pub fn parse_user(status: u16, body: &str) -> Result<Me, LoginError> {
    match status {
        200 => serde_json::from_str::<Me>(body).map_err(|e| LoginError::Unexpected {
            status,
            message: format!("unreadable user: {e}"),
        }),
        401 => Err(LoginError::WrongApiKey),
        403 => Err(LoginError::Forbidden(error_message(body))),
        _ => Err(LoginError::Unexpected {
            status,
            message: error_message(body),
        }),
    }
}

/// Why a reply to a backup request could not be used.
#[derive(Debug, Error, PartialEq)]
pub enum ReplyError {
    #[error("the server refused the API key (HTTP {0})")]
    Unauthorized(u16),
    #[error("the server answered HTTP {status}: {message}")]
    Status { status: u16, message: String },
    #[error("unreadable reply from the server: {0}")]
    Malformed(String),
    #[error("no answer from the server: {0}")]
    Network(String),
}

#[derive(Serialize)]
struct BulkCheckRequest<'a> {
    assets: Vec<BulkCheckAsset<'a>>,
}

#[derive(Serialize)]
struct BulkCheckAsset<'a> {
    id: &'a str,
    checksum: &'a str,
}

/// The body of `POST /assets/bulk-upload-check` for (local id, SHA-1 hex) pairs.
pub fn bulk_check_body(assets: &[(&str, &str)]) -> String {
    let request = BulkCheckRequest {
        assets: assets
            .iter()
            .map(|(id, checksum)| BulkCheckAsset { id, checksum })
            .collect(),
    };
    serde_json::to_string(&request).unwrap_or_default()
}

#[derive(Deserialize)]
struct BulkCheckReply {
    results: Vec<BulkCheckResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkCheckResult {
    id: String,
    action: String,
    reason: Option<String>,
    asset_id: Option<String>,
}

/// Reads the bulk-upload-check reply into a verdict per local id.
pub fn parse_bulk_check(
    status: u16,
    body: &str,
) -> Result<Vec<(String, CheckVerdict)>, ReplyError> {
    check_status(status, body)?;
    let reply: BulkCheckReply =
        serde_json::from_str(body).map_err(|e| ReplyError::Malformed(e.to_string()))?;
    reply
        .results
        .into_iter()
        .map(|r| {
            let verdict = match (r.action.as_str(), r.reason.as_deref(), r.asset_id) {
                ("accept", _, _) => CheckVerdict::Accept,
                ("reject", Some("duplicate"), Some(remote_id)) => {
                    CheckVerdict::Duplicate { remote_id }
                }
                ("reject", reason, _) => CheckVerdict::Unsupported {
                    reason: reason.unwrap_or("rejected by the server").to_owned(),
                },
                (other, _, _) => {
                    return Err(ReplyError::Malformed(format!("unknown action {other:?}")))
                }
            };
            Ok((r.id, verdict))
        })
        .collect()
}

/// The server refused the credentials (not the request): every later request would meet it.
pub fn refuses_credentials(status: u16) -> bool {
    matches!(status, 401 | 403)
}

fn check_status(status: u16, body: &str) -> Result<(), ReplyError> {
    match status {
        200..=299 => Ok(()),
        status if refuses_credentials(status) => Err(ReplyError::Unauthorized(status)),
        _ => Err(ReplyError::Status {
            status,
            message: error_message(body),
        }),
    }
}

/// What an answered upload came to.
pub fn classify_upload(status: u16, body: &str) -> UploadOutcome {
    #[derive(Deserialize)]
    struct UploadReply {
        id: String,
        status: String,
    }
    match status {
        200 | 201 => match serde_json::from_str::<UploadReply>(body) {
            Ok(reply) if reply.status == "duplicate" => UploadOutcome::Duplicate {
                remote_id: reply.id,
            },
            Ok(reply) => UploadOutcome::Created {
                remote_id: reply.id,
            },
            Err(e) => UploadOutcome::Retryable {
                message: format!("unreadable upload reply: {e}"),
            },
        },
        status if refuses_credentials(status) => UploadOutcome::Unauthorized,
        408 | 429 | 500..=599 => UploadOutcome::Retryable {
            message: format!("HTTP {status}: {}", error_message(body)),
        },
        _ => UploadOutcome::Rejected {
            status,
            message: error_message(body),
        },
    }
}

/// When a server that answered `Retry-After: value` at `now_ms` may be asked again, in ms since
/// the epoch: the value is delta-seconds or an HTTP-date (RFC 9110 section 10.2.3), the date read
/// against `now_ms` (the engine's clock), never the system's. A date already past gives a time
/// not after `now_ms`. None for anything else (a negative number, garbage): the header is then
/// as good as absent.
pub fn retry_after_at(value: &str, now_ms: i64) -> Option<i64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits but too large for u64 is still a (very long) wait, not garbage.
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        let ms = i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
        return Some(now_ms.saturating_add(ms));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let since_epoch = date.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since_epoch.as_millis()).ok()
}

/// The text fields of `POST /assets` besides the file itself, as the official CLI sends them,
/// plus `filename`: browsers escape a `"` in the file part's name as `%22`, and a server keeps
/// that escaped name unless the field gives the real one.
pub fn upload_fields(name: &str, size: u64, modified_at_ms: i64) -> Vec<(&'static str, String)> {
    let modified = iso8601_utc(modified_at_ms);
    vec![
        ("fileCreatedAt", modified.clone()),
        ("fileModifiedAt", modified),
        ("fileSize", size.to_string()),
        ("filename", name.to_owned()),
        ("isFavorite", "false".to_owned()),
    ]
}

/// Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.sssZ` (what JavaScript's toISOString
/// gives), for any date from year 0 to 9999.
pub fn iso8601_utc(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    // Civil date from a day count (proleptic Gregorian), after Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "immich_tests.rs"]
mod tests;

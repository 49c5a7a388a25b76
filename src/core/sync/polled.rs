//! What the sync polls besides the stream: the JSON endpoints the stream does not cover, each
//! asked with the ETag of its kept reply (`If-None-Match`), so an unchanged one costs a bodiless
//! 304 and no write.

use crate::core::log::LogLevel;

/// Asked at every sync. (`/server/media-types` is asked by every backup run's folder scan.)
pub const POLLED_ENDPOINTS: [&str; 3] = ["/server/version", "/server/features", "/users/me"];

/// What an answer to a polled endpoint comes to.
#[derive(Debug, PartialEq, Eq)]
pub enum Polled {
    /// 304: the kept reply is current; nothing to write.
    Unchanged,
    /// 200 with an ETag: keep this reply and its tag.
    Changed { etag: String },
    /// Anything else (no tag, an error): the kept reply stays as it is.
    Kept { status: u16 },
}

pub fn polled(status: u16, etag: Option<String>) -> Polled {
    match (status, etag) {
        (304, _) => Polled::Unchanged,
        (200, Some(etag)) => Polled::Changed { etag },
        (status, _) => Polled::Kept { status },
    }
}

impl Polled {
    /// The log line for `endpoint` (DEBUG: advanced troubleshooting shows it).
    pub fn log_line(&self, endpoint: &str) -> (LogLevel, String) {
        let what = match self {
            Polled::Unchanged => "unchanged (304)".to_owned(),
            Polled::Changed { .. } => "updated".to_owned(),
            Polled::Kept { status } => format!("HTTP {status}, the kept reply stays"),
        };
        (LogLevel::Debug, format!("GET {endpoint}: {what}"))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn only_a_tagged_200_replaces_the_kept_reply() {
        assert_eq!(polled(304, None), Polled::Unchanged);
        assert_eq!(
            polled(200, Some("W/\"1\"".into())),
            Polled::Changed {
                etag: "W/\"1\"".into()
            }
        );
        assert_eq!(polled(200, None), Polled::Kept { status: 200 });
        assert_eq!(polled(503, Some("x".into())), Polled::Kept { status: 503 });
        assert_eq!(
            Polled::Unchanged.log_line("/users/me").1,
            "GET /users/me: unchanged (304)"
        );
    }
}

//! Handing an upload to a page, which starts the browser's Background Fetch (a worker may not):
//! the request as the page reads it, the fetch's tag, the page's refusal, where the request goes
//! and how it authenticates, and what the worker logs when the browser reports the outcome.

use serde::Deserialize;
use url::Url;

use crate::core::immich;
use crate::core::log::{redact, LogLevel};
use crate::core::server_url::ServerUrl;
use crate::core::session::Credential;

use super::io::RequestResult;
use super::{ItemSource, UploadOutcome};

/// The channel method of the worker's request to a page: start this upload.
pub const HAND_OVER_METHOD: &str = "backgroundFetch";
/// The channel method of a page's answer when it could not start it.
pub const REFUSED_METHOD: &str = "backgroundFetchRefused";
/// Every Background Fetch of the app is tagged with this and the queue id.
const TAG_PREFIX: &str = "upload:";

/// The Background Fetch tag of the upload of queue row `id`.
pub fn fetch_tag(id: &str) -> String {
    format!("{TAG_PREFIX}{id}")
}

/// The queue id of one of the app's Background Fetches; None for a tag not the app's.
pub fn id_of_tag(tag: &str) -> Option<&str> {
    tag.strip_prefix(TAG_PREFIX).filter(|id| !id.is_empty())
}

/// An `UploadRequest` as a page receives it (the same JSON, read back).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandedUpload {
    pub id: String,
    pub name: String,
    pub checksum: String,
    pub fields: Vec<(String, String)>,
    pub source: ItemSource,
    pub sidecar: Option<String>,
    pub size: u64,
}

/// A page could not start the Background Fetch of upload `id`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Refusal {
    pub id: String,
    pub reason: String,
}

impl Refusal {
    /// The refusal in a channel message, None for any other message.
    pub fn from_message(json: &serde_json::Value) -> Option<Refusal> {
        if json.get("method")?.as_str()? != REFUSED_METHOD {
            return None;
        }
        serde_json::from_value(json.get("args")?.clone()).ok()
    }
}

/// Where a carried upload goes and the headers it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarriedTarget {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
}

/// The `POST /assets` a page hands to Background Fetch. Chromium's Background Fetch sends no
/// CORS preflight: a request to another origin with a header outside the safelist (`x-api-key`,
/// `x-immich-checksum`) fails before a byte leaves. So, to a server of another origin than the
/// page, the credential goes as Immich's `apiKey` / `sessionKey` query parameter and the checksum stays out (the
/// server computes it from the bytes, and still answers a known file as a duplicate); to the
/// page's own origin, both go as headers, as the worker sends them.
pub fn carried_target(
    server: &ServerUrl,
    page_origin: &str,
    credential: &Credential,
    checksum: &str,
) -> CarriedTarget {
    let endpoint = server.endpoint("/assets");
    let same_origin =
        Url::parse(&endpoint).is_ok_and(|url| url.origin().ascii_serialization() == page_origin);
    if same_origin {
        return CarriedTarget {
            url: endpoint,
            headers: vec![
                credential.header(),
                ("x-immich-checksum", checksum.to_owned()),
            ],
        };
    }
    let url = match Url::parse(&endpoint) {
        Ok(mut url) => {
            let (name, secret) = credential.query_pair();
            url.query_pairs_mut().append_pair(name, secret);
            url.to_string()
        }
        // A server URL always parses; this keeps the key out of a broken one anyway.
        Err(_) => endpoint,
    };
    CarriedTarget {
        url,
        headers: Vec::new(),
    }
}

/// What the worker says when the browser reports the upload of `name`: the log line (server
/// text cut, the secrets redacted) and whether the file reached the server.
pub fn carried_report(
    name: &str,
    result: &RequestResult,
    secrets: &[&str],
) -> (LogLevel, String, bool) {
    let (level, text, backed_up) = match result {
        Ok(reply) => match immich::classify_upload(reply.status, &reply.body) {
            UploadOutcome::Created { .. } => (LogLevel::Info, "backed up".to_owned(), true),
            UploadOutcome::Duplicate { .. } => {
                (LogLevel::Info, "already on the server".to_owned(), true)
            }
            UploadOutcome::Unauthorized => (
                LogLevel::Warning,
                format!("the server refused the login (HTTP {})", reply.status),
                false,
            ),
            UploadOutcome::Rejected { status, message } => (
                LogLevel::Warning,
                format!("refused by the server (HTTP {status}): {message}"),
                false,
            ),
            UploadOutcome::Retryable { message } => (LogLevel::Warning, message, false),
        },
        Err(error) => (LogLevel::Warning, format!("no answer ({error})"), false),
    };
    let text = redact(&immich::cut_server_text(&text), secrets);
    (
        level,
        format!("{name}: Background Fetch reported: {text}"),
        backed_up,
    )
}

#[cfg(test)]
mod tests {
    use super::super::io::{HttpReply, RequestError};
    use super::super::{Carrier, UploadRequest};
    use super::*;
    use crate::core::immich::ApiKey;
    use crate::core::session::SessionToken;

    fn request() -> UploadRequest {
        UploadRequest {
            id: "f1:a/clip.mp4:5:6".into(),
            name: "clip.mp4".into(),
            checksum: "ab".repeat(20),
            fields: vec![
                ("deviceAssetId", "x".into()),
                ("filename", "clip.mp4".into()),
            ],
            source: ItemSource::Folder {
                folder_id: "f1".into(),
                path: "a/clip.mp4".into(),
            },
            sidecar: Some("a/clip.xmp".into()),
            size: 5,
            carrier: Carrier::BackgroundFetch,
        }
    }

    #[test]
    fn a_page_reads_the_request_the_worker_posts() {
        let sent = request();
        let json = serde_json::to_value(&sent).unwrap();
        let read: HandedUpload = serde_json::from_value(json).unwrap();
        assert_eq!(read.id, sent.id);
        assert_eq!((read.name.as_str(), read.size), ("clip.mp4", 5));
        assert_eq!(
            read.fields[1],
            ("filename".to_owned(), "clip.mp4".to_owned())
        );
        assert_eq!((read.source, read.sidecar), (sent.source, sent.sidecar));
    }

    #[test]
    fn tags_name_the_queue_row() {
        assert_eq!(fetch_tag("f1:a/b.mp4:5:6"), "upload:f1:a/b.mp4:5:6");
        assert_eq!(id_of_tag("upload:f1:a/b.mp4:5:6"), Some("f1:a/b.mp4:5:6"));
        assert_eq!(id_of_tag("upload:"), None);
        assert_eq!(id_of_tag("someone-else"), None);
    }

    #[test]
    fn a_refusal_is_read_from_its_message_only() {
        let refused = serde_json::json!({
            "method": "backgroundFetchRefused",
            "args": {"id": "a", "reason": "the file is gone"}
        });
        assert_eq!(
            Refusal::from_message(&refused),
            Some(Refusal {
                id: "a".into(),
                reason: "the file is gone".into()
            })
        );
        let other = serde_json::json!({"method": "start", "args": {"id": "a", "reason": "x"}});
        assert_eq!(Refusal::from_message(&other), None);
        let broken = serde_json::json!({"method": "backgroundFetchRefused", "args": {"id": 1}});
        assert_eq!(Refusal::from_message(&broken), None);
    }

    #[test]
    fn another_origin_gets_the_key_in_the_query_and_no_custom_header() {
        let server = ServerUrl::parse("https://photos.example.org").unwrap();
        let key = Credential::ApiKey(ApiKey::new("k&y=1".into()));
        let target = carried_target(&server, "https://app.example.net", &key, "abc");
        assert_eq!(
            target.url,
            "https://photos.example.org/api/assets?apiKey=k%26y%3D1"
        );
        assert!(target.headers.is_empty());
        let session = Credential::Session(SessionToken::new("t".into()));
        let target = carried_target(&server, "https://app.example.net", &session, "abc");
        assert_eq!(
            target.url,
            "https://photos.example.org/api/assets?sessionKey=t"
        );
    }

    #[test]
    fn the_same_origin_gets_the_worker_s_headers() {
        let server = ServerUrl::parse("https://photos.example.org").unwrap();
        let session = Credential::Session(SessionToken::new("t".into()));
        let target = carried_target(&server, "https://photos.example.org", &session, "abc");
        assert_eq!(target.url, "https://photos.example.org/api/assets");
        assert_eq!(
            target.headers,
            vec![
                ("authorization", "Bearer t".to_owned()),
                ("x-immich-checksum", "abc".to_owned())
            ]
        );
    }

    fn reply(status: u16, body: &str) -> RequestResult {
        Ok(HttpReply {
            status,
            body: body.into(),
            retry_after: None,
        })
    }

    #[test]
    fn the_report_says_whether_the_file_reached_the_server() {
        let created = reply(201, r#"{"id":"r1","status":"created"}"#);
        let (level, line, backed_up) = carried_report("clip.mp4", &created, &[]);
        assert_eq!((level, backed_up), (LogLevel::Info, true));
        assert_eq!(line, "clip.mp4: Background Fetch reported: backed up");
        let duplicate = reply(200, r#"{"id":"r1","status":"duplicate"}"#);
        assert!(carried_report("clip.mp4", &duplicate, &[]).2);
        let lost = Err(RequestError::Network("fetch-error".into()));
        let (level, line, backed_up) = carried_report("clip.mp4", &lost, &[]);
        assert_eq!((level, backed_up), (LogLevel::Warning, false));
        assert!(line.contains("fetch-error"), "{line}");
    }

    #[test]
    fn the_report_never_holds_the_key_the_server_echoed() {
        let echoed = reply(400, r#"{"message":"bad request with apiKey=secret-key-1"}"#);
        let (_, line, backed_up) = carried_report("clip.mp4", &echoed, &["secret-key-1"]);
        assert!(!backed_up);
        assert!(!line.contains("secret-key-1"), "{line}");
        assert!(line.contains("HTTP 400"), "{line}");
    }
}

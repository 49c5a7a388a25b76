//! How the client proves who it is: an API key (backup only) or a session from a password login
//! (everything: `/sync/*` refuses API keys on current servers). The secret never shows in Debug
//! output, so it cannot reach a log line or an error text by accident.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::core::immich::{error_message, ApiKey};

/// A session's bearer token, from `POST /auth/login`.
#[derive(Clone, PartialEq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn new(token: String) -> SessionToken {
        SessionToken(token.trim().to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken([redacted])")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Credential {
    ApiKey(ApiKey),
    Session(SessionToken),
}

impl Credential {
    /// The request header that carries the credential.
    pub fn header(&self) -> (&'static str, String) {
        match self {
            Credential::ApiKey(key) => ("x-api-key", key.expose().to_owned()),
            Credential::Session(token) => ("authorization", format!("Bearer {}", token.expose())),
        }
    }

    /// The query parameter Immich reads when a request cannot carry headers (Background Fetch
    /// across origins).
    pub fn query_pair(&self) -> (&'static str, &str) {
        match self {
            Credential::ApiKey(key) => ("apiKey", key.expose()),
            Credential::Session(token) => ("sessionKey", token.expose()),
        }
    }

    /// The secret itself, for redaction of texts that might echo it.
    pub fn secret(&self) -> &str {
        match self {
            Credential::ApiKey(key) => key.expose(),
            Credential::Session(token) => token.expose(),
        }
    }

    /// Only a session may read the library (`/sync/*` answers 403 to API keys) and hear live
    /// updates (the socket's only credential in a browser is the session cookie).
    pub fn is_session(&self) -> bool {
        matches!(self, Credential::Session(_))
    }
}

/// One login told from another by its server and credential, the secret never shown: the live
/// updates follow the stored login, and a session's end concerns only the login it came with.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginId {
    api_base: String,
    secret: String,
}

impl LoginId {
    pub fn new(api_base: &str, credential: &Credential) -> LoginId {
        LoginId {
            api_base: api_base.to_owned(),
            secret: credential.secret().to_owned(),
        }
    }
}

impl std::fmt::Debug for LoginId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoginId({}, [redacted])", self.api_base)
    }
}

/// The body of `POST /auth/login`.
pub fn login_body(email: &str, password: &str) -> String {
    serde_json::json!({ "email": email.trim(), "password": password }).to_string()
}

/// What a password login gave.
#[derive(Debug, PartialEq)]
pub struct SessionLogin {
    pub token: SessionToken,
    pub user_id: String,
    pub user_email: String,
    pub user_name: String,
}

#[derive(Debug, Error, PartialEq)]
pub enum PasswordLoginError {
    #[error("Please enter your email and password.")]
    MissingCredentials,
    #[error("The server refused the email or password: {0}")]
    Refused(String),
    #[error("Unexpected answer to the login (HTTP {status}): {message}")]
    Unexpected { status: u16, message: String },
}

/// Reads the answer to `POST /auth/login`.
pub fn parse_login(status: u16, body: &str) -> Result<SessionLogin, PasswordLoginError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Reply {
        access_token: String,
        user_id: String,
        user_email: String,
        name: String,
    }
    match status {
        200 | 201 => serde_json::from_str::<Reply>(body)
            .map(|r| SessionLogin {
                token: SessionToken::new(r.access_token),
                user_id: r.user_id,
                user_email: r.user_email,
                user_name: r.name,
            })
            .map_err(|e| PasswordLoginError::Unexpected {
                status,
                message: format!("unreadable login reply: {e}"),
            }),
        400 | 401 => Err(PasswordLoginError::Refused(error_message(body))),
        _ => Err(PasswordLoginError::Unexpected {
            status,
            message: error_message(body),
        }),
    }
}

/// The id of the session making the request, from the answer to `GET /sessions` (the one
/// marked `current`); None when the answer does not say.
pub fn current_session_id(status: u16, body: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Session {
        id: String,
        #[serde(default)]
        current: bool,
    }
    if status != 200 {
        return None;
    }
    let sessions: Vec<Session> = serde_json::from_str(body).ok()?;
    sessions.into_iter().find(|s| s.current).map(|s| s.id)
}

/// Who the queued files belong to: they wait for a login to the same server and user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueOwner {
    pub server_url: String,
    pub user_id: String,
}

/// What a run does about the queue's owner.
#[derive(Debug, PartialEq)]
pub enum QueueClaim {
    /// The queue is this login's (or was stored before owners were kept).
    Keep,
    /// Nothing is waiting for anyone else: the queue becomes this login's.
    Take,
    /// Files wait for another login: none of them goes to this one.
    Refuse(String),
}

/// Whether the queued files may go with `login`: files queued under one user never go to another
/// user or server; they wait for that login again (or for Cancel).
pub fn claim_queue(stored: Option<&QueueOwner>, login: &QueueOwner, unfinished: u32) -> QueueClaim {
    match stored {
        Some(owner) if owner == login || owner.user_id.is_empty() || login.user_id.is_empty() => {
            QueueClaim::Keep
        }
        Some(owner) if unfinished > 0 => QueueClaim::Refuse(format!(
            "{unfinished} queued files belong to another login ({}): log in as that user again \
             to back them up, or Cancel to clear the queue.",
            owner.server_url
        )),
        _ => QueueClaim::Take,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_current_session_is_the_one_marked() {
        let body = r#"[{"id":"a","current":false,"deviceOS":"x"},{"id":"b","current":true}]"#;
        assert_eq!(current_session_id(200, body), Some("b".into()));
        assert_eq!(current_session_id(200, r#"[{"id":"a"}]"#), None);
        assert_eq!(current_session_id(403, body), None);
        assert_eq!(current_session_id(200, "not json"), None);
    }

    fn owner(server: &str, user: &str) -> QueueOwner {
        QueueOwner {
            server_url: server.into(),
            user_id: user.into(),
        }
    }

    #[test]
    fn queued_files_wait_for_their_own_login() {
        let alice = owner("https://a.example/api", "alice");
        let bob = owner("https://a.example/api", "bob");
        let elsewhere = owner("https://b.example/api", "alice");
        assert_eq!(claim_queue(Some(&alice), &alice, 5), QueueClaim::Keep);
        assert!(matches!(
            claim_queue(Some(&alice), &bob, 5),
            QueueClaim::Refuse(_)
        ));
        assert!(matches!(
            claim_queue(Some(&alice), &elsewhere, 1),
            QueueClaim::Refuse(_)
        ));
        assert_eq!(claim_queue(Some(&alice), &bob, 0), QueueClaim::Take);
        assert_eq!(claim_queue(None, &bob, 3), QueueClaim::Take);
        assert_eq!(
            claim_queue(Some(&owner("https://a.example/api", "")), &bob, 3),
            QueueClaim::Keep
        );
    }

    #[test]
    fn a_login_reply_gives_the_token_and_the_user() {
        let body = r#"{"accessToken":"tok","userId":"u1","userEmail":"a@b.c","name":"A",
            "isAdmin":false,"profileImagePath":"","shouldChangePassword":false,"isOnboarded":true}"#;
        let login = parse_login(201, body).expect("a login");
        assert_eq!(login.token.expose(), "tok");
        assert_eq!(login.user_id, "u1");
        assert_eq!(login.user_email, "a@b.c");
    }

    #[test]
    fn refused_and_unreadable_logins_are_typed() {
        let refused = parse_login(401, r#"{"message":"Incorrect email or password"}"#);
        assert_eq!(
            refused,
            Err(PasswordLoginError::Refused(
                "Incorrect email or password".into()
            ))
        );
        assert!(matches!(
            parse_login(201, "{}"),
            Err(PasswordLoginError::Unexpected { status: 201, .. })
        ));
        assert!(matches!(
            parse_login(502, "<html>"),
            Err(PasswordLoginError::Unexpected { status: 502, .. })
        ));
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let session = Credential::Session(SessionToken::new("s3cret".into()));
        let key = Credential::ApiKey(ApiKey::new("k3y".into()));
        assert!(!format!("{session:?}{key:?}").contains("s3cret"));
        assert!(!format!("{key:?}").contains("k3y"));
        assert_eq!(session.header().1, "Bearer s3cret");
        assert_eq!(session.query_pair(), ("sessionKey", "s3cret"));
        assert!(session.is_session() && !key.is_session());
    }

    #[test]
    fn a_login_is_its_server_and_credential() {
        let token = |t: &str| Credential::Session(SessionToken::new(t.into()));
        let here = LoginId::new("https://a.example/api", &token("s3cret"));
        assert_eq!(
            here,
            LoginId::new("https://a.example/api", &token("s3cret"))
        );
        assert_ne!(here, LoginId::new("https://a.example/api", &token("other")));
        assert_ne!(
            here,
            LoginId::new("https://b.example/api", &token("s3cret"))
        );
        assert!(!format!("{here:?}").contains("s3cret"));
    }
}

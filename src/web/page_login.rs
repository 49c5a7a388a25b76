//! The page's login: a password login (a session: backup and the library mirror), an API key
//! (backup only), the current login, and logging out.

use serde::Serialize;

use crate::core::backup::RequestError;
use crate::core::immich::{self, ApiKey, LoginError, ServerInfo};
use crate::core::server_url::ServerUrl;
use crate::core::session::{self, Credential, PasswordLoginError};
use crate::web::extension;
use crate::web::http::ImmichHttp;
use crate::web::page::{log_info, open_store, PageResult};
use crate::web::store::Login as StoredLogin;

/// The login the page shows.
#[derive(Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify_next::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Login {
    pub server_url: String,
    /// `session` (password login: backup and the library) or `apiKey` (backup only).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"session\" | \"apiKey\""))]
    pub kind: &'static str,
    /// Whether the library mirror can be kept (a session; `/sync/*` refuses API keys).
    pub can_sync: bool,
}

/// Pings the server and reads its version, as the mobile app does before it logs in.
async fn reach(server: &ServerUrl) -> PageResult<String> {
    let unauthenticated = ImmichHttp::new(server.clone(), None);
    let base = server.api_base().to_owned();
    let ping = unauthenticated
        .get("/server/ping")
        .await
        .map_err(|e| not_reached(&base, e))?;
    if !immich::is_pong(ping.status, &ping.body) {
        return Err(LoginError::NotImmich(base).into());
    }
    Ok(match unauthenticated.get("/server/version").await {
        Ok(reply) => immich::parse_version(&reply.body).unwrap_or_else(|| "unknown".into()),
        Err(_) => "unknown".into(),
    })
}

fn not_reached(base: &str, error: RequestError) -> LoginError {
    match error {
        RequestError::Redirect => LoginError::Redirected(base.to_owned()),
        _ => LoginError::Unreachable(base.to_owned()),
    }
}

/// Logs in with email and password: a session whose token the worker uses for everything.
pub async fn login_with_password(url: &str, email: &str, password: &str) -> PageResult<ServerInfo> {
    if email.trim().is_empty() || password.is_empty() {
        return Err(PasswordLoginError::MissingCredentials.into());
    }
    let server = ServerUrl::parse(url)?;
    let version = reach(&server).await?;
    let base = server.api_base().to_owned();
    let reply = ImmichHttp::new(server.clone(), None)
        .post_json("/auth/login", session::login_body(email, password))
        .await
        .map_err(|e| not_reached(&base, e))?;
    let login = session::parse_login(reply.status, &reply.body)?;
    let credential = Credential::Session(login.token);
    // Which session this is, so a logout of another one (its event reaches this socket when
    // the cookie is another app's) is not taken for this one's; unknown is no failure.
    let sessions = ImmichHttp::new(server.clone(), Some(credential.clone()))
        .get("/sessions")
        .await;
    let session_id = sessions
        .ok()
        .and_then(|reply| session::current_session_id(reply.status, &reply.body));
    let store = open_store().await?;
    store
        .save_login(&StoredLogin {
            server,
            credential,
            user_id: login.user_id,
            session_id,
        })
        .await?;
    log_info(
        &store,
        format!("Logged in to {base} as {}", login.user_email),
    )
    .await;
    Ok(ServerInfo {
        server_url: base,
        user_name: login.user_name,
        user_email: login.user_email,
        version,
    })
}

/// Checks the server and API key the way the mobile app does (ping, version, the key's user) and
/// stores the login only when all of it worked. An API key backs up only.
pub async fn connect(url: &str, api_key: &str) -> PageResult<ServerInfo> {
    let server = ServerUrl::parse(url)?;
    let key = ApiKey::new(api_key.to_owned());
    if key.is_empty() {
        return Err(LoginError::MissingApiKey.into());
    }
    let version = reach(&server).await?;
    let base = server.api_base().to_owned();
    let credential = Credential::ApiKey(key);
    let authenticated = ImmichHttp::new(server.clone(), Some(credential.clone()));
    let me = authenticated
        .get("/users/me")
        .await
        .map_err(|e| not_reached(&base, e))?;
    let user = immich::parse_user(me.status, &me.body)?;
    let store = open_store().await?;
    store
        .save_login(&StoredLogin {
            server,
            credential,
            user_id: user.id,
            session_id: None,
        })
        .await?;
    log_info(&store, format!("Logged in to {base} as {}", user.email)).await;
    Ok(ServerInfo {
        server_url: base,
        user_name: user.name,
        user_email: user.email,
        version,
    })
}

pub async fn current_login() -> PageResult<Option<Login>> {
    let login = open_store().await?.load_login().await?;
    Ok(login.map(|login| Login {
        server_url: login.server.api_base().to_owned(),
        kind: match login.credential {
            Credential::Session(_) => "session",
            Credential::ApiKey(_) => "apiKey",
        },
        can_sync: login.credential.is_session(),
    }))
}

/// Ends the session on the server (`POST /auth/logout`) and wipes it here with the library
/// mirror; the queued files stay and wait for the next login of the same user.
pub async fn logout() -> PageResult<()> {
    let store = open_store().await?;
    let login = store.load_login().await?;
    // Wiped before the server hears it: the worker's socket then hears this session's end
    // with no login left to end, and stays quiet.
    store.log_out().await?;
    if let Some(login) = login {
        // An extension's socket carried the session as a cookie it set: it goes too.
        if let Err(e) = extension::remove_session_cookie(&login.server.origin()).await {
            web_sys::console::warn_2(&"[immich-background] the session cookie stays:".into(), &e);
        }
        if let Credential::Session(_) = login.credential {
            let http = ImmichHttp::new(login.server, Some(login.credential));
            // Unreachable or already revoked: the session is forgotten here all the same.
            let _ = http.post_json("/auth/logout", "{}".into()).await;
        }
    }
    log_info(
        &store,
        "Logged out: the session and the library mirror are wiped".into(),
    )
    .await;
    Ok(())
}

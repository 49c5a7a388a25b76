//! Which logins have live updates, and what the engine of one is given.

use super::url::{socket_url, SocketUrlError};
use crate::core::session::Credential;

/// What the engine is given when the login has a session.
#[derive(Clone, Debug)]
pub struct RealtimeSetup {
    /// The socket's address (`socket_url`).
    pub url: String,
    /// This login's session id, when known: only its deletion logs out.
    pub session_id: Option<String>,
    /// Seeds the reconnect jitter (the driver's random number), so clients spread out.
    pub seed: u64,
}

impl RealtimeSetup {
    /// The live updates of a login at `api_base`, or none: only a session has them. A real
    /// server reads the socket's credential from request headers alone, and the only one a
    /// browser's WebSocket carries is the session cookie; an API key cannot be sent.
    pub fn for_login(
        api_base: &str,
        credential: &Credential,
        session_id: Option<String>,
        seed: u64,
    ) -> Result<Option<RealtimeSetup>, SocketUrlError> {
        if !credential.is_session() {
            return Ok(None);
        }
        Ok(Some(RealtimeSetup {
            url: socket_url(api_base)?,
            session_id,
            seed,
        }))
    }
}

//! Login sessions: a bearer token each, an id to list and delete them by, and the flag that makes
//! a session's next sync stream a reset.

use rusqlite::{params, OptionalExtension, Row};

use super::users::{user_from_row, USER_COLUMNS, USER_FROM};
use super::{now_iso, Store, StoreError, User};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub created_at: String,
    pub updated_at: String,
    pub pending_sync_reset: bool,
}

const SESSION_COLUMNS: &str = "sm.id, s.created_at, sm.updated_at, sm.pending_sync_reset";

/// Reads the four `SESSION_COLUMNS` starting at column `at`.
fn session_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<Session> {
    Ok(Session {
        id: row.get(at)?,
        created_at: row.get(at + 1)?,
        updated_at: row.get(at + 2)?,
        pending_sync_reset: row.get(at + 3)?,
    })
}

impl Store {
    /// Stores a new session for the user; returns its bearer token and the session.
    pub fn create_session(&self, user_id: &str) -> Result<(String, Session), StoreError> {
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let session = Session {
            id: uuid::Uuid::new_v4().to_string(),
            created_at: now_iso(),
            updated_at: now_iso(),
            pending_sync_reset: false,
        };
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        conn.execute(
            "INSERT INTO sessions (token, user_id, created_at) VALUES (?1, ?2, ?3)",
            params![token, user_id, session.created_at],
        )?;
        conn.execute(
            "INSERT INTO session_meta (token, id, updated_at) VALUES (?1, ?2, ?3)",
            params![token, session.id, session.updated_at],
        )?;
        conn.commit()?;
        Ok((token, session))
    }

    /// The user and session a bearer token belongs to, while the session lives.
    pub fn session_by_token(&self, token: &str) -> Result<Option<(User, Session)>, StoreError> {
        // The user's seven columns come first, so the session's start at column 7.
        let sql = format!(
            "SELECT {USER_COLUMNS}, {SESSION_COLUMNS} {USER_FROM}
             JOIN sessions s ON s.user_id = u.id JOIN session_meta sm ON sm.token = s.token
             WHERE s.token = ?1"
        );
        Ok(self
            .conn()?
            .query_row(&sql, [token], |row| {
                Ok((user_from_row(row)?, session_from_row(row, 7)?))
            })
            .optional()?)
    }

    /// The user's sessions, oldest first.
    pub fn sessions(&self, user_id: &str) -> Result<Vec<Session>, StoreError> {
        let conn = self.conn()?;
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions s JOIN session_meta sm ON sm.token = s.token
             WHERE s.user_id = ?1 ORDER BY s.created_at, s.rowid"
        );
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map([user_id], |row| session_from_row(row, 0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Ends one of the user's sessions (its token is refused from now on); false when the user
    /// has no session of that id.
    pub fn delete_session(&self, user_id: &str, session_id: &str) -> Result<bool, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let token: Option<String> = conn
            .query_row(
                "SELECT s.token FROM sessions s JOIN session_meta m ON m.token = s.token
                 WHERE s.user_id = ?1 AND m.id = ?2",
                [user_id, session_id],
                |row| row.get(0),
            )
            .optional()?;
        let Some(token) = token else {
            return Ok(false);
        };
        conn.execute("DELETE FROM sessions WHERE token = ?1", [&token])?;
        conn.execute(
            "DELETE FROM sync_checkpoints WHERE session_id = ?1",
            [session_id],
        )?;
        conn.commit()?;
        Ok(true)
    }

    /// Test switch: every session's next sync stream is a `SyncResetV1`, as after a server-side
    /// change a client cannot catch up with.
    pub fn mark_all_sessions_for_reset(&self) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE session_meta SET pending_sync_reset = 1, updated_at = ?1",
            [now_iso()],
        )?;
        Ok(())
    }
}

//! The seeded user, its API key and the session tokens handed out by login.

use rusqlite::{params, OptionalExtension, Row};

use super::{now_iso, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub api_key_id: String,
    pub created_at: String,
    pub updated_at: String,
}

/// How a request proved who it is; `/api-keys/me` only makes sense for API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    ApiKey,
    Session,
}

const USER_COLUMNS: &str = "id, email, name, api_key_id, created_at, updated_at";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        email: row.get(1)?,
        name: row.get(2)?,
        api_key_id: row.get(3)?,
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
    })
}

impl Store {
    /// Creates the user on first start; later starts keep its id and adopt the given secrets.
    pub fn seed_user(
        &self,
        email: &str,
        password: &str,
        api_key: &str,
    ) -> Result<User, StoreError> {
        let conn = self.conn()?;
        let now = now_iso();
        conn.execute(
            "INSERT INTO users (id, email, name, password, api_key, api_key_id, created_at, updated_at)
             VALUES (?1, ?2, 'Admin', ?3, ?4, ?5, ?6, ?6)
             ON CONFLICT(email) DO UPDATE SET password = excluded.password, api_key = excluded.api_key",
            params![
                uuid::Uuid::new_v4().to_string(),
                email,
                password,
                api_key,
                uuid::Uuid::new_v4().to_string(),
                now
            ],
        )?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1");
        Ok(conn.query_row(&sql, [email], user_from_row)?)
    }

    pub fn user_by_api_key(&self, key: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE api_key = ?1");
        Ok(self
            .conn()?
            .query_row(&sql, [key], user_from_row)
            .optional()?)
    }

    pub fn user_by_token(&self, token: &str) -> Result<Option<User>, StoreError> {
        let sql = "SELECT u.id, u.email, u.name, u.api_key_id, u.created_at, u.updated_at
                   FROM users u JOIN sessions s ON s.user_id = u.id WHERE s.token = ?1";
        Ok(self
            .conn()?
            .query_row(sql, [token], user_from_row)
            .optional()?)
    }

    pub fn user_by_credentials(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1 AND password = ?2");
        Ok(self
            .conn()?
            .query_row(&sql, [email, password], user_from_row)
            .optional()?)
    }

    /// Stores and returns a new bearer token for the user.
    pub fn create_session(&self, user_id: &str) -> Result<String, StoreError> {
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        self.conn()?.execute(
            "INSERT INTO sessions (token, user_id, created_at) VALUES (?1, ?2, ?3)",
            params![token, user_id, now_iso()],
        )?;
        Ok(token)
    }
}

//! Users: the seeded one (with its API key), look-ups by key and by password.

use rusqlite::{params, OptionalExtension, Row};

use super::{clock, now_iso, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub api_key_id: String,
    pub is_admin: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// How a request proved who it is; `/api-keys/me` only makes sense for API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    ApiKey,
    Session,
}

/// A user's columns as `user_from_row` reads them, from `USER_FROM`.
pub(super) const USER_COLUMNS: &str =
    "u.id, u.email, u.name, u.api_key_id, COALESCE(m.is_admin, 0), u.created_at, u.updated_at";
pub(super) const USER_FROM: &str = "FROM users u LEFT JOIN user_meta m ON m.user_id = u.id";

pub(super) fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        email: row.get(1)?,
        name: row.get(2)?,
        api_key_id: row.get(3)?,
        is_admin: row.get(4)?,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
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
        let id: String =
            conn.query_row("SELECT id FROM users WHERE email = ?1", [email], |row| {
                row.get(0)
            })?;
        conn.execute(
            "INSERT OR IGNORE INTO user_meta (user_id, is_admin, update_id) VALUES (?1, 1, ?2)",
            params![id, clock::stamp(&conn)?],
        )?;
        let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.id = ?1");
        Ok(conn.query_row(&sql, [id], user_from_row)?)
    }

    pub fn user_by_api_key(&self, key: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.api_key = ?1");
        Ok(self
            .conn()?
            .query_row(&sql, [key], user_from_row)
            .optional()?)
    }

    pub fn user_by_credentials(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let sql =
            format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.email = ?1 AND u.password = ?2");
        Ok(self
            .conn()?
            .query_row(&sql, [email, password], user_from_row)
            .optional()?)
    }
}

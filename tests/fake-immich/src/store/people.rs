//! More users than the seeded one, for tests that need a partner: added and removed by the test
//! switches under `/api/fake-immich/users`.

use rusqlite::{params, Connection, OptionalExtension};

use super::album_edit::delete_album_rows;
use super::asset_edit::delete_asset_rows;
use super::users::{user_from_row, USER_COLUMNS, USER_FROM};
use super::{clock, now_iso, Store, StoreError, User};

/// A user the test switch made (or found under that email), with the API key they upload with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedUser {
    pub user: User,
    pub api_key: String,
    pub created: bool,
}

fn column(conn: &Connection, sql: &str, id: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map([id], |row| row.get(0))?;
    rows.collect()
}

impl Store {
    /// Adds a user who is no admin; an email already known keeps its user (id and API key) and
    /// takes the given password and name, as the seeded user does on every start.
    pub fn add_user(
        &self,
        email: &str,
        password: &str,
        name: &str,
    ) -> Result<AddedUser, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let known: Option<(String, String)> = conn
            .query_row(
                "SELECT id, name FROM users WHERE email = ?1",
                [email],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let created = known.is_none();
        let id = match known {
            Some((id, old_name)) => {
                conn.execute(
                    "UPDATE users SET password = ?2, name = ?3, updated_at = ?4 WHERE id = ?1",
                    params![id, password, name, now_iso()],
                )?;
                if old_name != name {
                    conn.execute(
                        "UPDATE user_meta SET update_id = ?2 WHERE user_id = ?1",
                        params![id, clock::stamp(&conn)?],
                    )?;
                }
                id
            }
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                conn.execute(
                    "INSERT INTO users (id, email, name, password, api_key, api_key_id,
                        created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                    params![
                        id,
                        email,
                        name,
                        password,
                        format!("{}", uuid::Uuid::new_v4().simple()),
                        uuid::Uuid::new_v4().to_string(),
                        now_iso()
                    ],
                )?;
                conn.execute(
                    "INSERT INTO user_meta (user_id, is_admin, update_id) VALUES (?1, 0, ?2)",
                    params![id, clock::stamp(&conn)?],
                )?;
                id
            }
        };
        let sql = format!("SELECT {USER_COLUMNS}, u.api_key {USER_FROM} WHERE u.id = ?1");
        let (user, api_key) =
            conn.query_row(&sql, [&id], |row| Ok((user_from_row(row)?, row.get(7)?)))?;
        conn.commit()?;
        Ok(AddedUser {
            user,
            api_key,
            created,
        })
    }

    /// Removes a user with everything they own, as Immich's final user deletion does: assets
    /// and albums (audited), partnerships both ways (audited), sessions. Returns the ids of the
    /// deleted assets, whose files the caller removes; `None` for an unknown user.
    pub fn delete_user(&self, id: &str) -> Result<Option<Vec<String>>, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let known = conn
            .query_row("SELECT 1 FROM users WHERE id = ?1", [id], |_| Ok(()))
            .optional()?;
        if known.is_none() {
            return Ok(None);
        }
        for album_id in column(&conn, "SELECT id FROM albums WHERE owner_id = ?1", id)? {
            delete_album_rows(&conn, &album_id)?;
        }
        let assets = column(
            &conn,
            "SELECT id FROM assets WHERE owner_id = ?1 ORDER BY rowid",
            id,
        )?;
        for asset_id in &assets {
            delete_asset_rows(&conn, id, asset_id)?;
        }
        let mut statement = conn.prepare(
            "SELECT shared_by_id, shared_with_id FROM partners
             WHERE shared_by_id = ?1 OR shared_with_id = ?1",
        )?;
        let partners = statement
            .query_map([id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        drop(statement);
        for (by, with) in &partners {
            conn.execute(
                "DELETE FROM partners WHERE shared_by_id = ?1 AND shared_with_id = ?2",
                [by, with],
            )?;
            conn.execute(
                "INSERT INTO partner_audit (update_id, shared_by_id, shared_with_id)
                 VALUES (?1, ?2, ?3)",
                params![clock::stamp(&conn)?, by, with],
            )?;
        }
        conn.execute(
            "DELETE FROM sync_checkpoints WHERE session_id IN (SELECT m.id FROM session_meta m
                JOIN sessions s ON s.token = m.token WHERE s.user_id = ?1)",
            [id],
        )?;
        conn.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        conn.execute("DELETE FROM users WHERE id = ?1", [id])?;
        conn.execute(
            "INSERT INTO user_audit (update_id, user_id) VALUES (?1, ?2)",
            params![clock::stamp(&conn)?, id],
        )?;
        conn.commit()?;
        Ok(Some(assets))
    }
}

//! Partners: a user showing their library to another. Rows are stamped for the sync stream and a
//! removal leaves an audit row.

use rusqlite::{params, Connection, OptionalExtension};

use super::users::{user_from_row, USER_COLUMNS, USER_FROM};
use super::{clock, Store, StoreError, User};

/// The other user of a partnership, as `GET /partners` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRecord {
    pub user: User,
    pub in_timeline: bool,
}

/// Which side of the partnerships to list, seen from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerDirection {
    /// Those the caller shares with.
    SharedBy,
    /// Those sharing with the caller.
    SharedWith,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerError {
    UnknownUser,
    WithSelf,
    Exists,
}

/// The partnership `shared_by_id` -> `shared_with_id`, seen from `direction`'s caller.
fn select_partner(
    conn: &Connection,
    shared_by_id: &str,
    shared_with_id: &str,
    direction: PartnerDirection,
) -> rusqlite::Result<Option<PartnerRecord>> {
    let other = match direction {
        PartnerDirection::SharedBy => "p.shared_with_id",
        PartnerDirection::SharedWith => "p.shared_by_id",
    };
    let sql = format!(
        "SELECT {USER_COLUMNS}, p.in_timeline {USER_FROM} JOIN partners p ON u.id = {other}
         WHERE p.shared_by_id = ?1 AND p.shared_with_id = ?2"
    );
    conn.query_row(&sql, [shared_by_id, shared_with_id], |row| {
        Ok(PartnerRecord {
            user: user_from_row(row)?,
            in_timeline: row.get(7)?,
        })
    })
    .optional()
}

impl Store {
    /// `shared_by_id` starts showing their library to `shared_with_id`.
    pub fn create_partner(
        &self,
        shared_by_id: &str,
        shared_with_id: &str,
    ) -> Result<Result<PartnerRecord, PartnerError>, StoreError> {
        if shared_by_id == shared_with_id {
            return Ok(Err(PartnerError::WithSelf));
        }
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let known = conn
            .query_row(
                "SELECT 1 FROM users WHERE id = ?1",
                [shared_with_id],
                |_| Ok(()),
            )
            .optional()?;
        if known.is_none() {
            return Ok(Err(PartnerError::UnknownUser));
        }
        let stamp = clock::stamp(&conn)?;
        let inserted = conn.execute(
            "INSERT INTO partners (shared_by_id, shared_with_id, in_timeline, create_id, update_id)
             VALUES (?1, ?2, 0, ?3, ?3) ON CONFLICT DO NOTHING",
            params![shared_by_id, shared_with_id, stamp],
        )?;
        if inserted == 0 {
            return Ok(Err(PartnerError::Exists));
        }
        let partner = select_partner(
            &conn,
            shared_by_id,
            shared_with_id,
            PartnerDirection::SharedBy,
        )?;
        conn.commit()?;
        Ok(partner.ok_or(PartnerError::UnknownUser))
    }

    /// The user's partners in one direction, in the order the partnerships began.
    pub fn partners(
        &self,
        user_id: &str,
        direction: PartnerDirection,
    ) -> Result<Vec<PartnerRecord>, StoreError> {
        let (mine, other) = match direction {
            PartnerDirection::SharedBy => ("p.shared_by_id", "p.shared_with_id"),
            PartnerDirection::SharedWith => ("p.shared_with_id", "p.shared_by_id"),
        };
        let sql = format!(
            "SELECT {USER_COLUMNS}, p.in_timeline {USER_FROM} JOIN partners p ON u.id = {other}
             WHERE {mine} = ?1 ORDER BY p.create_id"
        );
        let conn = self.conn()?;
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map([user_id], |row| {
            Ok(PartnerRecord {
                user: user_from_row(row)?,
                in_timeline: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The receiving side shows (or hides) the sharer's assets in its timeline.
    pub fn update_partner(
        &self,
        shared_by_id: &str,
        shared_with_id: &str,
        in_timeline: bool,
    ) -> Result<Option<PartnerRecord>, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let updated = conn.execute(
            "UPDATE partners SET in_timeline = ?3, update_id = ?4
             WHERE shared_by_id = ?1 AND shared_with_id = ?2",
            params![
                shared_by_id,
                shared_with_id,
                in_timeline,
                clock::stamp(&conn)?
            ],
        )?;
        if updated == 0 {
            return Ok(None);
        }
        let partner = select_partner(
            &conn,
            shared_by_id,
            shared_with_id,
            PartnerDirection::SharedWith,
        )?;
        conn.commit()?;
        Ok(partner)
    }

    /// `shared_by_id` stops sharing with `shared_with_id`; false when they did not.
    pub fn remove_partner(
        &self,
        shared_by_id: &str,
        shared_with_id: &str,
    ) -> Result<bool, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let removed = conn.execute(
            "DELETE FROM partners WHERE shared_by_id = ?1 AND shared_with_id = ?2",
            [shared_by_id, shared_with_id],
        )?;
        if removed == 1 {
            conn.execute(
                "INSERT INTO partner_audit (update_id, shared_by_id, shared_with_id)
                 VALUES (?1, ?2, ?3)",
                params![clock::stamp(&conn)?, shared_by_id, shared_with_id],
            )?;
        }
        conn.commit()?;
        Ok(removed == 1)
    }
}

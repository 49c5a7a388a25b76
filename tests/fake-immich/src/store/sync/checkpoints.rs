//! Each session's checkpoints: the latest ack it sent per entity type, as Immich keeps them in
//! `session_sync_checkpoint`.

use rusqlite::params;

use crate::store::{now_iso, Store, StoreError};

impl Store {
    /// The session's checkpoints as `(type, ack)`, by type.
    pub fn checkpoints(&self, session_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(
            "SELECT type, ack FROM sync_checkpoints WHERE session_id = ?1 ORDER BY type",
        )?;
        let rows = statement.query_map([session_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores `(type, ack)` pairs, each replacing the session's checkpoint of its type.
    pub fn save_checkpoints(
        &self,
        session_id: &str,
        acks: &[(String, String)],
    ) -> Result<(), StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        for (kind, ack) in acks {
            conn.execute(
                "INSERT INTO sync_checkpoints (session_id, type, ack) VALUES (?1, ?2, ?3)
                 ON CONFLICT(session_id, type) DO UPDATE SET ack = excluded.ack",
                params![session_id, kind, ack],
            )?;
        }
        conn.commit()?;
        Ok(())
    }

    /// Forgets the session's checkpoints of those types (`None`: all).
    pub fn delete_checkpoints(
        &self,
        session_id: &str,
        types: Option<&[String]>,
    ) -> Result<(), StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        match types {
            None => {
                conn.execute(
                    "DELETE FROM sync_checkpoints WHERE session_id = ?1",
                    [session_id],
                )?;
            }
            Some(types) => {
                for kind in types {
                    conn.execute(
                        "DELETE FROM sync_checkpoints WHERE session_id = ?1 AND type = ?2",
                        [session_id, kind],
                    )?;
                }
            }
        }
        conn.commit()?;
        Ok(())
    }

    /// Starts the session's sync over: no checkpoints, no reset pending (Immich's
    /// `resetSyncProgress`, on `reset: true` and on a `SyncResetV1` ack).
    pub fn reset_sync_progress(&self, session_id: &str) -> Result<(), StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        conn.execute(
            "DELETE FROM sync_checkpoints WHERE session_id = ?1",
            [session_id],
        )?;
        conn.execute(
            "UPDATE session_meta SET pending_sync_reset = 0, updated_at = ?2 WHERE id = ?1",
            params![session_id, now_iso()],
        )?;
        conn.commit()?;
        Ok(())
    }
}

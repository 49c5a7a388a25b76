//! Hands out update ids. Every write takes the store's one connection, so ids come out in the
//! order their changes commit, and a stream bounded by an id taken at its start never misses a
//! change committed before it nor sees a later one.

use rusqlite::{Connection, OptionalExtension};

use crate::update_id::UpdateId;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The next update id, as stored in the tables.
pub(super) fn stamp(conn: &Connection) -> rusqlite::Result<i64> {
    Ok(next(conn)?.to_db())
}

pub(super) fn next(conn: &Connection) -> rusqlite::Result<UpdateId> {
    let last = conn
        .query_row("SELECT last FROM sync_clock WHERE id = 1", [], |row| {
            row.get::<_, i64>(0)
        })
        .optional()?
        .map_or(UpdateId::ZERO, UpdateId::from_db);
    let next = UpdateId::next(last, now_ms());
    conn.execute(
        "INSERT INTO sync_clock (id, last) VALUES (1, ?1)
         ON CONFLICT(id) DO UPDATE SET last = excluded.last",
        [next.to_db()],
    )?;
    Ok(next)
}

//! Changing albums as Immich does: rename or describe, take assets out, delete. Each change
//! stamps a new update id on the album and a removal leaves audit rows, for the sync stream.

use rusqlite::{params, Connection, OptionalExtension};

use super::albums::select_album;
use super::{clock, now_iso, AlbumRecord, Store, StoreError};

/// Immich's answer per id of `DELETE /albums/{id}/assets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveOutcome {
    Removed,
    /// Not in the album (or earlier in the same request).
    NotFound,
}

/// What `PATCH /albums/{id}` may change; `None` leaves it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlbumChanges {
    pub album_name: Option<String>,
    pub description: Option<String>,
    pub thumbnail_asset_id: Option<String>,
}

/// Why an album change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlbumEditError {
    NotFound,
    /// The new thumbnail is not an asset of the album.
    InvalidThumbnail,
}

/// Stamps the album as changed now (Immich bumps `updatedAt` with its asset list).
pub(super) fn touch_album(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE albums SET updated_at = ?2 WHERE id = ?1",
        params![id, now_iso()],
    )?;
    conn.execute(
        "UPDATE album_meta SET update_id = ?2 WHERE album_id = ?1",
        params![id, clock::stamp(conn)?],
    )?;
    Ok(())
}

/// Takes one asset out of an album, with the audit row that tells clients.
pub(super) fn remove_from_album(
    conn: &Connection,
    album_id: &str,
    asset_id: &str,
) -> rusqlite::Result<bool> {
    let removed = conn.execute(
        "DELETE FROM album_assets WHERE album_id = ?1 AND asset_id = ?2",
        [album_id, asset_id],
    )?;
    if removed == 0 {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO album_asset_audit (update_id, album_id, asset_id) VALUES (?1, ?2, ?3)",
        params![clock::stamp(conn)?, album_id, asset_id],
    )?;
    // Like Immich's `updateThumbnails`: a thumbnail that left the album is replaced by the
    // album's newest asset, or none.
    conn.execute(
        "UPDATE albums SET thumbnail_asset_id = (
            SELECT aa.asset_id FROM album_assets aa JOIN assets a ON a.id = aa.asset_id
            WHERE aa.album_id = ?1 ORDER BY a.file_created_at DESC, a.id LIMIT 1)
         WHERE id = ?1 AND thumbnail_asset_id = ?2",
        [album_id, asset_id],
    )?;
    Ok(true)
}

/// Deletes an album. Its members learn of it from `album_audit`; its asset links go without audit
/// rows, as in Immich, where a client drops them with the album.
pub(super) fn delete_album_rows(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    let members: Vec<String> = {
        let mut statement = conn.prepare("SELECT user_id FROM album_users WHERE album_id = ?1")?;
        let rows = statement.query_map([id], |row| row.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for user_id in &members {
        conn.execute(
            "INSERT INTO album_audit (update_id, album_id, user_id) VALUES (?1, ?2, ?3)",
            params![clock::stamp(conn)?, id, user_id],
        )?;
    }
    conn.execute("DELETE FROM album_assets WHERE album_id = ?1", [id])?;
    conn.execute("DELETE FROM albums WHERE id = ?1", [id])?;
    Ok(())
}

impl Store {
    /// Deletes the owner's album; false when they have no album of that id.
    pub fn delete_album(&self, owner_id: &str, id: &str) -> Result<bool, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        if select_album(&conn, owner_id, id).optional()?.is_none() {
            return Ok(false);
        }
        delete_album_rows(&conn, id)?;
        conn.commit()?;
        Ok(true)
    }

    /// Takes assets out of the owner's album (which the caller found to be theirs); one outcome
    /// per id, in order.
    pub fn remove_album_assets(
        &self,
        album_id: &str,
        asset_ids: &[String],
    ) -> Result<Vec<RemoveOutcome>, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let mut outcomes = Vec::with_capacity(asset_ids.len());
        for asset_id in asset_ids {
            outcomes.push(match remove_from_album(&conn, album_id, asset_id)? {
                true => RemoveOutcome::Removed,
                false => RemoveOutcome::NotFound,
            });
        }
        if outcomes.contains(&RemoveOutcome::Removed) {
            touch_album(&conn, album_id)?;
        }
        conn.commit()?;
        Ok(outcomes)
    }

    /// Renames, describes or picks the thumbnail of the owner's album.
    pub fn update_album(
        &self,
        owner_id: &str,
        id: &str,
        changes: &AlbumChanges,
    ) -> Result<Result<AlbumRecord, AlbumEditError>, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        if select_album(&conn, owner_id, id).optional()?.is_none() {
            return Ok(Err(AlbumEditError::NotFound));
        }
        if let Some(thumbnail) = &changes.thumbnail_asset_id {
            let member = conn
                .query_row(
                    "SELECT 1 FROM album_assets WHERE album_id = ?1 AND asset_id = ?2",
                    [id, thumbnail],
                    |_| Ok(()),
                )
                .optional()?;
            if member.is_none() {
                return Ok(Err(AlbumEditError::InvalidThumbnail));
            }
        }
        conn.execute(
            "UPDATE albums SET album_name = COALESCE(?2, album_name),
                description = COALESCE(?3, description),
                thumbnail_asset_id = COALESCE(?4, thumbnail_asset_id)
             WHERE id = ?1",
            params![
                id,
                changes.album_name,
                changes.description,
                changes.thumbnail_asset_id
            ],
        )?;
        touch_album(&conn, id)?;
        let album = select_album(&conn, owner_id, id)?;
        conn.commit()?;
        Ok(Ok(album))
    }
}

//! Changing a user's assets as Immich does: favorite, visibility and description, trash and
//! restore, and deletion for good. Each change stamps a new update id on what it changed and a
//! deletion leaves audit rows, so the sync stream can report both.

use rusqlite::{params, Connection, OptionalExtension};

use super::album_edit::{remove_from_album, touch_album};
use super::{clock, now_iso, Store, StoreError};

/// What `PUT /assets/{id}` and `PUT /assets` may change; `None` leaves it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetChanges {
    pub is_favorite: Option<bool>,
    pub visibility: Option<String>,
    pub description: Option<String>,
}

pub(super) fn touch_asset(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE assets SET updated_at = ?2 WHERE id = ?1",
        params![id, now_iso()],
    )?;
    conn.execute(
        "UPDATE asset_meta SET update_id = ?2 WHERE asset_id = ?1",
        params![id, clock::stamp(conn)?],
    )?;
    Ok(())
}

fn touch_exif(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE asset_meta SET exif_update_id = ?2 WHERE asset_id = ?1",
        params![id, clock::stamp(conn)?],
    )?;
    Ok(())
}

/// A user row changes when their usage does (Immich keeps `quotaUsageInBytes` on it).
pub(super) fn touch_user(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE user_meta SET update_id = ?2 WHERE user_id = ?1",
        params![id, clock::stamp(conn)?],
    )?;
    Ok(())
}

fn is_trashed(conn: &Connection, owner_id: &str, id: &str) -> rusqlite::Result<Option<bool>> {
    conn.query_row(
        "SELECT m.deleted_at IS NOT NULL FROM assets a JOIN asset_meta m ON m.asset_id = a.id
         WHERE a.id = ?1 AND a.owner_id = ?2",
        [id, owner_id],
        |row| row.get(0),
    )
    .optional()
}

fn set_trashed(conn: &Connection, id: &str, trashed: bool) -> rusqlite::Result<()> {
    let deleted_at = trashed.then(now_iso);
    conn.execute(
        "UPDATE asset_meta SET deleted_at = ?2 WHERE asset_id = ?1",
        params![id, deleted_at],
    )?;
    touch_asset(conn, id)
}

/// Removes one asset for good: out of its albums (audited), a live photo naming it as its video
/// loses the link, then the asset row (audited). The caller removes the file.
pub(super) fn delete_asset_rows(
    conn: &Connection,
    owner_id: &str,
    id: &str,
) -> rusqlite::Result<()> {
    let albums: Vec<String> = {
        let mut statement =
            conn.prepare("SELECT album_id FROM album_assets WHERE asset_id = ?1")?;
        let rows = statement.query_map([id], |row| row.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for album_id in &albums {
        remove_from_album(conn, album_id, id)?;
        touch_album(conn, album_id)?;
    }
    let photos: Vec<String> = {
        let mut statement = conn.prepare("SELECT id FROM assets WHERE live_photo_video_id = ?1")?;
        let rows = statement.query_map([id], |row| row.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for photo in &photos {
        conn.execute(
            "UPDATE assets SET live_photo_video_id = NULL WHERE id = ?1",
            [photo],
        )?;
        touch_asset(conn, photo)?;
    }
    conn.execute("DELETE FROM asset_sidecars WHERE asset_id = ?1", [id])?;
    conn.execute("DELETE FROM assets WHERE id = ?1", [id])?;
    conn.execute(
        "INSERT INTO asset_audit (update_id, asset_id, owner_id) VALUES (?1, ?2, ?3)",
        params![clock::stamp(conn)?, id, owner_id],
    )?;
    Ok(())
}

impl Store {
    /// Whether every id names an asset of the owner (Immich's access check refuses the whole
    /// request otherwise).
    pub fn owns_assets(&self, owner_id: &str, ids: &[String]) -> Result<bool, StoreError> {
        let conn = self.conn()?;
        for id in ids {
            if is_trashed(&conn, owner_id, id)?.is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Applies the changes to the owner's assets. `touch_exif` stamps their EXIF too, as the
    /// bulk `PUT /assets` of Immich v3.1.0 was seen doing (fixture 03), before the asset itself.
    pub fn update_assets(
        &self,
        owner_id: &str,
        ids: &[String],
        changes: &AssetChanges,
        touch_exif_too: bool,
    ) -> Result<(), StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        for id in ids {
            if is_trashed(&conn, owner_id, id)?.is_none() {
                continue;
            }
            if let Some(description) = &changes.description {
                conn.execute(
                    "UPDATE asset_meta SET description = ?2 WHERE asset_id = ?1",
                    params![id, description],
                )?;
            }
            if touch_exif_too || changes.description.is_some() {
                touch_exif(&conn, id)?;
            }
            if changes.is_favorite.is_some() || changes.visibility.is_some() {
                conn.execute(
                    "UPDATE assets SET is_favorite = COALESCE(?2, is_favorite),
                        visibility = COALESCE(?3, visibility)
                     WHERE id = ?1",
                    params![id, changes.is_favorite, changes.visibility],
                )?;
                touch_asset(&conn, id)?;
            }
        }
        conn.commit()?;
        Ok(())
    }

    /// Moves the owner's assets to the trash; returns how many were not there yet.
    pub fn trash_assets(&self, owner_id: &str, ids: &[String]) -> Result<usize, StoreError> {
        self.set_trashed(owner_id, ids, true)
    }

    /// Takes the owner's assets out of the trash (`None`: all of them); returns how many.
    pub fn restore_assets(
        &self,
        owner_id: &str,
        ids: Option<&[String]>,
    ) -> Result<usize, StoreError> {
        match ids {
            Some(ids) => self.set_trashed(owner_id, ids, false),
            None => {
                let trashed = self.trashed_assets(owner_id)?;
                self.set_trashed(owner_id, &trashed, false)
            }
        }
    }

    fn set_trashed(
        &self,
        owner_id: &str,
        ids: &[String],
        trash: bool,
    ) -> Result<usize, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let mut changed = 0;
        for id in ids {
            if is_trashed(&conn, owner_id, id)? == Some(!trash) {
                set_trashed(&conn, id, trash)?;
                changed += 1;
            }
        }
        conn.commit()?;
        Ok(changed)
    }

    /// The ids of the owner's trashed assets.
    pub fn trashed_assets(&self, owner_id: &str) -> Result<Vec<String>, StoreError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(
            "SELECT a.id FROM assets a JOIN asset_meta m ON m.asset_id = a.id
             WHERE a.owner_id = ?1 AND m.deleted_at IS NOT NULL ORDER BY m.update_id",
        )?;
        let rows = statement.query_map([owner_id], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes the owner's assets for good; returns the ids deleted, whose files the caller
    /// removes. The owner's usage shrinks, so their user row changes too.
    pub fn delete_assets(&self, owner_id: &str, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let mut deleted = Vec::new();
        for id in ids {
            if is_trashed(&conn, owner_id, id)?.is_some() {
                delete_asset_rows(&conn, owner_id, id)?;
                deleted.push(id.clone());
            }
        }
        if !deleted.is_empty() {
            touch_user(&conn, owner_id)?;
        }
        conn.commit()?;
        Ok(deleted)
    }
}

//! Assets made in bulk by the test switch `/api/fake-immich/assets/generate`, for tests of large
//! libraries: one transaction per batch instead of one upload per asset.

use rusqlite::OptionalExtension;

use super::assets::insert_row;
use super::{AssetRecord, Store, StoreError};

impl Store {
    pub fn user_id_by_email(&self, email: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()?
            .query_row("SELECT id FROM users WHERE email = ?1", [email], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// Inserts the assets, whose files the caller wrote; returns how many were new.
    pub fn insert_assets(&self, assets: &[AssetRecord]) -> Result<usize, StoreError> {
        let mut guard = self.conn()?;
        let conn = guard.transaction()?;
        let mut inserted = 0;
        for asset in assets {
            if insert_row(&conn, asset)? {
                inserted += 1;
            }
        }
        conn.commit()?;
        Ok(inserted)
    }
}

//! The feeds of the sync stream, one per kind of change (their SQL is in `queries`). Each is
//! walked by key (an update id) in pages: rows after the last key sent and below the stream's own
//! id, so a page's query stays small however large the library, and a change made mid-stream
//! waits for the next stream.

use rusqlite::types::ToSql;
use rusqlite::{Connection, Statement};

use super::queries::{query, record};
use super::{FeedRow, PartnerStart};
use crate::store::{Store, StoreError};
use crate::update_id::UpdateId;

/// One query of the stream, seen from the calling user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feed {
    AuthUser,
    Users,
    UserDeletes,
    /// Partnerships either way.
    Partners,
    PartnerDeletes,
    Assets,
    AssetDeletes,
    /// Assets of those sharing with the caller.
    PartnerAssets,
    PartnerAssetDeletes,
    /// One partner's assets up to `until`: those the caller's checkpoint already passed.
    PartnerAssetBackfill {
        owner_id: String,
        until: UpdateId,
    },
    /// Changed assets of the caller's albums, among those added up to `created_until`.
    AlbumAssetUpdates {
        created_until: UpdateId,
    },
    /// Assets as they joined the caller's albums.
    AlbumAssetCreates,
    Albums,
    AlbumDeletes,
    AlbumUsers,
    AlbumToAssets,
    AlbumToAssetDeletes,
    AssetExifs,
    AlbumAssetExifUpdates {
        created_until: UpdateId,
    },
    AlbumAssetExifCreates,
    PartnerAssetExifs,
    PartnerAssetExifBackfill {
        owner_id: String,
        until: UpdateId,
    },
}

/// Binds `value` to `name` when the statement uses that parameter.
fn bind(statement: &mut Statement<'_>, name: &str, value: &dyn ToSql) -> rusqlite::Result<()> {
    if let Some(index) = statement.parameter_index(name)? {
        statement.raw_bind_parameter(index, value)?;
    }
    Ok(())
}

/// Where a page starts and ends, and how long it may be.
struct Window {
    after: UpdateId,
    before: UpdateId,
    limit: usize,
}

/// One page of a feed; `owner` is the partner whose assets a partner feed asks for.
fn page(
    conn: &Connection,
    user_id: &str,
    owner: Option<&str>,
    feed: &Feed,
    window: &Window,
) -> rusqlite::Result<Vec<FeedRow>> {
    let (shape, sql, key) = query(feed);
    let sql = format!("{sql} AND {key} > :after AND {key} < :before ORDER BY {key} LIMIT :limit");
    let mut statement = conn.prepare_cached(&sql)?;
    let (owner, until) = match feed {
        Feed::PartnerAssetBackfill { owner_id, until }
        | Feed::PartnerAssetExifBackfill { owner_id, until } => (Some(owner_id.as_str()), *until),
        Feed::AlbumAssetUpdates { created_until }
        | Feed::AlbumAssetExifUpdates { created_until } => (owner, *created_until),
        _ => (owner, UpdateId::ZERO),
    };
    let limit = i64::try_from(window.limit).unwrap_or(i64::MAX);
    bind(&mut statement, ":me", &user_id)?;
    bind(&mut statement, ":owner", &owner)?;
    bind(&mut statement, ":until", &until.to_db())?;
    bind(&mut statement, ":after", &window.after.to_db())?;
    bind(&mut statement, ":before", &window.before.to_db())?;
    bind(&mut statement, ":limit", &limit)?;
    let mut rows = statement.raw_query();
    let mut page = Vec::new();
    while let Some(row) = rows.next()? {
        page.push(record(shape, row)?);
    }
    Ok(page)
}

impl Store {
    /// Up to `limit` rows of the feed with keys in (`after`, `before`), in key order.
    pub fn feed_page(
        &self,
        user_id: &str,
        feed: &Feed,
        after: UpdateId,
        before: UpdateId,
        limit: usize,
    ) -> Result<Vec<FeedRow>, StoreError> {
        let window = Window {
            after,
            before,
            limit,
        };
        let conn = self.conn()?;
        if !matches!(feed, Feed::PartnerAssets | Feed::PartnerAssetExifs) {
            return Ok(page(&conn, user_id, None, feed, &window)?);
        }
        // Each partner's first `limit` rows, merged: the first `limit` of all of them.
        let mut statement =
            conn.prepare_cached("SELECT shared_by_id FROM partners WHERE shared_with_id = ?1")?;
        let owners = statement
            .query_map([user_id], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut merged = Vec::new();
        for owner in &owners {
            merged.extend(page(&conn, user_id, Some(owner), feed, &window)?);
        }
        merged.sort_by_key(|row| row.key);
        merged.truncate(limit);
        Ok(merged)
    }

    /// Partnerships sharing with the user that began in [`from`, `before`), oldest first.
    pub fn partners_started(
        &self,
        user_id: &str,
        from: UpdateId,
        before: UpdateId,
    ) -> Result<Vec<PartnerStart>, StoreError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(
            "SELECT create_id, shared_by_id FROM partners
             WHERE shared_with_id = ?1 AND create_id >= ?2 AND create_id < ?3 ORDER BY create_id",
        )?;
        let rows = statement.query_map(
            rusqlite::params![user_id, from.to_db(), before.to_db()],
            |row| {
                Ok(PartnerStart {
                    create_id: UpdateId::from_db(row.get(0)?),
                    shared_by_id: row.get(1)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

//! The library mirror: the server's assets, exif, albums and their contents, users and partners,
//! written a batch of sync lines per transaction together with the acks that batch earned, so a
//! kill never leaves acks without their rows (or rows whose acks are lost: those lines come
//! again and are written again, harmlessly).

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use indexed_db_futures::KeyRange;
use wasm_bindgen::JsValue;

use crate::core::sync::{MirrorContents, MirrorOp, RemoteAsset, SyncBatch};

use super::{from_js, to_js, Store, StoreError, AUTH, LOGIN_KEY, SYNC_STATE};
use crate::web::json::{from_js_via_json, JsonArray};

pub(super) const REMOTE_ASSETS: &str = "remote_assets";
pub(super) const REMOTE_EXIF: &str = "remote_exif";
pub(super) const ALBUMS: &str = "albums";
pub(super) const ALBUM_ASSETS: &str = "album_assets";
pub(super) const ALBUM_USERS: &str = "album_users";
pub(super) const USERS: &str = "users";
pub(super) const PARTNERS: &str = "partners";
/// The index of `remote_assets` by base64 SHA-1: which local files the server already has.
pub(super) const BY_CHECKSUM: &str = "checksum";
/// The index of `album_assets` by asset: the memberships a deleted asset takes with it.
pub(super) const BY_ASSET: &str = "assetId";

pub(super) const MIRROR_STORES: [&str; 7] = [
    REMOTE_ASSETS,
    REMOTE_EXIF,
    ALBUMS,
    ALBUM_ASSETS,
    ALBUM_USERS,
    USERS,
    PARTNERS,
];

/// Acks of committed lines not yet confirmed by the server: sent first by the next sync.
const PENDING_ACKS: &str = "pendingAcks";
/// Set by the first sync that ended well: from then on an asset missing from the mirror is
/// missing from the server. Cleared with the mirror.
const MIRROR_COMPLETE: &str = "mirrorComplete";

/// Two ids as one key; `\0` never occurs in an id, so a prefix range finds an album's rows.
fn pair_key(first: &str, second: &str) -> String {
    format!("{first}\0{second}")
}

/// Every key that starts with `first` and `\0`.
fn pairs_of(first: &str) -> KeyRange<JsValue> {
    let lower = JsValue::from(format!("{first}\0"));
    let upper = JsValue::from(format!("{first}\u{1}"));
    KeyRange::Bound(lower, false, upper, true)
}

/// The records a batch puts, in the order of its ops, as JS objects made in one go.
fn put_values(ops: &[MirrorOp]) -> Result<js_sys::Array, StoreError> {
    let mut json = JsonArray::default();
    for op in ops {
        match op {
            MirrorOp::PutUser(row) => json.push(row)?,
            MirrorOp::PutPartner(row) => json.push(row)?,
            MirrorOp::PutAsset(row) => json.push(row)?,
            MirrorOp::PutExif(row) => json.push(row)?,
            MirrorOp::PutAlbum(row) => json.push(row)?,
            MirrorOp::PutAlbumUser(row) => json.push(row)?,
            MirrorOp::PutAlbumAsset(row) => json.push(row)?,
            MirrorOp::DeleteUser(_)
            | MirrorOp::DeletePartner { .. }
            | MirrorOp::DeleteAsset(_)
            | MirrorOp::DeleteAlbum(_)
            | MirrorOp::DeleteAlbumUser { .. }
            | MirrorOp::DeleteAlbumAsset(_) => {}
        }
    }
    Ok(json.finish()?)
}

/// Writes every op in `tx`, each put taking its record from `values` (see `put_values`).
async fn apply_all(tx: &Transaction<'_>, ops: &[MirrorOp]) -> Result<(), StoreError> {
    let values = put_values(ops)?;
    let mut values = values.iter();
    for op in ops {
        apply(tx, op, &mut values).await?;
    }
    Ok(())
}

async fn apply(
    tx: &Transaction<'_>,
    op: &MirrorOp,
    values: &mut js_sys::ArrayIter<'_>,
) -> Result<(), StoreError> {
    let mut put = |store: &str, key: &str| -> Result<(), StoreError> {
        let value = values
            .next()
            .ok_or_else(|| StoreError::Db("a record to store is missing".into()))?;
        tx.object_store(store)?
            .put(value)
            .with_key(key)
            .primitive()?;
        Ok(())
    };
    let delete = |store: &str, key: &str| -> Result<(), StoreError> {
        tx.object_store(store)?.delete(key).primitive()?;
        Ok(())
    };
    match op {
        MirrorOp::PutUser(user) => put(USERS, &user.id)?,
        MirrorOp::DeleteUser(id) => delete(USERS, id)?,
        MirrorOp::PutPartner(partner) => put(
            PARTNERS,
            &pair_key(&partner.shared_by_id, &partner.shared_with_id),
        )?,
        MirrorOp::DeletePartner {
            shared_by_id,
            shared_with_id,
        } => delete(PARTNERS, &pair_key(shared_by_id, shared_with_id))?,
        MirrorOp::PutAsset(asset) => put(REMOTE_ASSETS, &asset.id)?,
        MirrorOp::DeleteAsset(id) => {
            delete(REMOTE_ASSETS, id)?;
            delete(REMOTE_EXIF, id)?;
            // Its album memberships go with it, found through the index by asset.
            let links = tx.object_store(ALBUM_ASSETS)?;
            let keys = links
                .index(BY_ASSET)?
                .get_all_keys::<JsValue>()
                .with_query::<&str, _>(id.as_str())
                .primitive()?
                .await?;
            for key in keys {
                links.delete(key?).primitive()?;
            }
        }
        MirrorOp::PutExif(exif) => put(REMOTE_EXIF, &exif.asset_id)?,
        MirrorOp::PutAlbum(album) => put(ALBUMS, &album.id)?,
        MirrorOp::DeleteAlbum(id) => {
            delete(ALBUMS, id)?;
            for store in [ALBUM_ASSETS, ALBUM_USERS] {
                tx.object_store(store)?
                    .delete::<JsValue, _>(pairs_of(id))
                    .primitive()?;
            }
        }
        MirrorOp::PutAlbumUser(member) => {
            put(ALBUM_USERS, &pair_key(&member.album_id, &member.user_id))?
        }
        MirrorOp::DeleteAlbumUser { album_id, user_id } => {
            delete(ALBUM_USERS, &pair_key(album_id, user_id))?
        }
        MirrorOp::PutAlbumAsset(link) => {
            put(ALBUM_ASSETS, &pair_key(&link.album_id, &link.asset_id))?
        }
        MirrorOp::DeleteAlbumAsset(link) => {
            delete(ALBUM_ASSETS, &pair_key(&link.album_id, &link.asset_id))?
        }
    }
    Ok(())
}

fn all_stores() -> Vec<&'static str> {
    let mut stores = MIRROR_STORES.to_vec();
    stores.push(SYNC_STATE);
    stores
}

/// Empties every store of the mirror, which is then no longer complete.
fn clear(tx: &Transaction<'_>) -> Result<(), StoreError> {
    for store in MIRROR_STORES {
        tx.object_store(store)?.clear()?;
    }
    tx.object_store(SYNC_STATE)?
        .delete(MIRROR_COMPLETE)
        .primitive()?;
    Ok(())
}

impl Store {
    /// Writes one batch of sync lines and the acks it earned in one transaction.
    pub async fn commit_sync_batch(&self, batch: &SyncBatch) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(all_stores())
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        if batch.clear_mirror {
            clear(&tx)?;
        }
        apply_all(&tx, &batch.ops).await?;
        let state = tx.object_store(SYNC_STATE)?;
        if batch.acks.is_empty() {
            state.delete(PENDING_ACKS).primitive()?;
        } else {
            state
                .put(to_js(&batch.acks)?)
                .with_key(PENDING_ACKS)
                .primitive()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Writes the mirror ops of a batch of live updates in one transaction. The acks stay: the
    /// stream sends these changes again and they are written again, harmlessly.
    pub async fn apply_live_ops(&self, ops: &[MirrorOp]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(all_stores())
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        apply_all(&tx, ops).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn pending_acks(&self) -> Result<Vec<String>, StoreError> {
        self.get_value(SYNC_STATE, PENDING_ACKS)
            .await?
            .map_or(Ok(Vec::new()), from_js)
    }

    /// The server has the acks: they are no longer pending.
    pub async fn forget_pending_acks(&self) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(SYNC_STATE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(SYNC_STATE)?
            .delete(PENDING_ACKS)
            .primitive()?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn mirror_complete(&self) -> Result<bool, StoreError> {
        Ok(self.get_value(SYNC_STATE, MIRROR_COMPLETE).await?.is_some())
    }

    pub async fn mark_mirror_complete(&self) -> Result<(), StoreError> {
        self.put_value(SYNC_STATE, MIRROR_COMPLETE, JsValue::TRUE)
            .await
    }

    /// Log out: the login, the mirror and its pending acks go in one transaction (a mirror
    /// left behind would be taken for the next login's); the backup queue stays.
    pub async fn log_out(&self) -> Result<(), StoreError> {
        let mut stores = all_stores();
        stores.push(AUTH);
        let tx = self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        clear(&tx)?;
        tx.object_store(SYNC_STATE)?
            .delete(PENDING_ACKS)
            .primitive()?;
        tx.object_store(AUTH)?.delete(LOGIN_KEY).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// The whole mirror, for the library view. Every store is read at once and the records are
    /// decoded after the read-only transaction is over: it holds back the worker's next commit
    /// only while the database reads, not while a large library is decoded.
    pub async fn load_mirror(&self) -> Result<MirrorContents, StoreError> {
        let tx = self.db.transaction(MIRROR_STORES.to_vec()).build()?;
        let (assets, albums, album_assets, users, partners) = {
            let read = |store: &str| -> Result<_, StoreError> {
                Ok(tx.object_store(store)?.get_all::<JsValue>().primitive()?)
            };
            futures_util::try_join!(
                read(REMOTE_ASSETS)?,
                read(ALBUMS)?,
                read(ALBUM_ASSETS)?,
                read(USERS)?,
                read(PARTNERS)?,
            )?
        };
        tx.commit().await?;
        fn decode<T: serde::de::DeserializeOwned, E: Into<StoreError>>(
            values: impl IntoIterator<Item = Result<JsValue, E>>,
        ) -> Result<Vec<T>, StoreError> {
            values
                .into_iter()
                .map(|value| Ok(from_js_via_json(&value.map_err(Into::into)?)?))
                .collect()
        }
        Ok(MirrorContents {
            assets: decode(assets)?,
            albums: decode(albums)?,
            album_assets: decode(album_assets)?,
            users: decode(users)?,
            partners: decode(partners)?,
        })
    }

    /// The mirrored asset of each base64 checksum, if the server has one.
    pub async fn remote_assets_by_checksum(
        &self,
        checksums: &[String],
    ) -> Result<Vec<Option<RemoteAsset>>, StoreError> {
        let tx = self.db.transaction(REMOTE_ASSETS).build()?;
        let assets = tx.object_store(REMOTE_ASSETS)?;
        let index = assets.index(BY_CHECKSUM)?;
        let mut found = Vec::with_capacity(checksums.len());
        for checksum in checksums {
            let value: Option<JsValue> = index.get(checksum.as_str()).primitive()?.await?;
            found.push(
                value
                    .filter(|v| !v.is_undefined() && !v.is_null())
                    .map(from_js)
                    .transpose()?,
            );
        }
        Ok(found)
    }
}

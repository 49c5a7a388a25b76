//! The key ranges of the queue's index `byState`, whose key is [state, folder, queuedAtMs]
//! (folder "" for a picked file). An array sorts after every string and number, so [s, []]
//! closes the rows of state s and [s, f, []] those of folder f in it.

use indexed_db_futures::KeyRange;
use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::core::backup::ItemState;

use super::StoreError;

/// The rows in `state`: [state] up to [state, []]. Also the rows of `albumDebts` (key
/// [state, album]) in `state`.
pub(super) fn of_state(state: ItemState) -> Result<KeyRange<JsValue>, StoreError> {
    let key = state_key(state)?;
    let last = Array::of2(&key, &Array::new());
    Ok(KeyRange::Bound(
        Array::of1(&key).into(),
        false,
        last.into(),
        false,
    ))
}

/// The rows of the backup folder `folder` in `state`: [state, folder] up to [state, folder, []].
pub(super) fn of_folder_in(
    state: ItemState,
    folder: &str,
) -> Result<KeyRange<JsValue>, StoreError> {
    let key = state_key(state)?;
    let first = Array::of2(&key, &folder.into());
    let last = Array::of3(&key, &folder.into(), &Array::new());
    Ok(KeyRange::Bound(first.into(), false, last.into(), false))
}

/// The picked files' rows in `state`: those of the folder "".
pub(super) fn picked_in(state: ItemState) -> Result<KeyRange<JsValue>, StoreError> {
    of_folder_in(state, "")
}

/// The backup folders' rows in `state`: those of the state past the picked ones, whose last
/// key sorts before [state, "", []] (no key equals it: a key's third part is a number).
pub(super) fn of_folders_in(state: ItemState) -> Result<KeyRange<JsValue>, StoreError> {
    let key = state_key(state)?;
    let after_picked = Array::of3(&key, &"".into(), &Array::new());
    let last = Array::of2(&key, &Array::new());
    Ok(KeyRange::Bound(
        after_picked.into(),
        true,
        last.into(),
        false,
    ))
}

/// A state as rows store it.
fn state_key(state: ItemState) -> Result<JsValue, StoreError> {
    match serde_json::to_value(state) {
        Ok(serde_json::Value::String(key)) => Ok(JsValue::from(key)),
        _ => Err(StoreError::Db(format!(
            "{state:?} is not stored as a string"
        ))),
    }
}

//! Records across the wasm boundary. One value goes field by field (serde_wasm_bindgen, JSON's
//! shapes); many go as one JSON text parsed or made by the browser (`JSON.parse`,
//! `JSON.stringify`), which costs far less than building or reading each object field by field
//! across the boundary. Either way the stored form is JSON's.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::StoreError;

pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StoreError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| StoreError::Db(e.to_string()))
}

pub(super) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, StoreError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn corrupt(reason: String) -> StoreError {
    StoreError::Corrupt(reason)
}

/// The same as `from_js`, cheaper for one record among many read at once.
pub(super) fn from_js_via_json<T: DeserializeOwned>(value: &JsValue) -> Result<T, StoreError> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| corrupt("a stored record is not JSON".into()))?;
    serde_json::from_str(&String::from(text)).map_err(|e| corrupt(e.to_string()))
}

/// Records to put, made JS objects in one go by `finish`.
pub(super) struct JsonArray(Vec<u8>);

impl JsonArray {
    pub(super) fn new() -> JsonArray {
        JsonArray(vec![b'['])
    }

    pub(super) fn push(&mut self, row: &impl Serialize) -> Result<(), StoreError> {
        if self.0.len() > 1 {
            self.0.push(b',');
        }
        serde_json::to_writer(&mut self.0, row).map_err(|e| StoreError::Db(e.to_string()))
    }

    pub(super) fn finish(mut self) -> Result<js_sys::Array, StoreError> {
        self.0.push(b']');
        let text = std::str::from_utf8(&self.0).map_err(|e| StoreError::Db(e.to_string()))?;
        let parsed = js_sys::JSON::parse(text).map_err(|e| StoreError::Db(format!("{e:?}")))?;
        Ok(parsed.unchecked_into())
    }
}

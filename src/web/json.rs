//! Values across the wasm boundary, always in JSON's shapes (what is stored, posted to pages and
//! returned to JavaScript). One value goes field by field (serde_wasm_bindgen); many, or a large
//! one, go as one JSON text parsed or made by the browser (`JSON.parse`, `JSON.stringify`),
//! which costs far less than building or reading each object field by field across the boundary.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A value that could not cross.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// Ours could not be made a JS value.
    #[error("{0}")]
    Encode(String),
    /// A JS value is not what was expected.
    #[error("{0}")]
    Decode(String),
}

impl From<JsonError> for JsValue {
    fn from(error: JsonError) -> JsValue {
        JsValue::from_str(&error.to_string())
    }
}

pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsonError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsonError::Encode(e.to_string()))
}

pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsonError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsonError::Decode(e.to_string()))
}

/// The same as `to_js`, cheaper for a large value.
pub fn to_js_via_json<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsonError> {
    let text = serde_json::to_string(value).map_err(|e| JsonError::Encode(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsonError::Encode("not valid JSON".into()))
}

/// The same as `from_js`, cheaper for one value among many read at once.
pub fn from_js_via_json<T: DeserializeOwned>(value: &JsValue) -> Result<T, JsonError> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| JsonError::Decode("the value is not JSON".into()))?;
    serde_json::from_str(&String::from(text)).map_err(|e| JsonError::Decode(e.to_string()))
}

/// Values to pass on together, made JS objects in one go by `finish`.
pub struct JsonArray(Vec<u8>);

impl Default for JsonArray {
    fn default() -> JsonArray {
        JsonArray(vec![b'['])
    }
}

impl JsonArray {
    pub fn push(&mut self, value: &impl Serialize) -> Result<(), JsonError> {
        if self.0.len() > 1 {
            self.0.push(b',');
        }
        serde_json::to_writer(&mut self.0, value).map_err(|e| JsonError::Encode(e.to_string()))
    }

    pub fn finish(mut self) -> Result<js_sys::Array, JsonError> {
        self.0.push(b']');
        let text = std::str::from_utf8(&self.0).map_err(|e| JsonError::Encode(e.to_string()))?;
        let parsed =
            js_sys::JSON::parse(text).map_err(|_| JsonError::Encode("not valid JSON".into()))?;
        Ok(parsed.unchecked_into())
    }
}

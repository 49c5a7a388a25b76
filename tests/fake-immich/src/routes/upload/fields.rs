//! Validates the text fields of an upload (AssetMediaCreateDto).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::error::ApiError;
use crate::store::to_iso;

/// Immich's AssetVisibility values.
pub(in crate::routes) const VISIBILITIES: &[&str] = &["archive", "timeline", "hidden", "locked"];

#[derive(Debug, Clone, PartialEq)]
pub struct UploadFields {
    pub file_created_at: String,
    pub file_modified_at: String,
    pub filename: Option<String>,
    pub device_asset_id: Option<String>,
    pub device_id: Option<String>,
    pub is_favorite: bool,
    pub visibility: String,
    pub duration_ms: Option<f64>,
    pub live_photo_video_id: Option<String>,
}

fn bad(message: String) -> ApiError {
    ApiError::BadRequest(message)
}

/// ISO 8601 with an offset, or without one (then read as UTC), normalised to Immich's form.
fn parse_date(fields: &HashMap<String, String>, name: &str) -> Result<String, ApiError> {
    let text = fields
        .get(name)
        .ok_or_else(|| bad(format!("{name} is required")))?
        .trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(to_iso(at.with_timezone(&Utc)));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|naive| to_iso(naive.and_utc()))
        .map_err(|_| bad(format!("{name} must be an ISO 8601 date")))
}

fn parse_bool(fields: &HashMap<String, String>, name: &str) -> Result<bool, ApiError> {
    match fields.get(name).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(bad(format!("{name} must be a boolean value"))),
    }
}

impl UploadFields {
    pub fn parse(fields: &HashMap<String, String>) -> Result<Self, ApiError> {
        let visibility = fields
            .get("visibility")
            .cloned()
            .unwrap_or_else(|| "timeline".into());
        if !VISIBILITIES.contains(&visibility.as_str()) {
            return Err(bad(format!(
                "visibility must be one of {}",
                VISIBILITIES.join(", ")
            )));
        }
        let live_photo_video_id = fields.get("livePhotoVideoId").cloned();
        if let Some(id) = &live_photo_video_id {
            uuid::Uuid::parse_str(id).map_err(|_| bad("livePhotoVideoId must be a UUID".into()))?;
        }
        Ok(Self {
            file_created_at: parse_date(fields, "fileCreatedAt")?,
            file_modified_at: parse_date(fields, "fileModifiedAt")?,
            // Immich takes the part's own name for an empty one too.
            filename: fields
                .get("filename")
                .filter(|name| !name.is_empty())
                .cloned(),
            device_asset_id: fields.get("deviceAssetId").cloned(),
            device_id: fields.get("deviceId").cloned(),
            is_favorite: parse_bool(fields, "isFavorite")?,
            visibility,
            // Milliseconds today; older clients sent "H:MM:SS.ffffff", which is ignored.
            duration_ms: fields.get("duration").and_then(|d| d.parse().ok()),
            live_photo_video_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const DATES: [(&str, &str); 2] = [
        ("fileCreatedAt", "2024-05-01T10:20:30.123+02:00"),
        ("fileModifiedAt", "2024-05-01T08:20:30Z"),
    ];

    #[test]
    fn dates_are_normalised_to_utc_millis() {
        let fields = UploadFields::parse(&form(&DATES)).expect("valid");
        assert_eq!(fields.file_created_at, "2024-05-01T08:20:30.123Z");
        assert_eq!(fields.file_modified_at, "2024-05-01T08:20:30.000Z");
        assert_eq!(fields.visibility, "timeline");
        assert!(!fields.is_favorite);
    }

    #[test]
    fn missing_or_bad_dates_are_rejected() {
        assert!(UploadFields::parse(&form(&DATES[1..])).is_err());
        assert!(UploadFields::parse(&form(&[DATES[0]])).is_err());
        let bad_date = form(&[("fileCreatedAt", "yesterday"), DATES[1]]);
        assert!(UploadFields::parse(&bad_date).is_err());
    }

    #[test]
    fn optional_fields_are_checked() {
        let mut fields = form(&DATES);
        fields.insert("visibility".into(), "public".into());
        assert!(UploadFields::parse(&fields).is_err());
        fields.insert("visibility".into(), "archive".into());
        fields.insert("isFavorite".into(), "yes".into());
        assert!(UploadFields::parse(&fields).is_err());
        fields.insert("isFavorite".into(), "true".into());
        fields.insert("duration".into(), "1500".into());
        let parsed = UploadFields::parse(&fields).expect("valid");
        assert!(parsed.is_favorite);
        assert_eq!(parsed.duration_ms, Some(1500.0));
    }
}

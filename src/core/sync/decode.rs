//! Reads a line `{"type", "data", "ack"}` in one pass: the `data` is read straight into the row
//! its type names (the server sends `type` first), so no line is parsed twice.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::entity::{quote, Ack, Entity, SyncLine, SyncLineError};
use super::rows::{Album, AlbumAsset, AlbumUser, AssetExif, Partner, RemoteAsset, User};

/// Decodes one line of the sync stream.
pub fn decode_line(bytes: &[u8]) -> Result<SyncLine, SyncLineError> {
    // The kind whose data failed to read, so the error says bad data rather than bad JSON.
    let bad_data = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let raw = LineSeed {
        bad_data: &bad_data,
    }
    .deserialize(&mut de)
    .and_then(|raw| de.end().map(|()| raw));
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            return Err(match bad_data.take() {
                Some(kind) => SyncLineError::BadData {
                    kind,
                    message: e.to_string(),
                },
                None => SyncLineError::Json(e.to_string()),
            })
        }
    };
    let kind = raw.kind.ok_or(SyncLineError::MissingType)?;
    let entity = match (raw.entity, raw.early) {
        (Some(entity), _) => entity,
        (None, Some(value)) => {
            DataSeed(&kind)
                .deserialize(value)
                .map_err(|e| SyncLineError::BadData {
                    kind: quote(&kind),
                    message: e.to_string(),
                })?
        }
        // Only the types without a row may leave their data out.
        (None, None) => DataSeed(&kind)
            .deserialize(Value::Object(Default::default()))
            .map_err(|_| SyncLineError::MissingData(quote(&kind)))?,
    };
    let ack = Ack::parse(&raw.ack.ok_or(SyncLineError::MissingAck)?)?;
    Ok(SyncLine { entity, ack })
}

struct RawLine {
    kind: Option<String>,
    entity: Option<Entity>,
    /// The data came before the type: kept until the type is known.
    early: Option<Value>,
    ack: Option<String>,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    Type,
    Data,
    Ack,
    #[serde(other)]
    Other,
}

struct LineSeed<'a> {
    bad_data: &'a Cell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_> {
    type Value = RawLine;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawLine, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_> {
    type Value = RawLine;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object {type, data, ack}")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<RawLine, M::Error> {
        let mut line = RawLine {
            kind: None,
            entity: None,
            early: None,
            ack: None,
        };
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Type => line.kind = Some(map.next_value()?),
                Field::Ack => line.ack = Some(map.next_value()?),
                Field::Data => match &line.kind {
                    Some(kind) => match map.next_value_seed(DataSeed(kind)) {
                        Ok(entity) => line.entity = Some(entity),
                        Err(e) => {
                            self.bad_data.set(Some(quote(kind)));
                            return Err(e);
                        }
                    },
                    None => line.early = Some(map.next_value()?),
                },
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(line)
    }
}

/// Reads the data of a line of type `.0` into its entity.
struct DataSeed<'k>(&'k str);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserRef {
    user_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssetRef {
    asset_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlbumRef {
    album_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlbumUserRef {
    album_id: String,
    user_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartnerRef {
    shared_by_id: String,
    shared_with_id: String,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_> {
    type Value = Entity;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Entity, D::Error> {
        Ok(match self.0 {
            "AuthUserV1" => Entity::AuthUser(User::deserialize(d)?),
            "UserV1" => Entity::User(User::deserialize(d)?),
            "UserDeleteV1" => Entity::UserDelete {
                user_id: UserRef::deserialize(d)?.user_id,
            },
            "PartnerV1" => Entity::Partner(Partner::deserialize(d)?),
            "PartnerDeleteV1" => {
                let partner = PartnerRef::deserialize(d)?;
                Entity::PartnerDelete {
                    shared_by_id: partner.shared_by_id,
                    shared_with_id: partner.shared_with_id,
                }
            }
            "AssetV2" => Entity::Asset(RemoteAsset::deserialize(d)?),
            "AssetDeleteV1" => Entity::AssetDelete {
                asset_id: AssetRef::deserialize(d)?.asset_id,
            },
            "AssetExifV1" => Entity::AssetExif(AssetExif::deserialize(d)?),
            "PartnerAssetV2" | "PartnerAssetBackfillV2" => {
                Entity::PartnerAsset(RemoteAsset::deserialize(d)?)
            }
            "PartnerAssetDeleteV1" => Entity::PartnerAssetDelete {
                asset_id: AssetRef::deserialize(d)?.asset_id,
            },
            "PartnerAssetExifV1" | "PartnerAssetExifBackfillV1" => {
                Entity::PartnerAssetExif(AssetExif::deserialize(d)?)
            }
            "AlbumV1" => Entity::Album(Album::deserialize(d)?),
            "AlbumDeleteV1" => Entity::AlbumDelete {
                album_id: AlbumRef::deserialize(d)?.album_id,
            },
            "AlbumUserV1" | "AlbumUserBackfillV1" => Entity::AlbumUser(AlbumUser::deserialize(d)?),
            "AlbumUserDeleteV1" => {
                let member = AlbumUserRef::deserialize(d)?;
                Entity::AlbumUserDelete {
                    album_id: member.album_id,
                    user_id: member.user_id,
                }
            }
            "AlbumToAssetV1" | "AlbumToAssetBackfillV1" => {
                Entity::AlbumToAsset(AlbumAsset::deserialize(d)?)
            }
            "AlbumToAssetDeleteV1" => Entity::AlbumToAssetDelete(AlbumAsset::deserialize(d)?),
            "AlbumAssetCreateV2" | "AlbumAssetUpdateV2" | "AlbumAssetBackfillV2" => {
                Entity::AlbumAsset(RemoteAsset::deserialize(d)?)
            }
            "AlbumAssetExifCreateV1" | "AlbumAssetExifUpdateV1" | "AlbumAssetExifBackfillV1" => {
                Entity::AlbumAssetExif(AssetExif::deserialize(d)?)
            }
            "SyncAckV1" => ignore(d, Entity::AckOnly)?,
            "SyncCompleteV1" => ignore(d, Entity::Complete)?,
            "SyncResetV1" => ignore(d, Entity::Reset)?,
            other => ignore(
                d,
                Entity::Unknown {
                    kind: other.to_owned(),
                },
            )?,
        })
    }
}

/// Skips data the entity does not need.
fn ignore<'de, D: Deserializer<'de>>(d: D, entity: Entity) -> Result<Entity, D::Error> {
    IgnoredAny::deserialize(d)?;
    Ok(entity)
}

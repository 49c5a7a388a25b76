//! Acks: `Type|updateId` for a row, `Type|createId|updateId` for a row of a backfill and
//! `Type|createId|complete` for a finished one, `SyncResetV1|reset` for a reset.

use super::types::is_entity_type;
use crate::update_id::UpdateId;

/// The word a finished backfill's ack ends with.
pub const COMPLETE: &str = "complete";

/// Where an ack says a stream got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// `SyncResetV1|reset`: no position, the client starts over.
    Reset,
    /// The update id, and what follows it for a backfill.
    At(UpdateId, Extra),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    None,
    /// A backfill's last row.
    Row(UpdateId),
    Complete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub kind: String,
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AckError {
    /// Immich's own message for an ack naming no `SyncEntityType`.
    #[error("Invalid ack type: {0}")]
    Type(String),
    #[error("Invalid ack: {0}")]
    Malformed(String),
}

impl Ack {
    pub fn parse(text: &str) -> Result<Self, AckError> {
        let mut parts = text.split('|');
        let kind = parts.next().unwrap_or_default();
        if !is_entity_type(kind) {
            return Err(AckError::Type(kind.to_string()));
        }
        let malformed = || AckError::Malformed(text.to_string());
        let id = parts.next().ok_or_else(malformed)?;
        let extra = parts.next();
        if parts.next().is_some() {
            return Err(malformed());
        }
        let position = if kind == "SyncResetV1" {
            Position::Reset
        } else {
            let id = UpdateId::parse(id).ok_or_else(malformed)?;
            let extra = match extra {
                None => Extra::None,
                Some(COMPLETE) => Extra::Complete,
                Some(row) => Extra::Row(UpdateId::parse(row).ok_or_else(malformed)?),
            };
            Position::At(id, extra)
        };
        Ok(Self {
            kind: kind.to_string(),
            position,
        })
    }

    /// The update id a stream resumes after, for a non-reset ack.
    pub fn update_id(&self) -> Option<UpdateId> {
        match self.position {
            Position::At(id, _) => Some(id),
            Position::Reset => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "01a227df-fb4e-7765-a299-e501a2986117";

    #[test]
    fn acks_of_the_fixtures_parse() {
        let id = UpdateId::parse(ID).expect("a UUID");
        let row = Ack::parse(&format!("AssetV2|{ID}")).map(|ack| ack.update_id());
        assert_eq!(row, Ok(Some(id)));
        let done = Ack::parse(&format!("PartnerAssetBackfillV2|{ID}|complete"));
        assert_eq!(
            done.map(|ack| ack.position),
            Ok(Position::At(id, Extra::Complete))
        );
        let reset = Ack::parse("SyncResetV1|reset").map(|ack| ack.position);
        assert_eq!(reset, Ok(Position::Reset));
    }

    #[test]
    fn bad_acks_are_told_apart() {
        assert_eq!(
            Ack::parse(&format!("NoSuchV9|{ID}")),
            Err(AckError::Type("NoSuchV9".into()))
        );
        assert!(matches!(Ack::parse("AssetV2"), Err(AckError::Malformed(_))));
        assert!(matches!(
            Ack::parse("AssetV2|x"),
            Err(AckError::Malformed(_))
        ));
        let too_long = format!("AssetV2|{ID}|{ID}|{ID}");
        assert!(matches!(Ack::parse(&too_long), Err(AckError::Malformed(_))));
    }
}

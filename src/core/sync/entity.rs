//! One line of the sync stream: what it says (`Entity`) and the checkpoint it carries (`Ack`).

use thiserror::Error;

use super::rows::{Album, AlbumAsset, AlbumUser, AssetExif, Partner, RemoteAsset, User};

/// Server text quoted in an error is cut to this many characters.
const QUOTED: usize = 80;

/// A decoded line.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncLine {
    pub entity: Entity,
    pub ack: Ack,
}

/// The checkpoint of a line, `Kind|updateId[|...]`: sent back as it came (`raw`) once the rows up
/// to it are stored; only the latest of each `kind` matters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ack {
    pub kind: String,
    pub raw: String,
}

impl Ack {
    pub fn parse(raw: &str) -> Result<Ack, SyncLineError> {
        match raw.split_once('|') {
            Some((kind, rest)) if !kind.is_empty() && !rest.is_empty() => Ok(Ack {
                kind: kind.to_owned(),
                raw: raw.to_owned(),
            }),
            _ => Err(SyncLineError::BadAck(quote(raw))),
        }
    }
}

/// What a line says, by `SyncEntityType` of `@immich/sdk` 3.2.2. A Backfill type (rows older than
/// the checkpoint that the client has not seen, e.g. a new partner's assets) means the same as
/// its plain type and decodes to the same variant.
#[derive(Clone, Debug, PartialEq)]
pub enum Entity {
    /// AuthUserV1: the signed-in user.
    AuthUser(User),
    /// UserV1.
    User(User),
    /// UserDeleteV1.
    UserDelete { user_id: String },
    /// PartnerV1.
    Partner(Partner),
    /// PartnerDeleteV1.
    PartnerDelete {
        shared_by_id: String,
        shared_with_id: String,
    },
    /// AssetV2: the user's own asset (trashed when `deleted_at` is set).
    Asset(RemoteAsset),
    /// AssetDeleteV1: deleted for good.
    AssetDelete { asset_id: String },
    /// AssetExifV1.
    AssetExif(AssetExif),
    /// PartnerAssetV2, PartnerAssetBackfillV2.
    PartnerAsset(RemoteAsset),
    /// PartnerAssetDeleteV1.
    PartnerAssetDelete { asset_id: String },
    /// PartnerAssetExifV1, PartnerAssetExifBackfillV1.
    PartnerAssetExif(AssetExif),
    /// AlbumV1.
    Album(Album),
    /// AlbumDeleteV1.
    AlbumDelete { album_id: String },
    /// AlbumUserV1, AlbumUserBackfillV1.
    AlbumUser(AlbumUser),
    /// AlbumUserDeleteV1.
    AlbumUserDelete { album_id: String, user_id: String },
    /// AlbumToAssetV1, AlbumToAssetBackfillV1: an asset joined an album.
    AlbumToAsset(AlbumAsset),
    /// AlbumToAssetDeleteV1.
    AlbumToAssetDelete(AlbumAsset),
    /// AlbumAssetCreateV2, AlbumAssetUpdateV2, AlbumAssetBackfillV2: an asset of an album the
    /// user is in, whoever owns it.
    AlbumAsset(RemoteAsset),
    /// AlbumAssetExifCreateV1, AlbumAssetExifUpdateV1, AlbumAssetExifBackfillV1.
    AlbumAssetExif(AssetExif),
    /// SyncAckV1: no row, only a checkpoint to store (of another kind).
    AckOnly,
    /// SyncCompleteV1: the stream is over and whole.
    Complete,
    /// SyncResetV1: the server cannot send changes since the checkpoints; start over.
    Reset,
    /// A type this client does not know (a newer server's): skipped, its checkpoint kept.
    Unknown { kind: String },
}

/// Why a line could not be read. Never a panic: the line is server data.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SyncLineError {
    #[error("not a JSON sync line: {0}")]
    Json(String),
    #[error("the line has no type")]
    MissingType,
    #[error("the {0} line has no data")]
    MissingData(String),
    #[error("the {kind} line has unreadable data: {message}")]
    BadData { kind: String, message: String },
    #[error("the line has no ack")]
    MissingAck,
    #[error("the ack {0:?} is not Type|id")]
    BadAck(String),
}

/// The start of a server's text, for an error message.
pub(super) fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTED) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

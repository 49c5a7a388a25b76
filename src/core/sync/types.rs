//! What a sync asks the server for, and the bodies of its requests.

use serde::Serialize;

/// The request types of `@immich/sdk` 3.2.2's `SyncRequestType` that the mirror stores: users,
/// partners, assets and their exif (own, partners', in shared albums), albums and their members
/// and assets. The v1 asset types answer 400 on v3 servers; stacks, faces, memories and the
/// rest are left out because the mirror keeps none of them.
pub const SYNC_REQUEST_TYPES: [&str; 12] = [
    "AuthUsersV1",
    "UsersV1",
    "AssetsV2",
    "AssetExifsV1",
    "PartnersV1",
    "PartnerAssetsV2",
    "PartnerAssetExifsV1",
    "AlbumsV1",
    "AlbumUsersV1",
    "AlbumToAssetsV1",
    "AlbumAssetsV2",
    "AlbumAssetExifsV1",
];

/// At most this many acks per `POST /sync/ack` (the server refuses more).
pub const MAX_ACKS_PER_CALL: usize = 1000;

#[derive(Serialize)]
struct StreamRequest {
    types: &'static [&'static str],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    reset: bool,
}

#[derive(Serialize)]
struct AckRequest<'a> {
    acks: &'a [String],
}

/// The body of `POST /sync/stream`: every type, and `reset: true` to start over from nothing.
pub fn stream_body(reset: bool) -> String {
    let request = StreamRequest {
        types: &SYNC_REQUEST_TYPES,
        reset,
    };
    serde_json::to_string(&request).unwrap_or_default()
}

/// The body of `POST /sync/ack`.
pub fn ack_body(acks: &[String]) -> String {
    serde_json::to_string(&AckRequest { acks }).unwrap_or_default()
}

//! The names of the sync protocol (`SyncRequestType` and `SyncEntityType` of @immich/sdk 3.2.2)
//! and what a v3 server refuses of them.

/// Every `SyncRequestType`; a stream may ask for any, and gets rows for those `plan` serves.
pub const REQUEST_TYPES: [&str; 27] = [
    "AlbumsV1",
    "AlbumsV2",
    "AlbumUsersV1",
    "AlbumToAssetsV1",
    "AlbumAssetsV1",
    "AlbumAssetsV2",
    "AlbumAssetExifsV1",
    "AssetsV1",
    "AssetsV2",
    "AssetExifsV1",
    "AssetEditsV1",
    "AssetMetadataV1",
    "AssetOcrV1",
    "AuthUsersV1",
    "MemoriesV1",
    "MemoryToAssetsV1",
    "PartnersV1",
    "PartnerAssetsV1",
    "PartnerAssetsV2",
    "PartnerAssetExifsV1",
    "PartnerStacksV1",
    "StacksV1",
    "UsersV1",
    "PeopleV1",
    "AssetFacesV1",
    "AssetFacesV2",
    "UserMetadataV1",
];

/// Every `SyncEntityType`: what an ack may name.
pub const ENTITY_TYPES: [&str; 59] = [
    "AuthUserV1",
    "UserV1",
    "UserDeleteV1",
    "AssetV1",
    "AssetV2",
    "AssetDeleteV1",
    "AssetExifV1",
    "AssetEditV1",
    "AssetEditDeleteV1",
    "AssetMetadataV1",
    "AssetMetadataDeleteV1",
    "AssetOcrV1",
    "AssetOcrDeleteV1",
    "PartnerV1",
    "PartnerDeleteV1",
    "PartnerAssetV1",
    "PartnerAssetV2",
    "PartnerAssetBackfillV1",
    "PartnerAssetBackfillV2",
    "PartnerAssetDeleteV1",
    "PartnerAssetExifV1",
    "PartnerAssetExifBackfillV1",
    "PartnerStackBackfillV1",
    "PartnerStackDeleteV1",
    "PartnerStackV1",
    "AlbumV1",
    "AlbumV2",
    "AlbumDeleteV1",
    "AlbumUserV1",
    "AlbumUserBackfillV1",
    "AlbumUserDeleteV1",
    "AlbumAssetCreateV1",
    "AlbumAssetCreateV2",
    "AlbumAssetUpdateV1",
    "AlbumAssetUpdateV2",
    "AlbumAssetBackfillV1",
    "AlbumAssetBackfillV2",
    "AlbumAssetExifCreateV1",
    "AlbumAssetExifUpdateV1",
    "AlbumAssetExifBackfillV1",
    "AlbumToAssetV1",
    "AlbumToAssetDeleteV1",
    "AlbumToAssetBackfillV1",
    "MemoryV1",
    "MemoryDeleteV1",
    "MemoryToAssetV1",
    "MemoryToAssetDeleteV1",
    "StackV1",
    "StackDeleteV1",
    "PersonV1",
    "PersonDeleteV1",
    "AssetFaceV1",
    "AssetFaceV2",
    "AssetFaceDeleteV1",
    "UserMetadataV1",
    "UserMetadataDeleteV1",
    "SyncAckV1",
    "SyncResetV1",
    "SyncCompleteV1",
];

/// The v1 request types a v3 server refuses, and what it names instead (measured on v3.1.0).
const DEPRECATED: [(&str, &str); 4] = [
    ("AssetsV1", "AssetsV2"),
    ("PartnerAssetsV1", "PartnerAssetsV2"),
    ("AlbumAssetsV1", "AlbumAssetsV2"),
    ("AssetFacesV1", "AssetFacesV2"),
];

/// class-validator's message for a value outside an enum, as Immich's DTO validation sends it.
pub fn not_one_of(field: &str, allowed: &[&str]) -> String {
    format!(
        "each value in {field} must be one of the following values: {}",
        allowed.join(", ")
    )
}

/// Checks a stream's request types as Immich v3.1.0 does; the error is the 400's message.
pub fn check_request_types(types: &[String]) -> Result<(), String> {
    if types
        .iter()
        .any(|kind| !REQUEST_TYPES.contains(&kind.as_str()))
    {
        return Err(not_one_of("types", &REQUEST_TYPES));
    }
    for (old, new) in DEPRECATED {
        if types.iter().any(|kind| kind == old) {
            return Err(format!(
                "SyncRequestType.{old} is deprecated, use SyncRequestType.{new} instead"
            ));
        }
    }
    Ok(())
}

pub fn is_entity_type(kind: &str) -> bool {
    ENTITY_TYPES.contains(&kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn deprecated_types_get_the_servers_message() {
        assert_eq!(
            check_request_types(&types(&["UsersV1", "AssetsV1"])),
            Err(
                "SyncRequestType.AssetsV1 is deprecated, use SyncRequestType.AssetsV2 instead"
                    .into()
            )
        );
        assert!(check_request_types(&types(&["AlbumAssetsV1"]))
            .is_err_and(|message| message.contains("use SyncRequestType.AlbumAssetsV2")));
        assert_eq!(
            check_request_types(&types(&["AssetsV2", "StacksV1"])),
            Ok(())
        );
        assert!(check_request_types(&types(&["Nope"]))
            .is_err_and(|message| message.starts_with("each value in types must be one of")));
    }
}

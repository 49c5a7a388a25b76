use proptest::prelude::*;

use super::super::{decode_line, Ack, Entity, SyncLineError};
use super::{ALBUM, FIRST, FIXTURES, GONE, GREEN, INCREMENTAL, ME, PARTNER, RED, YELLOW};
use crate::core::test_json::any_json;

fn decode_all(body: &str) -> Vec<(Entity, Ack)> {
    body.lines()
        .enumerate()
        .map(|(n, line)| match decode_line(line.as_bytes()) {
            Ok(line) => (line.entity, line.ack),
            Err(e) => panic!("line {}: {e}", n + 1),
        })
        .collect()
}

/// The variant's name, to compare sequences of lines.
fn name(entity: &Entity) -> String {
    let debug = format!("{entity:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn every_recorded_line_decodes_and_none_is_unknown() {
    for body in FIXTURES {
        for (entity, ack) in decode_all(body) {
            assert!(!matches!(entity, Entity::Unknown { .. }), "{entity:?}");
            assert!(ack.raw.starts_with(&format!("{}|", ack.kind)));
        }
    }
}

#[test]
fn the_first_sync_reads_as_recorded() {
    let lines = decode_all(FIRST);
    let names: Vec<String> = lines.iter().map(|(e, _)| name(e)).collect();
    let expected = "AuthUser User User User User Partner Asset Asset Asset PartnerAsset AckOnly \
                    AlbumAsset AlbumAsset Album AlbumUser AlbumToAsset AlbumToAsset AssetExif \
                    AssetExif AssetExif AckOnly AlbumAssetExif AlbumAssetExif PartnerAssetExif \
                    Complete";
    assert_eq!(
        names.join(" "),
        expected.split_whitespace().collect::<Vec<_>>().join(" ")
    );

    let Entity::AuthUser(me) = &lines[0].0 else {
        panic!("{:?}", lines[0])
    };
    assert_eq!(
        (me.id.as_str(), me.email.as_str()),
        (ME, "capture@example.org")
    );
    let Entity::Partner(partner) = &lines[5].0 else {
        panic!()
    };
    assert_eq!(
        (partner.shared_by_id.as_str(), partner.in_timeline),
        (PARTNER, false)
    );
    let Entity::Asset(red) = &lines[6].0 else {
        panic!()
    };
    assert_eq!(red.id, RED);
    assert_eq!(red.original_file_name, "red.jpg");
    assert_eq!(red.kind, "IMAGE");
    assert_eq!(red.checksum, "Vhkk0dtbxCqIrauSrq4VHXXgNYg=");
    assert_eq!(
        red.local_date_time.as_deref(),
        Some("2026-11-20T10:00:00.000Z")
    );
    assert_eq!(
        (red.width, red.height, red.deleted_at.clone()),
        (Some(64), Some(48), None)
    );
    let Entity::Asset(blue) = &lines[8].0 else {
        panic!()
    };
    assert_eq!(blue.original_file_name, "blue photo ünï.jpg");
    let Entity::PartnerAsset(yellow) = &lines[9].0 else {
        panic!()
    };
    assert_eq!(
        (yellow.id.as_str(), yellow.owner_id.as_str()),
        (YELLOW, PARTNER)
    );
    assert_eq!(
        lines[10].1.raw, "AlbumAssetUpdateV2|01a227e0-1bb2-7877-aaf0-387a02e772e4",
        "SyncAckV1 carries another kind's ack"
    );
    assert_eq!(lines[10].1.kind, "AlbumAssetUpdateV2");
    let Entity::Album(album) = &lines[13].0 else {
        panic!()
    };
    assert_eq!(
        (album.id.as_str(), album.name.as_str()),
        (ALBUM, "Capture album")
    );
    assert_eq!(album.thumbnail_asset_id.as_deref(), Some(RED));
    let Entity::AlbumUser(member) = &lines[14].0 else {
        panic!()
    };
    assert_eq!(
        (member.user_id.as_str(), member.role.as_str()),
        (ME, "owner")
    );
    let Entity::AlbumToAsset(link) = &lines[15].0 else {
        panic!()
    };
    assert_eq!(
        (link.album_id.as_str(), link.asset_id.as_str()),
        (ALBUM, GREEN)
    );
    let Entity::AssetExif(exif) = &lines[17].0 else {
        panic!()
    };
    assert_eq!(exif.asset_id, RED);
    assert_eq!(exif.file_size_in_byte, Some(242));
    assert_eq!(exif.exif_image_width, Some(64));
    assert_eq!(exif.description.as_deref(), Some(""));
    assert_eq!(
        exif.date_time_original.as_deref(),
        Some("2026-11-20T10:00:00.000Z")
    );
    assert_eq!(lines[24].1.kind, "SyncCompleteV1");
}

#[test]
fn deletes_read_as_recorded() {
    let lines = decode_all(INCREMENTAL);
    assert_eq!(
        lines[3].0,
        Entity::AssetDelete {
            asset_id: RED.into()
        }
    );
    assert_eq!(
        lines[6].0,
        Entity::PartnerAssetDelete {
            asset_id: YELLOW.into()
        }
    );
    let Entity::AlbumToAssetDelete(link) = &lines[9].0 else {
        panic!("{:?}", lines[9])
    };
    assert_eq!(
        (link.album_id.as_str(), link.asset_id.as_str()),
        (ALBUM, RED)
    );
    let Entity::Asset(green) = &lines[5].0 else {
        panic!()
    };
    assert_eq!(
        (green.is_favorite, green.visibility.as_str()),
        (true, "hidden")
    );

    let gone = decode_all(GONE);
    assert_eq!(
        gone[0].0,
        Entity::PartnerDelete {
            shared_by_id: PARTNER.into(),
            shared_with_id: ME.into()
        }
    );
    assert_eq!(
        gone[1].0,
        Entity::AlbumDelete {
            album_id: ALBUM.into()
        }
    );
}

#[test]
fn the_types_a_recording_lacks_decode_too() {
    let cases = [
        (
            r#"{"type":"UserDeleteV1","data":{"userId":"u1"},"ack":"UserDeleteV1|1"}"#,
            Entity::UserDelete {
                user_id: "u1".into(),
            },
        ),
        (
            r#"{"type":"AlbumUserDeleteV1","data":{"albumId":"a","userId":"u"},"ack":"AlbumUserDeleteV1|1"}"#,
            Entity::AlbumUserDelete {
                album_id: "a".into(),
                user_id: "u".into(),
            },
        ),
        (
            r#"{"type":"SyncResetV1","data":{},"ack":"SyncResetV1|reset"}"#,
            Entity::Reset,
        ),
        (
            r#"{"type":"StackV1","data":{"id":"s","ownerId":"o"},"ack":"StackV1|9"}"#,
            Entity::Unknown {
                kind: "StackV1".into(),
            },
        ),
    ];
    for (line, entity) in cases {
        assert_eq!(
            decode_line(line.as_bytes()).map(|l| l.entity),
            Ok(entity),
            "{line}"
        );
    }
    let backfills = [
        (
            "AlbumUserBackfillV1",
            r#"{"albumId":"a","userId":"u","role":"viewer"}"#,
        ),
        ("AlbumToAssetBackfillV1", r#"{"albumId":"a","assetId":"x"}"#),
        ("PartnerAssetExifBackfillV1", r#"{"assetId":"x"}"#),
        ("AlbumAssetExifBackfillV1", r#"{"assetId":"x"}"#),
    ];
    for (kind, data) in backfills {
        let line = format!(r#"{{"type":"{kind}","data":{data},"ack":"{kind}|1"}}"#);
        let entity = decode_line(line.as_bytes()).map(|l| l.entity);
        assert!(
            matches!(entity, Ok(ref e) if !matches!(e, Entity::Unknown { .. })),
            "{kind}: {entity:?}"
        );
    }
    // A backfilled asset is the same row as its plain type's.
    let asset = FIRST.lines().nth(9).unwrap_or_default();
    let backfill = asset.replace("\"PartnerAssetV2\"", "\"PartnerAssetBackfillV2\"");
    assert_eq!(
        decode_line(backfill.as_bytes()).map(|l| l.entity),
        decode_line(asset.as_bytes()).map(|l| l.entity)
    );
}

#[test]
fn keys_in_any_order_and_extra_keys() {
    let line = r#"{"ack":"AlbumDeleteV1|7","extra":[1,{"x":null}],"data":{"albumId":"a","more":true},"type":"AlbumDeleteV1"}"#;
    let decoded = decode_line(line.as_bytes()).expect("decodes");
    assert_eq!(
        decoded.entity,
        Entity::AlbumDelete {
            album_id: "a".into()
        }
    );
    assert_eq!(decoded.ack.kind, "AlbumDeleteV1");
    let no_data = r#"{"type":"SyncCompleteV1","ack":"SyncCompleteV1|1"}"#;
    assert_eq!(
        decode_line(no_data.as_bytes()).map(|l| l.entity),
        Ok(Entity::Complete)
    );
}

#[test]
fn bad_lines_are_typed_errors() {
    type Expected = fn(&SyncLineError) -> bool;
    let cases: [(&[u8], Expected); 9] = [
        (b"not json", |e| matches!(e, SyncLineError::Json(_))),
        (b"[1,2]", |e| matches!(e, SyncLineError::Json(_))),
        (
            b"{\"type\":\"SyncAckV1\",\"data\":{},\"ack\":\"A|1\"} x",
            |e| matches!(e, SyncLineError::Json(_)),
        ),
        (b"{\"data\":{},\"ack\":\"A|1\"}", |e| {
            *e == SyncLineError::MissingType
        }),
        (
            b"{\"type\":\"AssetV2\",\"ack\":\"AssetV2|1\"}",
            |e| matches!(e, SyncLineError::MissingData(k) if k == "AssetV2"),
        ),
        (
            b"{\"type\":\"AssetDeleteV1\",\"data\":{\"assetId\":5},\"ack\":\"A|1\"}",
            |e| matches!(e, SyncLineError::BadData { kind, .. } if kind == "AssetDeleteV1"),
        ),
        (b"{\"type\":\"SyncAckV1\",\"data\":{}}", |e| {
            *e == SyncLineError::MissingAck
        }),
        (
            b"{\"type\":\"SyncAckV1\",\"data\":{},\"ack\":\"nopipe\"}",
            |e| matches!(e, SyncLineError::BadAck(_)),
        ),
        (
            b"{\"type\":\"SyncAckV1\",\"data\":{},\"ack\":\"\xff|1\"}",
            |e| matches!(e, SyncLineError::Json(_)),
        ),
    ];
    for (line, expected) in cases {
        match decode_line(line) {
            Err(e) => assert!(expected(&e), "{}: {e:?}", String::from_utf8_lossy(line)),
            Ok(ok) => panic!("{} decoded: {ok:?}", String::from_utf8_lossy(line)),
        }
    }
    // Data read before its type is checked as well.
    let early = br#"{"data":{"assetId":5},"type":"AssetDeleteV1","ack":"A|1"}"#;
    assert!(matches!(
        decode_line(early),
        Err(SyncLineError::BadData { .. })
    ));
    assert!(matches!(Ack::parse("|x"), Err(SyncLineError::BadAck(_))));
    assert!(matches!(Ack::parse("Kind|"), Err(SyncLineError::BadAck(_))));
    assert!(Ack::parse("Kind|a|b").is_ok());
}

const KINDS: [&str; 12] = [
    "AssetV2",
    "AssetExifV1",
    "AlbumV1",
    "UserV1",
    "PartnerV1",
    "AlbumUserV1",
    "AlbumToAssetV1",
    "AssetDeleteV1",
    "PartnerDeleteV1",
    "SyncAckV1",
    "SyncCompleteV1",
    "NewThingV9",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_decode_or_fail_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_line(&bytes);
    }

    #[test]
    fn any_data_of_any_kind_decodes_or_fails_without_panic(
        kind in proptest::sample::select(&KINDS[..]),
        data in any_json(),
        ack in ".{0,20}",
    ) {
        let line = serde_json::json!({"type": kind, "data": data, "ack": ack}).to_string();
        let _ = decode_line(line.as_bytes());
    }

    #[test]
    fn a_recorded_line_cut_short_is_an_error(line in 0usize..25, keep in 0usize..2_000) {
        let line = FIRST.lines().nth(line).unwrap_or_default().as_bytes();
        let cut = keep % line.len();
        prop_assert!(decode_line(&line[..cut]).is_err());
    }
}

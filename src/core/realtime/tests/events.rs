//! Events read as the mobile app reads them, on the frames a v3.1.0 server sent.

use serde_json::{json, Value};

use super::{drain, recorded, FRAMES, LOGOUT};
use crate::core::realtime::{read_event, ConnInput, ConnOutput, Connection, RealtimeEvent};

/// Every event of a recorded socket, read.
fn events_of(file: &str) -> Vec<RealtimeEvent> {
    let frames = recorded(file);
    let mut conn = Connection::new(frames[0].0);
    let mut events = Vec::new();
    for (at, frame) in frames {
        conn.handle_input(ConnInput::Frame(frame), at);
        for output in drain(&mut conn) {
            if let ConnOutput::Event { name, args } = output {
                events.push(read_event(&name, &args).expect("a recorded event reads"));
            }
        }
    }
    events
}

fn put(event: &RealtimeEvent) -> (&str, bool) {
    match event {
        RealtimeEvent::Put { asset, exif } => (asset.original_file_name.as_str(), exif.is_some()),
        other => panic!("expected a put, got {other:?}"),
    }
}

#[test]
fn the_recorded_scenario_reads_as_puts_changes_and_deletes() {
    let events = events_of(FRAMES);
    assert_eq!(events.len(), 13, "{events:#?}");
    assert_eq!(events[0], RealtimeEvent::ServerChanged);
    let uploads: Vec<_> = events[1..7].iter().map(put).collect();
    assert_eq!(
        uploads,
        [
            ("red.jpg", false),
            ("red.jpg", true),
            ("green.jpg", false),
            ("green.jpg", true),
            ("blue photo ünï.jpg", false),
            ("blue photo ünï.jpg", true),
        ]
    );
    assert_eq!(events[7], RealtimeEvent::Changed("on_asset_trash".into()));
    assert_eq!(events[8], RealtimeEvent::Changed("on_asset_restore".into()));
    assert_eq!(events[9], RealtimeEvent::Changed("on_album_update".into()));
    let RealtimeEvent::Put { asset, exif: None } = &events[10] else {
        panic!("the update is a put: {:?}", events[10]);
    };
    assert_eq!(
        (asset.is_favorite, asset.visibility.as_str()),
        (true, "hidden")
    );
    let red = "ff2b9fd6-abfa-4699-ae23-4bb3c491ee81";
    assert_eq!(
        events[11..],
        [
            RealtimeEvent::Delete(red.into()),
            RealtimeEvent::Delete(red.into())
        ]
    );
}

#[test]
fn an_upload_s_two_events_give_the_same_row() {
    let events = events_of(FRAMES);
    let (
        RealtimeEvent::Put {
            asset: from_response,
            ..
        },
        RealtimeEvent::Put {
            asset: from_ready,
            exif,
        },
    ) = (&events[1], &events[2])
    else {
        panic!("two puts");
    };
    assert_eq!(from_response, from_ready);
    assert_eq!(from_ready.checksum, "Vhkk0dtbxCqIrauSrq4VHXXgNYg=");
    let exif = exif.as_ref().expect("AssetUploadReadyV2 carries the exif");
    assert_eq!(
        (exif.asset_id.as_str(), exif.file_size_in_byte),
        (from_ready.id.as_str(), Some(242))
    );
}

#[test]
fn a_logout_reads_as_the_session_deleted() {
    let events = events_of(LOGOUT);
    assert_eq!(
        events,
        [
            RealtimeEvent::ServerChanged,
            RealtimeEvent::SessionDeleted("6c723f55-0a5f-4c0f-bac9-65cd529b27b7".into())
        ]
    );
}

#[test]
fn an_update_of_an_asset_in_the_trash_asks_the_stream_for_its_date() {
    let events = events_of(FRAMES);
    let RealtimeEvent::Put { asset, .. } = &events[10] else {
        panic!()
    };
    let mut response = serde_json::to_value(asset.as_ref()).unwrap();
    response["isTrashed"] = json!(true);
    assert!(matches!(
        read_event("on_asset_update", &[response]),
        Ok(RealtimeEvent::Changed(what)) if what.contains("trash")
    ));
}

#[test]
fn the_refusal_and_unknown_events() {
    assert_eq!(
        read_event("error", &[json!("unauthorized")]),
        Ok(RealtimeEvent::Unauthorized)
    );
    assert_eq!(
        read_event("error", &[json!("other")]),
        Ok(RealtimeEvent::Ignored("error".into()))
    );
    assert_eq!(
        read_event("on_new_release", &[json!({})]),
        Ok(RealtimeEvent::Ignored("on_new_release".into()))
    );
    assert_eq!(
        read_event("on_config_update", &[]),
        Ok(RealtimeEvent::ServerChanged)
    );
    assert_eq!(
        read_event("on_asset_hidden", &[json!("id")]),
        Ok(RealtimeEvent::Changed("on_asset_hidden".into()))
    );
}

#[test]
fn payloads_of_the_wrong_shape_are_typed_errors() {
    let cases: [(&str, Vec<Value>); 7] = [
        ("on_asset_delete", vec![json!(5)]),
        ("on_asset_delete", vec![]),
        ("on_asset_delete", vec![json!("")]),
        ("on_asset_trash", vec![json!("one-id")]),
        ("on_asset_restore", vec![json!([1, 2])]),
        ("on_upload_success", vec![json!({"id": "x"})]),
        ("AssetUploadReadyV2", vec![json!({"exif": {}})]),
    ];
    for (name, args) in cases {
        let error = read_event(name, &args).expect_err(name);
        assert_eq!(error.event, name);
        assert!(error
            .to_string()
            .starts_with(&format!("the server's {name} event could not be read")));
    }
    assert!(read_event("on_session_delete", &[json!(null)]).is_err());
}

//! Uploads with a sidecar (`sidecarData`) and live photos (`livePhotoVideoId`).

mod common;

use common::http::{asset_id, get, total_assets, upload, Form, KEY};
use common::{bytes, sha1_hex, Server, TempDir};
use serde_json::{json, Value};

const UNKNOWN: &str = "6f1c1f8e-8d5c-4f0e-9a57-0c6f3f1d2b3a";

fn asset(server: &Server, id: &str) -> Value {
    get(&server.url(&format!("/api/assets/{id}")), &KEY).json()
}

fn sidecar(server: &Server, id: &str) -> (u16, Value) {
    let reply = get(
        &server.url(&format!("/api/fake-immich/assets/{id}/sidecar")),
        &[],
    );
    (reply.status, reply.json())
}

#[test]
fn a_sidecar_is_recorded_with_its_asset_and_only_then() {
    let dir = TempDir::new("sidecar");
    let server = Server::start(dir.path(), &[]);
    let url = server.url("/api/assets");
    let xmp = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".to_vec();
    let photo = bytes(1, 1_000);

    let with = Form::asset("IMG_1.jpg", &photo)
        .file("sidecarData", "IMG_1.xmp", &xmp)
        .send(&url, &KEY);
    assert_eq!(with.status, 201);
    let id = asset_id(&with);
    let recorded = json!({"bytes": xmp.len(), "sha1": sha1_hex(&xmp)});
    assert_eq!(sidecar(&server, &id), (200, recorded.clone()));
    // Nothing on the real endpoint: Immich's AssetResponseDto has no sidecar field.
    assert!(asset(&server, &id).get("sidecarPath").is_none());

    let without = asset_id(&upload(&server, "IMG_2.jpg", &bytes(2, 1_000)));
    let none = json!({"bytes": null, "sha1": null});
    assert_eq!(sidecar(&server, &without), (200, none));
    assert_eq!(sidecar(&server, UNKNOWN).0, 404);

    // A duplicate keeps the first upload's sidecar, whatever came along the second time.
    let again = Form::asset("IMG_1 copy.jpg", &photo)
        .file("sidecarData", "IMG_1 copy.xmp", b"other")
        .send(&url, &KEY);
    assert_eq!((again.status, asset_id(&again)), (200, id.clone()));
    assert_eq!(sidecar(&server, &id), (200, recorded));

    let twice = Form::asset("IMG_3.jpg", &bytes(3, 1_000))
        .file("sidecarData", "a.xmp", b"a")
        .file("sidecarData", "b.xmp", b"b")
        .send(&url, &KEY);
    assert_eq!(twice.status, 400);
    assert_eq!(total_assets(&server), 2);
}

#[test]
fn a_live_photo_links_its_video_and_hides_it() {
    let dir = TempDir::new("live");
    let server = Server::start(dir.path(), &[]);
    let url = server.url("/api/assets");
    let video = asset_id(&upload(&server, "IMG_7.MOV", &bytes(7, 2_000)));
    assert_eq!(asset(&server, &video)["visibility"], "timeline");
    assert_eq!(asset(&server, &video)["type"], "VIDEO");

    let photo = Form::asset("IMG_7.HEIC", &bytes(8, 1_000))
        .text("livePhotoVideoId", &video)
        .send(&url, &KEY);
    assert_eq!(photo.status, 201);
    let photo = asset_id(&photo);
    let shown = asset(&server, &photo);
    assert_eq!(shown["livePhotoVideoId"], video);
    assert_eq!(shown["visibility"], "timeline");
    assert_eq!(asset(&server, &video)["visibility"], "hidden");
    assert_eq!(asset(&server, &video)["livePhotoVideoId"], Value::Null);

    // Another photo may name the same (already hidden) video.
    let second = Form::asset("IMG_7 edit.HEIC", &bytes(9, 1_000))
        .text("livePhotoVideoId", &video)
        .send(&url, &KEY);
    assert_eq!(
        asset(&server, &asset_id(&second))["livePhotoVideoId"],
        video
    );
    assert_eq!(total_assets(&server), 3);
}

#[test]
fn a_live_photo_link_must_name_a_video_of_the_user() {
    let dir = TempDir::new("live-refused");
    let server = Server::start(dir.path(), &[]);
    let url = server.url("/api/assets");
    let image = asset_id(&upload(&server, "still.jpg", &bytes(1, 500)));
    let photo = bytes(2, 500);
    let refusals = [
        (UNKNOWN, "Live photo video not found"),
        (image.as_str(), "Live photo video must be a video"),
        ("not-a-uuid", "livePhotoVideoId must be a UUID"),
    ];
    for (video, message) in refusals {
        let reply = Form::asset("IMG_9.HEIC", &photo)
            .text("livePhotoVideoId", video)
            .send(&url, &KEY);
        assert_eq!(reply.status, 400, "{video}");
        assert_eq!(reply.json()["message"], message);
    }
    assert_eq!(total_assets(&server), 1);
    assert_eq!(asset(&server, &image)["visibility"], "timeline");
    assert_eq!(
        std::fs::read_dir(dir.path().join("incoming"))
            .map(|d| d.count())
            .ok(),
        Some(0)
    );

    // A checksum header naming a known asset is answered before the link is looked at.
    let sum = sha1_hex(&bytes(1, 500));
    let known = Form::asset("still again.jpg", &bytes(1, 500))
        .text("livePhotoVideoId", UNKNOWN)
        .send(&url, &[KEY[0], ("x-immich-checksum", sum.as_str())]);
    assert_eq!(known.status, 200);
    assert_eq!(known.json(), json!({"id": image, "status": "duplicate"}));
}

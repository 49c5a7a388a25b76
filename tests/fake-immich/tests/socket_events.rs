//! The events each change through the API sends, compared with the frames of a real Immich
//! v3.1.0 socket (tests/fixtures/socket-frames.jsonl): the same names, one argument each, the
//! same keys; and they reach the owner's sockets only, not a partner's.

mod common;

use std::time::Duration;

use common::socket::{assert_quiet, connected, expect_event, key_paths, recorded_event, Socket};
use common::sync::{add_user, Client};
use common::{bytes, Server, TempDir, EMAIL, PASSWORD};
use serde_json::{json, Value};

/// Whose upload [`Scene::upload`] makes, and so whose socket hears of it.
#[derive(Clone, Copy)]
enum By {
    Me,
    Partner,
}

/// The client, whose events these are, and a partner who can see its library.
struct Scene<'a> {
    me: Client<'a>,
    mine: Socket,
    partner: Client<'a>,
    theirs: Socket,
}

impl<'a> Scene<'a> {
    fn new(server: &'a Server) -> Self {
        add_user(server, "partner@example.org", "partner-password", "Partner");
        let me = Client::login(server, EMAIL, PASSWORD);
        let partner = Client::login(server, "partner@example.org", "partner-password");
        let body = json!({ "sharedWithId": partner.user_id });
        me.expect("POST", "/api/partners", body, 201);
        let mine = connected(server, &me.auth());
        let theirs = connected(server, &partner.auth());
        Self {
            me,
            mine,
            partner,
            theirs,
        }
    }

    /// Uploads `files` (name, bytes) one by one as `by` and takes from that user's socket the
    /// `on_upload_success` and `AssetUploadReadyV2` each upload sent, checking both name it, so
    /// the next event there is the test's own. Returns the new assets' ids, in order.
    fn upload<const N: usize>(&mut self, by: By, files: [(&str, Vec<u8>); N]) -> [String; N] {
        let (client, socket) = match by {
            By::Me => (&self.me, &mut self.mine),
            By::Partner => (&self.partner, &mut self.theirs),
        };
        files.map(|(name, bytes)| {
            let id = client.upload(name, &bytes);
            let success = expect_event(socket, "on_upload_success");
            assert_eq!(success["id"], id.as_str());
            let ready = expect_event(socket, "AssetUploadReadyV2");
            assert_eq!(ready["asset"]["id"], id.as_str());
            id
        })
    }
}

fn sorted(ids: &Value) -> Vec<String> {
    let mut ids: Vec<String> = ids
        .as_array()
        .expect("an array of ids")
        .iter()
        .map(|id| id.as_str().expect("an id").to_string())
        .collect();
    ids.sort();
    ids
}

/// The data of the stream's only line of `kind`.
fn data_of(lines: &[Value], kind: &str) -> Value {
    let mut found = lines.iter().filter(|line| line["type"] == kind);
    let line = found.next().unwrap_or_else(|| panic!("no {kind}"));
    assert!(found.next().is_none(), "one {kind}");
    line["data"].clone()
}

#[test]
fn an_upload_sends_the_recorded_events_with_the_sync_rows_data() {
    let dir = TempDir::new("events-upload");
    let server = Server::start(dir.path(), &[]);
    let Scene {
        me,
        mut mine,
        mut theirs,
        ..
    } = Scene::new(&server);
    let id = me.upload("red.jpg", &bytes(1, 242));

    let success = expect_event(&mut mine, "on_upload_success");
    assert_eq!(success["id"], id.as_str());
    assert_eq!(success["isTrashed"], false);
    assert_eq!(success["originalMimeType"], "image/jpeg");
    assert_eq!(success["exifInfo"]["fileSizeInByte"], 242);
    assert_eq!(
        key_paths(&success),
        key_paths(&recorded_event("on_upload_success"))
    );

    let ready = expect_event(&mut mine, "AssetUploadReadyV2");
    assert_eq!(
        key_paths(&ready),
        key_paths(&recorded_event("AssetUploadReadyV2"))
    );
    // The very data the sync stream tells for the same asset.
    let lines = me.stream(&["AssetsV2", "AssetExifsV1"]);
    assert_eq!(ready["asset"], data_of(&lines, "AssetV2"));
    assert_eq!(ready["exif"], data_of(&lines, "AssetExifV1"));
    assert_eq!(ready["asset"]["checksum"], success["checksum"]);

    assert_quiet(&mut theirs, Duration::from_millis(300));
}

#[test]
fn updates_send_on_asset_update_per_asset() {
    let dir = TempDir::new("events-update");
    let server = Server::start(dir.path(), &[]);
    let mut scene = Scene::new(&server);
    let ids = scene.upload(By::Me, [("a.jpg", bytes(1, 50)), ("b.jpg", bytes(2, 50))]);
    let Scene {
        me,
        mut mine,
        mut theirs,
        ..
    } = scene;

    let path = format!("/api/assets/{}", ids[0]);
    me.expect("PUT", &path, json!({ "isFavorite": true }), 200);
    let updated = expect_event(&mut mine, "on_asset_update");
    assert_eq!(updated["id"], ids[0].as_str());
    assert_eq!(updated["isFavorite"], true);
    assert_eq!(
        key_paths(&updated),
        key_paths(&recorded_event("on_asset_update"))
    );

    // A bulk hide, as recorded: the asset update says so, no on_asset_hidden.
    let body = json!({ "ids": ids, "visibility": "hidden" });
    me.expect("PUT", "/api/assets", body, 204);
    for id in &ids {
        let updated = expect_event(&mut mine, "on_asset_update");
        assert_eq!(updated["id"], id.as_str());
        assert_eq!(updated["visibility"], "hidden");
    }
    assert_quiet(&mut mine, Duration::from_millis(200));
    assert_quiet(&mut theirs, Duration::from_millis(100));
}

#[test]
fn trash_restore_and_delete_send_their_events() {
    let dir = TempDir::new("events-trash");
    let server = Server::start(dir.path(), &[]);
    let mut scene = Scene::new(&server);
    // c stays out of the trash until the trash is emptied at the end.
    let files = [
        ("a.jpg", bytes(1, 50)),
        ("b.jpg", bytes(2, 50)),
        ("c.jpg", bytes(3, 50)),
    ];
    let [a, b, c] = scene.upload(By::Me, files);
    let Scene {
        me,
        mut mine,
        mut theirs,
        ..
    } = scene;
    let both = {
        let mut both = vec![a.clone(), b.clone()];
        both.sort();
        both
    };

    // Recorded: on_asset_trash and on_asset_restore carry an array of ids.
    assert!(recorded_event("on_asset_trash").is_array());
    assert!(recorded_event("on_asset_restore").is_array());
    me.expect("DELETE", "/api/assets", json!({ "ids": [a] }), 204);
    assert_eq!(expect_event(&mut mine, "on_asset_trash"), json!([a]));
    me.expect(
        "POST",
        "/api/trash/restore/assets",
        json!({ "ids": [a] }),
        200,
    );
    assert_eq!(expect_event(&mut mine, "on_asset_restore"), json!([a]));

    me.expect("DELETE", "/api/assets", json!({ "ids": [a, b] }), 204);
    assert_eq!(sorted(&expect_event(&mut mine, "on_asset_trash")), both);
    let restored = me.call("POST", "/api/trash/restore");
    assert_eq!(restored.json(), json!({ "count": 2 }));
    assert_eq!(sorted(&expect_event(&mut mine, "on_asset_restore")), both);

    // Recorded: on_asset_delete carries one id, not an array.
    assert!(recorded_event("on_asset_delete").is_string());
    me.expect(
        "DELETE",
        "/api/assets",
        json!({ "ids": [a], "force": true }),
        204,
    );
    assert_eq!(expect_event(&mut mine, "on_asset_delete"), json!(a));

    // Emptying the trash deletes each trashed asset: one event per asset.
    me.expect("DELETE", "/api/assets", json!({ "ids": [b, c] }), 204);
    expect_event(&mut mine, "on_asset_trash");
    assert_eq!(
        me.call("POST", "/api/trash/empty").json(),
        json!({ "count": 2 })
    );
    let mut deleted = vec![
        expect_event(&mut mine, "on_asset_delete"),
        expect_event(&mut mine, "on_asset_delete"),
    ];
    deleted.sort_by_key(ToString::to_string);
    let mut expected = vec![json!(b), json!(c)];
    expected.sort_by_key(ToString::to_string);
    assert_eq!(deleted, expected);

    assert_quiet(&mut mine, Duration::from_millis(200));
    assert_quiet(&mut theirs, Duration::from_millis(100));
}

#[test]
fn each_users_events_reach_that_user_only() {
    let dir = TempDir::new("events-owner");
    let server = Server::start(dir.path(), &[]);
    let mut scene = Scene::new(&server);
    let mut second = connected(&server, &scene.me.auth());

    let [id] = scene.upload(By::Partner, [("theirs.jpg", bytes(9, 50))]);
    let Scene {
        me,
        mut mine,
        partner,
        mut theirs,
    } = scene;
    partner.expect("DELETE", "/api/assets", json!({ "ids": [id] }), 204);
    assert_eq!(expect_event(&mut theirs, "on_asset_trash"), json!([id]));
    assert_quiet(&mut mine, Duration::from_millis(300));

    // Every socket of the owner gets the owner's events.
    let mine_id = me.upload("mine.jpg", &bytes(10, 50));
    for socket in [&mut mine, &mut second] {
        assert_eq!(
            expect_event(socket, "on_upload_success")["id"],
            mine_id.as_str()
        );
    }
    assert_quiet(&mut theirs, Duration::from_millis(200));
}

//! The sync endpoints' rules: sessions only, refused request types, the stream's form and order,
//! acks per session (set, read, delete, limits), resuming from them, resets, and a library
//! larger than a page (made by the generate switch) streamed in chunks.

mod common;

use common::http::{post, post_json, send_empty, send_json, KEY};
use common::raw::{request_head, Connection};
use common::sync::{ack_of, lines, types_of, Client, ALL_TYPES};
use common::{bytes, Server, TempDir, EMAIL, PASSWORD};
use serde_json::{json, Value};

const ID: &str = "01a227df-fb4e-7765-a299-e501a2986117";

fn ack_id(line: &Value) -> String {
    ack_of(line)
        .rsplit('|')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn api_keys_are_refused_and_sessions_served_also_by_cookie() {
    let dir = TempDir::new("sync-keys");
    let server = Server::start(dir.path(), &[]);
    let streams = json!({ "types": ["AssetsV2"] });
    let refusals = [
        send_json("POST", &server.url("/api/sync/stream"), &KEY, &streams),
        send_json(
            "POST",
            &server.url("/api/sync/ack"),
            &KEY,
            &json!({ "acks": [] }),
        ),
        send_empty("GET", &server.url("/api/sync/ack"), &KEY),
        send_json("DELETE", &server.url("/api/sync/ack"), &KEY, &json!({})),
    ];
    for reply in refusals {
        assert_eq!(reply.status, 403, "{}", reply.text());
        let body = reply.json();
        assert_eq!(
            body["message"],
            "Sync endpoints cannot be used with API keys"
        );
        assert_eq!(
            (body["error"].clone(), body["statusCode"].clone()),
            (json!("Forbidden"), json!(403))
        );
    }

    let client = Client::login(&server, EMAIL, PASSWORD);
    let cookie = format!("immich_access_token={}", client.token);
    let reply = send_json(
        "POST",
        &server.url("/api/sync/stream"),
        &[("cookie", &cookie)],
        &streams,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/jsonlines+json")
    );
    assert_eq!(types_of(&lines(&reply.body)), ["SyncCompleteV1"]);
}

#[test]
fn deprecated_and_unknown_types_are_refused() {
    let dir = TempDir::new("sync-types");
    let server = Server::start(dir.path(), &[]);
    let client = Client::login(&server, EMAIL, PASSWORD);
    for (old, new) in [
        ("AssetsV1", "AssetsV2"),
        ("PartnerAssetsV1", "PartnerAssetsV2"),
        ("AlbumAssetsV1", "AlbumAssetsV2"),
        ("AssetFacesV1", "AssetFacesV2"),
    ] {
        let reply = client.stream_reply(&["UsersV1", old], false);
        assert_eq!(reply.status, 400);
        let message =
            format!("SyncRequestType.{old} is deprecated, use SyncRequestType.{new} instead");
        assert_eq!(reply.json()["message"], message.as_str());
    }
    let unknown = client.stream_reply(&["AssetsV9"], false);
    assert_eq!(unknown.status, 400);
    assert!(unknown.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("AssetsV2")));
    // Types served by nothing here are still valid requests.
    let quiet = client.stream(&["MemoriesV1", "PeopleV1", "StacksV1", "AlbumsV2"]);
    assert_eq!(types_of(&quiet), ["SyncCompleteV1"]);
}

#[test]
fn lines_come_in_update_id_order_and_end_with_the_streams_own_id() {
    let dir = TempDir::new("sync-order");
    let server = Server::start(dir.path(), &[]);
    let client = Client::login(&server, EMAIL, PASSWORD);
    for seed in 0..5 {
        client.upload(&format!("{seed}.jpg"), &bytes(seed, 40));
    }
    let stream = client.stream(&ALL_TYPES);
    let complete = ack_id(stream.last().expect("a line"));
    for kind in ["AssetV2", "AssetExifV1"] {
        let ids: Vec<String> = stream
            .iter()
            .filter(|l| l["type"] == kind)
            .map(ack_id)
            .collect();
        assert_eq!(ids.len(), 5);
        assert!(
            ids.windows(2).all(|pair| pair[0] < pair[1]),
            "{kind}: {ids:?}"
        );
        assert!(ids.iter().all(|id| *id < complete));
    }
    let later = client.stream(&ALL_TYPES);
    let later = ack_id(later.last().expect("a line"));
    assert!(later > complete, "a later stream's id is later");
}

#[test]
fn acks_are_kept_per_session_and_resume_the_stream() {
    let dir = TempDir::new("sync-acks");
    let server = Server::start(dir.path(), &[]);
    let client = Client::login(&server, EMAIL, PASSWORD);
    let ids: Vec<String> = (0..3)
        .map(|seed| client.upload(&format!("{seed}.jpg"), &bytes(seed, 30)))
        .collect();
    let first = client.stream(&["AssetsV2"]);
    assert_eq!(
        types_of(&first),
        ["AssetV2", "AssetV2", "AssetV2", "SyncCompleteV1"]
    );

    // The later of two acks of a type wins.
    client.ack(&[ack_of(&first[1]), ack_of(&first[0])]);
    client.ack(&[ack_of(&first[0]), ack_of(&first[1])]);
    let stored = client.call("GET", "/api/sync/ack").json();
    assert_eq!(
        stored,
        json!([{ "type": "AssetV2", "ack": ack_of(&first[1]) }])
    );
    let resumed = client.stream(&["AssetsV2"]);
    assert_eq!(types_of(&resumed), ["AssetV2", "SyncCompleteV1"]);
    assert_eq!(resumed[0]["data"]["id"], ids[2].as_str());

    let other = Client::login(&server, EMAIL, PASSWORD);
    assert_eq!(
        other.stream(&["AssetsV2"]).len(),
        4,
        "another session starts from nothing"
    );

    let bad_type = client.send(
        "POST",
        "/api/sync/ack",
        json!({ "acks": [format!("NopeV1|{ID}")] }),
    );
    assert_eq!(
        (bad_type.status, bad_type.json()["message"].clone()),
        (400, json!("Invalid ack type: NopeV1"))
    );
    let malformed = client.send(
        "POST",
        "/api/sync/ack",
        json!({ "acks": ["AssetV2|yesterday"] }),
    );
    assert_eq!(malformed.status, 400);
    let too_many: Vec<String> = (0..1001).map(|_| format!("AssetV2|{ID}")).collect();
    let refused = client.send("POST", "/api/sync/ack", json!({ "acks": too_many }));
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.json()["message"],
        "acks must contain no more than 1000 elements"
    );
    assert_eq!(
        client.call("GET", "/api/sync/ack").json(),
        stored,
        "refused acks change nothing"
    );
    client.ack(&too_many[..1000]);

    client.ack(&[format!("UserV1|{ID}")]);
    let bad_delete = client.send("DELETE", "/api/sync/ack", json!({ "types": ["NopeV1"] }));
    assert_eq!(bad_delete.status, 400);
    client.expect(
        "DELETE",
        "/api/sync/ack",
        json!({ "types": ["AssetV2"] }),
        204,
    );
    assert_eq!(
        client.call("GET", "/api/sync/ack").json()[0]["type"],
        "UserV1"
    );
    assert_eq!(client.stream(&["AssetsV2"]).len(), 4);
    assert_eq!(client.call("DELETE", "/api/sync/ack").status, 204);
    assert_eq!(client.call("GET", "/api/sync/ack").json(), json!([]));
}

#[test]
fn resets_start_over() {
    let dir = TempDir::new("sync-reset");
    let server = Server::start(dir.path(), &[]);
    let client = Client::login(&server, EMAIL, PASSWORD);
    client.upload("a.jpg", &bytes(1, 30));
    client.ack_all(&client.stream(&ALL_TYPES));
    assert_eq!(client.stream(&ALL_TYPES).len(), 1);

    // `reset: true` drops the session's checkpoints before streaming.
    let reset = client.stream_reply(&["AssetsV2"], true);
    assert_eq!(types_of(&lines(&reset.body)), ["AssetV2", "SyncCompleteV1"]);
    assert_eq!(client.call("GET", "/api/sync/ack").json(), json!([]));
    client.ack_all(&client.stream(&ALL_TYPES));

    // A reset pending on the session: a lone SyncResetV1 until the client acks it.
    let switch = "/api/fake-immich/sessions/reset-all";
    assert_eq!(
        post(&server.url(switch), &[], "application/json", b"").status,
        204
    );
    let expected = json!({ "type": "SyncResetV1", "data": {}, "ack": "SyncResetV1|reset" });
    for _ in 0..2 {
        assert_eq!(client.stream(&ALL_TYPES), std::slice::from_ref(&expected));
    }
    client.ack(&["SyncResetV1|reset".to_string(), format!("AssetV2|{ID}")]);
    assert_eq!(
        client.call("GET", "/api/sync/ack").json(),
        json!([]),
        "the reset ack ends the request"
    );
    let after = client.stream(&ALL_TYPES);
    assert!(types_of(&after).contains(&"AssetV2"));

    // `reset: true` clears a pending reset too.
    assert_eq!(
        post(&server.url(switch), &[], "application/json", b"").status,
        204
    );
    let again = client.stream_reply(&["AssetsV2"], true);
    assert_eq!(types_of(&lines(&again.body)), ["AssetV2", "SyncCompleteV1"]);
}

#[test]
fn a_library_larger_than_a_page_streams_in_chunks() {
    let dir = TempDir::new("sync-chunks");
    let server = Server::start(dir.path(), &[]);
    let client = Client::login(&server, EMAIL, PASSWORD);
    const ASSETS: usize = 1_200;
    let generate = json!({ "email": EMAIL, "count": ASSETS });
    let generated = post_json(
        &server.url("/api/fake-immich/assets/generate"),
        &[],
        &generate,
    );
    assert_eq!(
        (generated.status, generated.json()),
        (201, json!({ "count": ASSETS }))
    );
    let body = json!({ "types": ["AssetsV2", "AssetExifsV1"] }).to_string();
    let authorization = format!("Bearer {}", client.token);
    let headers = [
        ("authorization", authorization.as_str()),
        ("content-type", "application/json"),
    ];
    let mut connection = Connection::open(&server);
    connection.send(request_head("POST", "/api/sync/stream", &headers, body.len()).as_bytes());
    connection.send(body.as_bytes());
    let head = connection.read_head();
    assert_eq!(head.status, 200);
    assert_eq!(head.header("transfer-encoding"), Some("chunked"));
    let chunks = connection.read_chunks();
    // Pages of 500 rows: three per type, then SyncCompleteV1.
    assert_eq!(chunks.len(), 7, "pages arrive as chunks");
    let stream = lines(&chunks.concat());
    assert_eq!(stream.len(), 2 * ASSETS + 1);
    let ids: Vec<&str> = stream[..ASSETS]
        .iter()
        .map(|l| l["data"]["id"].as_str().unwrap_or_default())
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ASSETS, "every asset once");
    let order: Vec<String> = stream[..ASSETS].iter().map(ack_id).collect();
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]));

    // Acked up to the middle of a page, the next stream sends the rest.
    client.ack(&[ack_of(&stream[750])]);
    let rest = client.stream(&["AssetsV2"]);
    assert_eq!(rest.len(), ASSETS - 751 + 1);
    assert_eq!(rest[0]["data"]["id"], stream[751]["data"]["id"]);
}

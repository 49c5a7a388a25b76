//! Partners in the stream: a partner who starts sharing after the client's checkpoint has older
//! assets, sent as a backfill that resumes where its acks left off; a removed user is told.

mod common;

use common::sync::{ack_of, add_user, types_of, Client, ALL_TYPES};
use common::{bytes, Server, TempDir};
use serde_json::{json, Value};

fn of_type<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|line| line["type"] == kind).collect()
}

#[test]
fn a_partner_sharing_later_is_backfilled_and_an_interrupted_backfill_resumes() {
    let dir = TempDir::new("sync-backfill");
    let server = Server::start(dir.path(), &[]);
    for name in ["me", "early", "late"] {
        add_user(&server, &format!("{name}@example.org"), "pw", name);
    }
    let me = Client::login(&server, "me@example.org", "pw");
    let early = Client::login(&server, "early@example.org", "pw");
    let late = Client::login(&server, "late@example.org", "pw");

    // `late` has assets from before the checkpoint `early`'s asset gives `me`.
    let old = [
        late.upload("old1.jpg", &bytes(1, 20)),
        late.upload("old2.jpg", &bytes(2, 20)),
    ];
    early.upload("early.jpg", &bytes(3, 20));
    early.expect(
        "POST",
        "/api/partners",
        json!({ "sharedWithId": me.user_id }),
        201,
    );
    let first = me.stream(&ALL_TYPES);
    assert_eq!(of_type(&first, "PartnerAssetV2").len(), 1);
    me.ack_all(&first);

    let newer = late.upload("new.jpg", &bytes(4, 20));
    late.expect(
        "POST",
        "/api/partners",
        json!({ "sharedWithId": me.user_id }),
        201,
    );
    let stream = me.stream(&ALL_TYPES);
    let expected = [
        "PartnerV1",
        "PartnerAssetBackfillV2",
        "PartnerAssetBackfillV2",
        "SyncAckV1",
        "PartnerAssetV2",
        "PartnerAssetExifBackfillV1",
        "PartnerAssetExifBackfillV1",
        "SyncAckV1",
        "PartnerAssetExifV1",
        "SyncCompleteV1",
    ];
    let partner_lines: Vec<&str> = types_of(&stream)
        .into_iter()
        .filter(|kind| kind.starts_with("Partner") || kind.starts_with("Sync"))
        .collect();
    assert_eq!(partner_lines, expected);
    let backfill = of_type(&stream, "PartnerAssetBackfillV2");
    assert_eq!(backfill[0]["data"]["id"], old[0].as_str());
    assert_eq!(backfill[1]["data"]["id"], old[1].as_str());
    assert_eq!(
        of_type(&stream, "PartnerAssetV2")[0]["data"]["id"],
        newer.as_str()
    );
    // Backfill acks carry the partnership's create id, then the row's update id or `complete`.
    let parts: Vec<String> = ack_of(backfill[0]).split('|').map(str::to_string).collect();
    assert_eq!(parts.len(), 3);
    let done = format!("PartnerAssetBackfillV2|{}|complete", parts[1]);
    assert_eq!(of_type(&stream, "SyncAckV1")[0]["ack"], done.as_str());

    // Killed after the first backfilled row: the next stream resumes after it.
    me.ack(&[ack_of(backfill[0])]);
    let resumed = me.stream(&["PartnerAssetsV2"]);
    assert_eq!(
        types_of(&resumed),
        [
            "PartnerAssetBackfillV2",
            "SyncAckV1",
            "PartnerAssetV2",
            "SyncCompleteV1"
        ]
    );
    assert_eq!(resumed[0]["data"]["id"], old[1].as_str());

    me.ack_all(&stream);
    let quiet = me.stream(&ALL_TYPES);
    assert_eq!(
        types_of(&quiet),
        ["SyncCompleteV1"],
        "a finished backfill is not sent again"
    );
}

#[test]
fn partners_are_listed_updated_and_removed() {
    let dir = TempDir::new("sync-partner-api");
    let server = Server::start(dir.path(), &[]);
    add_user(&server, "a@example.org", "pw", "A");
    add_user(&server, "b@example.org", "pw", "B");
    let a = Client::login(&server, "a@example.org", "pw");
    let b = Client::login(&server, "b@example.org", "pw");

    let created = a.expect(
        "POST",
        &format!("/api/partners/{}", b.user_id),
        json!({}),
        201,
    );
    assert_eq!(created.json()["id"], b.user_id.as_str());
    assert_eq!(created.json()["inTimeline"], false);
    let again = a.send(
        "POST",
        "/api/partners",
        json!({ "sharedWithId": b.user_id }),
    );
    assert_eq!(
        (again.status, again.json()["message"].clone()),
        (400, json!("Partner already exists"))
    );
    let with_self = a.send(
        "POST",
        "/api/partners",
        json!({ "sharedWithId": a.user_id }),
    );
    assert_eq!(with_self.status, 400);

    assert_eq!(
        a.call("GET", "/api/partners?direction=shared-by").json()[0]["id"],
        b.user_id.as_str()
    );
    assert_eq!(
        b.call("GET", "/api/partners?direction=shared-with").json()[0]["id"],
        a.user_id.as_str()
    );
    assert_eq!(
        a.call("GET", "/api/partners?direction=shared-with").json(),
        json!([])
    );
    assert_eq!(a.call("GET", "/api/partners").status, 400);
    b.ack_all(&b.stream(&["PartnersV1"]));

    let shown = b.expect(
        "PUT",
        &format!("/api/partners/{}", a.user_id),
        json!({ "inTimeline": true }),
        200,
    );
    assert_eq!(shown.json()["inTimeline"], true);
    let update = b.stream(&["PartnersV1"]);
    let expected =
        json!({ "sharedById": a.user_id, "sharedWithId": b.user_id, "inTimeline": true });
    assert_eq!(update[0]["data"], expected);
    // Only the receiving side sets inTimeline, and only the sharer stops sharing.
    let wrong_side = a.send(
        "PUT",
        &format!("/api/partners/{}", b.user_id),
        json!({ "inTimeline": true }),
    );
    assert_eq!(wrong_side.status, 400);
    assert_eq!(
        b.send("DELETE", &format!("/api/partners/{}", a.user_id), json!({}))
            .status,
        400
    );
    a.expect(
        "DELETE",
        &format!("/api/partners/{}", b.user_id),
        json!({}),
        204,
    );
    assert_eq!(types_of(&b.stream(&["PartnersV1"]))[0], "PartnerDeleteV1");
}

#[test]
fn a_removed_user_is_told_and_their_sessions_end() {
    let dir = TempDir::new("sync-user-delete");
    let server = Server::start(dir.path(), &[]);
    add_user(&server, "me@example.org", "pw", "Me");
    let gone_id = add_user(&server, "gone@example.org", "pw", "Gone");
    let me = Client::login(&server, "me@example.org", "pw");
    let gone = Client::login(&server, "gone@example.org", "pw");
    gone.upload("g.jpg", &bytes(9, 20));
    gone.expect(
        "POST",
        "/api/partners",
        json!({ "sharedWithId": me.user_id }),
        201,
    );
    me.ack_all(&me.stream(&ALL_TYPES));

    let url = server.url(&format!("/api/fake-immich/users/{gone_id}"));
    let removed = common::http::send_empty("DELETE", &url, &[]);
    assert_eq!(removed.status, 204);
    assert_eq!(common::http::send_empty("DELETE", &url, &[]).status, 404);
    assert_eq!(gone.call("GET", "/api/users/me").status, 401);
    let stream = me.stream(&ALL_TYPES);
    assert_eq!(
        types_of(&stream),
        ["UserDeleteV1", "PartnerDeleteV1", "SyncCompleteV1"]
    );
    assert_eq!(stream[0]["data"], json!({ "userId": gone_id }));
}

#[test]
fn assets_of_several_partners_come_merged_in_update_id_order() {
    let dir = TempDir::new("sync-partners-merged");
    let server = Server::start(dir.path(), &[]);
    for name in ["me", "a", "b"] {
        add_user(&server, &format!("{name}@example.org"), "pw", name);
    }
    let me = Client::login(&server, "me@example.org", "pw");
    for name in ["a", "b"] {
        let partner = Client::login(&server, &format!("{name}@example.org"), "pw");
        partner.expect(
            "POST",
            "/api/partners",
            json!({ "sharedWithId": me.user_id }),
            201,
        );
    }
    // Interleaved batches, more than a page (500 rows) in all.
    let url = server.url("/api/fake-immich/assets/generate");
    for name in ["a", "b", "a", "b"] {
        let body = json!({ "email": format!("{name}@example.org"), "count": 300 });
        assert_eq!(common::http::post_json(&url, &[], &body).status, 201);
    }
    let stream = me.stream(&["PartnerAssetsV2"]);
    let rows = of_type(&stream, "PartnerAssetV2");
    assert_eq!(rows.len(), 1_200);
    let acks: Vec<String> = rows.iter().map(|row| ack_of(row)).collect();
    assert!(
        acks.windows(2).all(|pair| pair[0] < pair[1]),
        "in order, none twice"
    );
    let owners: Vec<&str> = rows
        .iter()
        .map(|row| row["data"]["ownerId"].as_str().unwrap_or_default())
        .collect();
    assert_ne!(owners[299], owners[300], "the batches interleave");
}

//! ETags and 304 Not Modified on the JSON GET endpoints, as Immich's Express sends them.

mod common;

use common::http::{get, post_json, put_json, upload, Reply, KEY};
use common::{bytes, Server, TempDir, EMAIL, PASSWORD};
use serde_json::json;

fn etag_of(reply: &Reply) -> String {
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let etag = reply.header("etag").expect("an ETag header").to_string();
    assert!(etag.starts_with("W/\"") && etag.ends_with('"'), "{etag}");
    etag
}

fn assert_not_modified(reply: &Reply, etag: &str) {
    assert_eq!(reply.status, 304);
    assert!(reply.body.is_empty(), "{:?}", reply.body);
    assert_eq!(reply.header("etag"), Some(etag));
    assert_eq!(reply.header("content-type"), None);
}

#[test]
fn json_gets_answer_304_when_if_none_match_names_the_body() {
    let dir = TempDir::new("etag");
    let server = Server::start(dir.path(), &[]);
    let login = post_json(
        &server.url("/api/auth/login"),
        &[],
        &json!({"email": EMAIL, "password": PASSWORD}),
    );
    let bearer = format!(
        "Bearer {}",
        login.json()["accessToken"].as_str().expect("token")
    );
    let session = [("authorization", bearer.as_str())];
    let endpoints: [(&str, &[(&str, &str)]); 5] = [
        ("/api/server/media-types", &[]),
        ("/api/server/version", &[]),
        ("/api/server/features", &[]),
        ("/api/users/me", &KEY),
        ("/api/users/me", &session),
    ];
    for (path, auth) in endpoints {
        let url = server.url(path);
        let first = get(&url, auth);
        let etag = etag_of(&first);
        assert_eq!(etag_of(&get(&url, auth)), etag, "{path}: stable");
        let with = |extra: &[(&'static str, &str)]| get(&url, &[auth, extra].concat());

        assert_not_modified(&with(&[("if-none-match", &etag)]), &etag);
        // The strong form of the same tag, and a list naming it, match too.
        let strong = etag.trim_start_matches("W/");
        assert_not_modified(&with(&[("if-none-match", strong)]), &etag);
        let list = format!("W/\"1-old\", {etag}");
        assert_not_modified(&with(&[("if-none-match", &list)]), &etag);
        assert_not_modified(&with(&[("if-none-match", "*")]), &etag);

        let stale = with(&[("if-none-match", "W/\"1-old\"")]);
        assert_eq!(
            (stale.status, stale.body.clone()),
            (200, first.body.clone())
        );
        // What a browser adds to a fetch with its own If-None-Match unless the page sets one.
        let no_cache = with(&[("if-none-match", &etag), ("cache-control", "no-cache")]);
        assert_eq!((no_cache.status, no_cache.body.clone()), (200, first.body));
        let max_age = with(&[("if-none-match", &etag), ("cache-control", "max-age=0")]);
        assert_not_modified(&max_age, &etag);
    }
    // Credentials are checked before any 304: an unauthenticated request learns nothing.
    let me = server.url("/api/users/me");
    let etag = etag_of(&get(&me, &KEY));
    assert_eq!(get(&me, &[("if-none-match", &etag)]).status, 401);
}

#[test]
fn album_list_etag_changes_with_its_albums() {
    let dir = TempDir::new("etag-albums");
    let server = Server::start(dir.path(), &[]);
    let albums = server.url("/api/albums");
    let empty = etag_of(&get(&albums, &KEY));
    assert_not_modified(&get(&albums, &[KEY[0], ("if-none-match", &empty)]), &empty);

    let created = post_json(&albums, &KEY, &json!({"albumName": "Trip"}));
    let id = created.json()["id"].as_str().expect("id").to_string();
    let listed = get(&albums, &[KEY[0], ("if-none-match", &empty)]);
    let one = etag_of(&listed);
    assert_ne!(one, empty);

    let asset = upload(&server, "trip.jpg", &bytes(1, 100));
    let asset = asset.json()["id"].as_str().expect("id").to_string();
    let add = put_json(
        &server.url(&format!("/api/albums/{id}/assets")),
        &KEY,
        &json!({"ids": [asset]}),
    );
    assert_eq!(add.status, 200);
    let after = get(&albums, &[KEY[0], ("if-none-match", &one)]);
    assert_ne!(
        etag_of(&after),
        one,
        "the album's count and updatedAt changed"
    );
}

#[test]
fn a_page_of_an_allowed_origin_may_revalidate() {
    let dir = TempDir::new("etag-cors");
    let origin = "http://localhost:8080";
    let server = Server::start(dir.path(), &["--allow-origin", origin]);
    let url = server.url("/api/server/media-types");
    let first = get(&url, &[("origin", origin)]);
    assert_eq!(
        first.header("access-control-expose-headers"),
        Some("etag,retry-after")
    );
    let etag = etag_of(&first);
    let headers = [
        ("origin", origin),
        ("if-none-match", etag.as_str()),
        ("cache-control", "max-age=0"),
    ];
    let again = get(&url, &headers);
    assert_not_modified(&again, &etag);
    // The browser hands a 304 to the page only with these.
    assert_eq!(again.header("access-control-allow-origin"), Some(origin));
    assert_eq!(
        again.header("access-control-expose-headers"),
        Some("etag,retry-after")
    );
}

//! Login sessions: Immich's cookies, the cookie as a credential, token validation, logout, and
//! listing and deleting sessions.

mod common;

use common::http::{get, post, post_json, send_empty, KEY};
use common::sync::Client;
use common::{Server, TempDir, EMAIL, PASSWORD};
use serde_json::json;

fn set_cookies(reply: &common::http::Reply) -> Vec<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(str::to_string)
        .collect()
}

#[test]
fn login_sets_immichs_cookies_and_the_cookie_authenticates() {
    let dir = TempDir::new("session-cookies");
    let server = Server::start(dir.path(), &[]);
    let body = json!({ "email": EMAIL, "password": PASSWORD });
    let login = post_json(&server.url("/api/auth/login"), &[], &body);
    assert_eq!(login.status, 201);
    let token = login.json()["accessToken"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(login.json()["isAdmin"], true);

    let cookies = set_cookies(&login);
    assert_eq!(cookies.len(), 3, "{cookies:?}");
    let token_cookie = &cookies[0];
    assert!(token_cookie.starts_with(&format!("immich_access_token={token};")));
    for part in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=34560000"] {
        assert!(token_cookie.contains(part), "{part} in {token_cookie}");
    }
    assert!(
        cookies[1].starts_with("immich_auth_type=password;") && cookies[1].contains("HttpOnly")
    );
    assert!(cookies[2].starts_with("immich_is_authenticated=true;"));
    assert!(
        !cookies[2].contains("HttpOnly"),
        "pages may read it: {}",
        cookies[2]
    );

    let cookie = format!("theme=dark; immich_access_token={token}; other=1");
    let me = get(&server.url("/api/users/me"), &[("cookie", &cookie)]);
    assert_eq!((me.status, me.json()["email"].clone()), (200, json!(EMAIL)));
    let validate = send_empty(
        "POST",
        &server.url("/api/auth/validateToken"),
        &[("cookie", &cookie)],
    );
    assert_eq!(
        (validate.status, validate.json()),
        (200, json!({ "authStatus": true }))
    );
    let stale = "immich_access_token=0123456789abcdef";
    let refused = send_empty(
        "POST",
        &server.url("/api/auth/validateToken"),
        &[("cookie", stale)],
    );
    assert_eq!(refused.status, 401);
}

#[test]
fn logout_ends_the_session_and_clears_the_cookies() {
    let dir = TempDir::new("session-logout");
    let server = Server::start(dir.path(), &[]);
    let client = Client::login(&server, EMAIL, PASSWORD);
    let other = Client::login(&server, EMAIL, PASSWORD);

    let logout = client.call("POST", "/api/auth/logout");
    assert_eq!(logout.status, 200);
    let expected = json!({ "successful": true, "redirectUri": "/auth/login?autoLaunch=0" });
    assert_eq!(logout.json(), expected);
    let cleared = set_cookies(&logout);
    assert_eq!(cleared.len(), 3);
    assert!(cleared
        .iter()
        .all(|cookie| cookie.contains("=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")));

    assert_eq!(client.call("GET", "/api/users/me").status, 401);
    assert_eq!(client.call("POST", "/api/auth/validateToken").status, 401);
    assert_eq!(
        other.call("GET", "/api/users/me").status,
        200,
        "other sessions live on"
    );

    // An API key has no session to end; Immich answers the same.
    let with_key = post(
        &server.url("/api/auth/logout"),
        &KEY,
        "application/json",
        b"",
    );
    assert_eq!((with_key.status, with_key.json()), (200, expected));
    assert_eq!(get(&server.url("/api/users/me"), &KEY).status, 200);
}

#[test]
fn sessions_are_listed_and_deleted_by_id() {
    let dir = TempDir::new("session-list");
    let server = Server::start(dir.path(), &[]);
    let first = Client::login(&server, EMAIL, PASSWORD);
    let second = Client::login(&server, EMAIL, PASSWORD);

    let list = second.call("GET", "/api/sessions");
    assert_eq!(list.status, 200);
    let sessions = list.json();
    let sessions = sessions.as_array().expect("array");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["current"], false);
    assert_eq!(sessions[1]["current"], true);
    for session in sessions {
        assert_eq!(session["isPendingSyncReset"], false);
        assert!(uuid::Uuid::try_parse(session["id"].as_str().expect("id")).is_ok());
    }
    let first_id = sessions[0]["id"].as_str().expect("id");

    assert_eq!(
        second
            .call("DELETE", &format!("/api/sessions/{first_id}"))
            .status,
        204
    );
    assert_eq!(first.call("GET", "/api/users/me").status, 401);
    let again = second.call("DELETE", &format!("/api/sessions/{first_id}"));
    assert_eq!(again.status, 400);
    assert_eq!(
        again.json()["message"],
        "Not found or no session.delete access"
    );

    let switch = post(
        &server.url("/api/fake-immich/sessions/reset-all"),
        &[],
        "application/json",
        b"",
    );
    assert_eq!(switch.status, 204);
    let marked = second.call("GET", "/api/sessions").json();
    assert_eq!(marked[0]["isPendingSyncReset"], true);
}

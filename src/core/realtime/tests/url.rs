use super::super::{socket_url, RealtimeSetup, SocketUrlError};
use crate::core::immich::ApiKey;
use crate::core::server_url::ServerUrl;
use crate::core::session::{Credential, SessionToken};

#[test]
fn https_becomes_wss_under_the_api() {
    assert_eq!(
        socket_url("https://photos.example.org/api").as_deref(),
        Ok("wss://photos.example.org/api/socket.io/?EIO=4&transport=websocket")
    );
}

#[test]
fn http_becomes_ws_and_keeps_the_port() {
    assert_eq!(
        socket_url("http://localhost:2283/api").as_deref(),
        Ok("ws://localhost:2283/api/socket.io/?EIO=4&transport=websocket")
    );
    assert_eq!(
        socket_url("http://[::1]:2283/api/").as_deref(),
        Ok("ws://[::1]:2283/api/socket.io/?EIO=4&transport=websocket")
    );
}

#[test]
fn a_sub_path_is_kept_and_query_and_fragment_dropped() {
    assert_eq!(
        socket_url("https://h.example/immich/api?x=1#top").as_deref(),
        Ok("wss://h.example/immich/api/socket.io/?EIO=4&transport=websocket")
    );
}

#[test]
fn what_the_server_url_gives_maps() {
    for (input, expected) in [
        (
            "demo.example.org",
            "wss://demo.example.org/api/socket.io/?EIO=4&transport=websocket",
        ),
        (
            "localhost:2283",
            "ws://localhost:2283/api/socket.io/?EIO=4&transport=websocket",
        ),
        (
            "https://h:8443/sub/",
            "wss://h:8443/sub/api/socket.io/?EIO=4&transport=websocket",
        ),
    ] {
        let base = ServerUrl::parse(input).unwrap();
        assert_eq!(socket_url(base.api_base()).as_deref(), Ok(expected));
    }
}

#[test]
fn bad_bases_are_typed_errors() {
    assert_eq!(socket_url(""), Err(SocketUrlError::Invalid));
    assert_eq!(socket_url("not a url"), Err(SocketUrlError::Invalid));
    assert_eq!(
        socket_url("ftp://h/api"),
        Err(SocketUrlError::UnsupportedScheme("ftp".into()))
    );
    assert_eq!(
        socket_url("https://user:secret@h/api"),
        Err(SocketUrlError::Credentials)
    );
    assert!(!SocketUrlError::Credentials.to_string().contains("secret"));
}

#[test]
fn only_a_session_login_has_live_updates() {
    let base = "https://photos.example.org/api";
    let session = Credential::Session(SessionToken::new("token".into()));
    let setup = RealtimeSetup::for_login(base, &session, Some("s1".into()), 7)
        .expect("a valid address")
        .expect("a session has live updates");
    assert_eq!(setup.url, socket_url(base).expect("a valid address"));
    assert_eq!(setup.session_id.as_deref(), Some("s1"));
    let key = Credential::ApiKey(ApiKey::new("key".into()));
    assert!(matches!(
        RealtimeSetup::for_login(base, &key, None, 7),
        Ok(None)
    ));
}

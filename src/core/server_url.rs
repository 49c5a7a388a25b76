//! The Immich server address: normalized to the API base, https required except on loopback.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// A validated server address, always ending in "/api" with no trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerUrl {
    api_base: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ServerUrlError {
    #[error("enter the address of your Immich server")]
    Empty,
    #[error("not a valid server address: {0}")]
    Invalid(String),
    #[error("unsupported address scheme \"{0}\": the server address must start with https://")]
    UnsupportedScheme(String),
    #[error(
        "the server address must use https:// (http:// is only allowed for this computer, e.g. localhost); {0} is not this computer"
    )]
    InsecureRemote(String),
}

impl ServerUrl {
    /// Accepts "demo.example.org", "https://h/", "https://h/api", "http://localhost:2283", ...
    /// No scheme: https:// is assumed (http:// for loopback hosts).
    /// http is refused unless the host is loopback (localhost, 127.0.0.0/8, [::1]).
    pub fn parse(input: &str) -> Result<ServerUrl, ServerUrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ServerUrlError::Empty);
        }
        let mut url = if input.contains("://") {
            parse_url(input)?
        } else {
            // Without a scheme, "localhost:2283" would read as scheme "localhost": add one.
            let plain = parse_url(&format!("http://{input}"))?;
            if is_loopback(&plain) {
                plain
            } else {
                parse_url(&format!("https://{input}"))?
            }
        };
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                let host = url.host_str().unwrap_or_default().to_owned();
                return Err(ServerUrlError::InsecureRemote(host));
            }
            other => return Err(ServerUrlError::UnsupportedScheme(other.to_owned())),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(ServerUrlError::Invalid(
                "the address has no host name".into(),
            ));
        }
        // Credentials in the address would end up in logs and requests: the API key is the way.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ServerUrlError::Invalid(
                "the address must not contain a user name or password".into(),
            ));
        }
        url.set_query(None);
        url.set_fragment(None);
        let path = url.path().trim_end_matches('/').to_owned();
        let api_path = if path.ends_with("/api") {
            path
        } else {
            format!("{path}/api")
        };
        url.set_path(&api_path);
        Ok(ServerUrl {
            api_base: url.as_str().trim_end_matches('/').to_owned(),
        })
    }

    /// "https://h/api", "http://127.0.0.1:2283/api".
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// "https://h", "http://127.0.0.1:2283": what a browser grants access to.
    pub fn origin(&self) -> String {
        Url::parse(&self.api_base)
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_default()
    }

    /// `endpoint("/server/ping")` -> ".../api/server/ping".
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}/{}", self.api_base, path.trim_start_matches('/'))
    }
}

fn parse_url(text: &str) -> Result<Url, ServerUrlError> {
    use url::ParseError;
    Url::parse(text).map_err(|err| {
        let why = match err {
            ParseError::EmptyHost => "the address has no host name",
            ParseError::InvalidPort => "the port number is not valid",
            ParseError::InvalidIpv4Address | ParseError::InvalidIpv6Address => {
                "the IP address is not valid"
            }
            ParseError::InvalidDomainCharacter | ParseError::IdnaError => {
                "the host name contains characters that are not allowed"
            }
            _ => "it should look like https://photos.example.org",
        };
        ServerUrlError::Invalid(why.to_owned())
    })
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => Ipv4Addr::is_loopback(&ip),
        Some(Host::Ipv6(ip)) => Ipv6Addr::is_loopback(&ip),
        None => false,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn api(input: &str) -> String {
        ServerUrl::parse(input).unwrap().api_base().to_owned()
    }

    #[test]
    fn bare_host_gets_https() {
        assert_eq!(api("demo.example.org"), "https://demo.example.org/api");
        assert_eq!(
            api("  demo.example.org:8443  "),
            "https://demo.example.org:8443/api"
        );
        assert_eq!(api("Demo.Example.ORG/"), "https://demo.example.org/api");
    }

    #[test]
    fn origin_is_scheme_host_and_port_without_the_api_path() {
        let origin = |input| ServerUrl::parse(input).expect("valid").origin();
        assert_eq!(origin("demo.example.org"), "https://demo.example.org");
        assert_eq!(origin("localhost:2283/photos/"), "http://localhost:2283");
        assert_eq!(origin("https://h.example:443/api"), "https://h.example");
    }

    #[test]
    fn bare_loopback_gets_http() {
        assert_eq!(api("localhost:2283"), "http://localhost:2283/api");
        assert_eq!(api("127.0.0.1:2283"), "http://127.0.0.1:2283/api");
        assert_eq!(api("[::1]:2283"), "http://[::1]:2283/api");
    }

    #[test]
    fn http_is_allowed_for_loopback() {
        assert_eq!(api("http://localhost:2283"), "http://localhost:2283/api");
        assert_eq!(api("http://LOCALHOST"), "http://localhost/api");
        assert_eq!(api("http://127.0.0.1:2283/"), "http://127.0.0.1:2283/api");
        assert_eq!(api("http://127.45.0.9"), "http://127.45.0.9/api");
        assert_eq!(api("http://[::1]:2283/api"), "http://[::1]:2283/api");
    }

    #[test]
    fn http_remote_is_refused() {
        let err = ServerUrl::parse("http://demo.example.org").unwrap_err();
        assert_eq!(
            err,
            ServerUrlError::InsecureRemote("demo.example.org".into())
        );
        assert!(err.to_string().starts_with(
            "the server address must use https:// (http:// is only allowed for this computer, e.g. localhost)"
        ));
        for remote in [
            "http://192.168.1.10:2283",
            "http://128.0.0.1",
            "http://[::2]",
            "http://localhost.example.org",
        ] {
            assert!(
                matches!(
                    ServerUrl::parse(remote),
                    Err(ServerUrlError::InsecureRemote(_))
                ),
                "{remote}"
            );
        }
    }

    #[test]
    fn trailing_slashes_are_removed() {
        assert_eq!(api("https://h.example/"), "https://h.example/api");
        assert_eq!(api("https://h.example///"), "https://h.example/api");
        assert_eq!(api("https://h.example/api/"), "https://h.example/api");
        assert_eq!(api("https://h.example/api//"), "https://h.example/api");
    }

    #[test]
    fn existing_api_is_not_doubled() {
        assert_eq!(api("https://h.example/api"), "https://h.example/api");
        assert_eq!(
            api("https://h.example/immich/api"),
            "https://h.example/immich/api"
        );
        assert_eq!(
            api("https://h.example/immich"),
            "https://h.example/immich/api"
        );
        assert_eq!(api("https://h.example/apis"), "https://h.example/apis/api");
    }

    #[test]
    fn query_and_fragment_are_dropped() {
        assert_eq!(api("https://h.example/?x=1#top"), "https://h.example/api");
    }

    #[test]
    fn endpoint_joins_with_one_slash() {
        let server = ServerUrl::parse("http://127.0.0.1:2283").unwrap();
        assert_eq!(server.api_base(), "http://127.0.0.1:2283/api");
        assert_eq!(
            server.endpoint("/server/ping"),
            "http://127.0.0.1:2283/api/server/ping"
        );
        assert_eq!(
            server.endpoint("users/me"),
            "http://127.0.0.1:2283/api/users/me"
        );
    }

    #[test]
    fn empty_is_refused() {
        assert_eq!(ServerUrl::parse(""), Err(ServerUrlError::Empty));
        assert_eq!(ServerUrl::parse(" \t\n"), Err(ServerUrlError::Empty));
    }

    #[test]
    fn other_schemes_are_refused() {
        assert_eq!(
            ServerUrl::parse("ftp://h.example"),
            Err(ServerUrlError::UnsupportedScheme("ftp".into()))
        );
        assert!(matches!(
            ServerUrl::parse("file:///etc/passwd"),
            Err(ServerUrlError::UnsupportedScheme(_))
        ));
    }

    #[test]
    fn parse_failures_are_explained_in_plain_words() {
        let message = |input: &str| ServerUrl::parse(input).unwrap_err().to_string();
        assert_eq!(
            message("ht!tp://"),
            "not a valid server address: it should look like https://photos.example.org"
        );
        assert_eq!(
            message("https://h.example:99999"),
            "not a valid server address: the port number is not valid"
        );
    }

    #[test]
    fn garbage_is_refused_without_panic() {
        for garbage in [
            "not a url at all",
            "https://",
            "http://",
            "://x",
            "https://exa mple.org",
            "https://h.example:99999",
            "h.example:port",
            "[::1",
            "\u{0}",
            "https://[zz]/",
        ] {
            assert!(
                matches!(ServerUrl::parse(garbage), Err(ServerUrlError::Invalid(_))),
                "{garbage:?} gave {:?}",
                ServerUrl::parse(garbage)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_to_an_api_base_or_errs(input in "\\PC{0,40}") {
            if let Ok(server) = ServerUrl::parse(&input) {
                let base = server.api_base();
                proptest::prop_assert!(base.starts_with("https://") || base.starts_with("http://"));
                proptest::prop_assert!(base.ends_with("/api"), "{}", base);
                proptest::prop_assert_eq!(ServerUrl::parse(base), Ok(server.clone()));
            }
        }
    }

    #[test]
    fn credentials_in_the_address_are_refused() {
        assert!(matches!(
            ServerUrl::parse("https://me:secret@h.example"),
            Err(ServerUrlError::Invalid(_))
        ));
    }
}

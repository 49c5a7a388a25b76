use super::*;

#[test]
fn error_message_reads_immich_errors_and_lists() {
    assert_eq!(
        error_message(r#"{"message":"Invalid API key","statusCode":401}"#),
        "Invalid API key"
    );
    assert_eq!(
        error_message(r#"{"message":["a must be set","b too"]}"#),
        "a must be set; b too"
    );
    assert_eq!(error_message("<html>oops"), "<html>oops");
}

#[test]
fn server_text_is_cut_to_a_readable_length() {
    let huge = format!(r#"{{"message":"{}"}}"#, "é".repeat(1_000_000));
    let message = error_message(&huge);
    assert_eq!(message.chars().count(), MAX_SERVER_TEXT + 1);
    assert!(message.ends_with('…'));
    let page = "x".repeat(MAX_SERVER_TEXT);
    assert_eq!(
        error_message(&page),
        page,
        "exactly the limit is kept whole"
    );
}

#[test]
fn pong_version_and_user() {
    assert!(is_pong(200, r#"{"res":"pong"}"#));
    assert!(!is_pong(200, "<html></html>"));
    assert!(!is_pong(404, r#"{"res":"pong"}"#));
    assert_eq!(
        parse_version(r#"{"major":2,"minor":3,"patch":1}"#).as_deref(),
        Some("2.3.1")
    );
    assert_eq!(parse_version("nope"), None);
    assert_eq!(
        parse_user(200, r#"{"name":"Ann","email":"a@b.c","id":"x"}"#),
        Ok(Me {
            id: "x".into(),
            name: "Ann".into(),
            email: "a@b.c".into()
        })
    );
    assert_eq!(parse_user(401, "{}"), Err(LoginError::WrongApiKey));
    assert!(matches!(
        parse_user(200, "{}"),
        Err(LoginError::Unexpected { status: 200, .. })
    ));
}

#[test]
fn iso_dates_match_javascript() {
    assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso8601_utc(951_782_400_000), "2000-02-29T00:00:00.000Z");
    assert_eq!(iso8601_utc(1_764_150_821_123), "2025-11-26T09:53:41.123Z");
    assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
    let fields = upload_fields("say \"cheese\".jpg", 12, 0);
    assert_eq!(
        fields,
        vec![
            ("fileCreatedAt", "1970-01-01T00:00:00.000Z".to_owned()),
            ("fileModifiedAt", "1970-01-01T00:00:00.000Z".to_owned()),
            ("fileSize", "12".to_owned()),
            ("filename", "say \"cheese\".jpg".to_owned()),
            ("isFavorite", "false".to_owned()),
        ]
    );
}

#[test]
fn api_key_debug_hides_the_key() {
    let key = ApiKey::new(" secret-key ".into());
    assert_eq!(key.expose(), "secret-key");
    assert!(!format!("{key:?}").contains("secret"));
}

#[test]
fn login_errors_never_need_the_key_to_explain_themselves() {
    let text = LoginError::WrongApiKey.to_string();
    assert!(text.contains("API key"));
}

#[test]
fn bulk_check_round_trip() {
    let body = bulk_check_body(&[("a", "00ff"), ("b", "11ee")]);
    assert_eq!(
        body,
        r#"{"assets":[{"id":"a","checksum":"00ff"},{"id":"b","checksum":"11ee"}]}"#
    );
    let reply = r#"{"results":[{"id":"a","action":"accept"},
        {"id":"b","action":"reject","reason":"duplicate","assetId":"r1","isTrashed":false},
        {"id":"c","action":"reject","reason":"unsupported-format"}]}"#;
    let verdicts = parse_bulk_check(200, reply).unwrap();
    assert_eq!(verdicts[0], ("a".into(), CheckVerdict::Accept));
    assert_eq!(
        verdicts[1],
        (
            "b".into(),
            CheckVerdict::Duplicate {
                remote_id: "r1".into()
            }
        )
    );
    assert_eq!(
        verdicts[2],
        (
            "c".into(),
            CheckVerdict::Unsupported {
                reason: "unsupported-format".into()
            }
        )
    );
    assert_eq!(
        parse_bulk_check(401, "{}"),
        Err(ReplyError::Unauthorized(401))
    );
    assert!(matches!(
        parse_bulk_check(200, "[1,2"),
        Err(ReplyError::Malformed(_))
    ));
}

#[test]
fn upload_replies_are_classified() {
    assert_eq!(
        classify_upload(201, r#"{"id":"x","status":"created"}"#),
        UploadOutcome::Created {
            remote_id: "x".into()
        }
    );
    assert_eq!(
        classify_upload(200, r#"{"id":"x","status":"duplicate"}"#),
        UploadOutcome::Duplicate {
            remote_id: "x".into()
        }
    );
    assert_eq!(classify_upload(401, ""), UploadOutcome::Unauthorized);
    assert!(matches!(
        classify_upload(503, ""),
        UploadOutcome::Retryable { .. }
    ));
    assert!(matches!(
        classify_upload(429, ""),
        UploadOutcome::Retryable { .. }
    ));
    assert_eq!(
        classify_upload(400, r#"{"message":"checksum mismatch"}"#),
        UploadOutcome::Rejected {
            status: 400,
            message: "checksum mismatch".into()
        }
    );
    assert!(matches!(
        classify_upload(201, "not json"),
        UploadOutcome::Retryable { .. }
    ));
}

#[test]
fn retry_after_reads_seconds_and_dates_against_the_given_clock() {
    const NOW: i64 = 1_445_412_480_000; // Wed, 21 Oct 2015 07:28:00 GMT
    assert_eq!(retry_after_at("120", NOW), Some(NOW + 120_000));
    assert_eq!(retry_after_at(" 0 ", NOW), Some(NOW));
    assert_eq!(
        retry_after_at("Wed, 21 Oct 2015 07:28:42 GMT", NOW),
        Some(NOW + 42_000)
    );
    // The two obsolete date forms a server may still send.
    assert_eq!(
        retry_after_at("Wednesday, 21-Oct-15 07:28:42 GMT", NOW),
        Some(NOW + 42_000)
    );
    assert_eq!(
        retry_after_at("Wed Oct 21 07:28:42 2015", NOW),
        Some(NOW + 42_000)
    );
    assert_eq!(
        retry_after_at("99999999999999999999999", NOW),
        Some(i64::MAX),
        "all digits is a wait, however long"
    );
}

#[test]
fn retry_after_in_the_past_is_due_and_garbage_is_ignored() {
    const NOW: i64 = 1_445_412_480_000;
    let past = retry_after_at("Tue, 20 Oct 2015 07:28:00 GMT", NOW);
    assert!(past.is_some_and(|at| at <= NOW), "{past:?}");
    for garbage in [
        "",
        "-5",
        "+5",
        "1.5",
        "soon",
        "Wed, 32 Oct 2015 07:28:00 GMT",
        "5 s",
    ] {
        assert_eq!(retry_after_at(garbage, NOW), None, "{garbage:?}");
    }
}

#[test]
fn a_refused_key_is_401_or_403_for_checks_and_uploads_alike() {
    for status in [401, 403] {
        assert_eq!(classify_upload(status, "{}"), UploadOutcome::Unauthorized);
        assert_eq!(
            parse_bulk_check(status, r#"{"message":"Missing permission"}"#),
            Err(ReplyError::Unauthorized(status))
        );
    }
}

#[test]
fn other_client_errors_are_permanent_with_the_servers_reason_but_408_and_429_are_not() {
    for status in [400, 404, 413, 415, 422] {
        assert_eq!(
            classify_upload(status, r#"{"message":"Unsupported file type"}"#),
            UploadOutcome::Rejected {
                status,
                message: "Unsupported file type".into()
            },
            "HTTP {status}"
        );
    }
    for status in [408, 429, 500, 502] {
        assert!(
            matches!(
                classify_upload(status, "{}"),
                UploadOutcome::Retryable { .. }
            ),
            "HTTP {status}"
        );
    }
}

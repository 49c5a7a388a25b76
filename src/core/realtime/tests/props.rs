//! No frame and no sequence of inputs makes the connection panic, and nothing comes out after
//! its Close.

use proptest::prelude::*;

use super::super::{decode, CloseReason, ConnInput, ConnOutput, Connection};
use super::{drain, recorded, FIXTURES, OPEN};
use crate::core::test_json::any_json;

/// Frames near the real ones: recorded frames, cut or not, and frames built from any JSON.
fn any_frame() -> impl Strategy<Value = String> {
    let real: Vec<String> = FIXTURES
        .iter()
        .flat_map(|file| recorded(file))
        .map(|(_, frame)| frame)
        .chain([OPEN.to_owned(), "41".into(), "1".into(), "6".into()])
        .collect();
    let prefix = prop_oneof![
        Just(""),
        Just("0"),
        Just("1"),
        Just("2"),
        Just("3"),
        Just("40"),
        Just("41"),
        Just("42"),
        Just("43"),
        Just("44"),
        Just("45"),
        Just("42/admin,"),
        Just("427"),
        Just("4"),
    ];
    prop_oneof![
        proptest::sample::select(real.clone()),
        (proptest::sample::select(real), any::<prop::sample::Index>()).prop_map(|(f, cut)| {
            let mut end = cut.index(f.len() + 1);
            while !f.is_char_boundary(end) {
                end -= 1;
            }
            f[..end].to_owned()
        }),
        (prefix, any_json()).prop_map(|(p, json)| format!("{p}{json}")),
        ".{0,40}",
        "[0-6]{1,3}[\\[\\]{}\",/0-9a-z]{0,20}",
    ]
}

fn any_input() -> impl Strategy<Value = (ConnInput, u64)> {
    let input = prop_oneof![
        8 => any_frame().prop_map(ConnInput::Frame),
        1 => Just(ConnInput::Closed),
        3 => Just(ConnInput::Tick),
    ];
    (input, 0u64..100_000)
}

/// Runs the inputs with the clock moving forward by the given steps (and the driver's `disconnect`
/// where asked), checking the outputs' invariants as it goes.
fn run(inputs: Vec<(ConnInput, u64)>, disconnect_at: Option<usize>) -> Result<(), TestCaseError> {
    let mut now = 1_795_965_318_000u64;
    let mut conn = Connection::new(now);
    let mut closed = false;
    let mut connected = false;
    let mut wake = None;
    for (n, (input, step)) in inputs.into_iter().enumerate() {
        now += step;
        if disconnect_at == Some(n) {
            conn.disconnect();
        } else {
            conn.handle_input(input, now);
        }
        for output in drain(&mut conn) {
            prop_assert!(!closed, "{output:?} after Close");
            match output {
                ConnOutput::Close(reason) => {
                    closed = true;
                    if reason == CloseReason::PingTimeout {
                        prop_assert!(wake.is_some_and(|t| now >= t));
                    }
                }
                ConnOutput::WakeAt(t) => wake = Some(t),
                ConnOutput::Connected => {
                    prop_assert!(!connected, "Connected twice");
                    connected = true;
                }
                ConnOutput::Event { .. } => prop_assert!(connected, "an event before Connected"),
                ConnOutput::Send(_) => {}
            }
        }
        prop_assert_eq!(conn.is_closed(), closed);
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_string_decodes_or_fails_without_panic(frame in any_frame()) {
        let _ = decode(&frame);
    }

    #[test]
    fn any_unicode_string_decodes_or_fails_without_panic(frame in "\\PC*") {
        let _ = decode(&frame);
    }

    #[test]
    fn any_sequence_never_panics_nor_speaks_after_close(
        inputs in proptest::collection::vec(any_input(), 0..40),
        disconnect_at in proptest::option::of(0usize..40),
    ) {
        run(inputs, disconnect_at)?;
    }

    #[test]
    fn a_real_session_then_anything_never_speaks_after_close(
        inputs in proptest::collection::vec(any_input(), 0..30),
    ) {
        let start = [OPEN, "40{\"sid\":\"a\"}", "42[\"on_server_version\",{}]"]
            .map(|f| (ConnInput::Frame(f.to_owned()), 1));
        run(start.into_iter().chain(inputs).collect(), None)?;
    }
}

//! When the library is synced: a page back with a good login, a run's end, a wake-up of the
//! background service, the user's Sync now; never for a page's mere message or a refused login.

use super::*;

const T0: i64 = 1_700_000_000_000;

fn service() -> Lifecycle {
    let settings = Settings {
        backup_require_wifi: false,
        ..Settings::default()
    };
    let mut service = Lifecycle::new(ServiceRecord::default(), settings);
    service.handle_inputs(
        vec![
            Input::Queue {
                unfinished: 3,
                folders: 0,
            },
            Input::Pages {
                open: 1,
                visible: 0,
            },
        ],
        T0,
    );
    std::iter::from_fn(|| service.poll_output()).for_each(drop);
    service
}

/// Whether `input` makes the service ask for a sync.
fn syncs_after(service: &mut Lifecycle, input: Input) -> bool {
    service.handle_input(input, T0 + 1);
    std::iter::from_fn(|| service.poll_output()).any(|o| o == Output::SyncLibrary)
}

#[test]
fn a_page_back_with_a_good_login_syncs_and_a_refused_one_does_not() {
    let mut service = service();
    let visible = Input::Pages {
        open: 1,
        visible: 1,
    };
    assert!(
        !syncs_after(&mut service, visible),
        "the login is checked first"
    );
    assert!(syncs_after(
        &mut service,
        Input::AuthChecked { accepted: true }
    ));
    assert!(!syncs_after(
        &mut service,
        Input::AuthChecked { accepted: false }
    ));
}

#[test]
fn wake_ups_of_the_background_service_sync_and_page_messages_do_not() {
    for kind in [
        WakeKind::Sync { last_chance: false },
        WakeKind::PeriodicSync,
        WakeKind::Activate,
    ] {
        assert!(syncs_after(&mut service(), Input::Wake(kind)), "{kind:?}");
    }
    assert!(!syncs_after(&mut service(), Input::Wake(WakeKind::Message)));
    assert!(!syncs_after(&mut service(), Input::Tick));
}

#[test]
fn sync_now_syncs_and_so_does_a_run_s_end_unless_the_login_was_refused() {
    assert!(syncs_after(
        &mut service(),
        Input::Command(Command::SyncNow)
    ));
    for (reason, syncs) in [
        (StopReason::Completed, true),
        (StopReason::ServerUnreachable, true),
        (StopReason::StoppedByUser, true),
        (StopReason::Unauthorized, false),
    ] {
        let mut service = service();
        service.handle_input(Input::Command(Command::Start), T0);
        std::iter::from_fn(|| service.poll_output()).for_each(drop);
        assert!(service.is_running(), "a run started");
        let ended = Input::RunEnded { reason, failed: 0 };
        assert_eq!(syncs_after(&mut service, ended), syncs, "{reason:?}");
    }
}

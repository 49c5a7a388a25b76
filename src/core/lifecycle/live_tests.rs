//! When the socket of live updates is open: a page in front or a run going; after the last page
//! left, for the disconnect delay; never while the server refuses the login.

use super::*;

const T0: i64 = 1_700_000_000_000;
const DELAY_S: u32 = 60;

fn service() -> Lifecycle {
    let settings = Settings {
        backup_require_wifi: false,
        realtime_disconnect_delay: DELAY_S,
        ..Settings::default()
    };
    let mut service = Lifecycle::new(ServiceRecord::default(), settings);
    service.handle_input(
        Input::Queue {
            unfinished: 3,
            folders: 0,
        },
        T0,
    );
    std::iter::from_fn(|| service.poll_output()).for_each(drop);
    service
}

/// What `input` at `at` makes of the socket: Some(open) when the service says, None otherwise.
fn live_after(service: &mut Lifecycle, input: Input, at: i64) -> Option<bool> {
    service.handle_input(input, at);
    std::iter::from_fn(|| service.poll_output())
        .filter_map(|output| match output {
            Output::Live { connected } => Some(connected),
            _ => None,
        })
        .last()
}

fn pages(open: u32, visible: u32) -> Input {
    Input::Pages { open, visible }
}

#[test]
fn a_page_in_front_opens_it_and_it_closes_after_the_delay_once_the_page_left() {
    let mut service = service();
    assert_eq!(live_after(&mut service, pages(1, 1), T0), Some(true));
    assert_eq!(
        live_after(&mut service, pages(1, 1), T0 + 1),
        None,
        "said once"
    );
    assert_eq!(live_after(&mut service, pages(1, 0), T0 + 10), None);
    let close_at = T0 + 10 + i64::from(DELAY_S) * 1000;
    assert_eq!(
        service.next_wake(),
        Some(close_at),
        "a tick is asked for the close"
    );
    assert_eq!(live_after(&mut service, Input::Tick, close_at - 1), None);
    assert_eq!(live_after(&mut service, Input::Tick, close_at), Some(false));
    assert_eq!(service.next_wake(), None);
}

#[test]
fn a_page_back_within_the_delay_keeps_it_open() {
    let mut service = service();
    live_after(&mut service, pages(1, 1), T0);
    live_after(&mut service, pages(0, 0), T0 + 10);
    assert_eq!(live_after(&mut service, pages(1, 1), T0 + 30_000), None);
    // The delay starts again from the next time the page leaves.
    assert_eq!(live_after(&mut service, pages(1, 0), T0 + 50_000), None);
    assert_eq!(live_after(&mut service, Input::Tick, T0 + 70_000), None);
    assert_eq!(
        live_after(&mut service, Input::Tick, T0 + 110_000),
        Some(false)
    );
}

#[test]
fn a_run_keeps_it_open_past_the_delay_and_its_end_closes_it() {
    let mut service = service();
    live_after(&mut service, pages(1, 1), T0);
    assert_eq!(
        live_after(&mut service, Input::Command(Command::Start), T0),
        None
    );
    assert!(service.is_running());
    live_after(&mut service, pages(1, 0), T0 + 10);
    assert_eq!(
        live_after(&mut service, Input::Tick, T0 + 600_000),
        None,
        "work in progress"
    );
    let ended = Input::RunEnded {
        reason: StopReason::Completed,
        failed: 0,
    };
    assert_eq!(live_after(&mut service, ended, T0 + 600_001), Some(false));
}

#[test]
fn a_run_with_no_page_in_front_opens_it() {
    let mut service = service();
    assert_eq!(live_after(&mut service, pages(1, 0), T0), None);
    assert_eq!(
        live_after(&mut service, Input::Command(Command::Start), T0),
        Some(true)
    );
    assert!(service.is_running());
}

#[test]
fn a_refused_login_closes_it_until_one_is_accepted() {
    let mut service = service();
    live_after(&mut service, pages(1, 1), T0);
    let refused = Input::AuthChecked { accepted: false };
    assert_eq!(live_after(&mut service, refused, T0 + 1), Some(false));
    assert_eq!(live_after(&mut service, pages(1, 1), T0 + 2), None);
    let accepted = Input::AuthChecked { accepted: true };
    assert_eq!(live_after(&mut service, accepted, T0 + 3), Some(true));
}

#[test]
fn a_zero_delay_closes_it_when_the_page_leaves() {
    let mut service = service();
    service.settings.realtime_disconnect_delay = 0;
    live_after(&mut service, pages(1, 1), T0);
    assert_eq!(live_after(&mut service, pages(1, 0), T0 + 5), Some(false));
}

#[test]
fn a_clock_set_back_counts_as_the_delay_passed() {
    let mut service = service();
    live_after(&mut service, pages(1, 1), T0);
    live_after(&mut service, pages(1, 0), T0);
    assert_eq!(
        live_after(&mut service, Input::Tick, T0 - 5_000),
        Some(false)
    );
}

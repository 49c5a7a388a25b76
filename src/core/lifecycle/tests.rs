use super::*;
use crate::core::channel::{Condition, ServicePhase};
use crate::core::progress::NotificationKind;

const T0: i64 = 1_700_000_000_000;
const MIN: i64 = 60_000;

fn settings(background: bool) -> Settings {
    Settings {
        background_backup: background,
        backup_require_wifi: false,
        backup_trigger_delay: 30,
        ..Settings::default()
    }
}

/// A service with one visible page and `unfinished` files queued.
fn service(background: bool, unfinished: u32) -> Lifecycle {
    let mut service = Lifecycle::new(ServiceRecord::default(), settings(background));
    service.handle_input(
        Input::Queue {
            unfinished,
            folders: 0,
        },
        T0,
    );
    service.handle_input(
        Input::Pages {
            open: 1,
            visible: 1,
        },
        T0,
    );
    drain(&mut service);
    service
}

pub(super) fn drain(service: &mut Lifecycle) -> Vec<Output> {
    std::iter::from_fn(|| service.poll_output()).collect()
}

fn feed(service: &mut Lifecycle, input: Input, now: i64) -> Vec<Output> {
    service.handle_input(input, now);
    drain(service)
}

pub(super) fn starts(outputs: &[Output]) -> Vec<bool> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::StartRun { new_run } => Some(*new_run),
            _ => None,
        })
        .collect()
}

fn stops(outputs: &[Output]) -> Vec<StopReason> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::StopRun { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect()
}

fn pages(open: u32, visible: u32) -> Input {
    Input::Pages { open, visible }
}

#[test]
fn back_up_starts_a_new_run_and_it_keeps_going_while_hidden() {
    let mut service = service(false, 3);
    let out = feed(&mut service, Input::Command(Command::Start), T0);
    assert_eq!(starts(&out), vec![true]);
    assert!(matches!(out[0], Output::Persist(ref r) if r.wanted));
    let out = feed(&mut service, pages(1, 0), T0 + 1);
    assert!(stops(&out).is_empty());
    assert!(service.is_running());
}

#[test]
fn with_background_backup_off_the_last_page_closing_stops_the_run() {
    let mut service = service(false, 3);
    feed(&mut service, Input::Command(Command::Start), T0);
    let out = feed(&mut service, pages(0, 0), T0 + 1);
    assert!(
        stops(&out).is_empty(),
        "a reload looks the same for a moment"
    );
    assert_eq!(service.next_wake(), Some(T0 + 1 + PAGE_RETURN_GRACE_MS));
    let out = feed(&mut service, Input::Tick, T0 + 1 + PAGE_RETURN_GRACE_MS);
    assert_eq!(stops(&out), vec![StopReason::PagesClosed]);
    assert!(!service.record().wanted);
    let out = feed(
        &mut service,
        Input::RunEnded {
            reason: StopReason::PagesClosed,
            failed: 0,
        },
        T0 + 2,
    );
    assert!(starts(&out).is_empty());
    let out = feed(
        &mut service,
        Input::Wake(WakeKind::Sync { last_chance: false }),
        T0 + 40 * MIN,
    );
    assert!(starts(&out).is_empty(), "never a run of its own: {out:?}");
}

#[test]
fn a_reload_does_not_stop_the_run() {
    let mut service = service(false, 3);
    feed(&mut service, Input::Command(Command::Start), T0);
    feed(&mut service, pages(0, 0), T0 + 1);
    feed(&mut service, pages(1, 1), T0 + 900);
    let out = feed(&mut service, Input::Tick, T0 + 60_000);
    assert!(stops(&out).is_empty());
    assert!(service.record().wanted && service.is_running());
}

#[test]
fn the_trigger_delay_counts_from_the_last_page_going_away() {
    let mut service = service(true, 5);
    let out = feed(&mut service, pages(1, 0), T0);
    assert_eq!(service.record().due_at_ms, Some(T0 + 30 * MIN));
    assert!(out.contains(&Output::RegisterSync(BACKUP_SYNC_TAG)));
    assert_eq!(service.state(T0).phase, ServicePhase::WaitingForDelay);
    // Closing the hidden page does not restart the delay.
    feed(&mut service, pages(0, 0), T0 + 5 * MIN);
    assert_eq!(service.record().due_at_ms, Some(T0 + 30 * MIN));
    let early = feed(
        &mut service,
        Input::Wake(WakeKind::Sync { last_chance: false }),
        T0 + 29 * MIN,
    );
    assert!(starts(&early).is_empty());
    assert!(service.wants_wake_up());
    let due = feed(
        &mut service,
        Input::Wake(WakeKind::PeriodicSync),
        T0 + 31 * MIN,
    );
    assert_eq!(starts(&due), vec![true]);
    assert_eq!(service.record().due_at_ms, None);
}

#[test]
fn a_page_back_before_the_delay_cancels_it() {
    let mut service = service(true, 5);
    feed(&mut service, pages(1, 0), T0);
    let out = feed(&mut service, pages(1, 1), T0 + 10 * MIN);
    assert_eq!(service.record().due_at_ms, None);
    assert!(out.contains(&Output::CheckAuth));
    let out = feed(&mut service, Input::Tick, T0 + 40 * MIN);
    assert!(starts(&out).is_empty());
}

#[test]
fn nothing_queued_sets_no_delay() {
    let mut service = service(true, 0);
    let out = feed(&mut service, pages(0, 0), T0);
    assert_eq!(service.record().due_at_ms, None);
    assert!(!out.contains(&Output::RegisterSync(BACKUP_SYNC_TAG)));
}

#[test]
fn a_wake_up_may_be_held_for_a_delay_that_ends_soon() {
    let mut service = service(true, 5);
    service.settings.backup_trigger_delay = 1;
    feed(&mut service, pages(0, 0), T0);
    assert_eq!(service.hold_until(T0 + 1), Some(T0 + MIN));
    assert_eq!(service.hold_until(T0 - 10 * MIN), None);
}

#[test]
fn a_lost_condition_stops_the_run_and_its_return_starts_it_again() {
    let mut service = service(false, 5);
    service.settings.backup_require_charging = true;
    service.settings.backup_unknown_conditions_met = false;
    let charging = |yes| Input::Conditions {
        wifi: None,
        charging: Some(yes),
    };
    feed(&mut service, charging(true), T0);
    assert_eq!(
        starts(&feed(&mut service, Input::Command(Command::Start), T0)),
        vec![true]
    );
    let out = feed(&mut service, charging(false), T0 + 1000);
    assert_eq!(stops(&out), vec![StopReason::ConditionsLost]);
    let message = out.iter().find_map(|o| match o {
        Output::StopRun { message, .. } => Some(message.clone()),
        _ => None,
    });
    assert_eq!(
        message.as_deref(),
        Some("Backup paused: waiting for charging.")
    );
    let ended = Input::RunEnded {
        reason: StopReason::ConditionsLost,
        failed: 0,
    };
    assert!(starts(&feed(&mut service, ended, T0 + 2000)).is_empty());
    assert_eq!(
        service.state(T0 + 2000).phase,
        ServicePhase::WaitingForConditions
    );
    assert_eq!(
        starts(&feed(&mut service, charging(true), T0 + 3000)),
        vec![false]
    );
}

#[test]
fn an_old_report_is_unknown_and_the_setting_decides() {
    let mut settings = settings(true);
    settings.backup_require_charging = true;
    let report = ConditionReport {
        wifi: None,
        charging: Some(false),
        at_ms: Some(T0),
    };
    assert_eq!(report.unmet(&settings, T0 + 1), vec![Condition::Charging]);
    let stale = T0 + CONDITION_REPORT_TTL_MS + 1;
    assert!(report.unmet(&settings, stale).is_empty());
    settings.backup_unknown_conditions_met = false;
    assert_eq!(report.unmet(&settings, stale), vec![Condition::Charging]);
    settings.backup_require_wifi = true;
    assert_eq!(
        waiting_message(&report.unmet(&settings, stale)).as_deref(),
        Some("Backup paused: waiting for WiFi and charging.")
    );
}

#[test]
fn pause_holds_and_resume_goes_on_with_the_same_numbers() {
    let mut service = service(true, 5);
    feed(&mut service, Input::Command(Command::Start), T0);
    let out = feed(&mut service, Input::Command(Command::Pause), T0 + 1);
    assert_eq!(stops(&out), vec![StopReason::Paused]);
    let ended = Input::RunEnded {
        reason: StopReason::Paused,
        failed: 0,
    };
    feed(&mut service, ended, T0 + 2);
    let wake = Input::Wake(WakeKind::Sync { last_chance: false });
    assert!(starts(&feed(&mut service, wake.clone(), T0 + 3)).is_empty());
    assert_eq!(service.state(T0 + 3).phase, ServicePhase::Paused);
    let out = feed(&mut service, Input::Command(Command::Resume), T0 + 4);
    assert_eq!(starts(&out), vec![false]);
}

#[test]
fn cancel_clears_the_unsent_files_once_the_run_has_ended() {
    let mut service = service(true, 5);
    feed(&mut service, Input::Command(Command::Start), T0);
    let out = feed(&mut service, Input::Command(Command::Cancel), T0 + 1);
    assert_eq!(stops(&out), vec![StopReason::Cancelled]);
    assert!(!out.contains(&Output::ClearUnsent));
    let ended = Input::RunEnded {
        reason: StopReason::Cancelled,
        failed: 0,
    };
    let out = feed(&mut service, ended, T0 + 2);
    assert!(out.contains(&Output::ClearUnsent));
    assert!(!service.record().wanted);
}

#[test]
fn a_failing_run_sets_failed_since_until_a_clean_run() {
    let mut service = service(true, 5);
    feed(&mut service, Input::Command(Command::Start), T0);
    let ended = |failed| Input::RunEnded {
        reason: StopReason::Completed,
        failed,
    };
    feed(&mut service, ended(2), T0 + MIN);
    assert_eq!(service.record().backup_failed_since, Some(T0 + MIN));
    feed(&mut service, Input::Command(Command::Start), T0 + 2 * MIN);
    feed(&mut service, ended(1), T0 + 3 * MIN);
    assert_eq!(service.record().backup_failed_since, Some(T0 + MIN));
    feed(&mut service, Input::Command(Command::Start), T0 + 4 * MIN);
    feed(&mut service, ended(0), T0 + 5 * MIN);
    assert_eq!(service.record().backup_failed_since, None);
}

#[test]
fn an_unreachable_server_resumes_after_a_backoff_on_a_wake_up() {
    let mut service = service(true, 5);
    feed(&mut service, Input::Command(Command::Start), T0);
    let ended = Input::RunEnded {
        reason: StopReason::ServerUnreachable,
        failed: 0,
    };
    let out = feed(&mut service, ended, T0 + 4 * MIN);
    assert!(out.contains(&Output::RegisterSync(BACKUP_SYNC_TAG)));
    let wake = Input::Wake(WakeKind::Sync { last_chance: false });
    assert!(starts(&feed(&mut service, wake.clone(), T0 + 4 * MIN + 1)).is_empty());
    assert!(service.wants_wake_up());
    let out = feed(&mut service, wake, T0 + 5 * MIN + 1);
    assert_eq!(starts(&out), vec![false]);
}

#[test]
fn a_refused_login_settles_everything() {
    let mut service = service(true, 5);
    feed(&mut service, Input::Command(Command::Start), T0);
    let out = feed(&mut service, Input::AuthChecked { accepted: false }, T0 + 1);
    assert_eq!(stops(&out), vec![StopReason::Unauthorized]);
    assert!(out
        .iter()
        .any(|o| matches!(o, Output::Notify(NotificationKind::Error, _))));
    assert!(!service.record().wanted);
}

#[test]
fn start_during_a_run_merges_the_new_files() {
    let mut service = service(false, 5);
    feed(&mut service, Input::Command(Command::Start), T0);
    let out = feed(&mut service, Input::Command(Command::Start), T0 + 1);
    assert!(out.contains(&Output::MergeQueued));
    assert!(starts(&out).is_empty());
}

#[test]
fn every_page_message_is_answered_with_the_state() {
    let mut service = service(false, 0);
    let out = feed(&mut service, Input::Wake(WakeKind::Message), T0);
    assert!(out
        .iter()
        .any(|o| matches!(o, Output::Post(ChannelMessage::ServiceState(_)))));
    let out = feed(&mut service, Input::Tick, T0 + 1);
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn what_was_observed_with_an_event_counts_before_anything_is_decided() {
    // Stored by a worker that saw a page; the page has gone since and the grace is over.
    let record = ServiceRecord {
        wanted: true,
        pages_open: true,
        pages_visible: true,
        pages_closed_at_ms: Some(T0 - 20_000),
        ..ServiceRecord::default()
    };
    let mut service = Lifecycle::new(record, Settings::default());
    service.handle_inputs(
        vec![
            Input::Settings(settings(false)),
            Input::Queue {
                unfinished: 3,
                folders: 0,
            },
            pages(0, 0),
            Input::Wake(WakeKind::Sync { last_chance: false }),
        ],
        T0,
    );
    let out = drain(&mut service);
    assert!(starts(&out).is_empty(), "{out:?}");
    assert!(!service.record().wanted);
}

#[test]
fn a_run_started_by_activation_is_held_by_a_sync() {
    let record = ServiceRecord {
        wanted: true,
        pages_open: true,
        ..ServiceRecord::default()
    };
    let mut service = Lifecycle::new(record, settings(true));
    let out = feed(&mut service, Input::Wake(WakeKind::Activate), T0);
    assert_eq!(starts(&out), vec![false]);
    assert!(out.contains(&Output::RegisterSync(BACKUP_SYNC_TAG)));
    let mut service = Lifecycle::new(service.record().clone(), settings(true));
    let out = feed(&mut service, Input::Wake(WakeKind::Message), T0);
    assert_eq!(starts(&out), vec![false]);
    assert!(!out.contains(&Output::RegisterSync(BACKUP_SYNC_TAG)));
}

//! Backup folders: a run scans them, so they are work even with an empty queue.

use super::*;

const T0: i64 = 1_700_000_000_000;
const MIN: i64 = 60_000;

fn service(background: bool, folders: u32) -> Lifecycle {
    let settings = Settings {
        background_backup: background,
        backup_require_wifi: false,
        backup_trigger_delay: 30,
        ..Settings::default()
    };
    let mut service = Lifecycle::new(ServiceRecord::default(), settings);
    service.handle_inputs(
        vec![
            Input::Queue {
                unfinished: 0,
                folders,
            },
            Input::Pages {
                open: 1,
                visible: 1,
            },
        ],
        T0,
    );
    drain(&mut service);
    service
}

fn drain(service: &mut Lifecycle) -> Vec<Output> {
    std::iter::from_fn(|| service.poll_output()).collect()
}

fn feed(service: &mut Lifecycle, input: Input, now: i64) -> Vec<Output> {
    service.handle_input(input, now);
    drain(service)
}

fn started(outputs: &[Output]) -> bool {
    outputs
        .iter()
        .any(|o| matches!(o, Output::StartRun { new_run: true }))
}

#[test]
fn folders_with_an_empty_queue_start_the_trigger_delay() {
    let mut service = service(true, 2);
    let out = feed(
        &mut service,
        Input::Pages {
            open: 0,
            visible: 0,
        },
        T0,
    );
    assert_eq!(service.record().due_at_ms, Some(T0 + 30 * MIN));
    assert!(out.contains(&Output::RegisterSync(BACKUP_SYNC_TAG)));
    assert!(out.iter().any(|o| matches!(
        o,
        Output::Log(_, message) if message == "Background backup of 2 backup folders in 30 min"
    )));
    let due = feed(
        &mut service,
        Input::Wake(WakeKind::Sync { last_chance: false }),
        T0 + 31 * MIN,
    );
    assert!(started(&due));
}

#[test]
fn a_periodic_wake_up_scans_the_folders() {
    let mut service = service(true, 1);
    feed(
        &mut service,
        Input::Pages {
            open: 0,
            visible: 0,
        },
        T0,
    );
    // The delay ran out long ago and its run ended: only the periodic wake-up is left.
    service.handle_input(Input::Tick, T0 + 31 * MIN);
    service.handle_input(
        Input::RunEnded {
            reason: StopReason::Completed,
            failed: 0,
        },
        T0 + 32 * MIN,
    );
    drain(&mut service);
    assert!(!service.record().wanted);
    let out = feed(
        &mut service,
        Input::Wake(WakeKind::PeriodicSync),
        T0 + 13 * 60 * MIN,
    );
    assert!(started(&out));
    assert!(service.record().background);
}

#[test]
fn no_periodic_scan_without_folders_or_with_background_backup_off() {
    for (background, folders) in [(true, 0), (false, 3)] {
        let mut service = service(background, folders);
        let out = feed(&mut service, Input::Wake(WakeKind::PeriodicSync), T0 + MIN);
        assert!(!started(&out), "background {background}, folders {folders}");
        assert!(!service.record().wanted);
    }
}

#[test]
fn a_paused_service_does_not_scan_on_a_periodic_wake_up() {
    let mut service = service(true, 1);
    feed(&mut service, Input::Command(Command::Start), T0);
    feed(&mut service, Input::Command(Command::Pause), T0);
    service.handle_input(
        Input::RunEnded {
            reason: StopReason::Paused,
            failed: 0,
        },
        T0,
    );
    drain(&mut service);
    let out = feed(&mut service, Input::Wake(WakeKind::PeriodicSync), T0 + MIN);
    assert!(!started(&out));
    assert!(service.record().paused);
}

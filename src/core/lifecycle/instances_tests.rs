//! Two worker instances (an update mid-run): the new one continues the stored wanted run and
//! waits for the run lock; if the old one settles the backup meanwhile, the waiting run finds
//! nothing wanted. A Start it took in meanwhile still gets a run.

use super::tests::{drain, starts};
use super::*;

const T0: i64 = 1_700_000_000_000;

/// A new instance that found a run wanted (another instance started it) and continues it.
fn continuing() -> Lifecycle {
    let record = ServiceRecord {
        wanted: true,
        ..ServiceRecord::default()
    };
    let settings = Settings {
        backup_require_wifi: false,
        ..Settings::default()
    };
    let mut service = Lifecycle::new(record, settings);
    let inputs = vec![
        Input::Queue {
            unfinished: 3,
            folders: 0,
        },
        Input::Pages {
            open: 1,
            visible: 1,
        },
        Input::Wake(WakeKind::Activate),
    ];
    service.handle_inputs(inputs, T0);
    assert_eq!(
        starts(&drain(&mut service)),
        [false],
        "the wanted run goes on"
    );
    service
}

fn feed(service: &mut Lifecycle, input: Input) -> Vec<Output> {
    service.handle_input(input, T0 + 1_000);
    drain(service)
}

#[test]
fn a_start_taken_in_while_waiting_gets_a_new_run_when_the_other_instance_settled_it() {
    let mut service = continuing();
    let merged = feed(&mut service, Input::Command(Command::Start));
    assert!(merged.contains(&Output::MergeQueued), "{merged:?}");
    let out = feed(&mut service, Input::RunSettledElsewhere { paused: false });
    assert_eq!(starts(&out), [true], "{out:?}");
    assert!(service.is_running() && service.record().wanted);
}

#[test]
fn without_a_start_the_settled_run_ends_as_stored() {
    let mut service = continuing();
    let out = feed(&mut service, Input::RunSettledElsewhere { paused: false });
    assert!(starts(&out).is_empty(), "{out:?}");
    assert!(!service.is_running() && !service.record().wanted);

    let mut service = continuing();
    feed(&mut service, Input::Command(Command::Start));
    let out = feed(&mut service, Input::RunSettledElsewhere { paused: true });
    assert!(
        starts(&out).is_empty(),
        "a pause stored by the other stands: {out:?}"
    );
    assert!(!service.is_running());
}

#[test]
fn a_stop_after_the_start_stands() {
    for command in [Command::Stop, Command::Pause, Command::Cancel] {
        let mut service = continuing();
        feed(&mut service, Input::Command(Command::Start));
        feed(&mut service, Input::Command(command));
        let out = feed(&mut service, Input::RunSettledElsewhere { paused: false });
        assert!(starts(&out).is_empty(), "{command:?}: {out:?}");
    }
}

#[test]
fn a_start_merged_into_a_run_that_ended_normally_is_spent() {
    let mut service = continuing();
    feed(&mut service, Input::Command(Command::Start));
    let ended = Input::RunEnded {
        reason: StopReason::Completed,
        failed: 0,
    };
    assert!(starts(&feed(&mut service, ended)).is_empty());
    let out = feed(&mut service, Input::RunSettledElsewhere { paused: false });
    assert!(starts(&out).is_empty(), "no run is going: {out:?}");
}

#[test]
fn a_cancel_before_the_start_clears_as_at_a_run_end_and_the_start_still_runs() {
    let mut service = continuing();
    feed(&mut service, Input::Command(Command::Cancel));
    feed(&mut service, Input::Command(Command::Start));
    let out = feed(&mut service, Input::RunSettledElsewhere { paused: false });
    let clear = out.iter().position(|o| *o == Output::ClearUnsent);
    let start = out
        .iter()
        .position(|o| matches!(o, Output::StartRun { .. }));
    assert!(clear.is_some() && clear < start, "{out:?}");
    let ended = Input::RunEnded {
        reason: StopReason::Completed,
        failed: 0,
    };
    let out = feed(&mut service, ended);
    assert!(!out.contains(&Output::ClearUnsent), "once: {out:?}");
}

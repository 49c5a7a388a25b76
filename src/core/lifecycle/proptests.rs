//! The lifecycle over generated sequences of events: pages coming and going, delays,
//! conditions flapping, kills of the worker, refused logins and clocks set back.

use proptest::prelude::*;

use super::*;

const T0: i64 = 1_700_000_000_000;

#[derive(Clone, Debug)]
enum Event {
    Pages(u32, u32),
    Conditions(Option<bool>, Option<bool>),
    Queue(u32),
    Wake(WakeKind),
    Command(Command),
    /// The run ends with this reason, if one is going.
    EndRun(StopReason, u32),
    /// The run, if one is going, finds the backup settled by another instance (paused or not).
    SettledElsewhere(bool),
    AuthChecked(bool),
    /// The browser kills the worker: a new one starts from the stored record.
    Kill,
    Settings {
        background: bool,
        wifi: bool,
        charging: bool,
        unknown_met: bool,
        delay_min: u32,
    },
    /// Time passes, or the clock is set back.
    Advance(i64),
}

fn reason() -> impl Strategy<Value = StopReason> {
    prop_oneof![
        Just(StopReason::Completed),
        Just(StopReason::StoppedByUser),
        Just(StopReason::Unauthorized),
        Just(StopReason::ServerUnreachable),
        Just(StopReason::Failed),
        Just(StopReason::ConditionsLost),
        Just(StopReason::Paused),
        Just(StopReason::Cancelled),
        Just(StopReason::PagesClosed),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    let flag = proptest::option::of(any::<bool>());
    prop_oneof![
        (0u32..3, 0u32..3).prop_map(|(open, visible)| Event::Pages(open, visible.min(open))),
        (flag.clone(), flag).prop_map(|(w, c)| Event::Conditions(w, c)),
        (0u32..3).prop_map(Event::Queue),
        prop_oneof![
            any::<bool>().prop_map(|last_chance| WakeKind::Sync { last_chance }),
            Just(WakeKind::PeriodicSync),
            Just(WakeKind::Activate),
            Just(WakeKind::Message),
        ]
        .prop_map(Event::Wake),
        prop_oneof![
            Just(Command::Start),
            Just(Command::Stop),
            Just(Command::Pause),
            Just(Command::Resume),
            Just(Command::Cancel),
        ]
        .prop_map(Event::Command),
        (reason(), 0u32..3).prop_map(|(r, f)| Event::EndRun(r, f)),
        any::<bool>().prop_map(Event::SettledElsewhere),
        any::<bool>().prop_map(Event::AuthChecked),
        Just(Event::Kill),
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            1u32..5
        )
            .prop_map(|(background, wifi, charging, unknown_met, delay_min)| {
                Event::Settings {
                    background,
                    wifi,
                    charging,
                    unknown_met,
                    delay_min,
                }
            }),
        prop_oneof![
            4 => 0i64..400_000,
            1 => -3_600_000i64..0,
        ]
        .prop_map(Event::Advance),
    ]
}

/// What the test knows from outside the engine.
struct World {
    service: Lifecycle,
    settings: Settings,
    stored: ServiceRecord,
    now: i64,
    running: bool,
    user_started: bool,
    any_run: bool,
    /// A trigger delay ended (by the clock of that moment).
    due_passed: bool,
    cancelled_while_running: bool,
}

impl World {
    fn new() -> World {
        let settings = Settings::default();
        World {
            service: Lifecycle::new(ServiceRecord::default(), settings.clone()),
            settings,
            stored: ServiceRecord::default(),
            now: T0,
            running: false,
            user_started: false,
            any_run: false,
            due_passed: false,
            cancelled_while_running: false,
        }
    }

    fn input(&mut self, event: Event) -> Option<Input> {
        Some(match event {
            Event::Pages(open, visible) => Input::Pages { open, visible },
            Event::Conditions(wifi, charging) => Input::Conditions { wifi, charging },
            Event::Queue(unfinished) => Input::Queue {
                unfinished,
                folders: 0,
            },
            Event::Wake(kind) => Input::Wake(kind),
            Event::Command(command) => Input::Command(command),
            Event::EndRun(reason, failed) => {
                if !self.running {
                    return None;
                }
                Input::RunEnded { reason, failed }
            }
            Event::SettledElsewhere(paused) => {
                if !self.running {
                    return None;
                }
                Input::RunSettledElsewhere { paused }
            }
            Event::AuthChecked(accepted) => Input::AuthChecked { accepted },
            Event::Kill => {
                self.service = Lifecycle::new(self.stored.clone(), self.settings.clone());
                self.running = false;
                self.cancelled_while_running = false;
                return None;
            }
            Event::Settings {
                background,
                wifi,
                charging,
                unknown_met,
                delay_min,
            } => {
                self.settings = Settings {
                    background_backup: background,
                    backup_require_wifi: wifi,
                    backup_require_charging: charging,
                    backup_unknown_conditions_met: unknown_met,
                    backup_trigger_delay: delay_min,
                    ..Settings::default()
                };
                Input::Settings(self.settings.clone())
            }
            Event::Advance(ms) => {
                self.now += ms;
                Input::Tick
            }
        })
    }

    fn step(&mut self, event: Event) -> Result<(), TestCaseError> {
        let before = self.service.record().clone();
        let Some(input) = self.input(event) else {
            return Ok(());
        };
        let user_input = matches!(
            input,
            Input::Command(Command::Start) | Input::Command(Command::Resume)
        );
        if input == Input::Command(Command::Start) {
            self.user_started = true;
        }
        let cancel = input == Input::Command(Command::Cancel);
        let run_ended = matches!(
            input,
            Input::RunEnded { .. } | Input::RunSettledElsewhere { .. }
        );
        if run_ended {
            self.running = false;
        }
        self.service.handle_input(input, self.now);
        if before.due_at_ms.is_some_and(|due| due <= self.now) {
            self.due_passed = true;
        }
        let mut first = true;
        while let Some(output) = self.service.poll_output() {
            match output {
                Output::Persist(record) => {
                    prop_assert!(first, "a record is stored before anything is done");
                    prop_assert_eq!(&record, self.service.record());
                    self.stored = record;
                }
                Output::StartRun { .. } => {
                    prop_assert!(!self.running, "two runs at once");
                    let record = self.service.record();
                    if !self.settings.background_backup {
                        prop_assert!(
                            record.pages_open && !record.background,
                            "a run of its own with background off"
                        );
                    }
                    prop_assert!(
                        !before.paused || user_input,
                        "a paused service started a run"
                    );
                    prop_assert!(
                        record.conditions.unmet(&self.settings, self.now).is_empty(),
                        "a run started with a condition unmet"
                    );
                    if !self.user_started && !self.any_run {
                        prop_assert!(self.due_passed, "a background run before its due time");
                    }
                    self.running = true;
                    self.any_run = true;
                }
                Output::StopRun { .. } => prop_assert!(self.running, "a stop with no run"),
                Output::ClearUnsent => prop_assert!(
                    cancel || (run_ended && self.cancelled_while_running),
                    "queued files cleared without a cancel"
                ),
                _ => {}
            }
            first = false;
        }
        if cancel && self.running {
            self.cancelled_while_running = true;
        }
        if run_ended {
            self.cancelled_while_running = false;
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn no_sequence_breaks_the_service_rules(events in proptest::collection::vec(event(), 1..80)) {
        let mut world = World::new();
        for event in events {
            world.step(event)?;
        }
    }
}

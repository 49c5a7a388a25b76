//! Several files hashed at once: small files read whole side by side, within the memory of one
//! file at the stream bound; a streamed file alone.

use super::*;
use crate::core::checksum::{HashMethod, MIB};

/// A run of files of these sizes (MiB) with the default stream bound (64 MiB).
fn run_of(sizes_mib: &[u64]) -> (Engine, Vec<Output>) {
    let queue = sizes_mib
        .iter()
        .enumerate()
        .map(|(i, mib)| {
            QueueItem::new(
                format!("f{i}"),
                format!("IMG_{i}.jpg"),
                mib * MIB,
                0,
                i as i64,
            )
        })
        .collect();
    let mut engine = Engine::new(setup(queue), EngineConfig::default(), NOW);
    let outputs = drain(&mut engine);
    (engine, outputs)
}

fn methods(outputs: &[Output]) -> Vec<(String, HashMethod)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Hash { id, method, .. } => Some((id.clone(), *method)),
            _ => None,
        })
        .collect()
}

#[test]
fn small_files_are_hashed_three_at_a_time_oldest_first() {
    let (mut engine, outputs) = run_of(&[1, 1, 1, 1, 1]);
    assert_eq!(hashes(&outputs), ["f0", "f1", "f2"]);
    assert!(methods(&outputs)
        .iter()
        .all(|(_, m)| *m == HashMethod::Whole));
    // the second ends first: the next file takes its place
    assert_eq!(hashes(&hashed(&mut engine, 1)), ["f3"]);
    assert_eq!(hashes(&hashed(&mut engine, 3)), ["f4"]);
}

#[test]
fn files_read_whole_together_stay_within_the_stream_bound() {
    // 30 + 30 fit in 64 MiB, a third 30 does not until one is done
    let (mut engine, outputs) = run_of(&[30, 30, 30, 1]);
    assert_eq!(hashes(&outputs), ["f0", "f1"]);
    assert_eq!(hashes(&hashed(&mut engine, 0)), ["f2", "f3"]);
}

#[test]
fn a_streamed_file_is_hashed_alone() {
    let (mut engine, outputs) = run_of(&[100, 1, 1]);
    assert_eq!(methods(&outputs), [("f0".to_owned(), HashMethod::Stream)]);
    let next = hashed(&mut engine, 0);
    assert_eq!(hashes(&next), ["f1", "f2"]);

    // and waits until the files read whole beside it are done
    let (mut engine, outputs) = run_of(&[1, 100, 1]);
    assert_eq!(hashes(&outputs), ["f0"]);
    assert_eq!(
        methods(&hashed(&mut engine, 0)),
        [("f1".to_owned(), HashMethod::Stream)]
    );
}

#[test]
fn a_halt_returns_every_file_being_hashed_to_the_queue() {
    let (mut engine, outputs) = run_of(&[1, 1, 1]);
    assert_eq!(hashes(&outputs).len(), 3);
    engine.handle_input(
        Input::Halt {
            reason: StopReason::Paused,
            message: "Backup paused.".into(),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    assert!(
        ended(&outputs).is_some(),
        "nothing on the network: the run ends at once"
    );
    assert!(engine
        .items()
        .iter()
        .all(|item| item.state == ItemState::Pending));
}

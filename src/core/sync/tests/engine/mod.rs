//! The engine stepped by hand at its edges: what it hands out after each input.

mod acks;
mod batching;
mod failures;

use super::super::{
    stream_body, SyncConfig, SyncEngine, SyncInput, SyncOutcome, SyncOutput, SyncSetup,
};
use super::FIRST;
use crate::core::log::LogLevel;

const T: i64 = 1_700_000_000_000;

/// Every output up to the next Idle or Ended (left out).
fn outputs(engine: &mut SyncEngine) -> Vec<SyncOutput> {
    let mut outputs = Vec::new();
    loop {
        match engine.poll_output() {
            SyncOutput::Idle => return outputs,
            ended @ SyncOutput::Ended(_) => {
                outputs.push(ended);
                return outputs;
            }
            output => outputs.push(output),
        }
    }
}

fn outcome(outputs: &[SyncOutput]) -> Option<SyncOutcome> {
    outputs.iter().find_map(|o| match o {
        SyncOutput::Ended(report) => Some(report.outcome.clone()),
        _ => None,
    })
}

fn commits(outputs: &[SyncOutput]) -> usize {
    outputs
        .iter()
        .filter(|o| matches!(o, SyncOutput::Commit(_)))
        .count()
}

fn sent_acks(outputs: &[SyncOutput]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            SyncOutput::SendAcks { body } => Some(body.clone()),
            _ => None,
        })
        .collect()
}

fn line(kind: &str, data: &str, ack: &str) -> String {
    format!("{{\"type\":\"{kind}\",\"data\":{data},\"ack\":\"{ack}\"}}\n")
}

fn delete(n: u32) -> String {
    line(
        "AssetDeleteV1",
        &format!("{{\"assetId\":\"a{n}\"}}"),
        &format!("AssetDeleteV1|{n}"),
    )
}

fn complete() -> String {
    line("SyncCompleteV1", "{}", "SyncCompleteV1|99")
}

/// An engine whose stream is open, with this batching.
fn reading(batch_lines: usize, batch_ms: i64) -> SyncEngine {
    let config = SyncConfig {
        batch_lines,
        batch_ms,
    };
    let mut engine = SyncEngine::new(SyncSetup::default(), config);
    assert_eq!(
        outputs(&mut engine),
        vec![SyncOutput::OpenStream {
            body: stream_body(false)
        }]
    );
    engine.handle_input(opened(200), T);
    assert!(engine.wants_chunk());
    engine
}

fn feed(engine: &mut SyncEngine, text: &str, now: i64) -> Vec<SyncOutput> {
    engine.handle_input(SyncInput::Chunk(text.as_bytes().to_vec()), now);
    outputs(engine)
}

fn answer(engine: &mut SyncEngine, input: SyncInput) -> Vec<SyncOutput> {
    engine.handle_input(input, T);
    outputs(engine)
}

fn opened(status: u16) -> SyncInput {
    SyncInput::StreamOpened {
        status,
        body_if_error: String::new(),
    }
}

fn acked(status: u16) -> SyncInput {
    SyncInput::AcksSent {
        status,
        body_if_error: String::new(),
    }
}

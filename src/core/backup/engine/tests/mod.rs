use super::*;
use crate::core::backup::io::{CheckRequest, UploadRequest};
use crate::core::backup::io::{HttpReply, RequestError};
use crate::core::channel::StopReason;
use crate::core::log::LogLevel;
use crate::core::progress::NotificationKind;

const NOW: i64 = 1_700_000_000_000;
const KEY: &str = "the-api-key-123";

fn sum(n: usize) -> String {
    format!("{n:040x}")
}

fn setup(queue: Vec<QueueItem>) -> RunSetup {
    RunSetup {
        queue,
        settings: Settings::default(),
        server: "http://immich.test/api".into(),
        secrets: vec![KEY.into()],
        new_run: true,
        seed: 42,
    }
}

fn files(n: usize) -> Vec<QueueItem> {
    (0..n)
        .map(|i| QueueItem::new(format!("f{i}"), format!("IMG_{i}.jpg"), 1_000, 0, i as i64))
        .collect()
}

fn reply(status: u16, body: &str) -> Result<HttpReply, RequestError> {
    Ok(HttpReply {
        status,
        body: body.into(),
        retry_after: None,
    })
}

/// Every output up to the next Wait or Ended (which is returned last).
fn drain(engine: &mut Engine) -> Vec<Output> {
    let mut outputs = Vec::new();
    loop {
        let output = engine.poll_output();
        let last = matches!(output, Output::Wait(_) | Output::Ended(_));
        outputs.push(output);
        if last {
            return outputs;
        }
    }
}

fn hashes(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Hash { id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

fn check(outputs: &[Output]) -> Option<CheckRequest> {
    outputs.iter().find_map(|o| match o {
        Output::Check(request) => Some(request.clone()),
        _ => None,
    })
}

fn upload(outputs: &[Output]) -> Option<UploadRequest> {
    outputs.iter().find_map(|o| match o {
        Output::Upload(request) => Some(request.clone()),
        _ => None,
    })
}

fn ended(outputs: &[Output]) -> Option<SystemStop> {
    outputs.iter().find_map(|o| match o {
        Output::Ended(stop) => Some(stop.clone()),
        _ => None,
    })
}

fn texts(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Log(_, line) => Some(line.clone()),
            Output::Notify(_, payload) => Some(payload.content.clone()),
            Output::Ended(stop) => Some(stop.message.clone()),
            _ => None,
        })
        .collect()
}

/// An engine started on `n` files, its first outputs drained.
fn started(n: usize) -> Engine {
    let mut engine = Engine::new(setup(files(n)), EngineConfig::default(), NOW);
    drain(&mut engine);
    engine
}

/// Feeds the checksum of file `n` and drains what follows.
fn hashed(engine: &mut Engine, n: usize) -> Vec<Output> {
    let input = Input::Hashed {
        id: format!("f{n}"),
        result: Ok(sum(n)),
    };
    engine.handle_input(input, NOW);
    drain(engine)
}

/// An engine whose one file is hashed, checked and accepted: the next outputs send it.
fn ready_to_upload() -> (Engine, Vec<Output>) {
    let mut engine = started(1);
    let request = check(&hashed(&mut engine, 0)).expect("checked once hashed");
    engine.handle_input(
        Input::CheckReply {
            ids: request.ids,
            result: reply(200, r#"{"results":[{"id":"f0","action":"accept"}]}"#),
        },
        NOW,
    );
    let outputs = drain(&mut engine);
    (engine, outputs)
}

mod debug_log;
mod failures;
mod halt;
mod notify;
mod retry_after;
mod run;

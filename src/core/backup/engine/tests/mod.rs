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

/// One request at a time, as the run's steps are easiest to follow (tests/parallel.rs has runs
/// with several uploads in flight).
fn setup(queue: Vec<QueueItem>) -> RunSetup {
    RunSetup {
        stored: QueueCounts::of(queue.iter().filter(|row| row.in_runs())),
        queue,
        settings: Settings {
            parallel_uploads: 1,
            ..Settings::default()
        },
        server: "http://immich.test/api".into(),
        secrets: vec![KEY.into()],
        new_run: true,
        seed: 42,
        background_fetch: false,
    }
}

/// What the store hands a run: for a new run, the rows left after its drop of what earlier
/// runs finished (`dropped_by_new_run`, which the store applies before the run).
fn run_rows(rows: Vec<QueueItem>, new_run: bool) -> Vec<QueueItem> {
    let namers = rows.clone();
    rows.into_iter()
        .filter(|row| !(new_run && crate::core::backup::dropped_by_new_run(row, &namers)))
        .collect()
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
        on_server: None,
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

/// A healthy server's answer to a check: every file accepted.
fn accept_all(request: &CheckRequest) -> Input {
    let results: Vec<_> = request
        .ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "action": "accept"}))
        .collect();
    let body = serde_json::json!({ "results": results }).to_string();
    Input::CheckReply {
        ids: request.ids.clone(),
        result: reply(200, &body),
    }
}

/// Drives the engine as a healthy server would (every check accepted, every upload created as
/// asset "a-{id}", each album request answered by `album`) until the run ends; returns every
/// output.
fn run_to_end(engine: &mut Engine, album: impl Fn(&str) -> Result<(), String>) -> Vec<Output> {
    let mut answers = std::collections::VecDeque::new();
    let mut outputs = Vec::new();
    for _ in 0..100_000 {
        let output = engine.poll_output();
        match &output {
            Output::Ended(_) => {
                outputs.push(output);
                return outputs;
            }
            Output::Wait(_) => {
                let input = answers.pop_front().expect("the engine waits for nothing");
                engine.handle_input(input, NOW);
            }
            Output::Hash { id, .. } => answers.push_back(Input::Hashed {
                id: id.clone(),
                result: Ok(crate::core::backup::proptests::checksum_of(id)),
                on_server: None,
            }),
            Output::Check(request) => answers.push_back(accept_all(request)),
            Output::Upload(request) => answers.push_back(Input::UploadReply {
                id: request.id.clone(),
                result: reply(
                    201,
                    &format!(r#"{{"id":"a-{}","status":"created"}}"#, request.id),
                ),
            }),
            Output::AddToAlbum { name, .. } => answers.push_back(Input::AlbumReply {
                name: name.clone(),
                result: album(name),
            }),
            _ => {}
        }
        outputs.push(output);
    }
    panic!("the run never ended");
}

mod album;
mod carry;
mod debug_log;
mod failures;
mod halt;
mod hashing;
mod items;
mod live;
mod mirror;
mod notify;
mod paging;
mod parallel;
mod retry_after;
mod run;

//! The detailed log of "Advanced troubleshooting": each hash, check, upload and probe as it
//! starts and as it is answered, with its status and how long it took by the engine's own
//! times (the time the output was handed out, the time of the answer). With the setting off no
//! DEBUG entry is made at all. Lines go through `Engine::log`, which redacts every secret.

use std::collections::HashMap;

use crate::core::log::LogLevel;

use super::super::io::{Input, RequestResult};
use super::super::ItemState;
use super::Engine;

/// When the work now in progress was handed out.
#[derive(Clone, Debug, Default)]
pub(super) struct Started {
    /// Each hash in progress.
    hashes_ms: HashMap<String, i64>,
    /// The check, album request or probe.
    request_ms: i64,
    /// Each upload on its way.
    uploads_ms: HashMap<String, i64>,
}

/// An expected answer, read before the engine takes it in; logged once it has.
pub(super) struct Answer {
    what: Answered,
    status: String,
    took_ms: i64,
}

enum Answered {
    Hash(String),
    Check(usize),
    Upload(String),
    Probe,
}

pub(super) fn files_text(files: usize) -> String {
    match files {
        1 => "1 file".into(),
        n => format!("{n} files"),
    }
}

/// "HTTP 201", or why there was no answer.
fn status(result: &RequestResult) -> String {
    match result {
        Ok(reply) => match &reply.retry_after {
            Some(after) => format!("HTTP {} (Retry-After: {after})", reply.status),
            None => format!("HTTP {}", reply.status),
        },
        Err(error) => error.to_string(),
    }
}

impl Engine {
    fn debug(&mut self, line: impl FnOnce(&Engine) -> String) {
        if self.settings.advanced_troubleshooting {
            let line = line(self);
            self.log(LogLevel::Debug, &line);
        }
    }

    fn name_and_size(&self, id: &str) -> (String, u64) {
        self.items
            .get(id)
            .map_or_else(|| (id.to_owned(), 0), |item| (item.name.clone(), item.size))
    }

    pub(super) fn trace_hash_started(&mut self, id: &str, now_ms: i64) {
        if self.settings.advanced_troubleshooting {
            self.started.hashes_ms.insert(id.to_owned(), now_ms);
        }
        self.debug(|engine| {
            let (name, size) = engine.name_and_size(id);
            format!("{name}: hashing ({size} bytes)")
        });
    }

    pub(super) fn trace_check_sent(&mut self, files: usize, now_ms: i64) {
        self.started.request_ms = now_ms;
        self.debug(|_| format!("Check sent: {}", files_text(files)));
    }

    pub(super) fn trace_upload_sent(&mut self, id: &str, now_ms: i64) {
        if self.settings.advanced_troubleshooting {
            self.started.uploads_ms.insert(id.to_owned(), now_ms);
        }
        self.debug(|engine| {
            let (name, size) = engine.name_and_size(id);
            format!("{name}: upload sent ({size} bytes)")
        });
    }

    pub(super) fn trace_probe_sent(&mut self, now_ms: i64) {
        self.started.request_ms = now_ms;
    }

    /// What `input` answers, if it is an answer the engine awaits and the setting is on.
    pub(super) fn trace_answer(&self, input: &Input, now_ms: i64) -> Option<Answer> {
        if !self.settings.advanced_troubleshooting {
            return None;
        }
        let request = |what, result| {
            Some(Answer {
                what,
                status: status(result),
                took_ms: now_ms.saturating_sub(self.started.request_ms),
            })
        };
        match input {
            Input::Hashed { id, result, .. } if self.hashing.contains(id) => Some(Answer {
                what: Answered::Hash(id.clone()),
                status: match result {
                    Ok(_) => "hashed".into(),
                    Err(reason) => format!("not readable: {reason}"),
                },
                took_ms: now_ms
                    .saturating_sub(self.started.hashes_ms.get(id).copied().unwrap_or(now_ms)),
            }),
            Input::CheckReply { ids, result } if self.checking.as_ref() == Some(ids) => {
                request(Answered::Check(ids.len()), result)
            }
            Input::UploadReply { id, result } if self.uploading.contains(id) => Some(Answer {
                what: Answered::Upload(id.clone()),
                status: status(result),
                took_ms: now_ms
                    .saturating_sub(self.started.uploads_ms.get(id).copied().unwrap_or(now_ms)),
            }),
            Input::ProbeReply(result) if self.probing => request(Answered::Probe, result),
            _ => None,
        }
    }

    /// Logs an answer the engine has taken in, with what it came to for an upload.
    pub(super) fn trace_answered(&mut self, answer: Answer) {
        let Answer {
            what,
            status,
            took_ms,
        } = answer;
        match &what {
            Answered::Upload(id) => _ = self.started.uploads_ms.remove(id),
            Answered::Hash(id) => _ = self.started.hashes_ms.remove(id),
            Answered::Check(_) | Answered::Probe => {}
        }
        self.debug(|engine| match what {
            Answered::Hash(id) => {
                let (name, size) = engine.name_and_size(&id);
                format!("{name} ({size} bytes): {status} in {took_ms} ms")
            }
            Answered::Check(files) => {
                let files = files_text(files);
                format!("Check of {files} answered {status} in {took_ms} ms")
            }
            Answered::Upload(id) => {
                let (name, _) = engine.name_and_size(&id);
                let outcome = engine.upload_came_to(&id);
                format!("{name}: upload answered {status} in {took_ms} ms: {outcome}")
            }
            Answered::Probe => format!("Probe answered {status} in {took_ms} ms"),
        });
    }

    /// What an answered upload made of its file, in words.
    fn upload_came_to(&self, id: &str) -> String {
        let Some(item) = self.items.get(id) else {
            return "unknown file".into();
        };
        let reason = item.last_error.as_deref().unwrap_or("");
        match item.state {
            ItemState::Done => "created".into(),
            ItemState::Duplicate => "already on the server".into(),
            ItemState::FailedRetryable => format!("failed, tried again later: {reason}"),
            ItemState::FailedPermanent => format!("failed: {reason}"),
            _ => "to be sent again".into(),
        }
    }
}

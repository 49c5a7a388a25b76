//! The simulated server's answers: it stores by checksum, and a fault drawn per request makes
//! it fail (a status, an unreadable body, a timeout, a reply leaving out or repeating an id, a
//! 429 or 503 asking to wait).

use proptest::prelude::*;

use super::world::{Fault, Wait};
use super::{Asked, Pending, Sim, SECRET};
use crate::core::backup::{HttpReply, Input, Output, RequestError};

fn reply(status: u16, body: String) -> HttpReply {
    HttpReply {
        status,
        body,
        retry_after: None,
    }
}

impl Sim {
    /// The `Retry-After` of a fault at the sim's present time, and the wait the engine must
    /// honour (None when the header is not one it can read).
    fn retry_after(&self, wait: Wait) -> (String, Option<Asked>) {
        match wait {
            Wait::Seconds(seconds) => (
                seconds.to_string(),
                Some(Asked::For(i64::from(seconds) * 1000)),
            ),
            Wait::Date(offset_s) => {
                let at_s = self.now.div_euclid(1000) + offset_s;
                let date = std::time::UNIX_EPOCH
                    + std::time::Duration::from_secs(u64::try_from(at_s).unwrap_or(0));
                (
                    httpdate::fmt_http_date(date),
                    Some(Asked::Until(at_s * 1000)),
                )
            }
            Wait::Garbage => ("-5".into(), None),
        }
    }

    /// The answer to a network request, given the server's state and the next fault, the name
    /// of what it asked for when it failed, and the wait a readable `Retry-After` asks for.
    pub(super) fn answer(&mut self, output: &Output) -> Result<Pending, TestCaseError> {
        let up = self.server_up();
        let fault = if up {
            self.faults.next().unwrap_or(Fault::None)
        } else {
            Fault::Timeout
        };
        let transport = match fault {
            Fault::Timeout if up => Some(RequestError::Timeout(20)),
            Fault::Timeout => Some(RequestError::Network("TypeError: Failed to fetch".into())),
            _ => None,
        };
        let failed = !matches!(fault, Fault::None | Fault::RepeatedId);
        // Checks and uploads only: a probe is answered by the ping route, faults or not.
        let (asking, asked) = match (fault, output) {
            (Fault::RetryAfter(status, wait), Output::Check(_) | Output::Upload(_)) => {
                let (value, asked) = self.retry_after(wait);
                let mut answer = reply(status, r#"{"message":"busy"}"#.into());
                answer.retry_after = Some(value);
                (Some(answer), asked)
            }
            _ => (None, None),
        };
        let input = match output {
            Output::AddToAlbum { name, asset_ids } => {
                let result = match (transport, asking, fault) {
                    (Some(e), _, _) => Err(e.to_string()),
                    (None, _, Fault::Status(status)) => Err(format!("HTTP {status}: no {SECRET}")),
                    (None, _, Fault::Malformed) => Err("unreadable reply".into()),
                    (None, _, _) => {
                        let on_server = asset_ids
                            .iter()
                            .all(|id| self.server.values().any(|a| a == id));
                        prop_assert!(on_server, "only assets on the server join an album");
                        self.albums
                            .entry(name.clone())
                            .or_default()
                            .extend(asset_ids.iter().cloned());
                        Ok(())
                    }
                };
                self.album_failures += usize::from(result.is_err());
                // A failed album request is never repeated in the run: no wait to check.
                return Ok(Pending::Network(
                    Input::AlbumReply {
                        name: name.clone(),
                        result,
                    },
                    None,
                    None,
                ));
            }
            Output::Probe => Input::ProbeReply(match transport {
                Some(e) => Err(e),
                None => Ok(reply(200, r#"{"res":"pong"}"#.into())),
            }),
            Output::Check(request) => {
                let result = match (transport, asking, fault) {
                    (Some(e), _, _) => Err(e),
                    (None, Some(answer), _) => Ok(answer),
                    (None, None, Fault::Status(status)) => {
                        Ok(reply(status, format!(r#"{{"message":"no {SECRET}"}}"#)))
                    }
                    (None, None, Fault::Malformed) => Ok(reply(200, "<html>".into())),
                    (None, None, fault) => Ok(self.check_results(&request.ids, fault)),
                };
                Input::CheckReply {
                    ids: request.ids.clone(),
                    result,
                }
            }
            Output::Upload(request) => {
                self.uploads_sent += 1;
                let checksum = self.file(&request.id).checksum.clone();
                if let Some((_, video)) = request
                    .fields
                    .iter()
                    .find(|(k, _)| *k == "livePhotoVideoId")
                {
                    let exists = self.server.values().any(|asset| asset == video);
                    prop_assert!(exists, "a photo is linked to a video the server has");
                }
                prop_assert_eq!(
                    &request.checksum,
                    &checksum,
                    "the header carries the file's SHA-1"
                );
                let result = match (transport, asking, fault) {
                    (Some(e), _, _) => Err(e),
                    (None, Some(answer), _) => Ok(answer),
                    (None, None, Fault::Status(status)) => {
                        Ok(reply(status, r#"{"message":"refused"}"#.into()))
                    }
                    (None, None, Fault::Malformed) => Ok(reply(201, "not json".into())),
                    (None, None, _) => Ok(self.store(checksum)),
                };
                Input::UploadReply {
                    id: request.id.clone(),
                    result,
                }
            }
            other => unreachable!("not a request: {other:?}"),
        };
        let key = match &input {
            Input::ProbeReply(_) => "probe".to_owned(),
            Input::CheckReply { .. } => "check".to_owned(),
            Input::UploadReply { id, .. } => format!("upload {id}"),
            _ => unreachable!("answers only"),
        };
        Ok(Pending::Network(input, failed.then_some(key), asked))
    }

    /// A bulk check's verdicts, from what the server holds.
    fn check_results(&self, ids: &[String], fault: Fault) -> HttpReply {
        let mut results: Vec<serde_json::Value> = ids
            .iter()
            .map(|id| match self.server.get(&self.file(id).checksum) {
                Some(asset) => serde_json::json!({"id": id, "action": "reject", "reason": "duplicate", "assetId": asset}),
                None => serde_json::json!({"id": id, "action": "accept"}),
            })
            .collect();
        if matches!(fault, Fault::MissingId) {
            results.pop();
        }
        if let (Fault::RepeatedId, Some(first)) = (fault, ids.first()) {
            results.push(serde_json::json!({"id": first, "action": "reject", "reason": "duplicate", "assetId": "bogus"}));
        }
        reply(200, serde_json::json!({ "results": results }).to_string())
    }

    /// An upload the server takes: a new asset, or the one it has for this checksum.
    fn store(&mut self, checksum: String) -> HttpReply {
        if let Some(asset) = self.server.get(&checksum) {
            return reply(200, format!(r#"{{"id":"{asset}","status":"duplicate"}}"#));
        }
        let asset = format!("asset-{}", self.server.len());
        self.server.insert(checksum, asset.clone());
        reply(201, format!(r#"{{"id":"{asset}","status":"created"}}"#))
    }
}

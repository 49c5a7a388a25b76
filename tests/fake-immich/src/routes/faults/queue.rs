//! The queued faults and how many were applied, shared by the endpoint and the requests.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};

#[derive(Debug, Clone)]
pub enum Outcome {
    /// After the delay the request is handled as usual.
    Handle,
    Answer {
        status: StatusCode,
        retry_after: Option<HeaderValue>,
        message: String,
    },
    Reset,
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub delay: Duration,
    pub outcome: Outcome,
}

/// For the server's log, so a test run shows where its faults struck.
impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.delay.is_zero() {
            write!(f, "after {} ms, ", self.delay.as_millis())?;
        }
        match &self.outcome {
            Outcome::Handle => write!(f, "handled as usual"),
            Outcome::Reset => write!(f, "connection reset"),
            Outcome::Answer {
                status,
                retry_after,
                ..
            } => {
                write!(f, "answered {}", status.as_u16())?;
                match retry_after.as_ref().and_then(|value| value.to_str().ok()) {
                    Some(value) => write!(f, " with Retry-After {value}"),
                    None => Ok(()),
                }
            }
        }
    }
}

#[derive(Debug)]
struct Queued {
    path: String,
    remaining: u32,
    fault: Fault,
}

#[derive(Debug, Default)]
struct Faults {
    queued: Vec<Queued>,
    applied: u64,
}

#[derive(Debug, Default)]
pub struct FaultQueue(Mutex<Faults>);

impl FaultQueue {
    fn lock(&self) -> MutexGuard<'_, Faults> {
        // Every update below is a single step, so a panic elsewhere leaves nothing half done.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn push(&self, path: String, count: u32, fault: Fault) {
        self.lock().queued.push(Queued {
            path,
            remaining: count,
            fault,
        });
    }

    pub fn clear(&self) {
        self.lock().queued.clear();
    }

    /// The fault for a request to `path`: the earliest queued for that path, gone once it has
    /// met its count. Faults for other paths wait for their own requests.
    pub fn take(&self, path: &str) -> Option<Fault> {
        let mut faults = self.lock();
        let index = faults.queued.iter().position(|q| q.path == path)?;
        let queued = &mut faults.queued[index];
        queued.remaining = queued.remaining.saturating_sub(1);
        let fault = queued.fault.clone();
        if queued.remaining == 0 {
            faults.queued.remove(index);
        }
        faults.applied += 1;
        Some(fault)
    }

    pub fn applied(&self) -> u64 {
        self.lock().applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(code: u16) -> Fault {
        Fault {
            delay: Duration::ZERO,
            outcome: Outcome::Answer {
                status: StatusCode::from_u16(code).expect("status"),
                retry_after: None,
                message: String::new(),
            },
        }
    }

    fn status_of(fault: Option<Fault>) -> Option<u16> {
        match fault?.outcome {
            Outcome::Answer { status, .. } => Some(status.as_u16()),
            _ => None,
        }
    }

    #[test]
    fn faults_apply_in_order_per_path_until_their_count_is_met() {
        let queue = FaultQueue::default();
        queue.push("/a".into(), 2, answer(503));
        queue.push("/b".into(), 1, answer(500));
        queue.push("/a".into(), 1, answer(429));
        assert_eq!(status_of(queue.take("/a")), Some(503));
        assert_eq!(status_of(queue.take("/b")), Some(500));
        assert_eq!(status_of(queue.take("/a")), Some(503));
        assert_eq!(status_of(queue.take("/a")), Some(429));
        assert!(queue.take("/a").is_none());
        assert!(queue.take("/b").is_none());
        assert_eq!(queue.applied(), 4);
    }

    #[test]
    fn clearing_drops_the_queue_but_keeps_the_tally() {
        let queue = FaultQueue::default();
        queue.push("/a".into(), 3, answer(503));
        assert!(queue.take("/a").is_some());
        queue.clear();
        assert!(queue.take("/a").is_none());
        assert_eq!(queue.applied(), 1);
    }

    #[test]
    fn the_log_line_names_delay_status_and_retry_after() {
        let mut fault = answer(503);
        if let Outcome::Answer { retry_after, .. } = &mut fault.outcome {
            *retry_after = Some(HeaderValue::from_static("7"));
        }
        fault.delay = Duration::from_millis(250);
        assert_eq!(
            fault.to_string(),
            "after 250 ms, answered 503 with Retry-After 7"
        );
    }
}

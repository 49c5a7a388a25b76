//! The acks stored but not yet confirmed by the server, and the one `POST /sync/ack` on its way.

use std::collections::BTreeMap;

use super::super::types::{ack_body, MAX_ACKS_PER_CALL};

/// Acks by kind: only the latest of a kind matters (the server keeps one checkpoint per kind).
pub(super) type AckSet = BTreeMap<String, String>;

#[derive(Debug, Default)]
pub(super) struct AckBook {
    /// Acks whose rows are stored, not yet confirmed.
    unsent: AckSet,
    /// What the request on its way carries.
    in_flight: Option<AckSet>,
    /// A failed request is not repeated until the next commit (or the next sync): a server that
    /// keeps failing is not asked in a loop.
    held: bool,
}

impl AckBook {
    /// Acks whose rows are stored (or that carry no row).
    pub(super) fn add(&mut self, acks: AckSet) {
        self.unsent.extend(acks);
        self.held = false;
    }

    /// The set a commit stores: every unconfirmed ack with the batch's own.
    pub(super) fn with(&self, batch: &AckSet) -> Vec<String> {
        let mut all = self.unsent.clone();
        all.extend(batch.iter().map(|(k, v)| (k.clone(), v.clone())));
        all.into_values().collect()
    }

    pub(super) fn in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.unsent.is_empty()
    }

    /// The body of the next request, when one is due.
    pub(super) fn next_body(&mut self) -> Option<String> {
        if self.in_flight.is_some() || self.held || self.unsent.is_empty() {
            return None;
        }
        let sent: AckSet = self
            .unsent
            .iter()
            .take(MAX_ACKS_PER_CALL)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let acks: Vec<String> = sent.values().cloned().collect();
        self.in_flight = Some(sent);
        Some(ack_body(&acks))
    }

    /// The server took (or refused for good) what was on its way: those are done with, unless a
    /// newer ack of the same kind came meanwhile. Returns how many.
    pub(super) fn settle(&mut self) -> usize {
        let sent = self.in_flight.take().unwrap_or_default();
        for (kind, ack) in &sent {
            if self.unsent.get(kind) == Some(ack) {
                self.unsent.remove(kind);
            }
        }
        sent.len()
    }

    /// The request got no usable answer: its acks stay for the next try. Returns how many.
    pub(super) fn failed(&mut self) -> usize {
        self.held = true;
        self.in_flight.take().map_or(0, |sent| sent.len())
    }

    /// The server starts over: no ack of before may reach it.
    pub(super) fn clear(&mut self) {
        self.unsent.clear();
    }
}

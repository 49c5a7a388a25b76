//! The lines read since the last commit.

use super::super::entity::Ack;
use super::super::mirror::MirrorOp;
use super::acks::AckSet;
use super::io::SyncConfig;

#[derive(Debug, Default)]
pub(super) struct Batch {
    pub(super) ops: Vec<MirrorOp>,
    pub(super) acks: AckSet,
    lines: usize,
    /// When its first line was read.
    since: Option<i64>,
}

impl Batch {
    pub(super) fn add(&mut self, op: Option<MirrorOp>, ack: Ack, now_ms: i64) {
        self.ops.extend(op);
        // The stream sends each kind's acks in order: the last one read is the latest.
        self.acks.insert(ack.kind, ack.raw);
        self.lines += 1;
        self.since.get_or_insert(now_ms);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// Big enough to commit, or old enough.
    pub(super) fn is_due(&self, config: &SyncConfig, now_ms: i64) -> bool {
        self.is_full(config)
            || self
                .since
                .is_some_and(|since| now_ms.saturating_sub(since) >= config.batch_ms)
    }

    pub(super) fn is_full(&self, config: &SyncConfig) -> bool {
        self.lines >= config.batch_lines.max(1)
    }
}

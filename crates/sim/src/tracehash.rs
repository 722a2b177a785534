//! The trace hash: a stable 64-bit fingerprint of every trace record.
//!
//! The encoding is written by hand so it never changes with a dependency or
//! a `Debug` format: each record is a sequence of 64-bit words (a variant tag,
//! the time, then the fields in declaration order; strings as their length
//! followed by their bytes packed little-endian into words). Words are folded
//! with an FNV-1a step widened to 64-bit words plus a rotation, so high input
//! bits also reach the low output bits. It is a fingerprint for equality
//! checks, not a cryptographic hash.

use crate::client::{OpKind, Outcome};
use crate::node::{MsgKind, NodeEvent, Role};
use crate::trace::{DropReason, TraceEvent};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The running hash of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TraceHasher {
    state: u64,
}

impl TraceHasher {
    pub(crate) fn new() -> Self {
        TraceHasher { state: FNV_OFFSET }
    }

    pub(crate) fn value(&self) -> u64 {
        self.state
    }

    #[inline(always)]
    fn word(&mut self, w: u64) {
        self.state = (self.state ^ w).wrapping_mul(FNV_PRIME).rotate_left(23);
    }

    #[inline(always)]
    fn pair(&mut self, a: u32, b: u32) {
        self.word(u64::from(a) << 32 | u64::from(b));
    }

    fn bytes(&mut self, b: &[u8]) {
        self.word(b.len() as u64);
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(w));
        }
    }

    fn strings(&mut self, list: &[String]) {
        self.word(list.len() as u64);
        for s in list {
            self.bytes(s.as_bytes());
        }
    }

    /// Folds one record into the hash.
    #[inline(always)]
    pub(crate) fn record(&mut self, at_us: u64, event: &TraceEvent) {
        use TraceEvent as E;
        match event {
            E::Sent { msg, from, to, kind } => self.message(1, at_us, msg.0, from.0, to.0, msg_kind(*kind)),
            E::Delivered { msg, from, to, kind } => self.message(2, at_us, msg.0, from.0, to.0, msg_kind(*kind)),
            E::Dropped { msg, from, to, reason } => self.message(3, at_us, msg.0, from.0, to.0, drop_reason(*reason)),
            E::Duplicated { msg, copy } => {
                self.tag(4, at_us);
                self.word(msg.0);
                self.word(copy.0);
            }
            E::Queued { node, depth } => {
                self.tag(5, at_us);
                self.pair(node.0, *depth);
            }
            E::TimerFired { node, timer } => self.node_word(6, at_us, node.0, timer.0),
            E::TimerLost { node, timer } => self.node_word(7, at_us, node.0, timer.0),
            E::Invoked { op, client, node, kind } => {
                self.tag(8, at_us);
                self.word(op.0);
                self.pair(client.0, node.0);
                self.op_kind(kind);
            }
            E::Received { op, node } => self.node_word(9, at_us, node.0, op.0),
            E::RequestLost { op, node, reason } => {
                self.node_word(10, at_us, node.0, op.0);
                self.word(drop_reason(*reason));
            }
            E::Completed { op, client, outcome } => {
                self.node_word(11, at_us, client.0, op.0);
                self.outcome(outcome);
            }
            E::Node { node, event } => {
                self.tag(12, at_us);
                self.word(u64::from(node.0));
                self.node_event(event);
            }
            E::Intervention { description } => {
                self.tag(13, at_us);
                self.bytes(description.as_bytes());
            }
            E::Crashed { node } => self.node_word(14, at_us, node.0, 0),
            E::Restarted { node } => self.node_word(15, at_us, node.0, 0),
            E::Paused { node } => self.node_word(16, at_us, node.0, 0),
            E::Resumed { node } => self.node_word(17, at_us, node.0, 0),
            E::Added { node } => self.node_word(18, at_us, node.0, 0),
            E::Removed { node } => self.node_word(19, at_us, node.0, 0),
        }
    }

    #[inline(always)]
    fn tag(&mut self, tag: u64, at_us: u64) {
        self.word(tag);
        self.word(at_us);
    }

    #[inline(always)]
    fn message(&mut self, tag: u64, at_us: u64, msg: u64, from: u32, to: u32, extra: u64) {
        self.tag(tag | extra << 8, at_us);
        self.word(msg);
        self.pair(from, to);
    }

    #[inline(always)]
    fn node_word(&mut self, tag: u64, at_us: u64, node: u32, w: u64) {
        self.tag(tag, at_us);
        self.word(u64::from(node));
        self.word(w);
    }

    fn op_kind(&mut self, kind: &OpKind) {
        match kind {
            OpKind::Read { key } => {
                self.word(1);
                self.bytes(key.as_bytes());
            }
            OpKind::Write { key, value } => {
                self.word(2);
                self.bytes(key.as_bytes());
                self.bytes(value.as_bytes());
            }
            OpKind::Incr { key, by } => {
                self.word(3);
                self.bytes(key.as_bytes());
                self.word(*by as u64);
            }
            OpKind::SetAdd { key, elem } => {
                self.word(4);
                self.bytes(key.as_bytes());
                self.bytes(elem.as_bytes());
            }
            OpKind::SetRemove { key, elem } => {
                self.word(5);
                self.bytes(key.as_bytes());
                self.bytes(elem.as_bytes());
            }
            OpKind::DecrIfPositive { key } => {
                self.word(6);
                self.bytes(key.as_bytes());
            }
        }
    }

    fn outcome(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Ok { values } => {
                self.word(1);
                self.strings(values);
            }
            Outcome::Fail { reason } => {
                self.word(2);
                self.bytes(reason.as_bytes());
            }
            Outcome::Info { reason } => {
                self.word(3);
                self.bytes(reason.as_bytes());
            }
        }
    }

    fn node_event(&mut self, event: &NodeEvent) {
        match event {
            NodeEvent::Role { role, epoch } => {
                self.word(1 | role_code(*role) << 8);
                self.word(*epoch);
            }
            NodeEvent::Append { index, epoch } => {
                self.word(2);
                self.word(*index);
                self.word(*epoch);
            }
            NodeEvent::Commit { index } => {
                self.word(3);
                self.word(*index);
            }
            NodeEvent::Apply { index } => {
                self.word(4);
                self.word(*index);
            }
            NodeEvent::Truncate { from_index } => {
                self.word(5);
                self.word(*from_index);
            }
            NodeEvent::Snapshot { up_to } => {
                self.word(6);
                self.word(*up_to);
            }
            NodeEvent::Conflict(c) => {
                self.word(7);
                self.bytes(c.key.as_bytes());
                self.bytes(c.strategy.as_bytes());
                self.word(c.versions.len() as u64);
                for v in &c.versions {
                    self.bytes(v.value.as_bytes());
                    self.word(u64::from(v.origin.0));
                    self.word(v.timestamp_us as u64);
                    self.word(v.vector.len() as u64);
                    for &(node, n) in &v.vector {
                        self.pair(node.0, 0);
                        self.word(n);
                    }
                }
                self.strings(&c.kept);
                self.strings(&c.dropped);
                self.bytes(c.verdict.as_bytes());
            }
            NodeEvent::Note { text } => {
                self.word(8);
                self.bytes(text.as_bytes());
            }
        }
    }
}

fn msg_kind(kind: MsgKind) -> u64 {
    match kind {
        MsgKind::Replication => 1,
        MsgKind::Ack => 2,
        MsgKind::Heartbeat => 3,
        MsgKind::Vote => 4,
        MsgKind::Client => 5,
        MsgKind::Repair => 6,
        MsgKind::Other => 7,
    }
}

fn drop_reason(reason: DropReason) -> u64 {
    match reason {
        DropReason::Partitioned => 1,
        DropReason::LinkCut => 2,
        DropReason::Lost => 3,
        DropReason::NodeDown => 4,
        DropReason::InboxFull => 5,
        DropReason::UnknownNode => 6,
        DropReason::RateLimited => 7,
    }
}

fn role_code(role: Role) -> u64 {
    match role {
        Role::Leader => 1,
        Role::Follower => 2,
        Role::Candidate => 3,
        Role::Replica => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MsgId, NodeId};

    #[test]
    fn encoding_is_pinned() {
        // If this changes, every pinned trace hash changes with it.
        let mut h = TraceHasher::new();
        h.record(7, &TraceEvent::Sent { msg: MsgId(1), from: NodeId(0), to: NodeId(2), kind: MsgKind::Ack });
        h.record(9, &TraceEvent::Intervention { description: "crash n2".into() });
        assert_eq!(h.value(), 0xab19_1bc2_6cfe_9fb5);
    }

    #[test]
    fn strings_are_length_prefixed() {
        let hash = |values: &[&str]| {
            let mut h = TraceHasher::new();
            h.strings(&values.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            h.value()
        };
        assert_ne!(hash(&["ab", ""]), hash(&["a", "b"]));
        assert_ne!(hash(&["ab"]), hash(&["ab\0"]));
    }
}

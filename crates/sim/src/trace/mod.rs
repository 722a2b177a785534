//! The trace: every observable thing that happened in a run, in order, with a
//! running stable hash.
//!
//! [`Trace`] keeps the newest `limits.trace_events_max` [`TraceRecord`]s (older
//! ones are dropped and counted) and folds *every* record into a 64-bit hash
//! through a hand-written, platform-independent encoding. Two runs with equal
//! hashes produced the same trace, natively and in WebAssembly; the hash is
//! what determinism tests and share URLs pin.
//!
//! Storage is compact: the frequent events (sends, deliveries, timers, ...)
//! are kept as 32-byte plain-data records; events that own strings are kept
//! beside them and referenced by index. Records are grouped in chunks shared
//! between clones ([`Arc`]), so cloning a simulation for a checkpoint copies
//! at most one chunk. Iterators therefore yield owned [`TraceRecord`]s.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::ids::{Micros, MsgId, NodeId, OpId, TimerId};
use crate::node::MsgKind;
use crate::tracehash::TraceHasher;

mod event;

/// Records per shared chunk.
const CHUNK_RECORDS: usize = 2_048;

pub use event::{DropReason, TraceEvent, TraceRecord};

/// A trace event without heap data, or the index of one that has some.
#[derive(Clone, Copy, Debug)]
enum Compact {
    Sent {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
    },
    Delivered {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
    },
    Dropped {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        reason: DropReason,
    },
    Duplicated {
        msg: MsgId,
        copy: MsgId,
    },
    Queued {
        node: NodeId,
        depth: u32,
    },
    TimerFired {
        node: NodeId,
        timer: TimerId,
    },
    TimerLost {
        node: NodeId,
        timer: TimerId,
    },
    Received {
        op: OpId,
        node: NodeId,
    },
    RequestLost {
        op: OpId,
        node: NodeId,
        reason: DropReason,
    },
    Crashed {
        node: NodeId,
    },
    Restarted {
        node: NodeId,
    },
    Paused {
        node: NodeId,
    },
    Resumed {
        node: NodeId,
    },
    Added {
        node: NodeId,
    },
    Removed {
        node: NodeId,
    },
    /// Index into the chunk's `heavy` events.
    Heavy(u32),
}

#[derive(Clone, Copy, Debug)]
struct CompactRecord {
    at_us: Micros,
    event: Compact,
}

/// A run of records plus the string-owning events they reference.
#[derive(Clone, Debug, Default)]
struct Chunk {
    records: Vec<CompactRecord>,
    heavy: Vec<TraceEvent>,
}

impl Chunk {
    #[inline(always)]
    fn push(&mut self, at_us: Micros, event: TraceEvent) {
        use TraceEvent as E;
        let compact = match event {
            E::Sent { msg, from, to, kind } => Compact::Sent { msg, from, to, kind },
            E::Delivered { msg, from, to, kind } => Compact::Delivered { msg, from, to, kind },
            E::Dropped { msg, from, to, reason } => Compact::Dropped { msg, from, to, reason },
            E::Duplicated { msg, copy } => Compact::Duplicated { msg, copy },
            E::Queued { node, depth } => Compact::Queued { node, depth },
            E::TimerFired { node, timer } => Compact::TimerFired { node, timer },
            E::TimerLost { node, timer } => Compact::TimerLost { node, timer },
            E::Received { op, node } => Compact::Received { op, node },
            E::RequestLost { op, node, reason } => Compact::RequestLost { op, node, reason },
            E::Crashed { node } => Compact::Crashed { node },
            E::Restarted { node } => Compact::Restarted { node },
            E::Paused { node } => Compact::Paused { node },
            E::Resumed { node } => Compact::Resumed { node },
            E::Added { node } => Compact::Added { node },
            E::Removed { node } => Compact::Removed { node },
            heavy @ (E::Invoked { .. } | E::Completed { .. } | E::Node { .. } | E::Intervention { .. }) => {
                self.heavy.push(heavy);
                Compact::Heavy((self.heavy.len() - 1) as u32)
            }
        };
        self.records.push(CompactRecord { at_us, event: compact });
    }

    fn expand(&self, r: &CompactRecord) -> TraceRecord {
        use TraceEvent as E;
        let event = match r.event {
            Compact::Sent { msg, from, to, kind } => E::Sent { msg, from, to, kind },
            Compact::Delivered { msg, from, to, kind } => E::Delivered { msg, from, to, kind },
            Compact::Dropped { msg, from, to, reason } => E::Dropped { msg, from, to, reason },
            Compact::Duplicated { msg, copy } => E::Duplicated { msg, copy },
            Compact::Queued { node, depth } => E::Queued { node, depth },
            Compact::TimerFired { node, timer } => E::TimerFired { node, timer },
            Compact::TimerLost { node, timer } => E::TimerLost { node, timer },
            Compact::Received { op, node } => E::Received { op, node },
            Compact::RequestLost { op, node, reason } => E::RequestLost { op, node, reason },
            Compact::Crashed { node } => E::Crashed { node },
            Compact::Restarted { node } => E::Restarted { node },
            Compact::Paused { node } => E::Paused { node },
            Compact::Resumed { node } => E::Resumed { node },
            Compact::Added { node } => E::Added { node },
            Compact::Removed { node } => E::Removed { node },
            Compact::Heavy(i) => self.heavy[i as usize].clone(),
        };
        TraceRecord { at_us: r.at_us, event }
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn clear(&mut self) {
        self.records.clear();
        self.heavy.clear();
    }

    /// The expanded records from index `from` on.
    fn iter_from(&self, from: usize) -> impl Iterator<Item = TraceRecord> + '_ {
        self.records.get(from..).unwrap_or(&[]).iter().map(|r| self.expand(r))
    }
}

/// The bounded record of a run plus its running hash.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Full chunks, oldest first, shared with clones.
    chunks: VecDeque<Arc<Chunk>>,
    /// Records in `chunks`.
    sealed_len: usize,
    /// The chunk being filled.
    tail: Chunk,
    /// Records dropped from the front (the sequence number of the oldest kept one).
    dropped: u64,
    retain_max: usize,
    chunk_len: usize,
    hasher: TraceHasher,
}

impl Trace {
    /// An empty trace keeping at most `retain_max` records. Old records are
    /// dropped a chunk at a time, so at least `3/4 * retain_max` (or
    /// `retain_max - 4096`) of the newest are always kept.
    pub fn new(retain_max: usize) -> Self {
        let chunk_len = (retain_max / 4).clamp(1, CHUNK_RECORDS);
        Trace {
            chunks: VecDeque::new(),
            sealed_len: 0,
            tail: Chunk::default(),
            dropped: 0,
            retain_max,
            chunk_len,
            hasher: TraceHasher::new(),
        }
    }

    /// Appends a record and folds it into the hash. Inlined so that the
    /// match on the event's variant folds away at each call site.
    #[inline(always)]
    pub fn push(&mut self, at_us: Micros, event: TraceEvent) {
        self.hasher.record(at_us, &event);
        if self.retain_max == 0 {
            self.dropped += 1;
            return;
        }
        if self.tail.records.capacity() == 0 {
            self.tail.records.reserve_exact(self.chunk_len);
        }
        self.tail.push(at_us, event);
        if self.tail.len() >= self.chunk_len {
            self.seal_tail();
        }
    }

    #[cold]
    #[inline(never)]
    fn seal_tail(&mut self) {
        let full = std::mem::take(&mut self.tail);
        self.sealed_len += full.len();
        self.chunks.push_back(Arc::new(full));
        while self.sealed_len > self.retain_max - self.chunk_len {
            let Some(old) = self.chunks.pop_front() else { break };
            self.sealed_len -= old.len();
            self.dropped += old.len() as u64;
            // Reuse the allocation when no clone shares the chunk.
            if self.tail.records.capacity() == 0 {
                if let Ok(mut chunk) = Arc::try_unwrap(old) {
                    chunk.clear();
                    self.tail = chunk;
                }
            }
        }
    }

    /// The running hash of every record ever pushed, dropped ones included.
    pub fn hash(&self) -> u64 {
        self.hasher.value()
    }

    /// How many records were ever pushed.
    pub fn total(&self) -> u64 {
        self.dropped + self.len() as u64
    }

    /// How many old records were dropped to respect the retention bound.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// How many records are kept.
    pub fn len(&self) -> usize {
        self.sealed_len + self.tail.len()
    }

    /// True if no record is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn all_chunks(&self) -> impl Iterator<Item = &Chunk> + '_ {
        self.chunks.iter().map(|c| c.as_ref()).chain(std::iter::once(&self.tail))
    }

    /// The kept records, oldest first.
    pub fn records(&self) -> impl Iterator<Item = TraceRecord> + '_ {
        self.all_chunks().flat_map(|c| c.iter_from(0))
    }

    /// The kept records with `at_us >= since_us`, oldest first.
    pub fn since(&self, since_us: Micros) -> impl Iterator<Item = TraceRecord> + '_ {
        // Records are in time order: skip whole chunks that end before `since_us`.
        self.all_chunks()
            .skip_while(move |c| c.records.last().is_some_and(|r| r.at_us < since_us))
            .flat_map(move |c| c.iter_from(c.records.partition_point(|r| r.at_us < since_us)))
    }

    /// The kept records whose sequence number (0 = first record ever) is at
    /// least `seq`: a page asks for `from_seq(last_total)` each frame.
    pub fn from_seq(&self, seq: u64) -> impl Iterator<Item = TraceRecord> + '_ {
        let mut skip = usize::try_from(seq.saturating_sub(self.dropped)).unwrap_or(usize::MAX);
        self.all_chunks().flat_map(move |c| {
            let from = skip.min(c.len());
            skip -= from;
            c.iter_from(from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(i: u64) -> TraceEvent {
        TraceEvent::Sent { msg: MsgId(i), from: NodeId(0), to: NodeId(1), kind: MsgKind::Other }
    }

    #[test]
    fn retention_keeps_the_newest_and_counts_the_rest() {
        let mut t = Trace::new(8);
        for i in 0..20 {
            t.push(i, sent(i));
        }
        t.push(20, TraceEvent::Intervention { description: "heal".into() });
        assert_eq!((t.total(), t.len() as u64 + t.dropped()), (21, 21));
        assert_eq!((t.len(), t.dropped()), (7, 14));
        let times: Vec<u64> = t.records().map(|r| r.at_us).collect();
        assert_eq!(times, (14..=20).collect::<Vec<_>>());
        assert_eq!(t.since(18).map(|r| r.at_us).collect::<Vec<_>>(), vec![18, 19, 20]);
        assert_eq!(t.from_seq(19).map(|r| r.at_us).collect::<Vec<_>>(), vec![19, 20]);
        assert_eq!(t.records().last().unwrap().event, TraceEvent::Intervention { description: "heal".into() });
    }

    #[test]
    fn hash_covers_dropped_records() {
        let mut a = Trace::new(2);
        let mut b = Trace::new(1_000);
        for i in 0..10 {
            a.push(i, sent(i));
            b.push(i, sent(i));
        }
        assert_eq!(a.hash(), b.hash());
        a.push(10, sent(10));
        b.push(10, sent(11));
        assert_ne!(a.hash(), b.hash());
    }
}

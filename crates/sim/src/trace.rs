//! The trace: every observable thing that happened in a run, in order, with a
//! running stable hash.
//!
//! [`Trace`] keeps the newest `limits.trace_events_max` [`TraceRecord`]s (older
//! ones are dropped and counted) and folds *every* record into a 64-bit hash
//! through a hand-written, platform-independent encoding. Two runs with equal
//! hashes produced the same trace, natively and in WebAssembly; the hash is
//! what determinism tests and share URLs pin.
//!
//! Records are stored in chunks shared between clones ([`Arc`]), so cloning a
//! simulation for a checkpoint copies at most one chunk of records.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::client::{OpKind, Outcome};
use crate::ids::{ClientId, Micros, MsgId, NodeId, OpId, TimerId};
use crate::node::{MsgKind, NodeEvent};
use crate::tracehash::TraceHasher;

/// Records per shared chunk.
const CHUNK_RECORDS: usize = 2_048;

/// Why a message (or a client request) did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Sender and receiver are in different partition groups.
    Partitioned,
    /// The directed link is cut.
    LinkCut,
    /// The link lost it (`loss_ppm`).
    Lost,
    /// The receiver is crashed or removed, or crashed while it was in flight.
    NodeDown,
    /// The receiver's inbox was full (`limits.inbox_messages_max`).
    InboxFull,
    /// The receiver does not exist.
    UnknownNode,
}

impl DropReason {
    /// A short lower-case name, for the page and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Partitioned => "partitioned",
            DropReason::LinkCut => "link cut",
            DropReason::Lost => "lost",
            DropReason::NodeDown => "node down",
            DropReason::InboxFull => "inbox full",
            DropReason::UnknownNode => "unknown node",
        }
    }
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceEvent {
    /// A node handed a message to the network.
    Sent {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
    },
    /// A message reached its receiver's handler.
    Delivered {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
    },
    /// A message will never arrive.
    Dropped {
        msg: MsgId,
        from: NodeId,
        to: NodeId,
        reason: DropReason,
    },
    /// The network duplicated `msg`; `copy` travels on its own.
    Duplicated {
        msg: MsgId,
        copy: MsgId,
    },
    /// Something waits in a busy or paused node's inbox, which now holds `depth` items.
    Queued {
        node: NodeId,
        depth: u32,
    },
    /// A timer fired and its handler ran.
    TimerFired {
        node: NodeId,
        timer: TimerId,
    },
    /// A timer was lost because the paused node's inbox was full.
    TimerLost {
        node: NodeId,
        timer: TimerId,
    },
    /// A client issued an operation to `node`.
    Invoked {
        op: OpId,
        client: ClientId,
        node: NodeId,
        kind: OpKind,
    },
    /// A client request reached its node's handler.
    Received {
        op: OpId,
        node: NodeId,
    },
    /// A client request will never be handled.
    RequestLost {
        op: OpId,
        node: NodeId,
        reason: DropReason,
    },
    /// A client learned the outcome of an operation.
    Completed {
        op: OpId,
        client: ClientId,
        outcome: Outcome,
    },
    /// A protocol event.
    Node {
        node: NodeId,
        event: NodeEvent,
    },
    /// An intervention, in a sentence ("crash n2").
    Intervention {
        description: String,
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
    /// A node joined the cluster.
    Added {
        node: NodeId,
    },
    /// A node left the cluster for good.
    Removed {
        node: NodeId,
    },
}

/// A trace event and when it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceRecord {
    pub at_us: Micros,
    pub event: TraceEvent,
}

/// The bounded record of a run plus its running hash.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Full chunks, oldest first, shared with clones.
    chunks: VecDeque<Arc<Vec<TraceRecord>>>,
    /// The chunk being filled.
    tail: Vec<TraceRecord>,
    /// Records dropped from the front (the sequence number of the oldest kept one).
    dropped: u64,
    retain_max: usize,
    chunk_len: usize,
    hasher: TraceHasher,
}

impl Trace {
    /// An empty trace keeping at most `retain_max` records. Old records are
    /// dropped a chunk at a time, so at least `3/4 * retain_max` (or
    /// `retain_max - 2048`) of the newest are always kept.
    pub fn new(retain_max: usize) -> Self {
        let chunk_len = (retain_max / 4).clamp(1, CHUNK_RECORDS);
        Trace {
            chunks: VecDeque::new(),
            tail: Vec::new(),
            dropped: 0,
            retain_max,
            chunk_len,
            hasher: TraceHasher::new(),
        }
    }

    /// Appends a record and folds it into the hash.
    #[inline]
    pub fn push(&mut self, at_us: Micros, event: TraceEvent) {
        self.hasher.record(at_us, &event);
        if self.retain_max == 0 {
            self.dropped += 1;
            return;
        }
        if self.tail.capacity() == 0 {
            self.tail.reserve_exact(self.chunk_len);
        }
        self.tail.push(TraceRecord { at_us, event });
        if self.tail.len() >= self.chunk_len {
            self.seal_tail();
        }
    }

    fn seal_tail(&mut self) {
        let full = std::mem::take(&mut self.tail);
        self.chunks.push_back(Arc::new(full));
        let mut kept = self.chunks.iter().map(|c| c.len()).sum::<usize>();
        while kept > self.retain_max - self.chunk_len && !self.chunks.is_empty() {
            let Some(old) = self.chunks.pop_front() else { break };
            kept -= old.len();
            self.dropped += old.len() as u64;
            // Reuse the allocation when no clone shares the chunk.
            if self.tail.capacity() == 0 {
                if let Ok(mut v) = Arc::try_unwrap(old) {
                    v.clear();
                    self.tail = v;
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
        self.chunks.iter().map(|c| c.len()).sum::<usize>() + self.tail.len()
    }

    /// True if no record is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The kept records, oldest first.
    pub fn records(&self) -> impl DoubleEndedIterator<Item = &TraceRecord> + '_ {
        self.chunks.iter().flat_map(|c| c.iter()).chain(self.tail.iter())
    }

    /// The kept records with `at_us >= since_us`, oldest first.
    pub fn since(&self, since_us: Micros) -> impl Iterator<Item = &TraceRecord> + '_ {
        // Records are in time order: skip whole chunks that end before `since_us`.
        let skip_chunks = self.chunks.iter().take_while(|c| c.last().is_some_and(|r| r.at_us < since_us)).count();
        self.chunks
            .iter()
            .skip(skip_chunks)
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
            .skip_while(move |r| r.at_us < since_us)
    }

    /// The kept records whose sequence number (0 = first record ever) is at
    /// least `seq`: a page asks for `from_seq(last_total)` each frame.
    pub fn from_seq(&self, seq: u64) -> impl Iterator<Item = &TraceRecord> + '_ {
        let skip = usize::try_from(seq.saturating_sub(self.dropped)).unwrap_or(usize::MAX);
        self.records().skip(skip)
    }
}

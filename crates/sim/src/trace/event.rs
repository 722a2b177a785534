//! What the trace records: [`TraceEvent`] (every observable thing a run does),
//! [`DropReason`] (why a message or request did not arrive) and
//! [`TraceRecord`] (an event and its time). The storage and the hash live in
//! the parent module.

use serde::{Deserialize, Serialize};

use crate::client::{OpKind, Outcome};
use crate::ids::{ClientId, Micros, MsgId, NodeId, OpId, TimerId};
use crate::node::{MsgKind, NodeEvent};

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
    /// The cluster sent more than `limits.messages_per_s_max` messages in
    /// this second of virtual time (a replication storm).
    RateLimited,
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
            DropReason::RateLimited => "message rate limit reached",
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

//! The messages single-leader nodes exchange.

use sim::{Message, MsgKind, NodeId, OpId, Reply, Request};

use crate::log::{Entry, Snapshot, Versioned};

/// One single-leader message. Every message carries the sender's epoch; a
/// receiver that knows a higher epoch rejects it, and a sender that learns of
/// a higher epoch steps down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Leader to follower: entries after `prev_index` (none: a heartbeat).
    Append {
        epoch: u64,
        prev_index: u64,
        prev_epoch: u64,
        entries: Vec<Entry>,
        /// The leader's acknowledged (committed) position.
        commit_index: u64,
        /// The leader's last position when it sent this; entries of older
        /// epochs the follower holds beyond it are divergent.
        leader_last_index: u64,
        /// The leader's clock at send time, echoed back for its lease.
        sent_at_us: i64,
    },
    /// Follower to leader: the answer to `Append` or `Snapshot`.
    AppendReply {
        epoch: u64,
        ok: bool,
        /// On success: the follower's log matches the leader's up to here.
        match_index: u64,
        /// On failure: the leader should retry from `hint_index + 1`.
        hint_index: u64,
        /// The follower cannot match without a snapshot.
        need_snapshot: bool,
        applied_index: u64,
        sent_at_us: i64,
    },
    /// Leader to follower: the leader's whole applied state.
    Snapshot {
        epoch: u64,
        snapshot: Snapshot,
        commit_index: u64,
        sent_at_us: i64,
    },
    /// Candidate to voter. `pre`: "would you vote for me?" without changing
    /// anyone's epoch.
    VoteRequest {
        epoch: u64,
        pre: bool,
        last_index: u64,
        last_epoch: u64,
    },
    VoteReply {
        epoch: u64,
        pre: bool,
        granted: bool,
    },
    /// A replica hands a read it cannot serve to the leader.
    Forward {
        req: Request,
    },
    /// The leader's answer to a forwarded read, for the replica to pass on.
    ForwardReply {
        op: OpId,
        reply: Reply,
    },
    /// A quorum-read coordinator asks a replica for its copy of `key`.
    ReadRequest {
        op: OpId,
        key: String,
    },
    ReadReply {
        op: OpId,
        value: Option<Versioned>,
        applied_index: u64,
    },
}

impl Message for Msg {
    fn kind(&self) -> MsgKind {
        match self {
            Msg::Append { entries, .. } if entries.is_empty() => MsgKind::Heartbeat,
            Msg::Append { .. } | Msg::Snapshot { .. } => MsgKind::Replication,
            Msg::AppendReply { .. } => MsgKind::Ack,
            Msg::VoteRequest { .. } | Msg::VoteReply { .. } => MsgKind::Vote,
            Msg::Forward { .. } | Msg::ForwardReply { .. } | Msg::ReadRequest { .. } | Msg::ReadReply { .. } => {
                MsgKind::Client
            }
        }
    }

    fn size_bytes(&self) -> u32 {
        let body: usize = match self {
            Msg::Append { entries, .. } => entries.iter().map(|e| 24 + e.key.len() + e.value.len()).sum(),
            Msg::Snapshot { snapshot, .. } => snapshot.kv.iter().map(|(k, v)| 16 + k.len() + v.value.len()).sum(),
            _ => 0,
        };
        u32::try_from(64 + body).unwrap_or(u32::MAX)
    }
}

/// Who a node's waiting read answers to: its own client or a forwarding replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Client,
    Via(NodeId),
}

//! What clients ask and what they are told: the vocabulary shared by protocols
//! (which answer requests) and checkers (which judge the recorded history).

use serde::{Deserialize, Serialize};

use crate::ids::{ClientId, NodeId, OpId};

/// One client operation on the key-value store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// Read a key; the reply lists the values seen (none: absent; several: siblings).
    Read { key: String },
    /// Write a value; workloads make each written value unique so checkers can trace it.
    Write { key: String, value: String },
    /// Add `by` to a counter (CRDT counters, stock decrements).
    Incr { key: String, by: i64 },
}

impl OpKind {
    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            OpKind::Read { key } | OpKind::Write { key, .. } | OpKind::Incr { key, .. } => key,
        }
    }

    /// True for reads.
    pub fn is_read(&self) -> bool {
        matches!(self, OpKind::Read { .. })
    }
}

/// How a client wants its reads served. Protocols that cannot honour a policy
/// treat it as `Any`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadPolicy {
    /// Whatever replica the client talks to answers from its local state.
    #[default]
    Any,
    /// Only the leader answers; replicas forward or refuse.
    Leader,
    /// The replica answers once it has reached the client's session token
    /// (the position of the client's last write): read-your-writes.
    ReadYourWrites,
    /// The replica answers once it has reached the position of the client's
    /// last read or write: monotonic reads.
    MonotonicReads,
    /// Ask a quorum and return the newest.
    Quorum,
}

/// A request as a node receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub op: OpId,
    pub client: ClientId,
    pub kind: OpKind,
    pub policy: ReadPolicy,
    /// The client's session token: the highest log position it has observed
    /// (its last write or read), 0 when none. Opaque to the kernel.
    pub token: u64,
}

/// How an operation ended, Jepsen-style.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It happened. Reads carry the values seen (empty: key absent).
    Ok { values: Vec<String> },
    /// It definitely did not happen.
    Fail { reason: String },
    /// Unknown: it may or may not have happened (timeouts, crashes).
    Info { reason: String },
}

/// A node's answer to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub outcome: Outcome,
    /// The new session token for the client (see [`Request::token`]).
    pub token: Option<u64>,
    /// Where the client should go next time (the current leader), if known.
    pub leader_hint: Option<NodeId>,
}

impl Reply {
    /// A successful reply with no values (a write).
    pub fn ok() -> Self {
        Reply { outcome: Outcome::Ok { values: Vec::new() }, token: None, leader_hint: None }
    }

    /// A successful read.
    pub fn values(values: Vec<String>) -> Self {
        Reply { outcome: Outcome::Ok { values }, token: None, leader_hint: None }
    }

    /// A definite failure.
    pub fn fail(reason: impl Into<String>) -> Self {
        Reply { outcome: Outcome::Fail { reason: reason.into() }, token: None, leader_hint: None }
    }

    /// The same reply carrying a session token.
    pub fn with_token(mut self, token: u64) -> Self {
        self.token = Some(token);
        self
    }

    /// The same reply carrying a leader hint.
    pub fn with_leader_hint(mut self, leader: Option<NodeId>) -> Self {
        self.leader_hint = leader;
        self
    }
}

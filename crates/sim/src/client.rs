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
    /// Add `elem` to the set stored under `key`.
    SetAdd { key: String, elem: String },
    /// Remove `elem` from the set stored under `key`.
    SetRemove { key: String, elem: String },
    /// "Sell one if stock > 0": decrement the counter under `key` if it is
    /// positive, else fail with "out of stock". The reply carries the new value.
    DecrIfPositive { key: String },
}

impl OpKind {
    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            OpKind::Read { key }
            | OpKind::Write { key, .. }
            | OpKind::Incr { key, .. }
            | OpKind::SetAdd { key, .. }
            | OpKind::SetRemove { key, .. }
            | OpKind::DecrIfPositive { key } => key,
        }
    }

    /// True for reads.
    pub fn is_read(&self) -> bool {
        matches!(self, OpKind::Read { .. })
    }

    /// True for operations that change the store (everything but reads).
    pub fn is_update(&self) -> bool {
        !self.is_read()
    }

    /// A short phrase for panels and logs: "write x = a", "add 1 to x", ...
    pub fn describe(&self) -> String {
        match self {
            OpKind::Read { key } => format!("read {key}"),
            OpKind::Write { key, value } => format!("write {key} = {value}"),
            OpKind::Incr { key, by } => format!("add {by} to {key}"),
            OpKind::SetAdd { key, elem } => format!("add {elem} to set {key}"),
            OpKind::SetRemove { key, elem } => format!("remove {elem} from set {key}"),
            OpKind::DecrIfPositive { key } => format!("sell one {key} if in stock"),
        }
    }
}

/// The new value of a single-valued store (one string per key) after
/// update `kind`, given the key's current value. Sets are kept as their
/// sorted elements joined by commas. `Err` is the failure reason a client
/// sees ("out of stock: ..."). Protocols with one order of writes use this;
/// reads are a programmer error.
pub fn single_value_update(kind: &OpKind, current: Option<&str>) -> Result<String, String> {
    let number = || current.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let elements = || -> std::collections::BTreeSet<String> {
        current.map(|v| v.split(',').filter(|e| !e.is_empty()).map(str::to_string).collect()).unwrap_or_default()
    };
    match kind {
        OpKind::Read { .. } => unreachable!("reads do not update"),
        OpKind::Write { value, .. } => Ok(value.clone()),
        OpKind::Incr { by, .. } => Ok(number().saturating_add(*by).to_string()),
        OpKind::SetAdd { elem, .. } | OpKind::SetRemove { elem, .. } if elem.is_empty() || elem.contains(',') => {
            Err(format!("set element {elem:?} must be non-empty and without ','"))
        }
        OpKind::SetAdd { elem, .. } => {
            let mut set = elements();
            set.insert(elem.clone());
            Ok(set.into_iter().collect::<Vec<_>>().join(","))
        }
        OpKind::SetRemove { elem, .. } => {
            let mut set = elements();
            set.remove(elem);
            Ok(set.into_iter().collect::<Vec<_>>().join(","))
        }
        OpKind::DecrIfPositive { key } => match number() {
            n if n > 0 => Ok((n - 1).to_string()),
            n => Err(format!("out of stock: {key} is {n}")),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn update(kind: OpKind, current: Option<&str>) -> Result<String, String> {
        single_value_update(&kind, current)
    }

    #[test]
    fn sets_are_sorted_elements_and_stock_never_goes_below_zero() {
        let add = |e: &str| OpKind::SetAdd { key: "s".into(), elem: e.into() };
        assert_eq!(update(add("b"), Some("a,c")), Ok("a,b,c".into()));
        assert_eq!(update(add("a"), Some("a")), Ok("a".into()));
        assert_eq!(update(OpKind::SetRemove { key: "s".into(), elem: "a".into() }, Some("a,b")), Ok("b".into()));
        assert_eq!(update(add("x,y"), None), Err("set element \"x,y\" must be non-empty and without ','".into()));
        let sell = || OpKind::DecrIfPositive { key: "stock".into() };
        assert_eq!(update(sell(), Some("1")), Ok("0".into()));
        assert_eq!(update(sell(), Some("0")), Err("out of stock: stock is 0".into()));
        assert_eq!(update(sell(), None), Err("out of stock: stock is 0".into()));
    }
}

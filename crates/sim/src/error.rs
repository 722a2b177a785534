//! The kernel's typed errors.
//!
//! Bad input from a user (an unknown node in an action, a configuration that
//! cannot work) and a limit being reached are errors, never panics. Each
//! message names the offending value, e.g. "unknown node n7 (the cluster has
//! 5 nodes)" or "event queue full: 1000000 events (limits.events_queued_max)".

use thiserror::Error;

use crate::ids::{ClientId, Micros, NodeId};

/// Everything that can go wrong in the kernel.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SimError {
    /// An action or a configuration named a node that does not exist.
    #[error("unknown node {node} (the cluster has {nodes} nodes)")]
    UnknownNode { node: NodeId, nodes: usize },
    /// An action or a configuration named a client that does not exist.
    #[error("unknown client {client} (there are {clients} clients)")]
    UnknownClient { client: ClientId, clients: usize },
    /// A configuration value that cannot work; `field` is its path.
    #[error("{field}: {reason}")]
    InvalidConfig { field: String, reason: String },
    /// An action that does not apply in the current state ("restart n2: n2 is up").
    #[error("{action}: {reason}")]
    InvalidAction { action: String, reason: String },
    /// A script whose interventions are not in time order.
    #[error("script[{index}]: at_us {at_us} is before the previous intervention at {previous_us}")]
    ScriptOutOfOrder { index: usize, at_us: Micros, previous_us: Micros },
    /// `limits.events_queued_max` was reached.
    #[error("event queue full: {limit} events (limits.events_queued_max)")]
    EventQueueFull { limit: usize },
    /// `limits.history_ops_max` was reached.
    #[error("history full: {limit} operations (limits.history_ops_max)")]
    HistoryFull { limit: usize },
    /// `limits.client_queue_max` was reached for one client.
    #[error("client {client} queue full: {limit} operations waiting (limits.client_queue_max)")]
    ClientQueueFull { client: ClientId, limit: usize },
    /// `limits.nodes_max` was reached.
    #[error("too many nodes: at most {limit} (limits.nodes_max)")]
    TooManyNodes { limit: usize },
    /// `limits.clients_max` was reached.
    #[error("too many clients: at most {limit} (limits.clients_max)")]
    TooManyClients { limit: usize },
}

impl SimError {
    pub(crate) fn config(field: impl Into<String>, reason: impl Into<String>) -> Self {
        SimError::InvalidConfig { field: field.into(), reason: reason.into() }
    }

    pub(crate) fn action(action: impl Into<String>, reason: impl Into<String>) -> Self {
        SimError::InvalidAction { action: action.into(), reason: reason.into() }
    }
}

//! What leaderless nodes send each other: a coordinator's writes and reads
//! to replicas and their answers, read repair, hinted handoff, and the
//! anti-entropy exchange of Merkle trees and key ranges.

use serde::{Deserialize, Serialize};
use sim::{Message, MsgKind, NodeId};

use super::dvv::Sib;

/// A leaderless message. `req` numbers a coordinator's request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Msg {
    /// Store this version of `key`; `hint` names the home replica it is
    /// held for (sloppy quorum), `None` when the receiver is a home.
    Put {
        req: u64,
        key: String,
        sib: Sib,
        hint: Option<NodeId>,
    },
    PutAck {
        req: u64,
    },
    /// Send your versions of `key`.
    Get {
        req: u64,
        key: String,
    },
    GetReply {
        req: u64,
        sibs: Vec<Sib>,
    },
    /// A read saw this replica stale: merge these versions.
    Repair {
        key: String,
        sibs: Vec<Sib>,
    },
    /// Hinted versions handed back to their home replica.
    Handoff {
        items: Vec<(String, Sib)>,
    },
    HandoffAck {
        items: Vec<(String, sim::NodeId, u64)>,
    },
    /// Anti-entropy: the sender's Merkle leaves over the keys both share.
    Tree {
        leaves: Vec<u64>,
    },
    /// Anti-entropy: the ranges that differed and the sender's keys in them;
    /// `reply` asks the receiver to send its own keys in those ranges back.
    Ranges {
        ranges: Vec<u32>,
        keys: Vec<(String, Vec<Sib>)>,
        reply: bool,
    },
}

impl Message for Msg {
    fn kind(&self) -> MsgKind {
        match self {
            Msg::Put { .. } | Msg::Get { .. } => MsgKind::Replication,
            Msg::PutAck { .. } | Msg::GetReply { .. } | Msg::HandoffAck { .. } => MsgKind::Ack,
            Msg::Repair { .. } | Msg::Handoff { .. } | Msg::Tree { .. } | Msg::Ranges { .. } => MsgKind::Repair,
        }
    }

    fn size_bytes(&self) -> u32 {
        match self {
            Msg::Tree { leaves } => 32 + 8 * leaves.len() as u32,
            Msg::Ranges { keys, .. } => 64 + 48 * keys.len() as u32,
            Msg::Handoff { items } => 64 + 48 * items.len() as u32,
            _ => 64,
        }
    }
}

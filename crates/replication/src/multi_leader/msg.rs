//! What multi-leader nodes send each other: updates (with their origin and
//! the leaders they passed), per-link acknowledgements, and client requests
//! forwarded to a key's home region.

use serde::{Deserialize, Serialize};
use sim::{Message, MsgKind, NodeId, OpId, Reply, Request};

use super::store::Payload;

/// One update to one key as it travels between nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    pub key: String,
    /// The leader that accepted the client's write.
    pub origin: NodeId,
    /// The leaders this update has been applied on, the origin first. With
    /// loop prevention a leader never sends it to one already listed.
    pub passed: Vec<NodeId>,
    pub payload: Payload,
}

/// A multi-leader message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Msg {
    /// An update; `link_seq` numbers it on this link so the receiver can ack it.
    Update { link_seq: u64, update: Update },
    /// The receiver has applied update `link_seq` of this link.
    Ack { link_seq: u64 },
    /// A client write sent on to the leader of the key's home region.
    Forward { req: Request },
    /// The home leader's answer to a forwarded write.
    ForwardReply { op: OpId, reply: Reply },
}

impl Message for Msg {
    fn kind(&self) -> MsgKind {
        match self {
            Msg::Update { .. } => MsgKind::Replication,
            Msg::Ack { .. } => MsgKind::Ack,
            Msg::Forward { .. } | Msg::ForwardReply { .. } => MsgKind::Client,
        }
    }

    fn size_bytes(&self) -> u32 {
        match self {
            Msg::Update { update, .. } => 96 + update.key.len() as u32 + 8 * update.passed.len() as u32,
            _ => 64,
        }
    }
}

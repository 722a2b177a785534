//! Multi-leader replication (active-active): several leaders, each in its
//! own region, accept writes locally and acknowledge them at local speed,
//! then replicate to each other asynchronously; each leader feeds its own
//! followers.
//!
//! Main types: [`MultiLeader`] (the protocol, built from
//! [`MultiLeaderSettings`]), [`MultiLeaderNode`] (read it through
//! [`crate::view::ReplicaView`]), [`MultiLeaderCommand`] (change topology,
//! strategy, loop prevention or key homes at run time) and
//! [`MultiLeaderDurable`] (the store and outboxes, which survive a crash).
//!
//! # Topologies and loops
//!
//! Leaders pass updates all-to-all (the origin sends to everyone), around a
//! ring (each to the next) or through a star's hub. Each update carries its
//! origin and the leaders it has passed; with loop prevention a leader never
//! sends an update to a leader already listed, and forwards only what
//! changed its store. Without it, a leader forwards everything it receives
//! to every next hop but the sender: in a ring (or all-to-all with three or
//! more leaders) updates circulate forever and the message rate climbs until
//! the kernel's `limits.messages_per_s_max` drops the excess, a state the
//! trace records and the page names. Every hop is reliable: an update stays
//! in the sender's outbox (on disk) until the receiver acknowledges it, and
//! is sent again every `resend_us`. So when a node on a ring or star path is
//! down, every node behind it stops receiving updates until it returns, and
//! then catches up.
//!
//! # Conflicts
//!
//! Each register value carries a version vector, the origin's clock reading
//! (clock skew included) and the values its writer had seen. A value that
//! has seen the current one replaces it; concurrent values conflict, and the
//! [`Strategy`] resolves them: last write wins (the higher timestamp, so a
//! skewed clock can drop the write that happened later in real time),
//! version vectors (siblings), merge (union) or CRDTs (PN-counter, add-wins
//! OR-set, see [`crdt`]). Every resolution is a `NodeEvent::Conflict` naming
//! the strategy, the competing versions, what was kept and what dropped.
//! With key homes on, writes go to the leader of the key's home region, so
//! the same workload has no conflicts.
//!
//! ```
//! use replication::multi_leader::{MultiLeader, MultiLeaderSettings, Strategy};
//! let settings = MultiLeaderSettings { strategy: Strategy::VersionVectors, ..MultiLeaderSettings::default() };
//! let protocol = MultiLeader::new(settings);
//! assert!(protocol.settings.loop_prevention);
//! ```

pub mod crdt;
mod msg;
mod node;
mod settings;
mod store;
mod view;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use sim::{NodeId, Protocol};

pub use msg::{Msg, Update};
pub use node::{MultiLeaderDurable, MultiLeaderNode, Outgoing, Timer, OUTBOX_PER_PEER_MAX, RESEND_BATCH_MAX};
pub use settings::{MultiLeaderCommand, MultiLeaderSettings, Region, Strategy, Topology};
pub use store::{KeyState, Payload, Sibling, Store, VERSIONS_PER_KEY_MAX};

/// The multi-leader protocol: a factory of [`MultiLeaderNode`]s sharing settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiLeader {
    pub settings: MultiLeaderSettings,
}

impl MultiLeader {
    pub fn new(settings: MultiLeaderSettings) -> Self {
        MultiLeader { settings }
    }
}

impl Protocol for MultiLeader {
    type Node = MultiLeaderNode;

    fn new_node(&self, id: NodeId, _nodes: &[NodeId]) -> MultiLeaderNode {
        MultiLeaderNode::new(id, self.settings.clone())
    }
}

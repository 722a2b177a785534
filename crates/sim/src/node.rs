//! The contract between the kernel and a protocol.
//!
//! A [`Protocol`] builds [`Node`]s. A node is a pure state machine: the kernel
//! calls one handler at a time and the node answers only through its
//! [`Context`], whose effects (send, timers, replies, trace events) the kernel
//! applies after the handler returns. A node never reads a clock or a random
//! source except through the context, so the same inputs give the same run.
//!
//! Crash semantics: the node value is dropped; only `Durable` survives. On
//! restart the kernel builds a fresh node with [`Protocol::new_node`] and calls
//! [`Node::on_restart`], where `ctx.durable()` holds what was persisted.

use std::fmt::Debug;

use serde::{Deserialize, Serialize};

use crate::client::{Reply, Request};
use crate::ids::{Micros, NodeId, OpId, TimerId};
use crate::rng::Rng;

/// What a message is for; the page colours messages by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MsgKind {
    Replication,
    Ack,
    Heartbeat,
    Vote,
    Client,
    Repair,
    Other,
}

/// A protocol's message type.
pub trait Message: Clone + Debug {
    /// The message's kind, for the page and the trace.
    fn kind(&self) -> MsgKind;
    /// The size on the wire, for links with limited bandwidth.
    fn size_bytes(&self) -> u32 {
        64
    }
}

/// The role a node plays, as protocols report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Leader,
    Follower,
    Candidate,
    /// A peer in a leaderless or multi-leader cluster.
    Replica,
}

/// A protocol-level event for the trace: what the page animates and tests pin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeEvent {
    /// The node's role or epoch (term) changed.
    Role { role: Role, epoch: u64 },
    /// An entry was appended to the node's log.
    Append { index: u64, epoch: u64 },
    /// The node's commit point moved to `index`.
    Commit { index: u64 },
    /// The node applied its log up to `index`.
    Apply { index: u64 },
    /// The node dropped its log from `from_index` on (a divergent suffix).
    Truncate { from_index: u64 },
    /// The node installed a snapshot covering positions up to `up_to`.
    Snapshot { up_to: u64 },
    /// A conflict was resolved (boxed: it is large and rare).
    Conflict(Box<Conflict>),
    /// Anything else worth showing, in a sentence.
    Note { text: String },
}

/// One of the competing versions of a conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictVersion {
    pub value: String,
    /// The node that accepted the write.
    pub origin: NodeId,
    /// The origin's clock when it accepted the write (its skew included).
    pub timestamp_us: i64,
    /// The version vector of the write, by node.
    pub vector: Vec<(NodeId, u64)>,
}

/// A conflict a protocol resolved: the key, the strategy, the competing
/// versions, the values kept (the winner, the siblings, or the merge) and the
/// values dropped (the losers; empty when nothing was lost).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub key: String,
    /// "last write wins", "version vectors", "merge (union)", "crdt counter", ...
    pub strategy: String,
    pub versions: Vec<ConflictVersion>,
    pub kept: Vec<String>,
    pub dropped: Vec<String>,
    /// The strategy's verdict in a sentence.
    pub verdict: String,
}

/// An effect a handler asks the kernel to carry out.
#[derive(Clone, Debug)]
pub enum Effect<M> {
    Send { to: NodeId, msg: M },
    SetTimer { id: TimerId, after_us: Micros, tag: u64 },
    CancelTimer { id: TimerId },
    Reply { op: OpId, reply: Reply },
    Emit(NodeEvent),
}

/// Builds the nodes of one protocol with its settings.
pub trait Protocol: Clone + Debug {
    type Node: Node;
    /// A fresh node `id` in a cluster of `nodes` (which includes `id`).
    fn new_node(&self, id: NodeId, nodes: &[NodeId]) -> Self::Node;
}

/// One node's state machine.
pub trait Node: Clone + Debug {
    type Msg: Message;
    /// What survives a crash (a node's disk).
    type Durable: Clone + Debug + Default;
    /// Protocol-specific interventions: promote, change a setting, ...
    type Command: Clone + Debug;

    /// Called once when the node first starts.
    fn on_start(&mut self, ctx: &mut Context<'_, Self>);
    /// Called on a fresh node after a crash; `ctx.durable()` holds what survived.
    fn on_restart(&mut self, ctx: &mut Context<'_, Self>);
    /// A message arrived from another node.
    fn on_message(&mut self, from: NodeId, msg: Self::Msg, ctx: &mut Context<'_, Self>);
    /// A timer set with `ctx.set_timer` fired.
    fn on_timer(&mut self, timer: TimerId, tag: u64, ctx: &mut Context<'_, Self>);
    /// A client asked something; answer now or later with `ctx.reply(req.op, ..)`.
    fn on_client_request(&mut self, req: Request, ctx: &mut Context<'_, Self>);
    /// An intervention addressed to this node.
    fn on_command(&mut self, cmd: Self::Command, ctx: &mut Context<'_, Self>);
    /// The cluster's membership changed (a node was added or removed).
    fn on_membership(&mut self, nodes: &[NodeId], ctx: &mut Context<'_, Self>) {
        let _ = (nodes, ctx);
    }
}

/// What a handler can see and do. Built by the kernel for one handler call.
pub struct Context<'a, N: Node> {
    pub(crate) id: NodeId,
    pub(crate) nodes: &'a [NodeId],
    pub(crate) local_time_us: i64,
    pub(crate) rng: &'a mut Rng,
    pub(crate) durable: &'a mut N::Durable,
    pub(crate) next_timer: &'a mut u64,
    pub(crate) effects: &'a mut Vec<Effect<N::Msg>>,
}

impl<'a, N: Node> Context<'a, N> {
    /// Builds a context; the kernel and protocol unit tests use this.
    pub fn new(
        id: NodeId,
        nodes: &'a [NodeId],
        local_time_us: i64,
        rng: &'a mut Rng,
        durable: &'a mut N::Durable,
        next_timer: &'a mut u64,
        effects: &'a mut Vec<Effect<N::Msg>>,
    ) -> Self {
        Context { id, nodes, local_time_us, rng, durable, next_timer, effects }
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// Every node in the cluster, this one included, in id order.
    pub fn nodes(&self) -> &[NodeId] {
        self.nodes
    }

    /// The other nodes, in id order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        let me = self.id;
        self.nodes.iter().copied().filter(move |&n| n != me)
    }

    /// This node's clock: true time plus its skew and drift. May be negative
    /// or run backwards across a skew change; use it for timestamps, not timers.
    pub fn local_time_us(&self) -> i64 {
        self.local_time_us
    }

    /// This node's own random stream.
    pub fn rng(&mut self) -> &mut Rng {
        self.rng
    }

    /// What this node has persisted.
    pub fn durable(&self) -> &N::Durable {
        self.durable
    }

    /// Persist: changes made here survive a crash, and take effect at once.
    pub fn durable_mut(&mut self) -> &mut N::Durable {
        self.durable
    }

    /// Sends a message; the network decides when, whether and how often it arrives.
    pub fn send(&mut self, to: NodeId, msg: N::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    /// Sends a copy to every other node.
    pub fn broadcast(&mut self, msg: N::Msg) {
        for i in 0..self.nodes.len() {
            let to = self.nodes[i];
            if to != self.id {
                self.effects.push(Effect::Send { to, msg: msg.clone() });
            }
        }
    }

    /// Sets a timer that fires `after_us` of virtual time from now with `tag`.
    /// Timers are volatile: a crash cancels them.
    pub fn set_timer(&mut self, after_us: Micros, tag: u64) -> TimerId {
        let id = TimerId(*self.next_timer);
        *self.next_timer += 1;
        self.effects.push(Effect::SetTimer { id, after_us, tag });
        id
    }

    /// Cancels a timer; cancelling a fired or unknown timer does nothing.
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.effects.push(Effect::CancelTimer { id });
    }

    /// Answers a client operation. A second reply to the same op is ignored.
    pub fn reply(&mut self, op: OpId, reply: Reply) {
        self.effects.push(Effect::Reply { op, reply });
    }

    /// Records a protocol event in the trace.
    pub fn emit(&mut self, event: NodeEvent) {
        self.effects.push(Effect::Emit(event));
    }
}

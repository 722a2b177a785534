//! The leaderless node's state, its timers and the kernel's entry points.
//! Whatever node a client talks to coordinates its request
//! ([`super::coordinator`]); every node is also a replica for the keys the
//! ring gives it ([`super::replica`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::{ClientId, Context, Node, NodeEvent, NodeId, OpId, Request, Role, TimerId};

use super::dvv::{KeyState, Sib, Vv};
use super::msg::Msg;
use super::ring::Ring;
use super::settings::{LeaderlessCommand, LeaderlessSettings};
use sim::versions::Version;

pub(super) type Ctx<'a> = Context<'a, LeaderlessNode>;

/// At most this many applied versions are remembered per key for the checkers.
pub const VERSIONS_PER_KEY_MAX: usize = 1_000;
/// At most this many requests a node coordinates at once; more are refused.
pub const PENDING_REQUESTS_MAX: usize = 1_024;
/// At most this many client read contexts a coordinator keeps (oldest go first).
pub const CONTEXTS_MAX: usize = 4_096;
/// At most this many hinted versions go back to a home replica per handoff tick.
pub const HANDOFF_BATCH_MAX: usize = 64;
/// A node that missed a deadline is skipped (sloppy quorum) or counted out
/// (strict) for this long, unless it is heard from sooner; then it is tried again.
pub const SUSPECT_US: i64 = 1_000_000;

pub(super) const TAG_ANTI_ENTROPY: u64 = 1;
pub(super) const TAG_HANDOFF: u64 = 2;
/// Request timers carry `TAG_REQUEST_BASE + request number`.
pub(super) const TAG_REQUEST_BASE: u64 = 16;

/// What survives a crash: the store, the versions applied (for the
/// checkers), the hints held for other nodes, the dot counter and the settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderlessDurable {
    pub store: BTreeMap<String, KeyState>,
    pub history: BTreeMap<String, Vec<Version>>,
    /// Per home replica: versions held for it until it takes them back.
    pub hints: BTreeMap<NodeId, BTreeMap<String, KeyState>>,
    pub next_dot: u64,
    /// Versions applied to the store so far.
    pub applied: u64,
    pub settings: Option<LeaderlessSettings>,
}

/// What a coordinator is waiting for.
#[derive(Clone, Debug)]
pub(super) enum Waiting {
    Write { sib: Sib, acked: Vec<NodeId> },
    Read { replies: Vec<(NodeId, Vec<Sib>)> },
}

/// One request a node coordinates.
#[derive(Clone, Debug)]
pub(super) struct Pending {
    pub op: OpId,
    pub client: ClientId,
    pub key: String,
    /// R or W.
    pub need: usize,
    /// Where it was sent, each with the home it stands in for (a hint).
    pub targets: Vec<(NodeId, Option<NodeId>)>,
    pub waiting: Waiting,
    pub replied: bool,
    pub fell_back: bool,
    pub timer: TimerId,
}

impl Pending {
    pub fn answered(&self) -> Vec<NodeId> {
        match &self.waiting {
            Waiting::Write { acked, .. } => acked.clone(),
            Waiting::Read { replies } => replies.iter().map(|r| r.0).collect(),
        }
    }
}

/// One node of a leaderless cluster.
#[derive(Clone, Debug)]
pub struct LeaderlessNode {
    pub(super) id: NodeId,
    pub(super) settings: LeaderlessSettings,
    pub(super) nodes: Vec<NodeId>,
    pub(super) ring: Ring,
    /// A mirror of the durable state, so the page can read it.
    pub(super) d: LeaderlessDurable,
    pub(super) pending: BTreeMap<u64, Pending>,
    pub(super) next_req: u64,
    /// Per client and key: the clock and values of its last read or write.
    pub(super) contexts: BTreeMap<(ClientId, String), (Vv, Vec<String>)>,
    /// Nodes that missed a request's deadline, with the local time until
    /// which they stay suspected (or until they are heard from).
    pub(super) suspected: BTreeMap<NodeId, i64>,
    pub(super) ae_turn: usize,
    pub(super) ae_timer: Option<TimerId>,
    pub(super) handoff_timer: Option<TimerId>,
}

impl LeaderlessNode {
    pub fn new(id: NodeId, settings: LeaderlessSettings, nodes: &[NodeId]) -> Self {
        let ring = Ring::new(nodes, settings.vnodes);
        LeaderlessNode {
            id,
            settings,
            nodes: nodes.to_vec(),
            ring,
            d: LeaderlessDurable::default(),
            pending: BTreeMap::new(),
            next_req: 1,
            contexts: BTreeMap::new(),
            suspected: BTreeMap::new(),
            ae_turn: 0,
            ae_timer: None,
            handoff_timer: None,
        }
    }

    pub fn settings(&self) -> &LeaderlessSettings {
        &self.settings
    }

    pub fn ring(&self) -> &Ring {
        &self.ring
    }

    pub fn durable(&self) -> &LeaderlessDurable {
        &self.d
    }

    /// Hinted versions held here, per home replica.
    pub fn hints(&self) -> BTreeMap<NodeId, u64> {
        self.d.hints.iter().map(|(&h, keys)| (h, keys.values().map(|k| k.sibs.len() as u64).sum())).collect()
    }

    /// `key`'s home replicas under the current N.
    pub fn preference_list(&self, key: &str) -> Vec<NodeId> {
        self.ring.preference_list(key, self.settings.n_for(self.nodes.len()))
    }

    /// Runs `f` on the durable state and on the in-memory mirror.
    pub(super) fn both<R>(&mut self, ctx: &mut Ctx<'_>, f: impl Fn(&mut LeaderlessDurable) -> R) -> R {
        f(ctx.durable_mut());
        f(&mut self.d)
    }

    fn boot(&mut self, ctx: &mut Ctx<'_>) {
        ctx.emit(NodeEvent::Role { role: Role::Replica, epoch: 0 });
        self.arm_anti_entropy(ctx);
        self.handoff_timer = Some(ctx.set_timer(self.settings.handoff_us.max(1), TAG_HANDOFF));
    }

    /// True if `node` missed a deadline recently and has not been heard from since.
    pub(super) fn is_suspected(&self, node: NodeId, now_us: i64) -> bool {
        self.suspected.get(&node).is_some_and(|&until| now_us < until)
    }

    pub(super) fn arm_anti_entropy(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(t) = self.ae_timer.take() {
            ctx.cancel_timer(t);
        }
        if self.settings.anti_entropy_us > 0 {
            self.ae_timer = Some(ctx.set_timer(self.settings.anti_entropy_us, TAG_ANTI_ENTROPY));
        }
    }

    fn persist_settings(&mut self, ctx: &mut Ctx<'_>) {
        let s = Some(self.settings.clone());
        self.both(ctx, |d| d.settings = s.clone());
    }
}

impl Node for LeaderlessNode {
    type Msg = Msg;
    type Durable = LeaderlessDurable;
    type Command = LeaderlessCommand;

    fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        self.persist_settings(ctx);
        self.boot(ctx);
    }

    fn on_restart(&mut self, ctx: &mut Ctx<'_>) {
        self.d = ctx.durable().clone();
        if let Some(s) = &self.d.settings {
            self.settings = s.clone();
            self.ring = Ring::new(&self.nodes, self.settings.vnodes);
        }
        self.boot(ctx);
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_>) {
        self.suspected.remove(&from);
        match msg {
            Msg::PutAck { req } => self.on_put_ack(from, req, ctx),
            Msg::GetReply { req, sibs } => self.on_get_reply(from, req, sibs, ctx),
            other => self.on_replica_message(from, other, ctx),
        }
    }

    fn on_timer(&mut self, timer: TimerId, tag: u64, ctx: &mut Ctx<'_>) {
        match tag {
            TAG_ANTI_ENTROPY if self.ae_timer == Some(timer) => {
                self.start_anti_entropy(ctx);
                self.ae_timer = None;
                self.arm_anti_entropy(ctx);
            }
            TAG_HANDOFF if self.handoff_timer == Some(timer) => {
                self.hand_off(ctx);
                self.handoff_timer = Some(ctx.set_timer(self.settings.handoff_us.max(1), TAG_HANDOFF));
            }
            t if t >= TAG_REQUEST_BASE => self.on_request_timeout(t - TAG_REQUEST_BASE, timer, ctx),
            _ => {}
        }
    }

    fn on_client_request(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        self.coordinate(req, ctx);
    }

    fn on_command(&mut self, cmd: LeaderlessCommand, ctx: &mut Ctx<'_>) {
        cmd.apply_to(&mut self.settings);
        self.persist_settings(ctx);
        if let LeaderlessCommand::SetAntiEntropy { .. } = cmd {
            self.arm_anti_entropy(ctx);
        }
    }

    fn on_membership(&mut self, nodes: &[NodeId], _ctx: &mut Ctx<'_>) {
        self.nodes = nodes.to_vec();
        self.ring = Ring::new(nodes, self.settings.vnodes);
    }
}

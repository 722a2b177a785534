//! A tiny deterministic test bed for unit tests: it hands nodes a `Context`,
//! carries out their effects with a fixed latency, and fires timers in time
//! order. The real engine lives in `sim`; this exists so the node logic can
//! be pinned without it.

use std::collections::{BTreeMap, BTreeSet};

use sim::{ClientId, Stream};
use sim::{Context, Effect, Node, NodeEvent, NodeId, OpId, OpKind, Protocol, ReadPolicy, Reply, Request, Rng, TimerId};

use crate::single_leader::{Msg, SingleLeader, SingleLeaderDurable, SingleLeaderNode, SingleLeaderSettings};

pub const LATENCY_US: u64 = 1_000;

enum Ev {
    Deliver { from: NodeId, to: NodeId, msg: Msg },
    Timer { node: NodeId, generation: u32, id: TimerId, tag: u64 },
}

pub struct Bed {
    pub protocol: SingleLeader,
    pub ids: Vec<NodeId>,
    pub nodes: Vec<Option<SingleLeaderNode>>,
    pub durables: Vec<SingleLeaderDurable>,
    generations: Vec<u32>,
    rngs: Vec<Rng>,
    next_timer: u64,
    pub now_us: u64,
    queue: BTreeMap<(u64, u64), Ev>,
    seq: u64,
    cancelled: BTreeSet<TimerId>,
    pub replies: BTreeMap<OpId, Reply>,
    pub events: Vec<(u64, NodeId, NodeEvent)>,
    cut: BTreeSet<(NodeId, NodeId)>,
    next_op: u64,
}

impl Bed {
    pub fn new(n: u32, settings: SingleLeaderSettings) -> Bed {
        let ids: Vec<NodeId> = (0..n).map(NodeId).collect();
        let protocol = SingleLeader::new(settings);
        let mut bed = Bed {
            nodes: ids.iter().map(|&id| Some(protocol.new_node(id, &ids))).collect(),
            durables: vec![SingleLeaderDurable::default(); n as usize],
            generations: vec![0; n as usize],
            rngs: ids.iter().map(|id| Rng::derive(7, Stream::Node(id.0))).collect(),
            protocol,
            ids,
            next_timer: 0,
            now_us: 0,
            queue: BTreeMap::new(),
            seq: 0,
            cancelled: BTreeSet::new(),
            replies: BTreeMap::new(),
            events: Vec::new(),
            cut: BTreeSet::new(),
            next_op: 0,
        };
        for i in 0..n {
            bed.call(NodeId(i), |node, ctx| node.on_start(ctx));
        }
        bed
    }

    pub fn node(&self, id: u32) -> &SingleLeaderNode {
        self.nodes[id as usize].as_ref().expect("node is up")
    }

    /// Runs one handler on a live node, carries out its effects and returns
    /// the messages it sent.
    pub fn call(
        &mut self,
        id: NodeId,
        f: impl FnOnce(&mut SingleLeaderNode, &mut Context<'_, SingleLeaderNode>),
    ) -> Vec<(NodeId, Msg)> {
        let i = id.0 as usize;
        let mut sent = Vec::new();
        let Some(node) = self.nodes[i].as_mut() else { return sent };
        let mut effects = Vec::new();
        {
            let mut ctx = Context::new(
                id,
                &self.ids,
                self.now_us as i64,
                &mut self.rngs[i],
                &mut self.durables[i],
                &mut self.next_timer,
                &mut effects,
            );
            f(node, &mut ctx);
        }
        for effect in effects {
            match effect {
                Effect::Send { to, msg } => {
                    sent.push((to, msg.clone()));
                    self.push(self.now_us + LATENCY_US, Ev::Deliver { from: id, to, msg });
                }
                Effect::SetTimer { id: timer, after_us, tag } => {
                    let generation = self.generations[i];
                    self.push(self.now_us + after_us, Ev::Timer { node: id, generation, id: timer, tag });
                }
                Effect::CancelTimer { id } => {
                    self.cancelled.insert(id);
                }
                Effect::Reply { op, reply } => {
                    self.replies.entry(op).or_insert(reply);
                }
                Effect::Emit(e) => self.events.push((self.now_us, id, e)),
            }
        }
        sent
    }

    fn push(&mut self, at: u64, ev: Ev) {
        self.seq += 1;
        self.queue.insert((at, self.seq), ev);
    }

    /// Carries out every event up to `t_us`.
    pub fn run_until(&mut self, t_us: u64) {
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > t_us {
                break;
            }
            let ((at, _), ev) = entry.remove_entry();
            self.now_us = at;
            match ev {
                Ev::Deliver { from, to, msg } => {
                    if !self.cut.contains(&(from, to)) {
                        self.call(to, |n, ctx| n.on_message(from, msg, ctx));
                    }
                }
                Ev::Timer { node, generation, id, tag } => {
                    if generation == self.generations[node.0 as usize] && !self.cancelled.contains(&id) {
                        self.call(node, |n, ctx| n.on_timer(id, tag, ctx));
                    }
                }
            }
        }
        self.now_us = t_us;
    }

    /// Sends a client request straight to `node` (no client latency).
    pub fn request(&mut self, node: u32, kind: OpKind, policy: ReadPolicy, token: u64) -> OpId {
        let op = OpId(self.next_op);
        self.next_op += 1;
        let req = Request { op, client: ClientId(0), kind, policy, token };
        self.call(NodeId(node), |n, ctx| n.on_client_request(req, ctx));
        op
    }

    pub fn write(&mut self, node: u32, key: &str, value: &str) -> OpId {
        let kind = OpKind::Write { key: key.into(), value: value.into() };
        self.request(node, kind, ReadPolicy::Any, 0)
    }

    pub fn read(&mut self, node: u32, key: &str, policy: ReadPolicy, token: u64) -> OpId {
        self.request(node, OpKind::Read { key: key.into() }, policy, token)
    }

    pub fn reply(&self, op: OpId) -> Option<&Reply> {
        self.replies.get(&op)
    }

    pub fn crash(&mut self, id: u32) {
        self.nodes[id as usize] = None;
        self.generations[id as usize] += 1;
    }

    pub fn restart(&mut self, id: u32) {
        self.nodes[id as usize] = Some(self.protocol.new_node(NodeId(id), &self.ids));
        self.call(NodeId(id), |n, ctx| n.on_restart(ctx));
    }

    /// Cuts both directions between every node of `a` and every node of `b`.
    pub fn partition(&mut self, a: &[u32], b: &[u32]) {
        for &x in a {
            for &y in b {
                self.cut.insert((NodeId(x), NodeId(y)));
                self.cut.insert((NodeId(y), NodeId(x)));
            }
        }
    }

    pub fn cut_link(&mut self, from: u32, to: u32) {
        self.cut.insert((NodeId(from), NodeId(to)));
    }

    pub fn heal(&mut self) {
        self.cut.clear();
    }

    /// Adds a node with the next id and tells the others.
    pub fn add_node(&mut self) -> u32 {
        let id = NodeId(self.ids.len() as u32);
        self.ids.push(id);
        self.nodes.push(Some(self.protocol.new_node(id, &self.ids)));
        self.durables.push(SingleLeaderDurable::default());
        self.generations.push(0);
        self.rngs.push(Rng::derive(7, Stream::Node(id.0)));
        self.call(id, |n, ctx| n.on_start(ctx));
        let ids = self.ids.clone();
        for &other in &ids[..ids.len() - 1] {
            self.call(other, |n, ctx| n.on_membership(&ids, ctx));
        }
        id.0
    }

    /// The events one node emitted, in order.
    pub fn events_of(&self, id: u32) -> Vec<&NodeEvent> {
        self.events.iter().filter(|(_, n, _)| n.0 == id).map(|(_, _, e)| e).collect()
    }

    /// The node that is leader with the highest epoch, if any.
    pub fn leader(&self) -> Option<u32> {
        self.nodes
            .iter()
            .flatten()
            .filter(|n| n.role() == sim::Role::Leader)
            .max_by_key(|n| n.epoch())
            .map(|n| n.id().0)
    }
}

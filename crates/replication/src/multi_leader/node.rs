//! The multi-leader node: accepts writes as a region's leader (or refuses
//! them as a follower), forwards writes to a key's home region when conflict
//! avoidance is on, replicates along the topology through a per-peer outbox
//! that resends until acknowledged, and merges what arrives.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::{Context, Node, NodeEvent, NodeId, OpKind, Reply, Request, Role, TimerId};

use super::msg::{Msg, Update};
use super::settings::{MultiLeaderCommand, MultiLeaderSettings};
use super::store::Store;

pub(super) type Ctx<'a> = Context<'a, MultiLeaderNode>;

/// At most this many unacknowledged updates wait for one peer; past it the
/// oldest is dropped (a note in the trace) so a storm stays bounded.
pub const OUTBOX_PER_PEER_MAX: usize = 4_096;
/// At most this many updates are sent again to one peer per resend tick.
pub const RESEND_BATCH_MAX: usize = 64;

/// The node's timers, typed; the kernel carries them as a `u64` tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Send unacknowledged updates again.
    Resend,
}

impl Timer {
    fn tag(self) -> u64 {
        match self {
            Timer::Resend => 1,
        }
    }

    fn from_tag(tag: u64) -> Option<Timer> {
        (tag == 1).then_some(Timer::Resend)
    }
}

/// An update waiting for a peer's acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    pub update: Update,
    /// Local clock when first sent, and when last sent.
    pub first_sent_us: i64,
    pub last_sent_us: i64,
}

/// What survives a crash: the store, the outboxes (a replication log on
/// disk) and the settings the node last took.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiLeaderDurable {
    pub store: Store,
    /// Per peer, by link sequence number.
    pub outbox: BTreeMap<NodeId, BTreeMap<u64, Outgoing>>,
    pub next_link_seq: u64,
    pub settings: Option<MultiLeaderSettings>,
}

/// One node of a multi-leader cluster.
#[derive(Clone, Debug)]
pub struct MultiLeaderNode {
    pub(super) id: NodeId,
    pub(super) settings: MultiLeaderSettings,
    /// A mirror of the durable state, so the page can read it.
    pub(super) d: MultiLeaderDurable,
    pub(super) resend_timer: Option<TimerId>,
    pub(super) now_us: i64,
}

impl MultiLeaderNode {
    pub fn new(id: NodeId, settings: MultiLeaderSettings) -> Self {
        MultiLeaderNode { id, settings, d: MultiLeaderDurable::default(), resend_timer: None, now_us: 0 }
    }

    pub fn settings(&self) -> &MultiLeaderSettings {
        &self.settings
    }

    pub fn store(&self) -> &Store {
        &self.d.store
    }

    pub fn outbox(&self) -> &BTreeMap<NodeId, BTreeMap<u64, Outgoing>> {
        &self.d.outbox
    }

    pub fn is_leader(&self) -> bool {
        self.settings.is_leader(self.id)
    }

    /// Runs `f` on the durable state and on the in-memory mirror, so a
    /// change is on disk at once without copying the whole store.
    fn both<R>(&mut self, ctx: &mut Ctx<'_>, f: impl Fn(&mut MultiLeaderDurable) -> R) -> R {
        f(ctx.durable_mut());
        f(&mut self.d)
    }

    fn boot(&mut self, ctx: &mut Ctx<'_>) {
        self.now_us = ctx.local_time_us();
        let role = if self.is_leader() { Role::Leader } else { Role::Follower };
        ctx.emit(NodeEvent::Role { role, epoch: 0 });
        self.arm(ctx);
    }

    fn arm(&mut self, ctx: &mut Ctx<'_>) {
        self.resend_timer = Some(ctx.set_timer(self.settings.resend_us.max(1), Timer::Resend.tag()));
    }

    /// A client update accepted here: apply, replicate, and return the
    /// answer, which goes out at local speed (no other region is waited for).
    fn accept(&mut self, req: &Request, ctx: &mut Ctx<'_>) -> Reply {
        let (id, now, strategy) = (self.id, self.now_us, self.settings.strategy);
        match self.both(ctx, |d| d.store.local(id, &req.kind, now, strategy)) {
            Err(reason) => Reply::fail(reason),
            Ok((key, payload, values)) => {
                let update = Update { key, origin: self.id, passed: vec![self.id], payload };
                self.replicate(update, None, ctx);
                match req.kind {
                    OpKind::Write { .. } => Reply::ok(),
                    _ => Reply::values(values),
                }
            }
        }
    }

    /// Sends `update` to this node's followers and the next leaders.
    fn replicate(&mut self, update: Update, from: Option<NodeId>, ctx: &mut Ctx<'_>) {
        if !self.is_leader() {
            return;
        }
        let mut to: Vec<NodeId> =
            self.settings.region_of(self.id).map(|r| self.settings.regions[r].followers.clone()).unwrap_or_default();
        to.extend(self.settings.next_leaders(self.id, &update.passed, from));
        for peer in to {
            let mut update = update.clone();
            if self.settings.is_leader(peer) && self.settings.loop_prevention && !update.passed.contains(&peer) {
                update.passed.push(peer);
            }
            self.send_update(peer, update, ctx);
        }
    }

    fn send_update(&mut self, peer: NodeId, update: Update, ctx: &mut Ctx<'_>) {
        let now = self.now_us;
        let (link_seq, full) = self.both(ctx, |d| {
            let link_seq = d.next_link_seq;
            d.next_link_seq += 1;
            let queue = d.outbox.entry(peer).or_default();
            let full = queue.len() >= OUTBOX_PER_PEER_MAX;
            if full {
                queue.pop_first();
            }
            queue.insert(link_seq, Outgoing { update: update.clone(), first_sent_us: now, last_sent_us: now });
            (link_seq, full)
        });
        if full {
            ctx.emit(NodeEvent::Note {
                text: format!("{}: outbox to {peer} full ({OUTBOX_PER_PEER_MAX}); oldest update dropped", self.id),
            });
        }
        ctx.send(peer, Msg::Update { link_seq, update });
    }

    fn on_update(&mut self, from: NodeId, link_seq: u64, mut update: Update, ctx: &mut Ctx<'_>) {
        ctx.send(from, Msg::Ack { link_seq });
        let strategy = self.settings.strategy;
        let (changed, conflict) = self.both(ctx, |d| d.store.merge(&update.key, &update.payload, strategy));
        if let Some(c) = conflict {
            ctx.emit(NodeEvent::Conflict(Box::new(c)));
        }
        if self.is_leader() && (changed || !self.settings.loop_prevention) {
            if self.settings.loop_prevention && !update.passed.contains(&self.id) {
                update.passed.push(self.id);
            }
            self.replicate(update, Some(from), ctx);
        }
    }

    fn on_resend(&mut self, ctx: &mut Ctx<'_>) {
        let due = self.now_us - i64::try_from(self.settings.resend_us).unwrap_or(i64::MAX);
        let now = self.now_us;
        let mut sends = Vec::new();
        for (&peer, queue) in &self.d.outbox {
            for (&link_seq, out) in queue.iter().filter(|(_, o)| o.last_sent_us <= due).take(RESEND_BATCH_MAX) {
                sends.push((peer, link_seq, out.update.clone()));
            }
        }
        for (peer, link_seq, update) in sends {
            self.both(ctx, |d| {
                if let Some(out) = d.outbox.get_mut(&peer).and_then(|q| q.get_mut(&link_seq)) {
                    out.last_sent_us = now;
                }
            });
            ctx.send(peer, Msg::Update { link_seq, update });
        }
        self.arm(ctx);
    }

    fn client_update(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        if !self.is_leader() {
            let region = self.settings.region_of(self.id).map(|r| &self.settings.regions[r]);
            let reply = match region {
                Some(r) => Reply::fail(format!("not a leader: write in region {} through {}", r.name, r.leader))
                    .with_leader_hint(Some(r.leader)),
                None => Reply::fail("not a leader"),
            };
            ctx.reply(req.op, reply);
            return;
        }
        if self.settings.use_key_homes {
            if let Some(home) = self.settings.home_leader(req.kind.key()).filter(|&h| h != self.id) {
                ctx.send(home, Msg::Forward { req });
                return;
            }
        }
        let reply = self.accept(&req, ctx);
        ctx.reply(req.op, reply);
    }
}

impl Node for MultiLeaderNode {
    type Msg = Msg;
    type Durable = MultiLeaderDurable;
    type Command = MultiLeaderCommand;

    fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        let settings = Some(self.settings.clone());
        self.both(ctx, |d| d.settings = settings.clone());
        self.boot(ctx);
    }

    fn on_restart(&mut self, ctx: &mut Ctx<'_>) {
        self.d = ctx.durable().clone();
        if let Some(s) = &self.d.settings {
            self.settings = s.clone();
        }
        self.boot(ctx);
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_>) {
        self.now_us = ctx.local_time_us();
        match msg {
            Msg::Update { link_seq, update } => self.on_update(from, link_seq, update, ctx),
            Msg::Ack { link_seq } => {
                self.both(ctx, |d| d.outbox.get_mut(&from).and_then(|q| q.remove(&link_seq)));
            }
            Msg::Forward { req } => {
                // The home leader accepts and answers through the forwarder.
                let reply = self.accept(&req, ctx);
                ctx.send(from, Msg::ForwardReply { op: req.op, reply });
            }
            Msg::ForwardReply { op, reply } => ctx.reply(op, reply),
        }
    }

    fn on_timer(&mut self, timer: TimerId, tag: u64, ctx: &mut Ctx<'_>) {
        self.now_us = ctx.local_time_us();
        match Timer::from_tag(tag) {
            Some(Timer::Resend) if self.resend_timer == Some(timer) => self.on_resend(ctx),
            _ => {}
        }
    }

    fn on_client_request(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        self.now_us = ctx.local_time_us();
        match &req.kind {
            OpKind::Read { key } => {
                let values = self.d.store.keys.get(key).map(|k| k.read()).unwrap_or_default();
                ctx.reply(req.op, Reply::values(values));
            }
            _ => self.client_update(req, ctx),
        }
    }

    fn on_command(&mut self, cmd: MultiLeaderCommand, ctx: &mut Ctx<'_>) {
        self.now_us = ctx.local_time_us();
        cmd.apply_to(&mut self.settings);
        let settings = Some(self.settings.clone());
        self.both(ctx, |d| d.settings = settings.clone());
        if let MultiLeaderCommand::SetStrategy(strategy) = cmd {
            for c in self.both(ctx, |d| d.store.settle(strategy)) {
                ctx.emit(NodeEvent::Conflict(Box::new(c)));
            }
        }
    }
}

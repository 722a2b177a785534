//! The single-leader node: its state, what it persists, and the dispatch from
//! kernel callbacks to the leader, follower, election and read halves.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sim::{Context, Node, NodeEvent, NodeId, OpId, OpKind, Reply, Request, Role, TimerId};

use super::leader::{PendingWrite, Progress};
use super::msg::Msg;
use super::reads::{QuorumRead, WaitingRead};
use super::settings::{SingleLeaderCommand, SingleLeaderSettings};
use crate::log::ReplicatedLog;

pub(super) type Ctx<'a> = Context<'a, SingleLeaderNode>;

/// Timer tags: the low byte is the kind, the rest an operation id.
pub(super) const TAG_HEARTBEAT: u64 = 1;
pub(super) const TAG_ELECTION: u64 = 2;
pub(super) const TAG_APPLY: u64 = 3;
pub(super) const TAG_READ_WAIT: u64 = 4;
pub(super) const TAG_QUORUM_READ: u64 = 5;

/// What a node keeps on disk: it survives a crash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SingleLeaderDurable {
    /// The highest epoch this node has seen.
    pub epoch: u64,
    /// Whom it voted for in `epoch` (at most one vote per epoch).
    pub voted_for: Option<NodeId>,
    /// It was leader of `epoch` when it last persisted.
    pub was_leader: bool,
    /// Its log, snapshot base and applied state.
    pub log: ReplicatedLog,
    /// Its current settings, like a config file: commands change them, and a
    /// restarted node takes them up again instead of the protocol's initial
    /// ones. `None` before the node first starts.
    pub settings: Option<SingleLeaderSettings>,
}

/// One node of a single-leader cluster.
#[derive(Clone, Debug)]
pub struct SingleLeaderNode {
    pub(super) id: NodeId,
    pub(super) settings: SingleLeaderSettings,
    // Mirrors of the durable state, kept so the page can read them.
    pub(super) epoch: u64,
    pub(super) voted_for: Option<NodeId>,
    pub(super) log: ReplicatedLog,
    // Volatile state, lost in a crash.
    pub(super) role: Role,
    pub(super) leader: Option<NodeId>,
    pub(super) commit_index: u64,
    /// As leader: the last position when it took the lead. It serves leader
    /// and session reads once it has committed up to here.
    pub(super) lead_start_index: u64,
    /// As a follower: the leader's last position at its latest message.
    pub(super) leader_last_index: u64,
    /// As a follower: the prefix verified against the current leader.
    pub(super) matched_index: u64,
    pub(super) last_heard_leader_us: Option<i64>,
    pub(super) last_leader_sent_at_us: i64,
    pub(super) election_timer: Option<TimerId>,
    pub(super) heartbeat_timer: Option<TimerId>,
    pub(super) apply_timer: Option<TimerId>,
    /// Votes gathered in the current (pre-)election round.
    pub(super) votes: BTreeSet<NodeId>,
    pub(super) pre_voting: bool,
    /// The local clock when this node last asked for votes.
    pub(super) election_started_us: i64,
    pub(super) followers: BTreeMap<NodeId, Progress>,
    pub(super) pending_writes: BTreeMap<u64, PendingWrite>,
    pub(super) waiting_reads: BTreeMap<OpId, WaitingRead>,
    pub(super) quorum_reads: BTreeMap<OpId, QuorumRead>,
    pub(super) cluster_size: usize,
    /// The local clock at the latest handler call.
    pub(super) now_us: i64,
}

impl SingleLeaderNode {
    /// A fresh node with nothing in memory.
    pub fn new(id: NodeId, settings: SingleLeaderSettings, cluster_size: usize) -> Self {
        SingleLeaderNode {
            id,
            settings,
            epoch: 0,
            voted_for: None,
            log: ReplicatedLog::default(),
            role: Role::Follower,
            leader: None,
            commit_index: 0,
            lead_start_index: 0,
            leader_last_index: 0,
            matched_index: 0,
            last_heard_leader_us: None,
            last_leader_sent_at_us: 0,
            election_timer: None,
            heartbeat_timer: None,
            apply_timer: None,
            votes: BTreeSet::new(),
            pre_voting: false,
            election_started_us: 0,
            followers: BTreeMap::new(),
            pending_writes: BTreeMap::new(),
            waiting_reads: BTreeMap::new(),
            quorum_reads: BTreeMap::new(),
            cluster_size,
            now_us: 0,
        }
    }

    fn enter(&mut self, ctx: &Ctx<'_>) {
        self.now_us = ctx.local_time_us();
        self.cluster_size = ctx.nodes().len();
    }

    /// The smallest number of nodes that is more than half the cluster.
    pub(super) fn majority(&self) -> usize {
        self.cluster_size / 2 + 1
    }

    /// Runs `f` on the durable log and on the in-memory mirror.
    pub(super) fn with_log<R>(&mut self, ctx: &mut Ctx<'_>, f: impl Fn(&mut ReplicatedLog) -> R) -> R {
        f(&mut ctx.durable_mut().log);
        f(&mut self.log)
    }

    /// Persists epoch, vote and whether this node leads.
    pub(super) fn persist_meta(&mut self, ctx: &mut Ctx<'_>) {
        let d = ctx.durable_mut();
        d.epoch = self.epoch;
        d.voted_for = self.voted_for;
        d.was_leader = self.role == Role::Leader;
    }

    pub(super) fn set_role(&mut self, role: Role, ctx: &mut Ctx<'_>) {
        self.role = role;
        self.persist_meta(ctx);
        ctx.emit(NodeEvent::Role { role, epoch: self.epoch });
    }

    pub(super) fn note(&self, text: String, ctx: &mut Ctx<'_>) {
        ctx.emit(NodeEvent::Note { text });
    }

    /// Adopts a higher epoch seen in a message; a leader or candidate steps
    /// down. Returns true if the epoch was new.
    pub(super) fn observe_epoch(&mut self, epoch: u64, ctx: &mut Ctx<'_>) -> bool {
        if epoch <= self.epoch {
            return false;
        }
        let was = self.role;
        self.epoch = epoch;
        self.voted_for = None;
        self.leader = None;
        if was == Role::Follower {
            self.persist_meta(ctx);
        } else {
            self.note(format!("{} steps down: saw epoch {epoch}", self.id), ctx);
            self.become_follower(ctx);
        }
        true
    }

    /// Becomes a follower (of `self.leader`, if known).
    pub(super) fn become_follower(&mut self, ctx: &mut Ctx<'_>) {
        if self.role == Role::Leader {
            self.abandon_leadership(ctx);
        }
        self.pre_voting = false;
        self.votes.clear();
        self.set_role(Role::Follower, ctx);
        self.reset_election_timer(ctx);
    }

    fn client_write(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        if self.role == Role::Leader {
            self.leader_write(req, ctx);
            return;
        }
        let reply = match self.leader {
            Some(l) => Reply::fail(format!("not the leader: write to {l}")).with_leader_hint(Some(l)),
            None => Reply::fail("no leader: read-only"),
        };
        ctx.reply(req.op, reply);
    }
}

impl Node for SingleLeaderNode {
    type Msg = Msg;
    type Durable = SingleLeaderDurable;
    type Command = SingleLeaderCommand;

    fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        self.enter(ctx);
        ctx.durable_mut().settings = Some(self.settings.clone());
        self.epoch = ctx.durable().epoch.max(1);
        if self.id == self.settings.initial_leader {
            self.voted_for = Some(self.id);
            self.become_leader(ctx);
            // The cluster boots together: the boot counts as a lease.
            let now = self.now_us;
            for p in self.followers.values_mut() {
                p.lease_from_us = Some(now);
            }
        } else {
            self.leader = Some(self.settings.initial_leader);
            self.last_heard_leader_us = Some(self.now_us);
            self.set_role(Role::Follower, ctx);
            self.reset_election_timer(ctx);
        }
    }

    fn on_restart(&mut self, ctx: &mut Ctx<'_>) {
        self.enter(ctx);
        let d = ctx.durable().clone();
        if let Some(settings) = d.settings {
            self.settings = settings;
        }
        self.epoch = d.epoch;
        self.voted_for = d.voted_for;
        self.log = d.log;
        self.commit_index = self.log.applied_index().min(self.log.last_index());
        self.note(
            format!(
                "{} restarts at epoch {} with log up to {}, applied {}",
                self.id,
                self.epoch,
                self.log.last_index(),
                self.log.applied_index()
            ),
            ctx,
        );
        if d.was_leader && !self.settings.failover {
            // Without automatic failover the primary stays primary until an
            // operator promotes another node.
            self.become_leader(ctx);
        } else {
            self.set_role(Role::Follower, ctx);
            self.reset_election_timer(ctx);
            self.schedule_apply(ctx);
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_>) {
        self.enter(ctx);
        match msg {
            Msg::Append { .. } => self.on_append(from, msg, ctx),
            Msg::AppendReply { .. } => self.on_append_reply(from, msg, ctx),
            Msg::Snapshot { epoch, snapshot, commit_index, sent_at_us } => {
                self.on_snapshot(from, epoch, snapshot, commit_index, sent_at_us, ctx)
            }
            Msg::VoteRequest { epoch, pre, last_index, last_epoch } => {
                self.on_vote_request(from, epoch, pre, last_epoch, last_index, ctx)
            }
            Msg::VoteReply { epoch, pre, granted } => self.on_vote_reply(from, epoch, pre, granted, ctx),
            Msg::Forward { req } => self.on_forward(from, req, ctx),
            Msg::ForwardReply { op, reply } => ctx.reply(op, reply),
            Msg::ReadRequest { op, key } => {
                let value = self.read_value(&key);
                ctx.send(from, Msg::ReadReply { op, value, applied_index: self.read_index() });
            }
            Msg::ReadReply { op, value, .. } => self.on_read_reply(from, op, value, ctx),
        }
    }

    fn on_timer(&mut self, timer: TimerId, tag: u64, ctx: &mut Ctx<'_>) {
        self.enter(ctx);
        let op = OpId(tag >> 8);
        match tag & 0xff {
            TAG_HEARTBEAT if self.heartbeat_timer == Some(timer) => self.on_heartbeat_timer(ctx),
            TAG_ELECTION if self.election_timer == Some(timer) => self.on_election_timer(ctx),
            TAG_APPLY if self.apply_timer == Some(timer) => self.on_apply_timer(ctx),
            TAG_READ_WAIT => self.on_read_wait_timer(op, timer, ctx),
            TAG_QUORUM_READ => self.on_quorum_timer(op, timer, ctx),
            _ => {}
        }
    }

    fn on_client_request(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        self.enter(ctx);
        match req.kind {
            OpKind::Read { .. } => self.client_read(req, ctx),
            _ => self.client_write(req, ctx),
        }
    }

    fn on_command(&mut self, cmd: SingleLeaderCommand, ctx: &mut Ctx<'_>) {
        self.enter(ctx);
        cmd.apply_to(&mut self.settings);
        ctx.durable_mut().settings = Some(self.settings.clone());
        match cmd {
            SingleLeaderCommand::Promote => self.promote(ctx),
            SingleLeaderCommand::SetFailover { .. } | SingleLeaderCommand::SetFailoverTimeout { .. }
                if self.role != Role::Leader =>
            {
                self.reset_election_timer(ctx)
            }
            // Mode changes can release (or hold) writes waiting for acks.
            _ if self.role == Role::Leader => self.advance_commit(ctx),
            _ => {}
        }
    }

    fn on_membership(&mut self, nodes: &[NodeId], ctx: &mut Ctx<'_>) {
        self.enter(ctx);
        self.cluster_size = nodes.len();
        if self.role == Role::Leader {
            self.update_followers(nodes, ctx);
        }
    }
}

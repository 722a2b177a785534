//! Reads, per client policy: local reads, forwarding to the leader, waiting
//! for a session token (read-your-writes, monotonic reads) and quorum reads.
//!
//! | policy | leader | follower |
//! | --- | --- | --- |
//! | `Any` | local | local (may be stale) |
//! | `Leader` | local; with fencing only while holding the lease | forwarded to the leader; refused with no leader |
//! | `ReadYourWrites`, `MonotonicReads` | local | local once applied >= token; waits up to `read_wait_us_max`, then forwards |
//! | `Quorum` | asks every replica, answers with the newest of a majority by (epoch, position) | same |
//!
//! A leader answers every read (its own part of a quorum read too) from its
//! state as of its commit index, never from entries it has applied but not
//! yet committed: those can still be truncated by a later leader, and a read
//! that saw one would go back in time. A new leader serves `Leader`,
//! read-your-writes and monotonic reads only once it has committed the log it
//! took over (every acknowledged write is in it); until then `Leader` reads
//! are refused and session reads wait.

use std::collections::BTreeMap;

use sim::{NodeId, OpId, ReadPolicy, Reply, Request, Role, TimerId};

use super::msg::{Msg, Route};
use super::node::{Ctx, SingleLeaderNode, TAG_QUORUM_READ, TAG_READ_WAIT};
use crate::log::Versioned;

/// The most reads one node holds waiting (for a token or a quorum).
pub const WAITING_READS_MAX: usize = 1_024;

/// A read waiting for this replica to reach the client's session token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingRead {
    pub req: Request,
    pub timer: TimerId,
}

/// A quorum read gathering answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumRead {
    pub req: Request,
    pub timer: TimerId,
    pub answers: BTreeMap<NodeId, Option<Versioned>>,
}

impl SingleLeaderNode {
    pub(super) fn client_read(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        match req.policy {
            ReadPolicy::Any => self.serve_local(req, Route::Client, None, ctx),
            ReadPolicy::Leader => self.leader_read(req, Route::Client, ctx),
            ReadPolicy::ReadYourWrites | ReadPolicy::MonotonicReads => {
                if self.reached_token(req.token) {
                    self.serve_local(req, Route::Client, None, ctx);
                } else if self.waiting_reads.len() >= WAITING_READS_MAX {
                    self.forward_or_fail(req, ctx);
                } else {
                    let timer = ctx.set_timer(self.settings.read_wait_us_max, TAG_READ_WAIT | (req.op.0 << 8));
                    self.waiting_reads.insert(req.op, WaitingRead { req, timer });
                }
            }
            ReadPolicy::Quorum => self.start_quorum_read(req, ctx),
        }
    }

    /// The position reads here are answered at: the commit index on the
    /// leader, the applied position elsewhere.
    pub(super) fn read_index(&self) -> u64 {
        if self.role == Role::Leader {
            self.commit_index.min(self.log.applied_index())
        } else {
            self.log.applied_index()
        }
    }

    /// One key as reads here see it (as of [`Self::read_index`]).
    pub(super) fn read_value(&self, key: &str) -> Option<Versioned> {
        self.log.get_as_of(key, self.read_index())
    }

    /// True if this node leads and has committed the whole log it took over.
    fn leader_ready(&self) -> bool {
        self.role == Role::Leader && self.commit_index >= self.lead_start_index
    }

    /// True if a session read with `token` can be served here now.
    fn reached_token(&self, token: u64) -> bool {
        if self.role == Role::Leader {
            self.leader_ready()
        } else {
            self.log.applied_index() >= token
        }
    }

    fn send_reply(&self, route: Route, op: OpId, reply: Reply, ctx: &mut Ctx<'_>) {
        match route {
            Route::Client => ctx.reply(op, reply),
            Route::Via(node) => ctx.send(node, Msg::ForwardReply { op, reply }),
        }
    }

    /// Answers from the local state. A served read carries no leader hint
    /// (a hint moves the client), except a leader read served by the leader.
    fn serve_local(&self, req: Request, route: Route, hint: Option<NodeId>, ctx: &mut Ctx<'_>) {
        let values = self.read_value(req.kind.key()).map(|v| vec![v.value]).unwrap_or_default();
        let token = req.token.max(self.read_index());
        let reply = Reply::values(values).with_token(token).with_leader_hint(hint);
        self.send_reply(route, req.op, reply, ctx);
    }

    fn leader_read(&self, req: Request, route: Route, ctx: &mut Ctx<'_>) {
        if self.role != Role::Leader {
            match route {
                Route::Client => self.forward_or_fail(req, ctx),
                Route::Via(_) => {
                    let reply = Reply::fail(format!("{} is not the leader", self.id)).with_leader_hint(self.leader);
                    self.send_reply(route, req.op, reply, ctx);
                }
            }
        } else if self.settings.fencing && !self.lease_valid() {
            let reply = Reply::fail("fenced: leader lease expired, cannot serve a leader read");
            self.send_reply(route, req.op, reply, ctx);
        } else if !self.leader_ready() {
            let reply = Reply::fail(format!("leader {} has not yet committed the log it took over", self.id));
            self.send_reply(route, req.op, reply, ctx);
        } else {
            let hint = (req.policy == ReadPolicy::Leader).then_some(self.id);
            self.serve_local(req, route, hint, ctx);
        }
    }

    /// Hands a read this replica cannot serve to the leader, or refuses it.
    fn forward_or_fail(&self, req: Request, ctx: &mut Ctx<'_>) {
        match self.leader {
            Some(l) if l != self.id => ctx.send(l, Msg::Forward { req }),
            Some(_) => {
                let reason = format!("leader {} has not yet committed the log it took over", self.id);
                ctx.reply(req.op, Reply::fail(reason));
            }
            None => ctx.reply(req.op, Reply::fail("no leader: cannot serve this read here")),
        }
    }

    pub(super) fn on_forward(&mut self, from: NodeId, req: Request, ctx: &mut Ctx<'_>) {
        if req.kind.is_read() {
            self.leader_read(req, Route::Via(from), ctx);
        } else {
            let reply = Reply::fail("writes are not forwarded").with_leader_hint(self.leader);
            self.send_reply(Route::Via(from), req.op, reply, ctx);
        }
    }

    /// Serves the waiting reads whose token this replica has now reached.
    pub(super) fn serve_waiting_reads(&mut self, ctx: &mut Ctx<'_>) {
        let ready: Vec<OpId> =
            self.waiting_reads.iter().filter(|(_, w)| self.reached_token(w.req.token)).map(|(op, _)| *op).collect();
        for op in ready {
            if let Some(w) = self.waiting_reads.remove(&op) {
                ctx.cancel_timer(w.timer);
                self.serve_local(w.req, Route::Client, None, ctx);
            }
        }
    }

    pub(super) fn on_read_wait_timer(&mut self, op: OpId, timer: TimerId, ctx: &mut Ctx<'_>) {
        if self.waiting_reads.get(&op).is_some_and(|w| w.timer == timer) {
            let w = self.waiting_reads.remove(&op).expect("checked above");
            self.forward_or_fail(w.req, ctx);
        }
    }

    fn start_quorum_read(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        if self.quorum_reads.len() >= WAITING_READS_MAX {
            ctx.reply(req.op, Reply::fail("too many quorum reads in flight"));
            return;
        }
        let op = req.op;
        let key = req.kind.key().to_string();
        let timer = ctx.set_timer(self.settings.read_wait_us_max, TAG_QUORUM_READ | (op.0 << 8));
        let answers = [(self.id, self.read_value(&key))].into();
        self.quorum_reads.insert(op, QuorumRead { req, timer, answers });
        ctx.broadcast(Msg::ReadRequest { op, key });
        self.finish_quorum_read(op, ctx);
    }

    pub(super) fn on_read_reply(&mut self, from: NodeId, op: OpId, value: Option<Versioned>, ctx: &mut Ctx<'_>) {
        if let Some(q) = self.quorum_reads.get_mut(&op) {
            q.answers.insert(from, value);
            self.finish_quorum_read(op, ctx);
        }
    }

    /// Answers a quorum read once a majority has answered: the newest copy by
    /// (epoch, position) wins.
    fn finish_quorum_read(&mut self, op: OpId, ctx: &mut Ctx<'_>) {
        let majority = self.majority();
        if self.quorum_reads.get(&op).is_none_or(|q| q.answers.len() < majority) {
            return;
        }
        let q = self.quorum_reads.remove(&op).expect("checked above");
        ctx.cancel_timer(q.timer);
        let newest = q.answers.into_values().flatten().max();
        let token = q.req.token.max(newest.as_ref().map_or(0, |v| v.index));
        let values = newest.map(|v| vec![v.value]).unwrap_or_default();
        ctx.reply(op, Reply::values(values).with_token(token));
    }

    pub(super) fn on_quorum_timer(&mut self, op: OpId, timer: TimerId, ctx: &mut Ctx<'_>) {
        if self.quorum_reads.get(&op).is_some_and(|q| q.timer == timer) {
            let q = self.quorum_reads.remove(&op).expect("checked above");
            let reason = format!("quorum read: {} of {} replicas answered", q.answers.len(), self.cluster_size);
            ctx.reply(op, Reply::fail(reason));
        }
    }
}

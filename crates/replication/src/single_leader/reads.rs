//! Reads, per client policy: local reads, forwarding to the leader, waiting
//! for a session token (read-your-writes, monotonic reads) and quorum reads.
//!
//! | policy | leader | follower |
//! | --- | --- | --- |
//! | `Any` | local | local (may be stale) |
//! | `Leader` | local; with fencing only while holding the lease | forwarded to the leader; refused with no leader |
//! | `ReadYourWrites`, `MonotonicReads` | local | local once applied >= token; waits up to `read_wait_us_max`, then forwards |
//! | `Quorum` | asks every replica, answers with the newest of a majority by (epoch, position) | same |

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
                if self.role == Role::Leader || self.log.applied_index() >= req.token {
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

    fn send_reply(&self, route: Route, op: OpId, reply: Reply, ctx: &mut Ctx<'_>) {
        match route {
            Route::Client => ctx.reply(op, reply),
            Route::Via(node) => ctx.send(node, Msg::ForwardReply { op, reply }),
        }
    }

    /// Answers from the local state. A served read carries no leader hint
    /// (a hint moves the client), except a leader read served by the leader.
    fn serve_local(&self, req: Request, route: Route, hint: Option<NodeId>, ctx: &mut Ctx<'_>) {
        let values = self.log.get(req.kind.key()).map(|v| vec![v.value.clone()]).unwrap_or_default();
        let token = req.token.max(self.log.applied_index());
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
        } else {
            let hint = (req.policy == ReadPolicy::Leader).then_some(self.id);
            self.serve_local(req, route, hint, ctx);
        }
    }

    /// Hands a read this replica cannot serve to the leader, or refuses it.
    fn forward_or_fail(&self, req: Request, ctx: &mut Ctx<'_>) {
        match self.leader {
            Some(l) if l != self.id => ctx.send(l, Msg::Forward { req }),
            _ => ctx.reply(req.op, Reply::fail("no leader: cannot serve this read here")),
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
        let applied = self.log.applied_index();
        let leader = self.role == Role::Leader;
        let ready: Vec<OpId> =
            self.waiting_reads.iter().filter(|(_, w)| leader || w.req.token <= applied).map(|(op, _)| *op).collect();
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
        let answers = [(self.id, self.log.get(&key).cloned())].into();
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

//! The leader's half: accepting writes, shipping the log (or a snapshot) to
//! each follower, counting acknowledgements per follower mode, the lease that
//! fences a cut-off leader, heartbeats and membership changes.

use sim::{NodeEvent, NodeId, OpId, OpKind, Outcome, Reply, Request, Role};

use super::msg::Msg;
use super::node::{Ctx, SingleLeaderNode, TAG_HEARTBEAT};
use super::settings::FollowerMode;
use crate::log::Entry;

/// The most entries one `Append` carries; a follower far behind gets batches.
pub const APPEND_BATCH_ENTRIES_MAX: usize = 64;
/// The most writes a leader holds waiting for acknowledgements.
pub const PENDING_WRITES_MAX: usize = 10_000;

/// What the leader knows about one follower.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// The next position to send (0: send a snapshot first).
    pub next_index: u64,
    /// The follower's log is known to match the leader's up to here.
    pub match_index: u64,
    /// The follower's applied position, as last reported.
    pub applied_index: u64,
    /// The follower has answered this leader: until then `match_index` and
    /// `applied_index` are placeholders (0), not its progress.
    pub reported: bool,
    /// The send time (leader clock) of the newest message the follower
    /// answered in this epoch: the start of its share of the lease.
    pub lease_from_us: Option<i64>,
}

/// A client write waiting for its acknowledgements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingWrite {
    pub op: OpId,
    pub token: u64,
}

impl SingleLeaderNode {
    /// Takes the lead in the current epoch (the caller has set the epoch).
    pub(super) fn become_leader(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(t) = self.election_timer.take() {
            ctx.cancel_timer(t);
        }
        self.leader = Some(self.id);
        self.pre_voting = false;
        if self.log.applied_index() < self.log.last_index() {
            let last = self.log.last_index();
            self.with_log(ctx, |l| l.apply_to(last));
            ctx.emit(NodeEvent::Apply { index: last });
        }
        let next = self.log.last_index() + 1;
        // Voters granted after the election started: that counts toward the lease.
        let voted = self.election_started_us;
        self.followers = ctx
            .peers()
            .map(|p| {
                let lease_from_us = if self.votes.contains(&p) { Some(voted) } else { None };
                (p, Progress { next_index: next, lease_from_us, ..Progress::default() })
            })
            .collect();
        self.votes.clear();
        self.lead_start_index = self.log.last_index();
        self.set_role(Role::Leader, ctx);
        self.broadcast_append(ctx);
        // With no follower to wait for, everything it holds commits now.
        self.advance_commit(ctx);
        self.serve_waiting_reads(ctx);
        self.arm_heartbeat(ctx);
    }

    /// Leaves the leader role: writes still waiting get `Info` (they may or
    /// may not survive), timers stop.
    pub(super) fn abandon_leadership(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(t) = self.heartbeat_timer.take() {
            ctx.cancel_timer(t);
        }
        let reason =
            format!("leader {} stepped down in epoch {}; the write may or may not survive", self.id, self.epoch);
        for (_, w) in std::mem::take(&mut self.pending_writes) {
            let reply = Reply { outcome: Outcome::Info { reason: reason.clone() }, token: None, leader_hint: None };
            ctx.reply(w.op, reply);
        }
        self.followers.clear();
    }

    fn arm_heartbeat(&mut self, ctx: &mut Ctx<'_>) {
        self.heartbeat_timer = Some(ctx.set_timer(self.settings.heartbeat_interval_us, TAG_HEARTBEAT));
    }

    pub(super) fn on_heartbeat_timer(&mut self, ctx: &mut Ctx<'_>) {
        self.heartbeat_timer = None;
        if self.role != Role::Leader {
            return;
        }
        self.broadcast_append(ctx);
        self.advance_commit(ctx);
        self.arm_heartbeat(ctx);
    }

    /// True if this leader heard, within the failover timeout, from enough
    /// followers to make a majority with itself. A new leader cannot have been
    /// elected while this holds (voters wait that long after their last heartbeat).
    pub fn lease_valid(&self) -> bool {
        let timeout = i64::try_from(self.settings.failover_timeout_us).unwrap_or(i64::MAX);
        let fresh = self.followers.values().filter(|p| p.lease_from_us.is_some_and(|t| self.now_us - t < timeout));
        1 + fresh.count() >= self.majority()
    }

    pub(super) fn leader_write(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        if self.settings.fencing && !self.lease_valid() {
            let reason = "fenced: no majority heard within the failover timeout (lease expired)";
            ctx.reply(req.op, Reply::fail(reason));
            return;
        }
        if self.pending_writes.len() >= PENDING_WRITES_MAX {
            ctx.reply(req.op, Reply::fail("leader busy: too many writes waiting for acknowledgements"));
            return;
        }
        let (key, value) = match &req.kind {
            OpKind::Write { key, value } => (key.clone(), value.clone()),
            OpKind::Incr { key, by } => {
                let current = self.log.get(key).and_then(|v| v.value.parse::<i64>().ok()).unwrap_or(0);
                (key.clone(), current.saturating_add(*by).to_string())
            }
            OpKind::Read { .. } => unreachable!("reads are routed to client_read"),
            other => {
                // Sets and "sell one if in stock": the leader orders every
                // update, so checking the current value here is safe.
                match sim::single_value_update(other, self.log.get(other.key()).map(|v| v.value.as_str())) {
                    Ok(value) => (other.key().to_string(), value),
                    Err(reason) => {
                        ctx.reply(req.op, Reply::fail(reason));
                        return;
                    }
                }
            }
        };
        let index = self.log.last_index() + 1;
        let entry = Entry { index, epoch: self.epoch, key, value, written_at_us: self.now_us };
        self.with_log(ctx, |l| {
            l.append(entry.clone());
            l.apply_to(index);
        });
        ctx.emit(NodeEvent::Append { index, epoch: self.epoch });
        ctx.emit(NodeEvent::Apply { index });
        self.pending_writes.insert(index, PendingWrite { op: req.op, token: req.token });
        // The snapshot stays at or before the commit index, where reads are answered.
        let (retain, commit) = (self.settings.log_retain_entries_max, self.commit_index);
        self.with_log(ctx, |l| l.compact_to(l.last_index().saturating_sub(retain).min(commit)));
        self.broadcast_append(ctx);
        self.advance_commit(ctx);
    }

    pub(super) fn broadcast_append(&mut self, ctx: &mut Ctx<'_>) {
        let ids: Vec<NodeId> = self.followers.keys().copied().collect();
        for id in ids {
            self.send_append(id, ctx);
        }
    }

    /// Sends `to` what it needs next: a snapshot if its next position was
    /// truncated away, else the entries from its next position (maybe none).
    pub(super) fn send_append(&mut self, to: NodeId, ctx: &mut Ctx<'_>) {
        let Some(p) = self.followers.get_mut(&to) else { return };
        let sent_at_us = self.now_us;
        if p.next_index <= self.log.base_index() || p.next_index == 0 {
            let snapshot = self.log.snapshot();
            p.next_index = snapshot.index + 1;
            let msg = Msg::Snapshot { epoch: self.epoch, snapshot, commit_index: self.commit_index, sent_at_us };
            ctx.send(to, msg);
            return;
        }
        let prev_index = p.next_index - 1;
        let prev_epoch = self.log.epoch_at(prev_index).unwrap_or(0);
        let entries = self.log.entries_from(p.next_index, APPEND_BATCH_ENTRIES_MAX);
        p.next_index += entries.len() as u64;
        let msg = Msg::Append {
            epoch: self.epoch,
            prev_index,
            prev_epoch,
            entries,
            commit_index: self.commit_index,
            leader_last_index: self.log.last_index(),
            sent_at_us,
        };
        ctx.send(to, msg);
    }

    pub(super) fn on_append_reply(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_>) {
        let Msg::AppendReply { epoch, ok, match_index, hint_index, need_snapshot, applied_index, sent_at_us } = msg
        else {
            return;
        };
        if self.observe_epoch(epoch, ctx) || self.role != Role::Leader || epoch < self.epoch {
            return;
        }
        let last = self.log.last_index();
        let p = self.followers.entry(from).or_insert(Progress { next_index: last + 1, ..Progress::default() });
        p.lease_from_us = Some(p.lease_from_us.map_or(sent_at_us, |t| t.max(sent_at_us)));
        p.applied_index = p.applied_index.max(applied_index);
        p.reported = true;
        if ok {
            p.match_index = p.match_index.max(match_index);
            p.next_index = p.next_index.max(p.match_index + 1);
            let more = p.next_index <= last;
            self.advance_commit(ctx);
            if more {
                self.send_append(from, ctx);
            }
            return;
        }
        p.next_index = if need_snapshot { 0 } else { (hint_index + 1).max(p.match_index + 1).min(last + 1) };
        self.send_append(from, ctx);
    }

    /// The highest position every follower mode allows to acknowledge: all
    /// sync followers have it, and `semi_sync_k` of the semi-sync ones.
    pub fn ack_index(&self) -> u64 {
        let mut bound = self.log.last_index();
        let mut semi = Vec::new();
        for (&id, p) in &self.followers {
            match self.settings.mode_of(id) {
                FollowerMode::Sync => bound = bound.min(p.match_index),
                FollowerMode::SemiSync => semi.push(p.match_index),
                FollowerMode::Async => {}
            }
        }
        let k = usize::try_from(self.settings.semi_sync_k).unwrap_or(usize::MAX).min(semi.len());
        if k > 0 {
            semi.sort_unstable_by(|a, b| b.cmp(a));
            bound = bound.min(semi[k - 1]);
        }
        bound
    }

    /// Moves the commit point and acknowledges the writes it covers. With
    /// fencing, a leader without a lease acknowledges nothing.
    pub(super) fn advance_commit(&mut self, ctx: &mut Ctx<'_>) {
        let ack = self.ack_index();
        if ack > self.commit_index {
            self.commit_index = ack;
            ctx.emit(NodeEvent::Commit { index: ack });
            self.serve_waiting_reads(ctx);
        }
        if self.settings.fencing && !self.lease_valid() {
            return;
        }
        while let Some((&index, _)) = self.pending_writes.first_key_value() {
            if index > self.commit_index {
                break;
            }
            let w = self.pending_writes.remove(&index).expect("first key exists");
            ctx.reply(w.op, Reply::ok().with_token(w.token.max(index)).with_leader_hint(Some(self.id)));
        }
    }

    /// Starts feeding nodes that joined (snapshot first) and forgets those that left.
    pub(super) fn update_followers(&mut self, nodes: &[NodeId], ctx: &mut Ctx<'_>) {
        self.followers.retain(|id, _| nodes.contains(id));
        let joined: Vec<NodeId> =
            nodes.iter().copied().filter(|n| *n != self.id && !self.followers.contains_key(n)).collect();
        for n in joined {
            self.note(format!("{n} joined: {} sends a snapshot, then the log", self.id), ctx);
            self.followers.insert(n, Progress::default());
            self.send_append(n, ctx);
        }
        self.advance_commit(ctx);
    }
}

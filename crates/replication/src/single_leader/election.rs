//! Failover: suspecting a silent leader, the pre-vote and the election, and
//! manual promotion. The rules and why they were chosen are in the module
//! doc of [`super`].

use sim::{NodeId, Role};

use super::msg::Msg;
use super::node::{Ctx, SingleLeaderNode, TAG_ELECTION};

impl SingleLeaderNode {
    /// (Re)arms the failover timer: the timeout plus up to a quarter of it at
    /// random. Leaders have none.
    pub(super) fn reset_election_timer(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(t) = self.election_timer.take() {
            ctx.cancel_timer(t);
        }
        if self.role == Role::Leader {
            return;
        }
        let timeout = self.settings.failover_timeout_us.max(1);
        let after_us = timeout + ctx.rng().below(timeout / 4 + 1);
        self.election_timer = Some(ctx.set_timer(after_us, TAG_ELECTION));
    }

    /// True if this node has reason to believe a leader is working: a
    /// follower heard one within the failover timeout; a leader holds its lease.
    pub fn heard_leader_recently(&self) -> bool {
        if self.role == Role::Leader {
            return self.lease_valid();
        }
        let timeout = i64::try_from(self.settings.failover_timeout_us).unwrap_or(i64::MAX);
        self.leader.is_some() && self.last_heard_leader_us.is_some_and(|t| self.now_us - t < timeout)
    }

    pub(super) fn on_election_timer(&mut self, ctx: &mut Ctx<'_>) {
        self.election_timer = None;
        if self.role == Role::Leader {
            return;
        }
        if let Some(old) = self.leader.take() {
            let ms = self.settings.failover_timeout_us / 1_000;
            self.note(format!("{} suspects leader {old}: no heartbeat for {ms} ms", self.id), ctx);
        }
        if !self.settings.failover {
            // No automatic failover: stay a leaderless (read-only) follower.
            return;
        }
        self.start_pre_vote(ctx);
    }

    fn start_pre_vote(&mut self, ctx: &mut Ctx<'_>) {
        if self.role == Role::Candidate {
            // A candidate whose round failed steps back before trying again.
            self.set_role(Role::Follower, ctx);
        }
        self.pre_voting = true;
        self.votes = [self.id].into();
        self.election_started_us = self.now_us;
        let msg = Msg::VoteRequest {
            epoch: self.epoch + 1,
            pre: true,
            last_index: self.log.last_index(),
            last_epoch: self.log.last_epoch(),
        };
        ctx.broadcast(msg);
        self.reset_election_timer(ctx);
        self.count_votes(ctx);
    }

    fn start_election(&mut self, ctx: &mut Ctx<'_>) {
        self.pre_voting = false;
        self.epoch += 1;
        self.voted_for = Some(self.id);
        self.leader = None;
        self.votes = [self.id].into();
        self.election_started_us = self.now_us;
        self.set_role(Role::Candidate, ctx);
        let msg = Msg::VoteRequest {
            epoch: self.epoch,
            pre: false,
            last_index: self.log.last_index(),
            last_epoch: self.log.last_epoch(),
        };
        ctx.broadcast(msg);
        self.reset_election_timer(ctx);
        self.count_votes(ctx);
    }

    fn count_votes(&mut self, ctx: &mut Ctx<'_>) {
        if self.votes.len() < self.majority() {
            return;
        }
        if self.pre_voting {
            self.start_election(ctx);
        } else if self.role == Role::Candidate {
            self.note(format!("{} wins epoch {} with {} votes", self.id, self.epoch, self.votes.len()), ctx);
            self.become_leader(ctx);
        }
    }

    pub(super) fn on_vote_request(
        &mut self,
        from: NodeId,
        epoch: u64,
        pre: bool,
        last_epoch: u64,
        last_index: u64,
        ctx: &mut Ctx<'_>,
    ) {
        let up_to_date = self.log.is_behind_or_equal(last_epoch, last_index);
        let sticky = self.heard_leader_recently();
        if pre {
            let granted = epoch > self.epoch && up_to_date && !sticky;
            let epoch = if granted { epoch } else { self.epoch };
            ctx.send(from, Msg::VoteReply { epoch, pre: true, granted });
            return;
        }
        if epoch < self.epoch || (sticky && epoch > self.epoch) {
            ctx.send(from, Msg::VoteReply { epoch: self.epoch, pre: false, granted: false });
            return;
        }
        self.observe_epoch(epoch, ctx);
        let granted = self.role == Role::Follower && self.voted_for.is_none_or(|v| v == from) && up_to_date;
        if granted {
            self.voted_for = Some(from);
            self.persist_meta(ctx);
            self.reset_election_timer(ctx);
        }
        ctx.send(from, Msg::VoteReply { epoch: self.epoch, pre: false, granted });
    }

    pub(super) fn on_vote_reply(&mut self, from: NodeId, epoch: u64, pre: bool, granted: bool, ctx: &mut Ctx<'_>) {
        if !granted {
            self.observe_epoch(epoch, ctx);
            return;
        }
        let current = if pre { self.pre_voting && epoch == self.epoch + 1 } else { epoch == self.epoch };
        if current {
            self.votes.insert(from);
            self.count_votes(ctx);
        }
    }

    /// Manual failover: lead a new epoch now, without votes.
    pub(super) fn promote(&mut self, ctx: &mut Ctx<'_>) {
        if self.role == Role::Leader {
            return;
        }
        self.epoch += 1;
        self.voted_for = Some(self.id);
        self.votes.clear();
        self.note(format!("{} promoted by the operator to lead epoch {}", self.id, self.epoch), ctx);
        self.become_leader(ctx);
    }
}

//! The follower's half: checking and merging the leader's entries (dropping a
//! divergent suffix), installing snapshots, and applying the log in order,
//! slowly if `apply_delay_us` says so.

use sim::{NodeEvent, NodeId, Role};

use super::msg::Msg;
use super::node::{Ctx, SingleLeaderNode, TAG_APPLY};
use crate::log::{Entry, Snapshot};

/// How a follower answers one `Append`.
enum Verdict {
    Ok { match_index: u64 },
    Retry { hint_index: u64 },
    NeedSnapshot,
}

impl SingleLeaderNode {
    /// Follows `from`, the leader of the current epoch, and restarts the
    /// failover clock.
    fn accept_leader(&mut self, from: NodeId, sent_at_us: i64, ctx: &mut Ctx<'_>) {
        if self.leader != Some(from) {
            // What matched the previous leader proves nothing about this one.
            self.matched_index = 0;
        }
        if self.role != Role::Follower {
            self.leader = Some(from);
            self.become_follower(ctx);
        } else if self.leader != Some(from) {
            self.leader = Some(from);
            self.pre_voting = false;
            self.votes.clear();
            ctx.emit(NodeEvent::Role { role: Role::Follower, epoch: self.epoch });
        }
        self.last_heard_leader_us = Some(self.now_us);
        self.last_leader_sent_at_us = sent_at_us;
        self.reset_election_timer(ctx);
    }

    fn reply_append(&mut self, to: NodeId, verdict: Verdict, sent_at_us: i64, ctx: &mut Ctx<'_>) {
        let (ok, match_index, hint_index, need_snapshot) = match verdict {
            Verdict::Ok { match_index } => (true, match_index, 0, false),
            Verdict::Retry { hint_index } => (false, 0, hint_index, false),
            Verdict::NeedSnapshot => (false, 0, 0, true),
        };
        let applied_index = self.log.applied_index();
        let msg = Msg::AppendReply {
            epoch: self.epoch,
            ok,
            match_index,
            hint_index,
            need_snapshot,
            applied_index,
            sent_at_us,
        };
        ctx.send(to, msg);
    }

    /// Accepts `from` as leader of `epoch`, or, if that epoch is stale,
    /// answers with ours (so the stale leader steps down) and returns false.
    fn admit_leader(&mut self, from: NodeId, epoch: u64, sent_at_us: i64, ctx: &mut Ctx<'_>) -> bool {
        if epoch < self.epoch {
            let hint_index = self.log.last_index();
            self.reply_append(from, Verdict::Retry { hint_index }, sent_at_us, ctx);
            return false;
        }
        self.observe_epoch(epoch, ctx);
        self.accept_leader(from, sent_at_us, ctx);
        true
    }

    pub(super) fn on_append(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_>) {
        let Msg::Append { epoch, prev_index, prev_epoch, entries, commit_index, leader_last_index, sent_at_us } = msg
        else {
            return;
        };
        if !self.admit_leader(from, epoch, sent_at_us, ctx) {
            return;
        }
        self.leader_last_index = leader_last_index;
        let verdict = self.merge(epoch, prev_index, prev_epoch, entries, leader_last_index, ctx);
        if let Verdict::Ok { match_index } = verdict {
            self.matched_index = match_index;
            self.commit_index = self.commit_index.max(commit_index.min(match_index));
            self.schedule_apply(ctx);
            let retain = self.settings.log_retain_entries_max;
            self.with_log(ctx, |l| l.compact_retaining(retain));
        }
        self.reply_append(from, verdict, sent_at_us, ctx);
    }

    /// The consistency check and merge of one `Append`.
    fn merge(
        &mut self,
        epoch: u64,
        prev_index: u64,
        prev_epoch: u64,
        mut entries: Vec<Entry>,
        leader_last_index: u64,
        ctx: &mut Ctx<'_>,
    ) -> Verdict {
        let base = self.log.base_index();
        let (mut prev_index, mut prev_epoch) = (prev_index, prev_epoch);
        if prev_index < base {
            // Our snapshot covers the start: the entry at the base must match.
            let end = entries.last().map_or(prev_index, |e| e.index);
            if end < base {
                return if leader_last_index < base {
                    Verdict::NeedSnapshot
                } else {
                    Verdict::Retry { hint_index: self.log.last_index() }
                };
            }
            let at_base = entries.iter().position(|e| e.index == base);
            match at_base {
                Some(pos) if Some(entries[pos].epoch) == self.log.epoch_at(base) => {
                    entries.drain(..=pos);
                    (prev_index, prev_epoch) = (base, self.log.epoch_at(base).unwrap_or(0));
                }
                _ => return Verdict::NeedSnapshot,
            }
        }
        if self.log.epoch_at(prev_index) != Some(prev_epoch) {
            return Verdict::Retry { hint_index: self.conflict_hint(prev_index) };
        }
        let match_index = prev_index + entries.len() as u64;
        for e in entries {
            match self.log.epoch_at(e.index) {
                Some(have) if have == e.epoch => continue,
                Some(_) => self.truncate_from(e.index, ctx),
                None => {}
            }
            let (index, epoch) = (e.index, e.epoch);
            self.with_log(ctx, |l| l.append(e.clone()));
            ctx.emit(NodeEvent::Append { index, epoch });
        }
        // Entries of older epochs past the leader's end were never the
        // leader's and never will be: a divergent suffix.
        let next = leader_last_index + 1;
        if match_index >= leader_last_index && self.log.epoch_at(next).is_some_and(|e| e < epoch) && next > base {
            self.truncate_from(next, ctx);
        }
        Verdict::Ok { match_index }
    }

    /// Where the leader should retry after `prev_index` did not match: just
    /// before the run of entries sharing our conflicting epoch.
    fn conflict_hint(&self, prev_index: u64) -> u64 {
        let last = self.log.last_index();
        if prev_index > last {
            return last;
        }
        let base = self.log.base_index();
        let conflicting = self.log.epoch_at(prev_index);
        let mut i = prev_index;
        while i > base + 1 && self.log.epoch_at(i - 1) == conflicting {
            i -= 1;
        }
        i.saturating_sub(1)
    }

    fn truncate_from(&mut self, from: u64, ctx: &mut Ctx<'_>) {
        let removed = self.with_log(ctx, |l| l.truncate_from(from));
        if removed > 0 {
            ctx.emit(NodeEvent::Truncate { from_index: from });
            self.commit_index = self.commit_index.min(from - 1);
        }
    }

    pub(super) fn on_snapshot(
        &mut self,
        from: NodeId,
        epoch: u64,
        snapshot: Snapshot,
        commit_index: u64,
        sent_at_us: i64,
        ctx: &mut Ctx<'_>,
    ) {
        if !self.admit_leader(from, epoch, sent_at_us, ctx) {
            return;
        }
        if snapshot.index < self.log.base_index() {
            let hint_index = self.log.last_index();
            self.reply_append(from, Verdict::Retry { hint_index }, sent_at_us, ctx);
            return;
        }
        let up_to = snapshot.index;
        self.with_log(ctx, |l| l.install_snapshot(snapshot.clone()));
        ctx.emit(NodeEvent::Snapshot { up_to });
        self.matched_index = up_to;
        self.leader_last_index = self.leader_last_index.max(up_to);
        self.commit_index = self.commit_index.max(commit_index.min(up_to));
        self.serve_waiting_reads(ctx);
        self.schedule_apply(ctx);
        self.reply_append(from, Verdict::Ok { match_index: up_to }, sent_at_us, ctx);
    }

    /// Applies what has arrived: at once, or one entry per `apply_delay_us`.
    pub(super) fn schedule_apply(&mut self, ctx: &mut Ctx<'_>) {
        let last = self.log.last_index();
        if self.log.applied_index() >= last {
            return;
        }
        if self.role == Role::Leader || self.settings.apply_delay_us == 0 {
            self.with_log(ctx, |l| l.apply_to(last));
            ctx.emit(NodeEvent::Apply { index: last });
            self.serve_waiting_reads(ctx);
        } else if self.apply_timer.is_none() {
            self.apply_timer = Some(ctx.set_timer(self.settings.apply_delay_us, TAG_APPLY));
        }
    }

    pub(super) fn on_apply_timer(&mut self, ctx: &mut Ctx<'_>) {
        self.apply_timer = None;
        if let Some(index) = self.with_log(ctx, |l| l.apply_next()) {
            ctx.emit(NodeEvent::Apply { index });
            self.serve_waiting_reads(ctx);
        }
        if self.log.applied_index() < self.log.last_index() {
            self.schedule_apply(ctx);
            return;
        }
        let retain = self.settings.log_retain_entries_max;
        self.with_log(ctx, |l| l.compact_retaining(retain));
        // Caught up: tell the leader, so the lag it shows drops now.
        if let (Role::Follower, Some(leader)) = (self.role, self.leader) {
            let verdict = Verdict::Ok { match_index: self.matched_index };
            self.reply_append(leader, verdict, self.last_leader_sent_at_us, ctx);
        }
    }
}

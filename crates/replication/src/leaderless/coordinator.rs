//! The coordinator: whichever node a client talks to sends its write to the
//! key's N home replicas and acknowledges after W answers, or asks them for
//! a read and answers after R, with the newest version or every sibling.
//!
//! A home that misses the request's deadline is *suspected* until it is
//! heard from again (or [`super::SUSPECT_US`] passes). With sloppy quorum on, the coordinator then sends the
//! request to the next nodes on the ring instead, a write carrying a hint
//! naming the home it stands in for (a write does so even once W answered,
//! so N nodes keep it), and gives the request one more deadline; suspected homes are skipped from the start next time. Off, a
//! request whose quorum cannot be met fails: at once (definitely not
//! applied) when fewer than R or W homes are unsuspected, or at the
//! deadline, where a write is reported unknown because some replicas may
//! have taken it. Both reasons start with [`sim::NO_QUORUM`], which the
//! availability checker counts.
//!
//! A client's context (the clock of what it last read or wrote of a key)
//! is kept by the coordinator, as Dynamo hands it to the client opaquely:
//! a write made with it replaces every version it covers (C21).

use sim::{OpKind, Outcome, Reply, Request, NO_QUORUM};

use super::dvv::{Dot, KeyState, Sib};
use super::msg::Msg;
use super::node::{
    Ctx, LeaderlessNode, Pending, Waiting, CONTEXTS_MAX, PENDING_REQUESTS_MAX, SUSPECT_US, TAG_REQUEST_BASE,
};
use sim::NodeId;

impl LeaderlessNode {
    /// Where a request for `key` goes: its N homes, a suspected home replaced
    /// by the next free node on the ring when sloppy quorum is on.
    fn targets(&self, key: &str, now: i64) -> Vec<(NodeId, Option<NodeId>)> {
        let n = self.settings.n_for(self.nodes.len());
        let walk: Vec<NodeId> = self.ring.walk(key).collect();
        let mut spare = walk.iter().skip(n).copied().filter(|&x| !self.is_suspected(x, now));
        let mut out = Vec::new();
        for &home in &walk[..n] {
            if self.settings.sloppy_quorum && self.is_suspected(home, now) {
                if let Some(f) = spare.next() {
                    out.push((f, Some(home)));
                }
            } else {
                out.push((home, None));
            }
        }
        out
    }

    pub(super) fn coordinate(&mut self, req: Request, ctx: &mut Ctx<'_>) {
        let key = req.kind.key().to_string();
        let n = self.settings.n_for(self.nodes.len());
        let need = match req.kind {
            OpKind::Read { .. } => self.settings.r_for(req.client, n),
            OpKind::Write { .. } => self.settings.w_for(req.client, n),
            _ => {
                ctx.reply(req.op, Reply::fail("leaderless stores take reads and writes only"));
                return;
            }
        };
        if self.pending.len() >= PENDING_REQUESTS_MAX {
            ctx.reply(req.op, Reply::fail(format!("{} is coordinating {PENDING_REQUESTS_MAX} requests", self.id)));
            return;
        }
        let now = ctx.local_time_us();
        let targets = self.targets(&key, now);
        let usable = targets.iter().filter(|(t, _)| !self.is_suspected(*t, now)).count();
        if usable < need {
            let what = if req.kind.is_read() { "R" } else { "W" };
            ctx.reply(
                req.op,
                Reply::fail(format!(
                    "{NO_QUORUM}: {usable} of {n} home replicas of {key} reachable, {what} = {need} (sloppy quorum off)"
                )),
            );
            return;
        }
        let waiting = match &req.kind {
            OpKind::Write { value, .. } => {
                let dot = self.both(ctx, |d| {
                    d.next_dot += 1;
                    d.next_dot
                });
                let (vv, seen) = self.contexts.get(&(req.client, key.clone())).cloned().unwrap_or_default();
                Waiting::Write { sib: Sib::new(value, Dot::new(self.id, dot), vv, seen), acked: Vec::new() }
            }
            _ => Waiting::Read { replies: Vec::new() },
        };
        let id = self.next_req;
        self.next_req += 1;
        let timer = ctx.set_timer(self.settings.request_timeout_us.max(1), TAG_REQUEST_BASE + id);
        let p = Pending {
            op: req.op,
            client: req.client,
            key,
            need,
            targets: Vec::new(),
            waiting,
            replied: false,
            fell_back: false,
            timer,
        };
        self.pending.insert(id, p);
        for target in targets {
            self.send_to(id, target, ctx);
        }
    }

    /// Sends request `id` to one target; a request to this node is served at once.
    fn send_to(&mut self, id: u64, (to, hint): (NodeId, Option<NodeId>), ctx: &mut Ctx<'_>) {
        let Some(p) = self.pending.get_mut(&id) else { return };
        p.targets.push((to, hint));
        let key = p.key.clone();
        match &p.waiting {
            Waiting::Write { sib, .. } => {
                let sib = sib.clone();
                if to == self.id {
                    self.store_version(&key, &sib, hint, ctx);
                    self.on_put_ack(to, id, ctx);
                } else {
                    ctx.send(to, Msg::Put { req: id, key, sib, hint });
                }
            }
            Waiting::Read { .. } => {
                if to == self.id {
                    let sibs = self.local_versions(&key);
                    self.on_get_reply(to, id, sibs, ctx);
                } else {
                    ctx.send(to, Msg::Get { req: id, key });
                }
            }
        }
    }

    fn remember(&mut self, client: sim::ClientId, key: &str, state: &KeyState) {
        if self.contexts.len() >= CONTEXTS_MAX && !self.contexts.contains_key(&(client, key.to_string())) {
            self.contexts.pop_first();
        }
        self.contexts.insert((client, key.to_string()), (state.context(), state.values()));
    }

    pub(super) fn on_put_ack(&mut self, from: NodeId, id: u64, ctx: &mut Ctx<'_>) {
        let Some(p) = self.pending.get_mut(&id) else { return };
        let Waiting::Write { sib, acked } = &mut p.waiting else { return };
        if acked.contains(&from) || !p.targets.iter().any(|t| t.0 == from) {
            return;
        }
        acked.push(from);
        let sib = sib.clone();
        let (done, all) = (acked.len() >= p.need && !p.replied, acked.len() >= p.targets.len());
        if done {
            p.replied = true;
            ctx.reply(p.op, Reply::ok());
            let (client, key) = (p.client, p.key.clone());
            let mut k = KeyState::default();
            k.merge(&sib);
            self.remember(client, &key, &k);
        }
        if all && self.pending[&id].replied {
            self.finish(id, ctx);
        }
    }

    pub(super) fn on_get_reply(&mut self, from: NodeId, id: u64, sibs: Vec<Sib>, ctx: &mut Ctx<'_>) {
        let Some(p) = self.pending.get_mut(&id) else { return };
        let Waiting::Read { replies } = &mut p.waiting else { return };
        if replies.iter().any(|r| r.0 == from) || !p.targets.iter().any(|t| t.0 == from) {
            return;
        }
        replies.push((from, sibs));
        let (done, all) = (replies.len() >= p.need && !p.replied, replies.len() >= p.targets.len());
        if done {
            let merged = merge_replies(replies);
            p.replied = true;
            ctx.reply(p.op, Reply::values(merged.values()));
            let (client, key) = (p.client, p.key.clone());
            self.remember(client, &key, &merged);
        }
        if all && self.pending[&id].replied {
            self.finish(id, ctx);
        }
    }

    /// The deadline passed: suspect the silent, then fall back (sloppy
    /// quorum, once), fail short of the quorum, or finish a read's repair.
    pub(super) fn on_request_timeout(&mut self, id: u64, timer: sim::TimerId, ctx: &mut Ctx<'_>) {
        let Some(p) = self.pending.get(&id).filter(|p| p.timer == timer) else { return };
        let answered = p.answered();
        let silent: Vec<(NodeId, Option<NodeId>)> =
            p.targets.iter().copied().filter(|t| !answered.contains(&t.0)).collect();
        let until = ctx.local_time_us().saturating_add(SUSPECT_US);
        self.suspected.extend(silent.iter().map(|t| (t.0, until)));
        let p = &self.pending[&id];
        // A write falls back even after its quorum answered, so N nodes hold
        // it (the hint goes home later); a read only while short of R.
        let write = matches!(p.waiting, Waiting::Write { .. });
        if (!p.replied || write) && self.settings.sloppy_quorum && !p.fell_back && !silent.is_empty() {
            let used: Vec<NodeId> = p.targets.iter().map(|t| t.0).collect();
            let n = self.settings.n_for(self.nodes.len());
            let mut spare: Vec<NodeId> = self
                .ring
                .walk(&p.key)
                .skip(n)
                .filter(|x| !used.contains(x) && !self.is_suspected(*x, until - SUSPECT_US))
                .collect();
            spare.reverse();
            let timer = ctx.set_timer(self.settings.request_timeout_us.max(1), TAG_REQUEST_BASE + id);
            let p = self.pending.get_mut(&id).expect("checked above");
            p.fell_back = true;
            p.timer = timer;
            let moves: Vec<(NodeId, Option<NodeId>)> =
                silent.iter().filter_map(|&(to, hint)| spare.pop().map(|f| (f, Some(hint.unwrap_or(to))))).collect();
            for target in moves {
                self.send_to(id, target, ctx);
            }
            return;
        }
        if !p.replied {
            let (op, need, got) = (p.op, p.need, answered.len());
            let (what, outcome) = match p.waiting {
                Waiting::Write { .. } => ("W", "unknown"),
                Waiting::Read { .. } => ("R", "failed"),
            };
            let reason = format!("{NO_QUORUM}: {got} of {what} = {need} replicas answered in time ({outcome})");
            let reply = if what == "W" {
                Reply { outcome: Outcome::Info { reason }, token: None, leader_hint: None }
            } else {
                Reply::fail(reason)
            };
            ctx.reply(op, reply);
            self.pending.get_mut(&id).expect("present").replied = true;
        }
        self.finish(id, ctx);
    }

    /// Ends a request: a read writes the newest versions back to every
    /// replica that answered with less (read repair).
    fn finish(&mut self, id: u64, ctx: &mut Ctx<'_>) {
        let Some(p) = self.pending.remove(&id) else { return };
        ctx.cancel_timer(p.timer);
        let Waiting::Read { replies } = &p.waiting else { return };
        if !self.settings.read_repair || replies.is_empty() {
            return;
        }
        let merged = merge_replies(replies);
        for (node, sibs) in replies {
            let hinted = p.targets.iter().any(|t| t.0 == *node && t.1.is_some());
            let stale = !KeyState { sibs: sibs.clone(), ..KeyState::default() }.covers_all(&merged.sibs);
            if !stale || hinted {
                continue;
            }
            ctx.emit(sim::NodeEvent::Note {
                text: format!(
                    "read repair: {node} answered {} = {:?}, sent {:?}",
                    p.key,
                    values(sibs),
                    merged.values()
                ),
            });
            if *node == self.id {
                self.repair_local(&p.key, &merged.sibs, ctx);
            } else {
                ctx.send(*node, Msg::Repair { key: p.key.clone(), sibs: merged.sibs.clone() });
            }
        }
    }
}

fn values(sibs: &[Sib]) -> Vec<String> {
    let mut v: Vec<String> = sibs.iter().map(|s| s.value.clone()).collect();
    v.sort();
    v
}

fn merge_replies(replies: &[(NodeId, Vec<Sib>)]) -> KeyState {
    let mut k = KeyState::default();
    for (_, sibs) in replies {
        k.merge_all(sibs);
    }
    k
}

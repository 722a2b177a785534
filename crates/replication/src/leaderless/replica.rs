//! The replica side: storing versions (as a home, or as a hint for a home
//! that did not answer), answering reads, taking read repairs, handing hints
//! back, and anti-entropy.
//!
//! Hinted handoff: a node holding hints offers them to their home every
//! `handoff_us`; the home merges them and acknowledges each by its dot, and
//! only then does the holder drop it, so a hint lost on the way is offered
//! again. Anti-entropy: every `anti_entropy_us` a node picks the next peer in
//! turn and sends its Merkle leaves over the keys both are home to; the peer
//! answers with its keys in the ranges that differ and gets the sender's in
//! return. The trace notes which ranges differed and how many keys went
//! each way.

use sim::{NodeEvent, NodeId};

use super::dvv::{KeyState, Sib};
use super::merkle::{differing, leaves, range_of};
use super::msg::Msg;
use super::node::{Ctx, LeaderlessNode, HANDOFF_BATCH_MAX, VERSIONS_PER_KEY_MAX};
use sim::versions::Version;

impl LeaderlessNode {
    /// Stores one version: in the store as a home, or among the hints for `hint`.
    pub(super) fn store_version(&mut self, key: &str, sib: &Sib, hint: Option<NodeId>, ctx: &mut Ctx<'_>) {
        match hint {
            Some(home) if home != self.id => {
                // A hinted version that replaces older hinted ones carries
                // them as parents: only it goes home, and the checkers must
                // still see that it descends from them.
                self.both(ctx, |d| {
                    let state = d.hints.entry(home).or_default().entry(key.to_string()).or_default();
                    let merged = state.merge(sib);
                    if let Some(held) = state.sibs.iter_mut().find(|e| e.dot == sib.dot) {
                        for v in merged.replaced.iter().chain(&merged.replaced_seen) {
                            if !held.seen.contains(v) && *v != held.value {
                                held.seen.push(v.clone());
                            }
                        }
                    }
                });
            }
            _ => {
                self.apply(key, std::slice::from_ref(sib), ctx);
            }
        }
    }

    /// Merges versions into the store and records each one applied; the
    /// values added.
    pub(super) fn apply(&mut self, key: &str, sibs: &[Sib], ctx: &mut Ctx<'_>) -> Vec<String> {
        self.both(ctx, |d| {
            let mut added = Vec::new();
            for s in sibs {
                let state = d.store.entry(key.to_string()).or_default();
                let merged = state.merge(s);
                let history = d.history.entry(key.to_string()).or_default();
                if !merged.added {
                    // Already superseded here: keep it as a version this
                    // node knows, so the chain from what it holds back to
                    // it stays visible (a hint handed back late, a repair).
                    if !history.iter().any(|v| v.value == s.value) {
                        if history.len() >= VERSIONS_PER_KEY_MAX {
                            history.remove(0);
                        }
                        history.push(Version { value: s.value.clone(), seen: s.seen.clone() });
                    }
                    continue;
                }
                d.applied += 1;
                let mut seen = s.seen.clone();
                seen.extend(merged.replaced.into_iter().filter(|v| !s.seen.contains(v) && *v != s.value));
                if history.len() >= VERSIONS_PER_KEY_MAX {
                    history.remove(0);
                }
                history.push(Version { value: s.value.clone(), seen });
                added.push(s.value.clone());
            }
            added
        })
    }

    /// What this node answers a read of `key` with: its own versions and any
    /// it holds as hints.
    pub(super) fn local_versions(&self, key: &str) -> Vec<Sib> {
        let mut k = self.d.store.get(key).cloned().unwrap_or_default();
        for hinted in self.d.hints.values() {
            if let Some(h) = hinted.get(key) {
                k.merge_all(&h.sibs);
            }
        }
        k.sibs
    }

    pub(super) fn repair_local(&mut self, key: &str, sibs: &[Sib], ctx: &mut Ctx<'_>) {
        self.apply(key, sibs, ctx);
    }

    pub(super) fn on_replica_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_>) {
        match msg {
            Msg::Put { req, key, sib, hint } => {
                self.store_version(&key, &sib, hint, ctx);
                ctx.send(from, Msg::PutAck { req });
            }
            Msg::Get { req, key } => {
                let sibs = self.local_versions(&key);
                ctx.send(from, Msg::GetReply { req, sibs });
            }
            Msg::Repair { key, sibs } => {
                self.apply(&key, &sibs, ctx);
            }
            Msg::Handoff { items } => {
                let mut acks = Vec::new();
                for (key, sib) in items {
                    self.apply(&key, std::slice::from_ref(&sib), ctx);
                    acks.push((key, sib.dot.node, sib.dot.n));
                }
                ctx.send(from, Msg::HandoffAck { items: acks });
            }
            Msg::HandoffAck { items } => self.on_handoff_ack(from, items, ctx),
            Msg::Tree { leaves } => self.on_tree(from, leaves, ctx),
            Msg::Ranges { ranges, keys, reply } => self.on_ranges(from, ranges, keys, reply, ctx),
            Msg::PutAck { .. } | Msg::GetReply { .. } => {}
        }
    }

    /// Offers every home its hints (a bounded batch each).
    pub(super) fn hand_off(&mut self, ctx: &mut Ctx<'_>) {
        let mut sends = Vec::new();
        for (&home, keys) in &self.d.hints {
            let items: Vec<(String, Sib)> = keys
                .iter()
                .flat_map(|(k, state)| state.sibs.iter().map(move |s| (k.clone(), s.clone())))
                .take(HANDOFF_BATCH_MAX)
                .collect();
            if !items.is_empty() {
                sends.push((home, items));
            }
        }
        for (home, items) in sends {
            ctx.send(home, Msg::Handoff { items });
        }
    }

    fn on_handoff_ack(&mut self, from: NodeId, items: Vec<(String, NodeId, u64)>, ctx: &mut Ctx<'_>) {
        let dropped = self.both(ctx, |d| {
            let mut dropped = Vec::new();
            let Some(keys) = d.hints.get_mut(&from) else { return dropped };
            for (key, node, n) in &items {
                if let Some(state) = keys.get_mut(key) {
                    let before = state.sibs.len();
                    state.sibs.retain(|s| !(s.dot.node == *node && s.dot.n == *n));
                    if state.sibs.len() < before {
                        dropped.push(key.clone());
                    }
                }
            }
            keys.retain(|_, s| !s.sibs.is_empty());
            if keys.is_empty() {
                d.hints.remove(&from);
            }
            dropped
        });
        if !dropped.is_empty() {
            ctx.emit(NodeEvent::Note {
                text: format!("hinted handoff: {} handed {} hinted write(s) back to {from}", self.id, dropped.len()),
            });
        }
    }

    /// The keys both this node and `peer` are home to, with their states.
    fn shared<'a>(&'a self, peer: NodeId) -> impl Iterator<Item = (&'a String, &'a KeyState)> + 'a {
        let n = self.settings.n_for(self.nodes.len());
        self.d.store.iter().filter(move |(k, _)| self.ring.is_home(k, n, peer) && self.ring.is_home(k, n, self.id))
    }

    pub(super) fn start_anti_entropy(&mut self, ctx: &mut Ctx<'_>) {
        let peers: Vec<NodeId> = self.nodes.iter().copied().filter(|&p| p != self.id).collect();
        if peers.is_empty() {
            return;
        }
        let peer = peers[self.ae_turn % peers.len()];
        self.ae_turn = self.ae_turn.wrapping_add(1);
        let leaves = leaves(self.shared(peer));
        ctx.send(peer, Msg::Tree { leaves });
    }

    fn keys_in(&self, peer: NodeId, ranges: &[u32]) -> Vec<(String, Vec<Sib>)> {
        self.shared(peer)
            .filter(|(k, _)| ranges.contains(&range_of(k)))
            .map(|(k, s)| (k.clone(), s.sibs.clone()))
            .collect()
    }

    fn on_tree(&mut self, from: NodeId, theirs: Vec<u64>, ctx: &mut Ctx<'_>) {
        let ranges = differing(&leaves(self.shared(from)), &theirs);
        if ranges.is_empty() {
            return;
        }
        let keys = self.keys_in(from, &ranges);
        ctx.emit(NodeEvent::Note {
            text: format!(
                "anti-entropy {from}↔{}: ranges {ranges:?} differ; {} sends {} key(s)",
                self.id,
                self.id,
                keys.len()
            ),
        });
        ctx.send(from, Msg::Ranges { ranges, keys, reply: true });
    }

    fn on_ranges(
        &mut self,
        from: NodeId,
        ranges: Vec<u32>,
        keys: Vec<(String, Vec<Sib>)>,
        reply: bool,
        ctx: &mut Ctx<'_>,
    ) {
        let n = self.settings.n_for(self.nodes.len());
        let mut changed = Vec::new();
        for (key, sibs) in &keys {
            if self.ring.is_home(key, n, self.id) && !self.apply(key, sibs, ctx).is_empty() {
                changed.push(key.clone());
            }
        }
        let back = if reply { self.keys_in(from, &ranges) } else { Vec::new() };
        ctx.emit(NodeEvent::Note {
            text: format!(
                "anti-entropy {from}→{}: ranges {ranges:?}, received {} key(s), {} changed {changed:?}{}",
                self.id,
                keys.len(),
                changed.len(),
                if reply { format!(", sends {} key(s) back", back.len()) } else { String::new() }
            ),
        });
        if reply {
            ctx.send(from, Msg::Ranges { ranges, keys: back, reply: false });
        }
    }
}

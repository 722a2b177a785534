//! Judgements that need the replicas' state, not just the client history:
//! acknowledged writes no replica kept, and convergence once the cluster has
//! gone quiet. Plus the incremental history checker, so the page pays per new
//! operation.
//!
//! Convergence is judged on a fixed grid of virtual time
//! ([`CONVERGENCE_TICK_US`]), so every replay reaches the same verdicts. A
//! tick is *quiet* when no write is waiting for an answer, every node is up,
//! every link carries messages both ways, and [`SETTLE_US`] has passed since
//! the last write activity and the last intervention. During a quiet window
//! the replicas are compared at every tick: once they agree the window
//! *converged* (and lost writes are judged then); if the window ends (a write,
//! a fault, the end of the run) before they agree, the last comparison is
//! reported as a divergence. A run that is never quiet is "not judged": lag
//! is not divergence.
//!
//! Lost writes are also judged at the end of the run, over the nodes that are
//! up then.

use std::collections::{BTreeMap, BTreeSet};

use check::{divergence, lost_writes, Anomaly, Checker, Names, ReplicaVersions};
use serde::{Deserialize, Serialize};
use sim::{Micros, NodeId, NodeStatus, OpId};

use crate::engine::Engine;
use crate::script::ScriptEntry;

/// How often quietness and convergence are checked, in virtual time.
pub const CONVERGENCE_TICK_US: Micros = 250_000;
/// How long the cluster must be quiet before replicas are compared.
pub const SETTLE_US: Micros = 1_000_000;

/// The eventual-consistency verdict of one quiet window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Replicas agreed at `at_us`, quiet since `quiet_since_us`.
    Converged { at_us: Micros, quiet_since_us: Micros },
    /// The window closed at `closed_us` with replicas still disagreeing.
    Diverged { closed_us: Micros, quiet_since_us: Micros, keys: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Window {
    quiet_since_us: Micros,
    converged: bool,
    /// The divergence seen at the latest quiet tick.
    divergent: Vec<Anomaly>,
}

/// The judge's memory; restored by time after a seek back.
#[derive(Clone, Debug)]
pub struct Judge {
    names: Names,
    checker: Checker,
    next_tick_us: Micros,
    /// The open window after each tick that changed it.
    windows: Vec<(Micros, Option<Window>)>,
    verdicts: Vec<Verdict>,
    divergences: Vec<(Micros, Anomaly)>,
    lost: Vec<(Micros, Anomaly)>,
    not_judged: Vec<(Micros, usize)>,
    finished: bool,
}

impl Judge {
    pub fn new(names: Names) -> Judge {
        Judge {
            checker: Checker::new(names.clone()),
            names,
            next_tick_us: CONVERGENCE_TICK_US,
            windows: Vec::new(),
            verdicts: Vec::new(),
            divergences: Vec::new(),
            lost: Vec::new(),
            not_judged: Vec::new(),
            finished: false,
        }
    }

    /// Renames nodes and clients after one was added at run time.
    pub fn set_names(&mut self, names: Names) {
        self.checker.set_names(names.clone());
        self.names = names;
    }

    /// When the next convergence tick is due.
    pub fn next_tick_us(&self) -> Micros {
        self.next_tick_us
    }

    /// The incremental history checker.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    fn window(&self) -> Option<&Window> {
        self.windows.last().and_then(|(_, w)| w.as_ref())
    }

    /// Forgets everything judged after `t_us`; the history checker starts
    /// over and catches up on the next update.
    pub fn rewind(&mut self, t_us: Micros) {
        self.checker = Checker::new(self.names.clone());
        self.next_tick_us = (t_us / CONVERGENCE_TICK_US + 1) * CONVERGENCE_TICK_US;
        self.windows.retain(|(at, _)| *at <= t_us);
        self.verdicts.retain(|v| match v {
            Verdict::Converged { at_us, .. } => *at_us <= t_us,
            Verdict::Diverged { closed_us, .. } => *closed_us <= t_us,
        });
        self.divergences.retain(|(at, _)| *at <= t_us);
        self.lost.retain(|(at, _)| *at <= t_us);
        self.not_judged.retain(|(at, _)| *at <= t_us);
        self.finished = false;
    }

    /// Catches up after the engine reached `now` (a tick, the end, or any time).
    pub fn after_advance(&mut self, engine: &Engine, script: &[ScriptEntry], end_us: Micros) {
        let now = engine.now_us();
        let history = engine.history();
        if now >= end_us {
            if !self.finished {
                self.checker.finish(history);
                if now >= self.next_tick_us {
                    self.tick(engine, script);
                }
                self.close_window(now);
                self.judge_lost(engine, now);
                self.finished = true;
            }
            return;
        }
        self.checker.update(history, now);
        if now >= self.next_tick_us {
            self.tick(engine, script);
            self.next_tick_us = (now / CONVERGENCE_TICK_US + 1) * CONVERGENCE_TICK_US;
        }
    }

    fn states(engine: &Engine, at_us: Micros) -> ReplicaVersions {
        let nodes: BTreeMap<NodeId, sim::versions::NodeVersions> = engine
            .nodes()
            .into_iter()
            .filter(|&n| engine.status(n) == NodeStatus::Up)
            .filter_map(|n| Some((n, engine.node(n)?.versions())))
            .collect();
        let mut state = ReplicaVersions::new(at_us, BTreeMap::new());
        let keys: BTreeSet<&String> = nodes.values().flat_map(|kv| kv.keys()).collect();
        for key in keys {
            let outside: BTreeSet<NodeId> =
                nodes.keys().copied().filter(|&n| engine.node(n).is_some_and(|v| !v.replicates(key))).collect();
            if !outside.is_empty() {
                state.not_replicas.insert(key.clone(), outside);
            }
        }
        state.nodes = nodes;
        state
    }

    fn quiet_since(&self, engine: &Engine, script: &[ScriptEntry]) -> Option<Micros> {
        let now = engine.now_us();
        let history = engine.history();
        if self.checker.writes_in_flight(history) {
            return None;
        }
        let nodes: Vec<_> = engine.nodes().into_iter().filter(|&n| engine.status(n) != NodeStatus::Removed).collect();
        if nodes.iter().any(|&n| engine.status(n) != NodeStatus::Up) {
            return None;
        }
        let whole = nodes.iter().all(|&a| nodes.iter().all(|&b| a == b || engine.can_reach(a, b)));
        if !whole {
            return None;
        }
        let last_script = script.iter().map(|e| e.at_us).filter(|&t| t <= now).max();
        let since = self.checker.last_write_activity_us(history).max(last_script).unwrap_or(0);
        (now >= since + SETTLE_US).then_some(since)
    }

    fn tick(&mut self, engine: &Engine, script: &[ScriptEntry]) {
        let now = engine.now_us();
        let Some(since) = self.quiet_since(engine, script) else {
            self.close_window(now);
            return;
        };
        let mut window = match self.window() {
            Some(w) if w.quiet_since_us == since => w.clone(),
            Some(_) => {
                self.close_window(now);
                Window { quiet_since_us: since, converged: false, divergent: Vec::new() }
            }
            None => Window { quiet_since_us: since, converged: false, divergent: Vec::new() },
        };
        if !window.converged {
            let states = Self::states(engine, now);
            let found = divergence(engine.history(), &states, since, &self.names);
            if found.is_empty() {
                window.converged = true;
                window.divergent.clear();
                self.verdicts.push(Verdict::Converged { at_us: now, quiet_since_us: since });
                self.judge_lost_in(engine.history(), &states, now);
            } else {
                window.divergent = found;
            }
        }
        if self.window() != Some(&window) {
            self.windows.push((now, Some(window)));
        }
    }

    fn close_window(&mut self, now: Micros) {
        let Some(w) = self.window().cloned() else { return };
        if !w.converged && !w.divergent.is_empty() {
            self.verdicts.push(Verdict::Diverged {
                closed_us: now,
                quiet_since_us: w.quiet_since_us,
                keys: w.divergent.len(),
            });
            self.divergences.extend(w.divergent.into_iter().map(|a| (now, a)));
        }
        self.windows.push((now, None));
    }

    fn judge_lost(&mut self, engine: &Engine, now: Micros) {
        let states = Self::states(engine, now);
        self.judge_lost_in(engine.history(), &states, now);
    }

    fn judge_lost_in(&mut self, history: &sim::History, states: &ReplicaVersions, now: Micros) {
        let found = lost_writes(history, states, &self.names);
        let known: BTreeSet<OpId> = self.lost.iter().map(|(_, a)| a.ops[0]).collect();
        self.lost.extend(found.anomalies.into_iter().filter(|a| !known.contains(&a.ops[0])).map(|a| (now, a)));
        self.not_judged.push((now, found.not_judged));
    }

    /// Every anomaly judged so far (history checks, lost writes, divergence).
    pub fn anomalies(&self) -> Vec<Anomaly> {
        let mut out = self.checker.anomalies().to_vec();
        out.extend(self.lost.iter().map(|(_, a)| a.clone()));
        out.extend(self.divergences.iter().map(|(_, a)| a.clone()));
        out
    }

    /// The eventual-consistency verdicts so far, in time order.
    pub fn verdicts(&self) -> &[Verdict] {
        &self.verdicts
    }

    /// Acknowledged writes the latest lost-write judgement could not judge
    /// (older than every replica's retained history).
    pub fn writes_not_judged(&self) -> usize {
        self.not_judged.last().map_or(0, |&(_, n)| n)
    }
}

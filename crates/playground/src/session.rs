//! A `Session` runs one scenario: it advances virtual time, records a
//! person's interventions into the scenario's script, seeks back and forth
//! through checkpoints, samples lag for charts, and collects the role events
//! the checkers need.
//!
//! The page and the CLI use only this type; neither touches the kernel.
//!
//! ```
//! use playground::{presets, Session};
//! let mut s = Session::new(presets::default_scenario()).unwrap();
//! s.advance_to(1_000_000).unwrap();
//! let hash = s.trace_hash();
//! s.seek(200_000).unwrap();
//! s.seek(1_000_000).unwrap();
//! assert_eq!(s.trace_hash(), hash);
//! ```

use check::RoleEvent;
use serde::{Deserialize, Serialize};
use sim::{Micros, NodeEvent, NodeId, SimError, TraceEvent};
use thiserror::Error;

use crate::compile::Names;
use crate::engine::Engine;
use crate::judge::Judge;
use crate::samples::Samples;
use crate::scenario::{Scenario, ScenarioError};
use crate::script::{ScriptAction, ScriptEntry};
use crate::share::{self, ShareError, Shared};

/// Why a session could not start or an intervention was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SessionError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Sim(#[from] SimError),
    #[error(transparent)]
    Share(#[from] ShareError),
}

/// At most this many conflicts are kept per session (the count goes on).
pub const CONFLICTS_KEPT_MAX: usize = 10_000;

/// A conflict a node resolved, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictRecord {
    pub at_us: Micros,
    pub node: NodeId,
    pub conflict: sim::Conflict,
}

/// One running scenario.
#[derive(Clone, Debug)]
pub struct Session {
    scenario: Scenario,
    names: Names,
    engine: Engine,
    samples: Samples,
    roles: Vec<RoleEvent>,
    conflicts: Vec<ConflictRecord>,
    conflicts_total: u64,
    /// Trace sequence number up to which role events were collected.
    roles_seen_seq: u64,
    /// Script items the kernel refused while replaying (e.g. restarting a node that is up).
    warnings: Vec<String>,
    /// The checkers, fed as the run goes.
    judge: Judge,
}

/// A kernel message with its node and client indices (`n2`, `c1`) replaced
/// by the scenario's own ids, so a person reads the names they wrote.
pub fn in_scenario_words(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let index = |prefix: char| {
            word.strip_prefix(prefix)
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?
                .parse::<u32>()
                .ok()?
                .checked_sub(1)
        };
        let named = match (index('n'), index('c')) {
            (Some(i), _) => names.nodes.get(i as usize),
            (_, Some(i)) => names.clients.get(i as usize),
            _ => None,
        };
        out.push_str(named.map_or(word.as_str(), String::as_str));
        word.clear();
    };
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

impl Session {
    /// Starts a scenario at time 0.
    pub fn new(scenario: Scenario) -> Result<Session, SessionError> {
        scenario.validate()?;
        let mut names = Names::of(&scenario);
        let engine = Engine::build(&scenario, &mut names)?;
        let judge = Judge::new(names.for_checks());
        let samples = Samples::for_run(scenario.duration_ms * 1_000);
        let mut session = Session {
            scenario,
            judge,
            names,
            engine,
            samples,
            roles: Vec::new(),
            conflicts: Vec::new(),
            conflicts_total: 0,
            roles_seen_seq: 0,
            warnings: Vec::new(),
        };
        session.after_advance();
        Ok(session)
    }

    /// Opens a share link's fragment, positioned at the time the sharer saw.
    pub fn from_share(fragment: &str) -> Result<Session, SessionError> {
        let Shared { scenario, at_us } = share::decode(fragment)?;
        let mut session = Session::new(scenario)?;
        session.seek(at_us)?;
        Ok(session)
    }

    /// The share-link fragment that reopens this session exactly here.
    pub fn share_fragment(&self) -> String {
        share::encode(&Shared { scenario: self.scenario.clone(), at_us: self.now_us() })
    }

    /// The scenario, its script holding every intervention so far.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Node and client ids in kernel order.
    pub fn names(&self) -> &Names {
        &self.names
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The current virtual time.
    pub fn now_us(&self) -> Micros {
        self.engine.now_us()
    }

    /// The end of the scenario.
    pub fn end_us(&self) -> Micros {
        self.scenario.duration_ms * 1_000
    }

    /// When the next event happens, if any.
    pub fn next_event_us(&self) -> Option<Micros> {
        self.engine.next_event_us()
    }

    /// Runs forward to `t_us` (clamped to the end), sampling lag on the way.
    pub fn advance_to(&mut self, t_us: Micros) -> Result<(), SessionError> {
        let target = t_us.min(self.end_us());
        loop {
            let due = self.samples.next_due_us().min(self.judge.next_tick_us());
            let step_to = due.min(target);
            if step_to < self.now_us() {
                return Ok(());
            }
            match self.engine.advance_to(step_to) {
                // A refused script item is skipped the same way on every replay.
                Err(
                    e @ (SimError::InvalidAction { .. }
                    | SimError::UnknownNode { .. }
                    | SimError::ClientQueueFull { .. }),
                ) => {
                    self.warnings.push(in_scenario_words(&e.to_string(), &self.names));
                    continue;
                }
                Err(e) => return Err(e.into()),
                Ok(()) => {}
            }
            self.after_advance();
            if step_to == target {
                return Ok(());
            }
        }
    }

    /// The time of the latest kept trace event before now, for stepping back.
    pub fn prev_event_us(&self) -> Option<Micros> {
        let now = self.now_us();
        self.engine.last_record_before(now)
    }

    /// Runs the whole scenario.
    pub fn run_to_end(&mut self) -> Result<(), SessionError> {
        self.advance_to(self.end_us())
    }

    /// Moves to `t_us` in either direction; the state equals a straight run.
    pub fn seek(&mut self, t_us: Micros) -> Result<(), SessionError> {
        let t_us = t_us.min(self.end_us());
        if t_us < self.now_us() {
            self.engine.seek(t_us)?;
            self.samples.truncate_after(t_us);
            self.roles.retain(|r| r.at_us <= t_us);
            self.conflicts.retain(|c| c.at_us <= t_us);
            // Past the kept ones the count cannot be cut back exactly; it restarts from them.
            self.conflicts_total = self.conflicts.len() as u64;
            self.roles_seen_seq = self.engine.trace_total();
            self.judge.rewind(t_us);
            self.after_advance();
        }
        self.advance_to(t_us)
    }

    /// Applies an intervention now and records it in the script. After a seek
    /// back, the script's later entries are dropped first: a new branch.
    pub fn intervene(&mut self, action: ScriptAction) -> Result<(), SessionError> {
        let now = self.now_us();
        let mut candidate = self.scenario.clone();
        candidate.script.retain(|e| e.at_us <= now);
        candidate.script.push(ScriptEntry { at_us: now, action: action.clone() });
        candidate.validate()?;
        let mut names = self.names.clone();
        self.engine.intervene(&action, &mut names)?;
        if names != self.names {
            self.judge.set_names(names.for_checks());
        }
        self.names = names;
        self.scenario = candidate;
        self.after_advance();
        Ok(())
    }

    /// Moves a node on the canvas. Layout only: the simulation is unchanged,
    /// but the position travels with the scenario and its share links.
    pub fn set_position(&mut self, node: &str, x: i32, y: i32) {
        let (x, y) = (Some(x.clamp(0, crate::view::CANVAS_WIDTH)), Some(y.clamp(0, crate::view::CANVAS_HEIGHT)));
        if let Some(n) = self.scenario.nodes.iter_mut().find(|n| n.id == node) {
            (n.x, n.y) = (x, y);
        }
        for e in &mut self.scenario.script {
            if let ScriptAction::AddNode(n) = &mut e.action {
                if n.id == node {
                    (n.x, n.y) = (x, y);
                }
            }
        }
    }

    /// Every client operation so far.
    pub fn history(&self) -> &sim::History {
        self.engine.history()
    }

    /// The running hash of every trace event so far.
    pub fn trace_hash(&self) -> u64 {
        self.engine.trace_hash()
    }

    /// Lag and leadership samples so far.
    pub fn samples(&self) -> &Samples {
        &self.samples
    }

    /// Every role change so far (kept in full, unlike the bounded trace).
    pub fn roles(&self) -> &[RoleEvent] {
        &self.roles
    }

    /// Conflicts resolved so far (the first [`CONFLICTS_KEPT_MAX`]), in time order.
    pub fn conflicts(&self) -> &[ConflictRecord] {
        &self.conflicts
    }

    /// How many conflicts were resolved so far.
    pub fn conflicts_total(&self) -> u64 {
        self.conflicts_total
    }

    /// Messages sent, by kind, the busiest second and rate-limit drops so far.
    pub fn messages(&self) -> sim::MessageStats {
        self.engine.message_stats()
    }

    /// Script items the kernel refused, in order.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    fn after_advance(&mut self) {
        let total = self.engine.trace_total();
        if total > self.roles_seen_seq {
            let (roles, conflicts, count) = (&mut self.roles, &mut self.conflicts, &mut self.conflicts_total);
            self.engine.for_each_record_from(self.roles_seen_seq, |at_us, event| match event {
                TraceEvent::Node { node, event: NodeEvent::Role { role, epoch } } => {
                    roles.push(RoleEvent { at_us, node: *node, role: *role, epoch: *epoch });
                }
                TraceEvent::Node { node, event: NodeEvent::Conflict(c) } => {
                    *count += 1;
                    if conflicts.len() < CONFLICTS_KEPT_MAX {
                        conflicts.push(ConflictRecord { at_us, node: *node, conflict: (**c).clone() });
                    }
                }
                _ => {}
            });
            self.roles_seen_seq = total;
        }
        let now = self.now_us();
        if now >= self.samples.next_due_us() {
            self.samples.push(now, self.engine.sample());
        }
        let end_us = self.end_us();
        self.judge.after_advance(&self.engine, &self.scenario.script, end_us);
    }

    /// The checkers' state: history checks so far, lost writes, convergence.
    pub fn judge(&self) -> &Judge {
        &self.judge
    }
}

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
use replication::single_leader::SingleLeader;
use sim::testkit::Register;
use sim::{Intervention, Micros, NodeEvent, SimError, Timeline, TraceEvent};
use thiserror::Error;

use crate::compile::{self, Names};
use crate::engine::Engine;
use crate::protocol::{self, ProtocolSpec};
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

/// One running scenario.
#[derive(Clone, Debug)]
pub struct Session {
    scenario: Scenario,
    names: Names,
    engine: Engine,
    samples: Samples,
    roles: Vec<RoleEvent>,
    /// Trace sequence number up to which role events were collected.
    roles_seen_seq: u64,
    /// Script items the kernel refused while replaying (e.g. restarting a node that is up).
    warnings: Vec<String>,
}

fn timeline<P: sim::Protocol>(
    protocol: P,
    s: &Scenario,
    names: &mut Names,
    command: impl Fn(&ScriptAction, &Names) -> Result<Vec<(sim::NodeId, sim::engine::Cmd<P>)>, ScenarioError>,
) -> Result<Timeline<P>, SessionError> {
    let mut script = Vec::new();
    for (i, entry) in s.script.iter().enumerate() {
        let actions = compile::actions(&entry.action, names, &command)
            .map_err(|e| ScenarioError::invalid(format!("script[{i}].action"), e.to_string()))?;
        script.extend(actions.into_iter().map(|action| Intervention { at_us: entry.at_us, action }));
    }
    Ok(Timeline::new(protocol, compile::sim_config(s)?, script)?)
}

impl Session {
    /// Starts a scenario at time 0.
    pub fn new(scenario: Scenario) -> Result<Session, SessionError> {
        scenario.validate()?;
        let mut names = Names::of(&scenario);
        let engine = match &scenario.protocol {
            ProtocolSpec::Register => {
                Engine::Register(timeline(Register::default(), &scenario, &mut names, |a, _| {
                    Err(ScenarioError::invalid(
                        "script",
                        format!("\"{}\" needs the single_leader protocol", a.describe()),
                    ))
                })?)
            }
            ProtocolSpec::SingleLeader(spec) => {
                let protocol = SingleLeader::new(spec.settings(&Names::of(&scenario))?);
                Engine::SingleLeader(timeline(protocol, &scenario, &mut names, protocol::single_leader_commands)?)
            }
        };
        let samples = Samples::for_run(scenario.duration_ms * 1_000);
        let mut session =
            Session { scenario, names, engine, samples, roles: Vec::new(), roles_seen_seq: 0, warnings: Vec::new() };
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
            let due = self.samples.next_due_us();
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
                    self.warnings.push(e.to_string());
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
            self.roles_seen_seq = self.engine.trace_total();
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

    /// The running hash of every trace event so far.
    pub fn trace_hash(&self) -> u64 {
        self.engine.trace_hash()
    }

    /// Lag and leadership samples so far.
    pub fn samples(&self) -> &Samples {
        &self.samples
    }

    /// Every client operation so far: what the checkers judge.
    pub fn history(&self) -> &sim::History {
        self.engine.history()
    }

    /// Every role change so far (kept in full, unlike the bounded trace).
    pub fn roles(&self) -> &[RoleEvent] {
        &self.roles
    }

    /// Script items the kernel refused, in order.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    fn after_advance(&mut self) {
        let total = self.engine.trace_total();
        if total > self.roles_seen_seq {
            let roles = &mut self.roles;
            self.engine.for_each_record_from(self.roles_seen_seq, |at_us, event| {
                if let TraceEvent::Node { node, event: NodeEvent::Role { role, epoch } } = event {
                    roles.push(RoleEvent { at_us, node: *node, role: *role, epoch: *epoch });
                }
            });
            self.roles_seen_seq = total;
        }
        let now = self.now_us();
        if now >= self.samples.next_due_us() {
            self.samples.push(now, self.engine.sample());
        }
    }
}

//! The protocol-specific timeline behind a session, behind one enum so the
//! session, view and report code is written once. Each method dispatches to
//! the `Timeline<P>` of the scenario's protocol through `with_timeline!`;
//! everything about a node goes through the neutral [`ReplicaView`].
//!
//! A new family adds one variant, one arm in `with_timeline!` and one arm in
//! [`Engine::build`]; see [`crate::family`].

use replication::leaderless::Leaderless;
use replication::multi_leader::MultiLeader;
use replication::single_leader::SingleLeader;
use replication::view::ReplicaView;
use sim::testkit::Register;
use sim::{Intervention, Micros, NodeId, NodeStatus, Role, SimError, Timeline, TraceEvent};

use crate::compile::{self, Names};
use crate::family::{takes_command, Family};
use crate::panels::SettingsView;
use crate::protocol::ProtocolSpec;
use crate::samples::{LagSample, Sample};
use crate::scenario::{Scenario, ScenarioError};
use crate::script::ScriptAction;
use crate::session::SessionError;

/// A timeline of one of the protocols.
#[derive(Clone, Debug)]
pub enum Engine {
    Register(Timeline<Register>),
    SingleLeader(Timeline<SingleLeader>),
    MultiLeader(Timeline<MultiLeader>),
    Leaderless(Timeline<Leaderless>),
}

/// Runs `$body` with `$tl` bound to the engine's timeline, whatever its protocol.
macro_rules! with_timeline {
    ($engine:expr, $tl:ident => $body:expr) => {
        match $engine {
            Engine::Register($tl) => $body,
            Engine::SingleLeader($tl) => $body,
            Engine::MultiLeader($tl) => $body,
            Engine::Leaderless($tl) => $body,
        }
    };
}

/// A timeline of `protocol` with the scenario's script compiled in.
fn timeline<P: Family>(protocol: P, s: &Scenario, names: &mut Names) -> Result<Timeline<P>, SessionError> {
    let mut script = Vec::new();
    for (i, entry) in s.script.iter().enumerate() {
        let actions = compile::actions(&entry.action, names, P::commands)
            .map_err(|e| ScenarioError::invalid(format!("script[{i}].action"), e.to_string()))?;
        script.extend(actions.into_iter().map(|action| Intervention { at_us: entry.at_us, action }));
    }
    Ok(Timeline::new(protocol, compile::sim_config(s)?, script)?)
}

/// Applies one script action's kernel actions; nothing is applied if the first is refused.
fn intervene<P: Family>(tl: &mut Timeline<P>, action: &ScriptAction, names: &mut Names) -> Result<(), SessionError> {
    let sim = tl.sim();
    let mut actions = compile::actions(action, names, P::commands)?;
    actions.retain(|a| match a {
        sim::Action::Command { node, .. } => takes_command(sim, *node, action),
        _ => true,
    });
    for a in actions {
        tl.intervene(a)?;
    }
    Ok(())
}

impl Engine {
    /// The engine of a validated scenario: the one place that knows which
    /// protocol each scenario section builds.
    pub fn build(scenario: &Scenario, names: &mut Names) -> Result<Engine, SessionError> {
        let ids = Names::of(scenario);
        Ok(match &scenario.protocol {
            ProtocolSpec::Register => Engine::Register(timeline(Register::default(), scenario, names)?),
            ProtocolSpec::SingleLeader(spec) => {
                Engine::SingleLeader(timeline(SingleLeader::new(spec.settings(&ids)?), scenario, names)?)
            }
            ProtocolSpec::MultiLeader(spec) => {
                Engine::MultiLeader(timeline(MultiLeader::new(spec.settings(scenario, &ids)?), scenario, names)?)
            }
            ProtocolSpec::Leaderless(spec) => {
                Engine::Leaderless(timeline(Leaderless::new(spec.settings(&ids)?), scenario, names)?)
            }
        })
    }

    /// True if two leaders at once is split brain in this family.
    pub fn one_leader(&self) -> bool {
        fn of<P: Family>(_: &Timeline<P>) -> bool {
            P::ONE_LEADER
        }
        with_timeline!(self, tl => of(tl))
    }

    /// The neutral view of node `id`, if it exists and is not crashed.
    pub fn node(&self, id: NodeId) -> Option<&dyn ReplicaView> {
        with_timeline!(self, tl => tl.sim().node(id).map(|n| n as &dyn ReplicaView))
    }

    /// The settings in force, as the settings panel shows them.
    pub fn settings_view(&self, names: &Names) -> SettingsView {
        with_timeline!(self, tl => Family::settings_view(tl.sim(), names))
    }

    /// Leadership and lag now: up nodes that lead, and the lag of the nodes
    /// fed by the leader with the highest epoch (by every leader, in
    /// families without epochs).
    pub fn sample(&self) -> Sample {
        let up = |id: NodeId| self.status(id) != NodeStatus::Crashed;
        let leaders: Vec<NodeId> = self
            .nodes()
            .into_iter()
            .filter(|&id| up(id))
            .filter(|&id| self.node(id).is_some_and(|n| n.role() == Role::Leader))
            .collect();
        let newest = leaders.iter().copied().max_by_key(|&id| self.node(id).and_then(|n| n.epoch()));
        let feeding: Vec<NodeId> = match newest.and_then(|id| self.node(id)?.epoch()) {
            Some(_) => newest.into_iter().collect(),
            None => leaders.clone(),
        };
        let lag = feeding
            .iter()
            .filter_map(|&id| Some((self.node(id)?, self.local_time_us(id)?)))
            .flat_map(|(n, local_us)| n.peer_lags(local_us))
            .map(|l| LagSample { node: l.node, lag_entries: l.lag_entries, lag_us: l.lag_us })
            .collect();
        Sample { at_us: self.now_us(), leaders, lag }
    }
}

impl Engine {
    pub fn now_us(&self) -> Micros {
        with_timeline!(self, tl => tl.now_us())
    }

    pub fn next_event_us(&self) -> Option<Micros> {
        with_timeline!(self, tl => tl.sim().next_event_us())
    }

    pub fn advance_to(&mut self, t_us: Micros) -> Result<(), SimError> {
        with_timeline!(self, tl => tl.advance_to(t_us))
    }

    pub fn seek(&mut self, t_us: Micros) -> Result<(), SimError> {
        with_timeline!(self, tl => tl.seek(t_us))
    }

    pub fn intervene(&mut self, action: &ScriptAction, names: &mut Names) -> Result<(), SessionError> {
        with_timeline!(self, tl => intervene(tl, action, names))
    }

    /// The kernel's message rate limit.
    pub fn messages_per_s_max(&self) -> u64 {
        with_timeline!(self, tl => tl.sim().config().limits.messages_per_s_max)
    }

    /// The kernel's message counters (restored exactly by a seek).
    pub fn message_stats(&self) -> sim::MessageStats {
        with_timeline!(self, tl => tl.sim().message_stats())
    }

    pub fn trace_hash(&self) -> u64 {
        with_timeline!(self, tl => tl.sim().trace().hash())
    }

    /// How many trace events have been recorded (kept or not).
    pub fn trace_total(&self) -> u64 {
        with_timeline!(self, tl => tl.sim().trace().total())
    }

    /// Calls `f` for every kept trace record with sequence number `>= seq`.
    pub fn for_each_record_from(&self, seq: u64, mut f: impl FnMut(Micros, &TraceEvent)) {
        with_timeline!(self, tl => tl.sim().trace().from_seq(seq).for_each(|r| f(r.at_us, &r.event)))
    }

    /// Calls `f` for every kept trace record with `from_us <= at_us < to_us`, oldest first.
    pub fn for_each_record_between(&self, from_us: Micros, to_us: Micros, mut f: impl FnMut(Micros, &TraceEvent)) {
        with_timeline!(self, tl => tl
            .sim()
            .trace()
            .since(from_us)
            .take_while(|r| r.at_us < to_us)
            .for_each(|r| f(r.at_us, &r.event)))
    }

    pub fn events_processed(&self) -> u64 {
        with_timeline!(self, tl => tl.sim().events_processed())
    }

    pub fn history(&self) -> &sim::History {
        with_timeline!(self, tl => tl.sim().history())
    }

    pub fn nodes(&self) -> Vec<NodeId> {
        with_timeline!(self, tl => tl.sim().nodes().to_vec())
    }

    pub fn status(&self, node: NodeId) -> NodeStatus {
        with_timeline!(self, tl => tl.sim().node_status(node))
    }
}

impl Engine {
    /// The base one-way latency of a link, for labels.
    pub fn link_latency_us(&self, from: NodeId, to: NodeId) -> Micros {
        let link = with_timeline!(self, tl => tl.sim().config().network.link(from, to).clone());
        match link.latency {
            sim::Latency::Fixed { us } => us,
            sim::Latency::Uniform { min_us, max_us } => (min_us + max_us) / 2,
            sim::Latency::LongTail { base_us, .. } => base_us,
        }
    }

    /// True if a message from `from` would reach `to` now (no partition or cut between).
    pub fn can_reach(&self, from: NodeId, to: NodeId) -> bool {
        with_timeline!(self, tl => tl.sim().can_reach(from, to))
    }
}

impl Engine {
    /// Messages on the wire now.
    pub fn in_flight(&self) -> Vec<sim::InFlight> {
        with_timeline!(self, tl => tl.sim().in_flight().cloned().collect())
    }

    /// Every client's state.
    pub fn clients(&self) -> Vec<sim::ClientState> {
        with_timeline!(self, tl => tl.sim().clients().to_vec())
    }

    /// A node's clock now.
    pub fn local_time_us(&self, node: NodeId) -> Option<i64> {
        with_timeline!(self, tl => tl.sim().local_time_us(node))
    }
}

impl Engine {
    /// The time of the newest kept trace record strictly before `t_us`.
    pub fn last_record_before(&self, t_us: Micros) -> Option<Micros> {
        with_timeline!(self, tl => tl.sim().trace().records().map(|r| r.at_us).filter(|&at| at < t_us).last())
    }
}

//! The protocol-specific timeline behind a session, behind one enum so the
//! session, view and report code is written once. Each method dispatches to
//! the `Timeline<P>` of the scenario's protocol.

use replication::single_leader::SingleLeader;
use sim::testkit::Register;
use sim::{Micros, NodeId, NodeStatus, Protocol, Role, Sim, SimError, Timeline, TraceEvent};

use crate::compile::{self, Names};
use crate::protocol;
use crate::samples::{LagSample, Sample};
use crate::scenario::ScenarioError;
use crate::script::ScriptAction;
use crate::session::SessionError;

/// A timeline of one of the protocols.
#[derive(Clone, Debug)]
pub enum Engine {
    Register(Timeline<Register>),
    SingleLeader(Timeline<SingleLeader>),
}

/// Runs `$body` with `$tl` bound to the engine's timeline, whatever its protocol.
macro_rules! with_timeline {
    ($engine:expr, $tl:ident => $body:expr) => {
        match $engine {
            Engine::Register($tl) => $body,
            Engine::SingleLeader($tl) => $body,
        }
    };
}

/// Applies one script action's kernel actions; nothing is applied if the first is refused.
fn intervene<P: Protocol>(
    tl: &mut Timeline<P>,
    action: &ScriptAction,
    names: &mut Names,
    command: impl Fn(&ScriptAction, &Names) -> Result<Vec<(NodeId, sim::engine::Cmd<P>)>, ScenarioError>,
) -> Result<(), SessionError> {
    let sim = tl.sim();
    let mut actions = compile::actions(action, names, command)?;
    // Settings go to every node that can take them now; a crashed node keeps its own.
    actions.retain(|a| match a {
        sim::Action::Command { node, .. }
            if action.is_single_leader_only() && !matches!(action, ScriptAction::Promote(_)) =>
        {
            sim.node_status(*node) != NodeStatus::Crashed
        }
        _ => true,
    });
    for a in actions {
        tl.intervene(a)?;
    }
    Ok(())
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
        match self {
            Engine::Register(tl) => intervene(tl, action, names, |a, _| {
                Err(ScenarioError::invalid("action", format!("\"{}\" needs the single_leader protocol", a.describe())))
            }),
            Engine::SingleLeader(tl) => intervene(tl, action, names, protocol::single_leader_commands),
        }
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

    /// The single-leader simulation, if that is the protocol.
    pub fn single_leader(&self) -> Option<&Sim<SingleLeader>> {
        match self {
            Engine::SingleLeader(tl) => Some(tl.sim()),
            Engine::Register(_) => None,
        }
    }

    /// The register simulation, if that is the protocol.
    pub fn register(&self) -> Option<&Sim<Register>> {
        match self {
            Engine::Register(tl) => Some(tl.sim()),
            Engine::SingleLeader(_) => None,
        }
    }

    /// What a node applied to each key (its version data), if it is running.
    pub fn versions(&self, node: NodeId) -> Option<sim::versions::NodeVersions> {
        match self {
            Engine::Register(tl) => tl.sim().node(node).map(|n| n.versions()),
            Engine::SingleLeader(tl) => tl.sim().node(node).map(|n| n.versions()),
        }
    }

    /// Leadership and lag now.
    pub fn sample(&self) -> Sample {
        let Some(sim) = self.single_leader() else { return Sample::default() };
        let up = |id: &NodeId| sim.node_status(*id) != NodeStatus::Crashed;
        let leaders: Vec<NodeId> = sim
            .nodes()
            .iter()
            .filter(|id| up(id))
            .filter(|&&id| sim.node(id).is_some_and(|n| n.role() == Role::Leader))
            .copied()
            .collect();
        let newest = leaders.iter().copied().max_by_key(|&id| sim.node(id).map_or(0, |n| n.epoch()));
        let lag = newest
            .and_then(|id| Some((sim.node(id)?, sim.local_time_us(id)?)))
            .map(|(n, local_us)| {
                n.follower_lags_at(local_us)
                    .into_iter()
                    // A follower the leader has not heard from yet has no lag sample.
                    .filter(|f| f.lag_known)
                    .map(|f| LagSample { node: f.node, lag_entries: f.lag_entries, lag_us: f.lag_us })
                    .collect()
            })
            .unwrap_or_default();
        Sample { at_us: sim.now_us(), leaders, lag }
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

    /// The loss rate of a link, parts per million.
    pub fn link_loss_ppm(&self, from: NodeId, to: NodeId) -> u32 {
        with_timeline!(self, tl => tl.sim().config().network.link(from, to).loss_ppm)
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

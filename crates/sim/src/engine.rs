//! The simulation: [`Sim`] owns virtual time, the event queue, the nodes, the
//! network, the clients, the history and the trace, and runs one event at a
//! time.
//!
//! A run is deterministic: the protocol, the [`SimConfig`] (with its seed) and
//! the sequence of [`Action`](crate::Action)s applied at given times fully
//! determine the trace. Handlers run through a [`Context`] whose effects the
//! kernel applies after the handler returns: sends go through the
//! [`Network`](crate::network), timers and client traffic through the queue.
//!
//! ```
//! use sim::{Sim, SimConfig, testkit::Register};
//! let mut sim = Sim::new(Register::default(), SimConfig::with_nodes(3)).unwrap();
//! sim.run_until(50_000).unwrap();
//! assert_eq!(sim.now_us(), 50_000);
//! assert!(sim.events_processed() > 0);
//! ```

use serde::{Deserialize, Serialize};

use crate::clients::ClientState;
use crate::config::{NodeConfig, SimConfig};
use crate::error::SimError;
use crate::history::History;
use crate::ids::{ClientId, Micros, MsgId, NodeId};
use crate::network::{Network, Route};
use crate::node::{Context, Effect, Message, Node, Protocol};
use crate::queue::{Event, EventQueue, InFlight, InFlightSet};
use crate::rng::{Rng, Stream};
use crate::slot::NodeSlot;
use crate::trace::{DropReason, Trace, TraceEvent};

/// A protocol's message type.
pub(crate) type Msg<P> = <<P as Protocol>::Node as Node>::Msg;
/// A protocol's command type.
pub type Cmd<P> = <<P as Protocol>::Node as Node>::Command;
/// A protocol's durable state type.
pub type Durable<P> = <<P as Protocol>::Node as Node>::Durable;

/// Whether a node is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Up,
    /// Down; only its durable state survives. `Restart` brings it back.
    Crashed,
    /// Frozen: what arrives waits in its inbox until `Resume`.
    Paused,
    /// Gone for good (also reported for ids that never existed).
    Removed,
}

/// A deterministic simulation of one cluster running protocol `P`.
#[derive(Clone, Debug)]
pub struct Sim<P: Protocol> {
    pub(crate) protocol: P,
    pub(crate) config: SimConfig,
    pub(crate) now_us: Micros,
    pub(crate) queue: EventQueue,
    pub(crate) slots: Vec<NodeSlot<P::Node>>,
    /// The current membership, in id order (crashed nodes included, removed ones not).
    pub(crate) members: Vec<NodeId>,
    pub(crate) clients: Vec<ClientState>,
    pub(crate) history: History,
    pub(crate) trace: Trace,
    pub(crate) network: Network,
    pub(crate) in_flight: InFlightSet<Msg<P>>,
    pub(crate) next_msg: u64,
    pub(crate) next_timer: u64,
    pub(crate) events_processed: u64,
    /// The second of virtual time being counted, and the messages sent in it.
    pub(crate) rate_window_s: u64,
    pub(crate) rate_window_sent: u64,
    /// Message counters for reports and the page.
    pub(crate) stats: MessageStats,
    /// Scratch buffer for handler effects, reused to avoid allocating per event.
    pub(crate) effects: Vec<Effect<Msg<P>>>,
}

impl<P: Protocol> Sim<P> {
    /// Builds the cluster and starts every node (`on_start`) at time 0.
    pub fn new(protocol: P, config: SimConfig) -> Result<Self, SimError> {
        config.validate()?;
        let seed = config.seed;
        let members: Vec<NodeId> = (0..config.nodes.len() as u32).map(NodeId).collect();
        let slots = members
            .iter()
            .map(|&id| NodeSlot::new(protocol.new_node(id, &members), Rng::derive(seed, Stream::Node(id.0))))
            .collect();
        let clients = config
            .clients
            .iter()
            .enumerate()
            .map(|(i, c)| ClientState::new(ClientId(i as u32), c.clone(), seed))
            .collect();
        let mut sim = Sim {
            queue: EventQueue::new(config.limits.events_queued_max),
            trace: Trace::new(config.limits.trace_events_max),
            network: Network::new(Rng::derive(seed, Stream::Network)),
            protocol,
            config,
            now_us: 0,
            slots,
            members,
            clients,
            history: History::default(),
            in_flight: InFlightSet::new(),
            next_msg: 0,
            next_timer: 0,
            events_processed: 0,
            rate_window_s: 0,
            rate_window_sent: 0,
            stats: MessageStats::default(),
            effects: Vec::new(),
        };
        for i in 0..sim.members.len() {
            sim.call_node(NodeId(i as u32), |node, ctx| node.on_start(ctx))?;
        }
        for i in 0..sim.clients.len() {
            sim.schedule_workload(ClientId(i as u32))?;
        }
        Ok(sim)
    }

    /// Current virtual time.
    pub fn now_us(&self) -> Micros {
        self.now_us
    }

    /// The time of the next pending event, if any.
    pub fn next_event_us(&self) -> Option<Micros> {
        self.queue.peek_us()
    }

    /// Events popped so far.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Events waiting in the queue.
    pub fn events_queued(&self) -> usize {
        self.queue.len()
    }

    /// Processes the earliest pending event; `false` when there is none.
    pub fn step(&mut self) -> Result<bool, SimError> {
        let Some((at_us, event)) = self.queue.pop() else { return Ok(false) };
        debug_assert!(at_us >= self.now_us, "events never go back in time");
        self.now_us = at_us;
        self.events_processed += 1;
        match event {
            Event::Deliver(msg) => self.deliver(msg)?,
            Event::Timer { node, incarnation, timer } => self.timer_fired(node, incarnation, timer)?,
            Event::Wake { node, incarnation } => self.wake(node, incarnation)?,
            Event::Request { node, request } => self.request_arrived(node, request)?,
            Event::Reply { op, reply } => self.reply_arrived(op, *reply)?,
            Event::Timeout { op } => self.timed_out(op)?,
            Event::Tick { client, epoch } => self.tick(client, epoch)?,
        }
        Ok(true)
    }

    /// Processes every event at or before `t_us`, then sets the time to `t_us`
    /// (if it is later than now).
    pub fn run_until(&mut self, t_us: Micros) -> Result<(), SimError> {
        while self.queue.peek_us().is_some_and(|at| at <= t_us) {
            self.step()?;
        }
        self.now_us = self.now_us.max(t_us);
        Ok(())
    }

    /// Runs for `d_us` of virtual time from now.
    pub fn run_for(&mut self, d_us: Micros) -> Result<(), SimError> {
        self.run_until(self.now_us.saturating_add(d_us))
    }

    /// Processes up to `events_max` events; returns how many it processed.
    pub fn run_events(&mut self, events_max: u64) -> Result<u64, SimError> {
        for done in 0..events_max {
            if !self.step()? {
                return Ok(done);
            }
        }
        Ok(events_max)
    }

    /// Messages sent so far, by kind, the busiest second, and how many were
    /// dropped at `limits.messages_per_s_max`.
    pub fn message_stats(&self) -> MessageStats {
        self.stats.clone()
    }

    /// A node's state; `None` while it is crashed or removed, or if unknown.
    pub fn node(&self, id: NodeId) -> Option<&P::Node> {
        self.slots.get(id.0 as usize)?.node.as_ref()
    }

    /// What a node has persisted (kept across crashes).
    pub fn durable(&self, id: NodeId) -> Option<&Durable<P>> {
        self.slots.get(id.0 as usize).map(|s| &s.durable)
    }

    /// A node's status; ids that never existed are reported as `Removed`.
    pub fn node_status(&self, id: NodeId) -> NodeStatus {
        self.slots.get(id.0 as usize).map_or(NodeStatus::Removed, |s| s.status)
    }

    /// Items waiting in a node's inbox (busy or paused).
    pub fn inbox_len(&self, id: NodeId) -> usize {
        self.slots.get(id.0 as usize).map_or(0, |s| s.inbox.len())
    }

    /// The current members, in id order (crashed nodes included, removed ones not).
    pub fn nodes(&self) -> &[NodeId] {
        &self.members
    }

    /// Nodes ever created, removed ones included (the next `AddNode` gets this id).
    pub fn node_count(&self) -> usize {
        self.slots.len()
    }

    /// A node's current configuration (after interventions).
    pub fn node_config(&self, id: NodeId) -> Option<&NodeConfig> {
        self.config.nodes.get(id.0 as usize)
    }

    /// A node's clock reading now: true time plus skew plus drift.
    pub fn local_time_us(&self, id: NodeId) -> Option<i64> {
        self.node_config(id).map(|c| local_time_us(self.now_us, c))
    }

    /// The configuration as modified by interventions so far.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    pub fn protocol(&self) -> &P {
        &self.protocol
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Messages on the wire, by id.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> + '_ {
        self.in_flight.iter()
    }

    /// How many messages are on the wire.
    pub fn in_flight_len(&self) -> usize {
        self.in_flight.len()
    }

    pub fn client(&self, id: ClientId) -> Option<&ClientState> {
        self.clients.get(id.0 as usize)
    }

    pub fn clients(&self) -> &[ClientState] {
        &self.clients
    }

    /// The one-way cuts, in order.
    pub fn links_cut(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.network.cuts()
    }

    /// The partition groups as given (unlisted nodes form one more group); empty when healed.
    pub fn partition(&self) -> &[Vec<NodeId>] {
        self.network.groups()
    }

    /// True if a message from `from` to `to` would pass the partition and cuts now.
    pub fn can_reach(&self, from: NodeId, to: NodeId) -> bool {
        self.network.blocked(from, to).is_none()
    }

    /// True if the one-way link `from -> to` is cut.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.network.is_cut(from, to)
    }

    /// Runs one handler of `node` and applies its effects.
    pub(crate) fn call_node(
        &mut self,
        node: NodeId,
        f: impl FnOnce(&mut P::Node, &mut Context<'_, P::Node>),
    ) -> Result<(), SimError> {
        let i = node.0 as usize;
        let local_us = local_time_us(self.now_us, &self.config.nodes[i]);
        let slot = &mut self.slots[i];
        let Some(state) = slot.node.as_mut() else { return Ok(()) };
        let mut ctx = Context::new(
            node,
            &self.members,
            local_us,
            &mut slot.rng,
            &mut slot.durable,
            &mut self.next_timer,
            &mut self.effects,
        );
        f(state, &mut ctx);
        self.apply_effects(node)
    }

    fn apply_effects(&mut self, node: NodeId) -> Result<(), SimError> {
        let mut effects = std::mem::take(&mut self.effects);
        let mut result = Ok(());
        for effect in effects.drain(..) {
            result = match effect {
                Effect::Send { to, msg } => self.send(node, to, msg),
                Effect::SetTimer { id, after_us, tag } => {
                    let slot = &mut self.slots[node.0 as usize];
                    slot.timers.push((id, tag));
                    let incarnation = slot.incarnation;
                    let at_us = self.now_us.saturating_add(after_us);
                    self.queue.push(at_us, Event::Timer { node, incarnation, timer: id })
                }
                Effect::CancelTimer { id } => {
                    self.slots[node.0 as usize].forget_timer(id);
                    Ok(())
                }
                Effect::Reply { op, reply } => self.send_reply(op, reply),
                Effect::Emit(event) => {
                    self.trace.push(self.now_us, TraceEvent::Node { node, event });
                    Ok(())
                }
            };
            if result.is_err() {
                break;
            }
        }
        self.effects = effects;
        result
    }

    /// Hands a message to the network.
    fn send(&mut self, from: NodeId, to: NodeId, msg: Msg<P>) -> Result<(), SimError> {
        let id = MsgId(self.next_msg);
        self.next_msg += 1;
        let kind = msg.kind();
        let now_us = self.now_us;
        self.trace.push(now_us, TraceEvent::Sent { msg: id, from, to, kind });
        let window_s = now_us / 1_000_000;
        if window_s != self.rate_window_s {
            (self.rate_window_s, self.rate_window_sent) = (window_s, 0);
        }
        self.rate_window_sent += 1;
        self.stats.count(kind, window_s, self.rate_window_sent);
        if self.rate_window_sent > self.config.limits.messages_per_s_max {
            self.stats.rate_limited += 1;
            self.trace.push(now_us, TraceEvent::Dropped { msg: id, from, to, reason: DropReason::RateLimited });
            return Ok(());
        }
        let Some(slot) = self.slots.get(to.0 as usize) else {
            self.trace.push(now_us, TraceEvent::Dropped { msg: id, from, to, reason: DropReason::UnknownNode });
            return Ok(());
        };
        let to_incarnation = slot.incarnation;
        match self.network.route(&self.config.network, from, to, msg.size_bytes(), now_us) {
            Route::Dropped(reason) => {
                self.trace.push(now_us, TraceEvent::Dropped { msg: id, from, to, reason });
            }
            Route::Deliver { at_us, copy_at_us } => {
                let info = InFlight { msg: id, from, to, kind, sent_us: now_us, deliver_us: at_us, to_incarnation };
                self.queue.push(at_us, Event::Deliver(id))?;
                if let Some(copy_at_us) = copy_at_us {
                    let copy = MsgId(self.next_msg);
                    self.next_msg += 1;
                    self.trace.push(now_us, TraceEvent::Duplicated { msg: id, copy });
                    self.queue.push(copy_at_us, Event::Deliver(copy))?;
                    self.in_flight.insert(info, msg.clone());
                    self.in_flight.insert(InFlight { msg: copy, deliver_us: copy_at_us, ..info }, msg);
                } else {
                    self.in_flight.insert(info, msg);
                }
            }
        }
        Ok(())
    }

    /// A message reaches the end of its link.
    fn deliver(&mut self, id: MsgId) -> Result<(), SimError> {
        let Some((info, msg)) = self.in_flight.remove(id) else { return Ok(()) };
        let slot = &self.slots[info.to.0 as usize];
        let down =
            !matches!(slot.status, NodeStatus::Up | NodeStatus::Paused) || slot.incarnation != info.to_incarnation;
        let reason = if down { Some(DropReason::NodeDown) } else { self.network.blocked(info.from, info.to) };
        if let Some(reason) = reason {
            let event = TraceEvent::Dropped { msg: id, from: info.from, to: info.to, reason };
            self.trace.push(self.now_us, event);
            return Ok(());
        }
        self.arrive(info.to, crate::slot::Inbound::Message { info, msg })
    }
}

/// Counters of the messages a run sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MessageStats {
    pub sent: u64,
    /// Messages of kind `Replication` (updates, appends).
    pub replication_sent: u64,
    /// Dropped because the cluster sent more than `limits.messages_per_s_max` in a second.
    pub rate_limited: u64,
    /// The most messages sent in one second of virtual time, and which second.
    pub peak_per_s: u64,
    pub peak_second: u64,
}

impl MessageStats {
    fn count(&mut self, kind: crate::node::MsgKind, second: u64, in_second: u64) {
        self.sent += 1;
        if kind == crate::node::MsgKind::Replication {
            self.replication_sent += 1;
        }
        if in_second > self.peak_per_s {
            (self.peak_per_s, self.peak_second) = (in_second, second);
        }
    }
}

/// A node's clock: `now + skew + now * drift_ppm / 1e6`, in integers.
#[inline]
pub(crate) fn local_time_us(now_us: Micros, config: &NodeConfig) -> i64 {
    if config.drift_ppm == 0 {
        if let Ok(now) = i64::try_from(now_us) {
            return now.saturating_add(config.skew_us);
        }
    }
    let now = i128::from(now_us);
    let drift = now * i128::from(config.drift_ppm) / 1_000_000;
    let local = now + i128::from(config.skew_us) + drift;
    local.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_clock_adds_skew_and_drift() {
        let config = NodeConfig { skew_us: -500, drift_ppm: 100, ..NodeConfig::default() };
        // 10 s of true time gain 1 ms at 100 ppm.
        assert_eq!(local_time_us(10_000_000, &config), 10_000_000 - 500 + 1_000);
    }
}

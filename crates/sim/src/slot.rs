//! One node's place in the simulation: its state machine (absent while
//! crashed), its disk, its random stream, its live timers and its inbox, and
//! the kernel code that hands it work.
//!
//! Capacity model: with `service_time_us > 0` a node handles one message or
//! client request at a time and is busy for that long; what arrives meanwhile
//! waits in its inbox, first in first out. A paused node queues everything
//! (timers too) until it is resumed. Inboxes hold at most
//! `limits.inbox_messages_max` items; an overflow is dropped and traced.
//! Timers are internal and do not wait for a busy node.

use std::collections::VecDeque;

use crate::client::Request;
use crate::engine::{NodeStatus, Sim};
use crate::error::SimError;
use crate::ids::{Micros, NodeId, TimerId};
use crate::node::{Node, Protocol};
use crate::queue::{Event, InFlight};
use crate::rng::Rng;
use crate::trace::{DropReason, TraceEvent};

/// Work waiting for a busy or paused node.
#[derive(Clone, Debug)]
pub(crate) enum Inbound<N: Node> {
    Message {
        info: InFlight,
        msg: N::Msg,
    },
    Timer {
        timer: TimerId,
        tag: u64,
    },
    Request(Box<Request>),
    /// The membership changed while the node was paused.
    Membership,
    Command(N::Command),
}

impl<N: Node> Inbound<N> {
    /// Messages and requests take service time; the rest is instant.
    fn takes_service(&self) -> bool {
        matches!(self, Inbound::Message { .. } | Inbound::Request(_))
    }
}

/// Everything the kernel keeps about one node.
#[derive(Clone, Debug)]
pub(crate) struct NodeSlot<N: Node> {
    pub(crate) node: Option<N>,
    pub(crate) status: NodeStatus,
    pub(crate) durable: N::Durable,
    pub(crate) rng: Rng,
    /// Bumped by every crash and restart; stale timers and messages are ignored.
    pub(crate) incarnation: u32,
    /// Live timers with their tags, ascending by id (ids only grow).
    pub(crate) timers: Vec<(TimerId, u64)>,
    pub(crate) busy_until_us: Micros,
    pub(crate) inbox: VecDeque<Inbound<N>>,
    pub(crate) wake_scheduled: bool,
}

impl<N: Node> NodeSlot<N> {
    pub(crate) fn new(node: N, rng: Rng) -> Self {
        NodeSlot {
            node: Some(node),
            status: NodeStatus::Up,
            durable: N::Durable::default(),
            rng,
            incarnation: 0,
            timers: Vec::new(),
            busy_until_us: 0,
            inbox: VecDeque::new(),
            wake_scheduled: false,
        }
    }

    /// Removes a live timer and returns its tag; `None` if it was cancelled
    /// or never existed.
    pub(crate) fn forget_timer(&mut self, id: TimerId) -> Option<u64> {
        let i = self.timers.binary_search_by_key(&id, |&(t, _)| t).ok()?;
        Some(self.timers.remove(i).1)
    }
}

impl<P: Protocol> Sim<P> {
    /// Work arrives at a live node: handle it now or queue it.
    pub(crate) fn arrive(&mut self, node: NodeId, item: Inbound<P::Node>) -> Result<(), SimError> {
        let i = node.0 as usize;
        let service_us = self.config.nodes[i].service_time_us;
        let slot = &mut self.slots[i];
        let paused = slot.status == NodeStatus::Paused;
        let waits = paused
            || (item.takes_service()
                && (!slot.inbox.is_empty() || (service_us > 0 && slot.busy_until_us > self.now_us)));
        if !waits {
            return self.handle(node, item);
        }
        if slot.inbox.len() >= self.config.limits.inbox_messages_max {
            self.trace_overflow(node, item);
            return Ok(());
        }
        slot.inbox.push_back(item);
        let depth = u32::try_from(slot.inbox.len()).unwrap_or(u32::MAX);
        self.trace.push(self.now_us, TraceEvent::Queued { node, depth });
        if !paused {
            self.schedule_wake(node)?;
        }
        Ok(())
    }

    fn trace_overflow(&mut self, node: NodeId, item: Inbound<P::Node>) {
        let reason = DropReason::InboxFull;
        let event = match item {
            Inbound::Message { info, .. } => TraceEvent::Dropped { msg: info.msg, from: info.from, to: node, reason },
            Inbound::Timer { timer, .. } => TraceEvent::TimerLost { node, timer },
            Inbound::Request(req) => TraceEvent::RequestLost { op: req.op, node, reason },
            Inbound::Membership | Inbound::Command(_) => {
                TraceEvent::Intervention { description: format!("{node} inbox full: intervention lost") }
            }
        };
        self.trace.push(self.now_us, event);
    }

    /// Makes sure a `Wake` is pending for a node with a non-empty inbox.
    pub(crate) fn schedule_wake(&mut self, node: NodeId) -> Result<(), SimError> {
        let slot = &mut self.slots[node.0 as usize];
        if slot.wake_scheduled || slot.inbox.is_empty() || slot.status != NodeStatus::Up {
            return Ok(());
        }
        slot.wake_scheduled = true;
        let at_us = slot.busy_until_us.max(self.now_us);
        let incarnation = slot.incarnation;
        self.queue.push(at_us, Event::Wake { node, incarnation })
    }

    /// A busy node is free again: take the next item from its inbox.
    pub(crate) fn wake(&mut self, node: NodeId, incarnation: u32) -> Result<(), SimError> {
        let slot = &mut self.slots[node.0 as usize];
        if slot.incarnation != incarnation {
            return Ok(());
        }
        slot.wake_scheduled = false;
        if slot.status != NodeStatus::Up {
            return Ok(());
        }
        if slot.busy_until_us > self.now_us {
            return self.schedule_wake(node);
        }
        let Some(item) = slot.inbox.pop_front() else { return Ok(()) };
        self.handle(node, item)?;
        self.schedule_wake(node)
    }

    /// Runs the handler for one item on a node that is up and free.
    fn handle(&mut self, node: NodeId, item: Inbound<P::Node>) -> Result<(), SimError> {
        let i = node.0 as usize;
        let service_us = self.config.nodes[i].service_time_us;
        if service_us > 0 && item.takes_service() {
            self.slots[i].busy_until_us = self.now_us.saturating_add(service_us);
        }
        let now_us = self.now_us;
        match item {
            Inbound::Message { info, msg } => {
                let event = TraceEvent::Delivered { msg: info.msg, from: info.from, to: node, kind: info.kind };
                self.trace.push(now_us, event);
                self.call_node(node, |n, ctx| n.on_message(info.from, msg, ctx))
            }
            Inbound::Timer { timer, tag } => {
                self.trace.push(now_us, TraceEvent::TimerFired { node, timer });
                self.call_node(node, |n, ctx| n.on_timer(timer, tag, ctx))
            }
            Inbound::Request(request) => {
                self.trace.push(now_us, TraceEvent::Received { op: request.op, node });
                self.call_node(node, |n, ctx| n.on_client_request(*request, ctx))
            }
            Inbound::Membership => {
                let members = self.members.clone();
                self.call_node(node, |n, ctx| n.on_membership(&members, ctx))
            }
            Inbound::Command(command) => self.call_node(node, |n, ctx| n.on_command(command, ctx)),
        }
    }

    /// A timer's time has come.
    pub(crate) fn timer_fired(&mut self, node: NodeId, incarnation: u32, timer: TimerId) -> Result<(), SimError> {
        let slot = &mut self.slots[node.0 as usize];
        if slot.incarnation != incarnation {
            return Ok(());
        }
        match slot.forget_timer(timer) {
            Some(tag) => self.arrive(node, Inbound::Timer { timer, tag }),
            None => Ok(()),
        }
    }

    /// A client request reaches its node.
    pub(crate) fn request_arrived(&mut self, node: NodeId, request: Box<Request>) -> Result<(), SimError> {
        let status = self.node_status(node);
        if matches!(status, NodeStatus::Crashed | NodeStatus::Removed) {
            let event = TraceEvent::RequestLost { op: request.op, node, reason: DropReason::NodeDown };
            self.trace.push(self.now_us, event);
            return Ok(());
        }
        self.arrive(node, Inbound::Request(request))
    }

    /// Drops a node's volatile state: the state machine, timers, inbox.
    pub(crate) fn crash_node(&mut self, node: NodeId) {
        let now_us = self.now_us;
        let slot = &mut self.slots[node.0 as usize];
        slot.node = None;
        slot.status = NodeStatus::Crashed;
        slot.incarnation += 1;
        slot.timers.clear();
        slot.busy_until_us = now_us;
        slot.wake_scheduled = false;
        let inbox = std::mem::take(&mut slot.inbox);
        for item in inbox {
            let reason = DropReason::NodeDown;
            let event = match item {
                Inbound::Message { info, .. } => {
                    TraceEvent::Dropped { msg: info.msg, from: info.from, to: node, reason }
                }
                Inbound::Request(req) => TraceEvent::RequestLost { op: req.op, node, reason },
                Inbound::Timer { .. } | Inbound::Membership | Inbound::Command(_) => continue,
            };
            self.trace.push(now_us, event);
        }
        self.trace.push(now_us, TraceEvent::Crashed { node });
    }

    /// Builds a fresh state machine for a crashed node and runs `on_restart`.
    pub(crate) fn restart_node(&mut self, node: NodeId) -> Result<(), SimError> {
        let fresh = self.protocol.new_node(node, &self.members);
        let slot = &mut self.slots[node.0 as usize];
        slot.node = Some(fresh);
        slot.status = NodeStatus::Up;
        slot.incarnation += 1;
        self.trace.push(self.now_us, TraceEvent::Restarted { node });
        self.call_node(node, |n, ctx| n.on_restart(ctx))
    }

    /// Tells every other live member about a membership change.
    pub(crate) fn notify_membership(&mut self, except: NodeId) -> Result<(), SimError> {
        for id in self.members.clone() {
            if id == except {
                continue;
            }
            match self.node_status(id) {
                NodeStatus::Up => {
                    let members = self.members.clone();
                    self.call_node(id, |n, ctx| n.on_membership(&members, ctx))?;
                }
                NodeStatus::Paused => self.arrive(id, Inbound::Membership)?,
                NodeStatus::Crashed | NodeStatus::Removed => {}
            }
        }
        Ok(())
    }
}

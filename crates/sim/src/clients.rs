//! Clients: they issue operations to nodes, wait for replies, time out, and
//! record everything in the [`History`](crate::History).
//!
//! A client has at most one operation outstanding. Explicit `Invoke`s that
//! arrive while it is busy wait in its queue (at most
//! `limits.client_queue_max`). With a [`Workload`](crate::config::Workload) it
//! also ticks every `1e6 / rate_per_s` µs and, if idle, issues a read or a
//! write of a unique value `"{client}:{seq}"` (e.g. `"c1:7"`). A request
//! reaches its node after `latency_us`, a reply its client after the same.
//! No reply within `timeout_us` ends the operation as `Info`; a reply after
//! that, or a second reply, is ignored. A client that follows leader hints
//! also moves on to the next node on a timeout (see
//! [`ClientConfig::follow_leader_hint`]).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::client::{OpKind, Outcome, Reply, Request};
use crate::config::{ClientConfig, UpdateKind, Workload};
use crate::engine::{NodeStatus, Sim};
use crate::error::SimError;
use crate::history::OpRecord;
use crate::ids::{ClientId, NodeId, OpId};
use crate::node::Protocol;
use crate::queue::Event;
use crate::rng::{Rng, Stream};
use crate::trace::TraceEvent;

/// One client as the kernel keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientState {
    pub id: ClientId,
    /// The current settings (target, policy, workload) after interventions.
    pub config: ClientConfig,
    /// The operation in progress.
    pub pending: Option<OpId>,
    /// Explicit operations waiting for the pending one to finish.
    pub queued: VecDeque<OpKind>,
    /// The session token from the last reply that carried one.
    pub token: u64,
    /// Writes issued by the workload so far (the `seq` in `"c1:7"`).
    pub writes_issued: u64,
    pub(crate) rng: Rng,
    /// Bumped when the workload changes, so ticks of the old one are ignored.
    pub(crate) epoch: u32,
}

impl ClientState {
    pub(crate) fn new(id: ClientId, config: ClientConfig, seed: u64) -> Self {
        ClientState {
            id,
            config,
            pending: None,
            queued: VecDeque::new(),
            token: 0,
            writes_issued: 0,
            rng: Rng::derive(seed, Stream::Client(id.0)),
            epoch: 0,
        }
    }

    /// The node the client sends to.
    pub fn target(&self) -> NodeId {
        self.config.target
    }

    /// True if no operation is outstanding or waiting.
    pub fn is_idle(&self) -> bool {
        self.pending.is_none() && self.queued.is_empty()
    }
}

impl<P: Protocol> Sim<P> {
    /// An explicit operation: issued now, or queued behind the pending one.
    pub(crate) fn invoke(&mut self, client: ClientId, kind: OpKind) -> Result<(), SimError> {
        let limit = self.config.limits.client_queue_max;
        let state = &mut self.clients[client.0 as usize];
        if state.pending.is_none() {
            return self.issue(client, kind);
        }
        if state.queued.len() >= limit {
            return Err(SimError::ClientQueueFull { client, limit });
        }
        state.queued.push_back(kind);
        Ok(())
    }

    /// Sends an operation now: history, trace, request, timeout.
    fn issue(&mut self, client: ClientId, kind: OpKind) -> Result<(), SimError> {
        let limit = self.config.limits.history_ops_max;
        if self.history.ops.len() >= limit {
            return Err(SimError::HistoryFull { limit });
        }
        let now_us = self.now_us;
        let op = OpId(self.history.ops.len() as u64);
        let state = &mut self.clients[client.0 as usize];
        let node = state.config.target;
        state.pending = Some(op);
        let request = Request { op, client, kind: kind.clone(), policy: state.config.policy, token: state.token };
        let arrive_us = now_us.saturating_add(state.config.latency_us);
        let timeout_us = now_us.saturating_add(state.config.timeout_us);
        self.trace.push(now_us, TraceEvent::Invoked { op, client, node, kind: kind.clone() });
        let record = OpRecord { op, client, node, kind, invoke_us: now_us, complete_us: None, outcome: None };
        self.history.ops.push(record);
        self.queue.push(arrive_us, Event::Request { node, request: Box::new(request) })?;
        self.queue.push(timeout_us, Event::Timeout { op })
    }

    /// A node replied: send the reply back to the client.
    pub(crate) fn send_reply(&mut self, op: OpId, reply: Reply) -> Result<(), SimError> {
        let Some(record) = self.history.get(op) else { return Ok(()) };
        let latency_us = self.clients[record.client.0 as usize].config.latency_us;
        self.queue.push(self.now_us.saturating_add(latency_us), Event::Reply { op, reply: Box::new(reply) })
    }

    /// A reply reaches its client.
    pub(crate) fn reply_arrived(&mut self, op: OpId, reply: Reply) -> Result<(), SimError> {
        let Reply { outcome, token, leader_hint } = reply;
        let sent_to = self.history.get(op).map(|r| r.node);
        let Some(client) = self.complete(op, outcome) else { return Ok(()) };
        let members = &self.members;
        let state = &mut self.clients[client.0 as usize];
        if let Some(token) = token {
            state.token = token;
        }
        // A hint from a node the client no longer talks to (it was pointed
        // elsewhere while this operation was on its way) is stale: following
        // it would undo the new target.
        if let Some(leader) = leader_hint.filter(|_| sent_to == Some(state.config.target)) {
            if state.config.follow_leader_hint && members.binary_search(&leader).is_ok() {
                state.config.target = leader;
            }
        }
        self.issue_queued(client)
    }

    /// The client gave up waiting. One that follows leader hints tries the
    /// next member in id order: its target may be down, and only a reply
    /// brings a hint.
    pub(crate) fn timed_out(&mut self, op: OpId) -> Result<(), SimError> {
        let sent_to = self.history.get(op).map(|r| r.node);
        let Some(client) = self.complete(op, Outcome::Info { reason: "timeout".into() }) else { return Ok(()) };
        let state = &mut self.clients[client.0 as usize];
        if state.config.follow_leader_hint && sent_to == Some(state.config.target) {
            let target = state.config.target;
            let next = self.members.iter().find(|&&m| m > target).or(self.members.first());
            if let Some(&next) = next {
                state.config.target = next;
            }
        }
        self.issue_queued(client)
    }

    /// Records the outcome if `op` is still pending; returns its client.
    fn complete(&mut self, op: OpId, outcome: Outcome) -> Option<ClientId> {
        let record = self.history.ops.get_mut(usize::try_from(op.0).ok()?)?;
        if record.outcome.is_some() {
            return None;
        }
        let client = record.client;
        record.complete_us = Some(self.now_us);
        record.outcome = Some(outcome.clone());
        self.trace.push(self.now_us, TraceEvent::Completed { op, client, outcome });
        let state = &mut self.clients[client.0 as usize];
        if state.pending == Some(op) {
            state.pending = None;
        }
        Some(client)
    }

    fn issue_queued(&mut self, client: ClientId) -> Result<(), SimError> {
        let state = &mut self.clients[client.0 as usize];
        if state.pending.is_some() {
            return Ok(());
        }
        match state.queued.pop_front() {
            Some(kind) => self.issue(client, kind),
            None => Ok(()),
        }
    }

    /// Schedules the first tick of a client's current workload.
    pub(crate) fn schedule_workload(&mut self, client: ClientId) -> Result<(), SimError> {
        let state = &self.clients[client.0 as usize];
        let Some(workload) = &state.config.workload else { return Ok(()) };
        let at_us = workload.start_us.max(self.now_us);
        if workload.stop_us.is_some_and(|stop| at_us >= stop) {
            return Ok(());
        }
        let epoch = state.epoch;
        self.queue.push(at_us, Event::Tick { client, epoch })
    }

    /// A workload tick: issue an operation if idle, then schedule the next tick.
    pub(crate) fn tick(&mut self, client: ClientId, epoch: u32) -> Result<(), SimError> {
        let now_us = self.now_us;
        let target_removed = self.node_status(self.clients[client.0 as usize].config.target) == NodeStatus::Removed;
        let state = &mut self.clients[client.0 as usize];
        let Some(workload) = state.config.workload.as_ref() else { return Ok(()) };
        if state.epoch != epoch || workload.stop_us.is_some_and(|stop| now_us >= stop) {
            return Ok(());
        }
        let next_us = now_us.saturating_add(workload.interval_us());
        let more = workload.stop_us.is_none_or(|stop| next_us < stop);
        let idle = state.pending.is_none() && state.queued.is_empty();
        let kind = (idle && !target_removed).then(|| {
            let name = state.config.name.clone().unwrap_or_else(|| state.id.to_string());
            next_op(&name, workload, &mut state.rng, &mut state.writes_issued)
        });
        if let Some(kind) = kind {
            self.issue(client, kind)?;
        }
        if more {
            self.queue.push(next_us, Event::Tick { client, epoch })?;
        }
        Ok(())
    }
}

/// Draws the workload's next operation: a read, or a write of a unique value.
fn next_op(client: &str, workload: &Workload, rng: &mut Rng, writes_issued: &mut u64) -> OpKind {
    let read = rng.chance_ppm(workload.read_ppm);
    let key = workload.keys[rng.below(workload.keys.len() as u64) as usize].clone();
    if read {
        OpKind::Read { key }
    } else {
        *writes_issued += 1;
        let unique = format!("{client}:{writes_issued}");
        match workload.updates {
            UpdateKind::Write => OpKind::Write { key, value: unique },
            UpdateKind::Incr => OpKind::Incr { key, by: 1 },
            UpdateKind::SetAdd => OpKind::SetAdd { key, elem: unique },
            UpdateKind::DecrIfPositive => OpKind::DecrIfPositive { key },
        }
    }
}

//! Scaffolding for kernel tests, benchmarks and docs: a trivial protocol and
//! shared scenarios. Not a replication protocol anyone should use.
//!
//! [`Register`] builds [`RegisterNode`]s: each keeps a local key-value map; a
//! write is applied locally, acknowledged at once and naively broadcast to all
//! peers (no ordering, no retries: replicas diverge under faults, which is
//! the point of a playground); reads answer locally; a periodic heartbeat
//! timer keeps messages flowing. The durable state is the map, so a restarted
//! node remembers what it had applied but not how many heartbeats it saw.
//!
//! [`scenario`] builds the runs that tests, benches and the WebAssembly test
//! share, so all of them execute identical code.

pub mod scenario;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::{OpKind, Reply, Request};
use crate::ids::{Micros, NodeId, TimerId};
use crate::node::{Context, Message, MsgKind, Node, NodeEvent, Protocol};

/// The trivial protocol's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    /// Heartbeat period; 0 turns heartbeats off.
    pub heartbeat_us: Micros,
}

impl Default for Register {
    fn default() -> Self {
        Register { heartbeat_us: 10_000 }
    }
}

impl Protocol for Register {
    type Node = RegisterNode;

    fn new_node(&self, id: NodeId, _nodes: &[NodeId]) -> RegisterNode {
        RegisterNode {
            id,
            map: BTreeMap::new(),
            heartbeat_us: self.heartbeat_us,
            heartbeats_seen: 0,
            beats_sent: 0,
            timer: None,
        }
    }
}

/// A message between register nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegisterMsg {
    /// "I applied this write; you apply it too."
    Put { key: String, value: String },
    /// "I am alive"; `beat` counts the sender's heartbeats since it started.
    Heartbeat { beat: u64 },
}

impl Message for RegisterMsg {
    fn kind(&self) -> MsgKind {
        match self {
            RegisterMsg::Put { .. } => MsgKind::Replication,
            RegisterMsg::Heartbeat { .. } => MsgKind::Heartbeat,
        }
    }

    fn size_bytes(&self) -> u32 {
        match self {
            RegisterMsg::Put { key, value } => 16 + (key.len() + value.len()) as u32,
            RegisterMsg::Heartbeat { .. } => 16,
        }
    }
}

/// Interventions the register understands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegisterCommand {
    /// Change the heartbeat period from the next beat on (0: stop).
    SetHeartbeat { every_us: Micros },
    /// Emit a note into the trace.
    Note { text: String },
}

/// One register node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterNode {
    pub id: NodeId,
    /// The applied writes (mirrors the durable state).
    pub map: BTreeMap<String, String>,
    pub heartbeat_us: Micros,
    /// Heartbeats received since this incarnation started (volatile).
    pub heartbeats_seen: u64,
    /// Heartbeats sent since this incarnation started (volatile).
    pub beats_sent: u64,
    /// The pending heartbeat timer.
    pub timer: Option<TimerId>,
}

/// The timer tag of the heartbeat.
const HEARTBEAT_TAG: u64 = 1;

impl RegisterNode {
    /// Version data: the register keeps no history, so every key is its
    /// current value with older versions folded away.
    pub fn versions(&self) -> crate::versions::NodeVersions {
        self.map
            .iter()
            .map(|(k, v)| (k.clone(), crate::versions::KeyVersions::chain(Some(v.clone()), std::iter::empty())))
            .collect()
    }

    fn arm(&mut self, ctx: &mut Context<'_, Self>) {
        self.timer = (self.heartbeat_us > 0).then(|| ctx.set_timer(self.heartbeat_us, HEARTBEAT_TAG));
    }

    fn put(&mut self, key: String, value: String, ctx: &mut Context<'_, Self>) {
        ctx.durable_mut().insert(key.clone(), value.clone());
        self.map.insert(key, value);
    }
}

impl Node for RegisterNode {
    type Msg = RegisterMsg;
    type Durable = BTreeMap<String, String>;
    type Command = RegisterCommand;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        self.arm(ctx);
    }

    fn on_restart(&mut self, ctx: &mut Context<'_, Self>) {
        self.map = ctx.durable().clone();
        ctx.emit(NodeEvent::Note { text: format!("recovered {} keys", self.map.len()) });
        self.arm(ctx);
    }

    fn on_message(&mut self, _from: NodeId, msg: RegisterMsg, ctx: &mut Context<'_, Self>) {
        match msg {
            RegisterMsg::Put { key, value } => self.put(key, value, ctx),
            RegisterMsg::Heartbeat { .. } => self.heartbeats_seen += 1,
        }
    }

    fn on_timer(&mut self, timer: TimerId, tag: u64, ctx: &mut Context<'_, Self>) {
        if tag == HEARTBEAT_TAG && self.timer == Some(timer) {
            self.beats_sent += 1;
            ctx.broadcast(RegisterMsg::Heartbeat { beat: self.beats_sent });
            self.arm(ctx);
        }
    }

    fn on_client_request(&mut self, req: Request, ctx: &mut Context<'_, Self>) {
        let reply = match req.kind {
            OpKind::Read { key } => Reply::values(self.map.get(&key).cloned().into_iter().collect()),
            OpKind::Write { key, value } => {
                self.put(key.clone(), value.clone(), ctx);
                ctx.broadcast(RegisterMsg::Put { key, value });
                Reply::ok()
            }
            OpKind::Incr { key, by } => {
                let old: i64 = self.map.get(&key).and_then(|v| v.parse().ok()).unwrap_or(0);
                let value = old.wrapping_add(by).to_string();
                self.put(key.clone(), value.clone(), ctx);
                ctx.broadcast(RegisterMsg::Put { key, value: value.clone() });
                Reply::values(vec![value])
            }
            other => match crate::client::single_value_update(&other, self.map.get(other.key()).map(String::as_str)) {
                Ok(value) => {
                    let key = other.key().to_string();
                    self.put(key.clone(), value.clone(), ctx);
                    ctx.broadcast(RegisterMsg::Put { key, value: value.clone() });
                    Reply::values(vec![value])
                }
                Err(reason) => Reply::fail(reason),
            },
        };
        ctx.reply(req.op, reply);
    }

    fn on_command(&mut self, cmd: RegisterCommand, ctx: &mut Context<'_, Self>) {
        match cmd {
            RegisterCommand::SetHeartbeat { every_us } => {
                if let Some(timer) = self.timer.take() {
                    ctx.cancel_timer(timer);
                }
                self.heartbeat_us = every_us;
                self.arm(ctx);
            }
            RegisterCommand::Note { text } => ctx.emit(NodeEvent::Note { text }),
        }
    }
}

//! `Probe`: a protocol for kernel tests that does exactly what a test tells
//! it through commands, and records everything it receives.

#![allow(dead_code)]

use sim::{Context, Message, MsgKind, Node, NodeId, OpKind, Protocol, Reply, Request, Sim, TimerId, TraceEvent};

#[derive(Clone, Debug, Default)]
pub struct Probe {
    /// Reply to client requests with this leader hint and token.
    pub hint: Option<NodeId>,
    /// Reply twice to every client request.
    pub double_reply: bool,
    /// Never reply to client requests.
    pub silent: bool,
}

impl Protocol for Probe {
    type Node = ProbeNode;

    fn new_node(&self, id: NodeId, nodes: &[NodeId]) -> ProbeNode {
        ProbeNode { id, settings: self.clone(), received: Vec::new(), fired: Vec::new(), membership: vec![nodes.len()] }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeMsg(pub u64);

impl Message for ProbeMsg {
    fn kind(&self) -> MsgKind {
        MsgKind::Other
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ProbeCmd {
    /// Send `count` messages numbered `0..count` to `to`.
    Send { to: NodeId, count: u64 },
    /// Set a timer.
    Timer { after_us: u64 },
    /// Persist a value.
    Persist(u64),
}

#[derive(Clone, Debug)]
pub struct ProbeNode {
    pub id: NodeId,
    pub settings: Probe,
    /// (sender, number) in arrival order.
    pub received: Vec<(NodeId, u64)>,
    /// Timers that fired.
    pub fired: Vec<TimerId>,
    /// Cluster sizes seen: at creation, then at every membership change.
    pub membership: Vec<usize>,
}

impl Node for ProbeNode {
    type Msg = ProbeMsg;
    type Durable = Vec<u64>;
    type Command = ProbeCmd;

    fn on_start(&mut self, _ctx: &mut Context<'_, Self>) {}

    fn on_restart(&mut self, _ctx: &mut Context<'_, Self>) {}

    fn on_message(&mut self, from: NodeId, msg: ProbeMsg, _ctx: &mut Context<'_, Self>) {
        self.received.push((from, msg.0));
    }

    fn on_timer(&mut self, timer: TimerId, _tag: u64, _ctx: &mut Context<'_, Self>) {
        self.fired.push(timer);
    }

    fn on_client_request(&mut self, req: Request, ctx: &mut Context<'_, Self>) {
        if self.settings.silent {
            return;
        }
        let reply = match req.kind {
            OpKind::Read { .. } => Reply::values(vec![self.received.len().to_string()]),
            _ => Reply::ok(),
        };
        let reply = reply.with_token(req.token + 10).with_leader_hint(self.settings.hint);
        if self.settings.double_reply {
            ctx.reply(req.op, Reply::fail("second reply"));
        }
        ctx.reply(req.op, reply);
    }

    fn on_command(&mut self, cmd: ProbeCmd, ctx: &mut Context<'_, Self>) {
        match cmd {
            ProbeCmd::Send { to, count } => {
                for i in 0..count {
                    ctx.send(to, ProbeMsg(i));
                }
            }
            ProbeCmd::Timer { after_us } => {
                ctx.set_timer(after_us, 0);
            }
            ProbeCmd::Persist(v) => ctx.durable_mut().push(v),
        }
    }

    fn on_membership(&mut self, nodes: &[NodeId], _ctx: &mut Context<'_, Self>) {
        self.membership.push(nodes.len());
    }
}

/// Counts the kept trace records matching `f`.
pub fn count<P: Protocol>(sim: &Sim<P>, f: impl Fn(&TraceEvent) -> bool) -> usize {
    sim.trace().records().filter(|r| f(&r.event)).count()
}

/// The numbers node `id` received, in order.
pub fn received(sim: &Sim<Probe>, id: NodeId) -> Vec<u64> {
    sim.node(id).map(|n| n.received.iter().map(|&(_, i)| i).collect()).unwrap_or_default()
}

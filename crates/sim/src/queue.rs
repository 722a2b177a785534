//! The event queue and the messages in flight.
//!
//! [`EventQueue`] is a binary heap ordered by `(time, sequence number)`: the
//! earliest event first, ties broken first-in first-out by a counter, so the
//! order never depends on anything but the run. Its size is bounded by
//! `limits.events_queued_max`.
//!
//! Message payloads do not travel through the heap: [`InFlightSet`] holds them
//! by [`MsgId`] in a sliding window (ids are handed out in send order and most
//! messages arrive roughly in that order), which gives O(1) insert and remove
//! and iteration in id order for the page's animation.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::client::{Reply, Request};
use crate::error::SimError;
use crate::ids::{ClientId, Micros, MsgId, NodeId, OpId, TimerId};
use crate::node::MsgKind;

/// Something scheduled to happen at a point of virtual time.
#[derive(Clone, Debug)]
pub(crate) enum Event {
    /// A message (payload in the in-flight set) reaches its receiver.
    Deliver(MsgId),
    /// A timer of one incarnation of a node fires (its tag waits in the node's slot).
    Timer { node: NodeId, incarnation: u32, timer: TimerId },
    /// A busy node finished its current item: take the next from its inbox.
    Wake { node: NodeId, incarnation: u32 },
    /// A client request reaches its node.
    Request { node: NodeId, request: Box<Request> },
    /// A node's reply reaches its client.
    Reply { op: OpId, reply: Box<Reply> },
    /// A client gives up waiting for `op`.
    Timeout { op: OpId },
    /// A client's workload may issue its next operation.
    Tick { client: ClientId, epoch: u32 },
}

#[derive(Clone, Debug)]
struct Entry {
    at_us: Micros,
    seq: u64,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at_us, self.seq) == (other.at_us, other.seq)
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    /// Reversed, so the max-heap pops the earliest `(at_us, seq)`.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at_us, other.seq).cmp(&(self.at_us, self.seq))
    }
}

/// Pending events, earliest first, FIFO on ties.
#[derive(Clone, Debug)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Entry>,
    next_seq: u64,
    queued_max: usize,
}

impl EventQueue {
    pub(crate) fn new(queued_max: usize) -> Self {
        EventQueue { heap: BinaryHeap::new(), next_seq: 0, queued_max }
    }

    /// Schedules `event` at `at_us`.
    #[inline]
    pub(crate) fn push(&mut self, at_us: Micros, event: Event) -> Result<(), SimError> {
        if self.heap.len() >= self.queued_max {
            return Err(SimError::EventQueueFull { limit: self.queued_max });
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry { at_us, seq, event });
        Ok(())
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(Micros, Event)> {
        self.heap.pop().map(|e| (e.at_us, e.event))
    }

    /// The time of the earliest event.
    #[inline]
    pub(crate) fn peek_us(&self) -> Option<Micros> {
        self.heap.peek().map(|e| e.at_us)
    }

    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }
}

/// A message on the wire, as the page draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    pub msg: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: MsgKind,
    pub sent_us: Micros,
    pub deliver_us: Micros,
    /// The receiver's incarnation at send time: a crash in between loses it.
    #[serde(skip)]
    pub(crate) to_incarnation: u32,
}

/// Messages in flight with their payloads, by id.
#[derive(Clone, Debug)]
pub(crate) struct InFlightSet<M> {
    /// The id of `slots[0]`.
    base: u64,
    slots: VecDeque<Option<(InFlight, M)>>,
    len: usize,
}

impl<M> InFlightSet<M> {
    pub(crate) fn new() -> Self {
        InFlightSet { base: 0, slots: VecDeque::new(), len: 0 }
    }

    /// Adds a message; ids must be added in increasing order.
    pub(crate) fn insert(&mut self, info: InFlight, msg: M) {
        let id = info.msg.0;
        if self.slots.is_empty() {
            self.base = id;
        }
        debug_assert!(id >= self.base + self.slots.len() as u64, "in-flight ids must increase");
        while self.base + (self.slots.len() as u64) < id {
            self.slots.push_back(None);
        }
        self.slots.push_back(Some((info, msg)));
        self.len += 1;
    }

    /// Takes a message out (delivered or dropped).
    pub(crate) fn remove(&mut self, id: MsgId) -> Option<(InFlight, M)> {
        let index = usize::try_from(id.0.checked_sub(self.base)?).ok()?;
        let taken = self.slots.get_mut(index)?.take();
        if taken.is_some() {
            self.len -= 1;
            while matches!(self.slots.front(), Some(None)) {
                self.slots.pop_front();
                self.base += 1;
            }
        }
        taken
    }

    /// The messages in flight, by id.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &InFlight> + '_ {
        self.slots.iter().filter_map(|s| s.as_ref().map(|(info, _)| info))
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_pop_in_push_order() {
        let mut q = EventQueue::new(10);
        for op in [3, 1, 2] {
            q.push(5, Event::Timeout { op: OpId(op) }).unwrap();
        }
        q.push(4, Event::Timeout { op: OpId(9) }).unwrap();
        let order: Vec<u64> = std::iter::from_fn(|| q.pop())
            .map(|(_, e)| match e {
                Event::Timeout { op } => op.0,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(order, vec![9, 3, 1, 2]);
    }

    #[test]
    fn queue_limit_is_a_typed_error() {
        let mut q = EventQueue::new(1);
        q.push(1, Event::Timeout { op: OpId(0) }).unwrap();
        assert_eq!(q.push(1, Event::Timeout { op: OpId(1) }), Err(SimError::EventQueueFull { limit: 1 }));
    }

    #[test]
    fn in_flight_window_slides() {
        let info = |id| InFlight {
            msg: MsgId(id),
            from: NodeId(0),
            to: NodeId(1),
            kind: MsgKind::Other,
            sent_us: 0,
            deliver_us: 1,
            to_incarnation: 0,
        };
        let mut set = InFlightSet::new();
        for id in [0, 1, 3] {
            set.insert(info(id), id);
        }
        assert_eq!(set.remove(MsgId(1)).map(|(_, m)| m), Some(1));
        assert_eq!(set.remove(MsgId(1)), None);
        assert_eq!(set.iter().map(|i| i.msg.0).collect::<Vec<_>>(), vec![0, 3]);
        set.remove(MsgId(0));
        assert_eq!((set.base, set.slots.len(), set.len()), (3, 1, 1));
    }
}

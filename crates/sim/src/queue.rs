//! The event queue and the messages in flight.
//!
//! [`EventQueue`] pops the earliest event first, ties first-in first-out
//! (the order of a heap keyed by `(time, sequence number)`), so the order
//! never depends on anything but the run. It is a radix heap, which virtual
//! time never going back makes possible. Its size is bounded by
//! `limits.events_queued_max`.
//!
//! Message payloads do not travel through the heap: [`InFlightSet`] holds them
//! by [`MsgId`] in a sliding window (ids are handed out in send order and most
//! messages arrive roughly in that order), which gives O(1) insert and remove
//! and iteration in id order for the page's animation.

use std::collections::VecDeque;

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

/// The most events the queue can hold (slab indices are `u32`).
pub const EVENTS_QUEUED_MAX_LIMIT: usize = 1 << 30;

/// Buckets of the radix heap: 0 holds keys equal to `last_us`, bucket `b > 0`
/// holds keys whose highest bit differing from `last_us` is bit `b - 1`.
const BUCKETS: usize = 65;

#[inline(always)]
fn bucket(at_us: Micros, last_us: Micros) -> usize {
    64 - (at_us ^ last_us).leading_zeros() as usize
}

/// Pending events, earliest first, FIFO on ties.
///
/// A radix heap: virtual time never goes back, so every new event is at or
/// after the last one popped, and events can be kept in buckets by the
/// highest bit in which their time differs from it. Push is O(1); pop
/// redistributes one bucket now and then, each event moving O(log delay)
/// times at most. Within a bucket events stay in push order and move in
/// order, so events at the same time pop first-in first-out (as if ordered by
/// `(time, sequence number)`). Payloads live in a slab so entries are small.
#[derive(Clone, Debug)]
pub(crate) struct EventQueue {
    buckets: Vec<Vec<(Micros, u32)>>,
    /// The smallest time in each bucket (valid when the bucket is non-empty).
    mins_us: [Micros; BUCKETS],
    /// Bit `b` set when bucket `b` is non-empty.
    nonempty: u128,
    /// How many entries of bucket 0 were already popped.
    front: usize,
    last_us: Micros,
    len: usize,
    /// Payloads by slab index; `free` lists the empty slots.
    slab: Vec<Option<Event>>,
    free: Vec<u32>,
    queued_max: usize,
}

impl EventQueue {
    pub(crate) fn new(queued_max: usize) -> Self {
        EventQueue {
            buckets: vec![Vec::new(); BUCKETS],
            mins_us: [0; BUCKETS],
            nonempty: 0,
            front: 0,
            last_us: 0,
            len: 0,
            slab: Vec::new(),
            free: Vec::new(),
            queued_max: queued_max.min(EVENTS_QUEUED_MAX_LIMIT),
        }
    }

    /// Schedules `event` at `at_us` (never before the last event popped).
    #[inline]
    pub(crate) fn push(&mut self, at_us: Micros, event: Event) -> Result<(), SimError> {
        if self.len >= self.queued_max {
            return Err(SimError::EventQueueFull { limit: self.queued_max });
        }
        debug_assert!(at_us >= self.last_us, "events are never scheduled in the past");
        let at_us = at_us.max(self.last_us);
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = Some(event);
                slot
            }
            None => {
                self.slab.push(Some(event));
                (self.slab.len() - 1) as u32
            }
        };
        self.insert(at_us, slot);
        self.len += 1;
        Ok(())
    }

    #[inline(always)]
    fn insert(&mut self, at_us: Micros, slot: u32) {
        let b = bucket(at_us, self.last_us);
        if self.nonempty & (1 << b) == 0 {
            self.nonempty |= 1 << b;
            self.mins_us[b] = at_us;
        } else if at_us < self.mins_us[b] {
            self.mins_us[b] = at_us;
        }
        self.buckets[b].push((at_us, slot));
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(Micros, Event)> {
        if self.front == self.buckets[0].len() && !self.refill() {
            return None;
        }
        let (at_us, slot) = self.buckets[0][self.front];
        self.front += 1;
        self.len -= 1;
        let event = self.slab[slot as usize].take()?;
        self.free.push(slot);
        Some((at_us, event))
    }

    /// Bucket 0 is used up: move the smallest non-empty bucket down.
    fn refill(&mut self) -> bool {
        self.buckets[0].clear();
        self.front = 0;
        self.nonempty &= !1;
        if self.nonempty == 0 {
            return false;
        }
        let b = self.nonempty.trailing_zeros() as usize;
        self.nonempty &= !(1 << b);
        self.last_us = self.mins_us[b];
        let mut items = std::mem::take(&mut self.buckets[b]);
        for &(at_us, slot) in &items {
            self.insert(at_us, slot);
        }
        items.clear();
        self.buckets[b] = items;
        true
    }

    /// The time of the earliest event.
    #[inline]
    pub(crate) fn peek_us(&self) -> Option<Micros> {
        if self.front < self.buckets[0].len() {
            return Some(self.last_us);
        }
        let rest = self.nonempty & !1;
        (rest != 0).then(|| self.mins_us[rest.trailing_zeros() as usize])
    }

    pub(crate) fn len(&self) -> usize {
        self.len
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
    fn pops_in_time_then_push_order_like_a_sorted_reference() {
        // Interleave pushes and pops the way a run does, against a sort by (time, seq).
        let mut rng = crate::rng::Rng::seeded(4);
        let mut q = EventQueue::new(100_000);
        let mut reference = std::collections::BTreeSet::new();
        let (mut now, mut seq) = (0u64, 0u64);
        for _ in 0..20_000 {
            for _ in 0..rng.below(4) {
                let at = now + [0, 1, rng.below(50), rng.below(5_000), rng.below(1 << 40)][rng.below(5) as usize];
                q.push(at, Event::Timeout { op: OpId(seq) }).unwrap();
                reference.insert((at, seq));
                seq += 1;
            }
            assert_eq!(q.peek_us(), reference.first().map(|r| r.0));
            if let Some((at, Event::Timeout { op })) = q.pop() {
                assert_eq!(Some((at, op.0)), reference.pop_first());
                now = at;
            }
        }
        assert_eq!(q.len(), reference.len());
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

//! Single-leader replication (primary / replicas): one leader orders every
//! write in a replicated log; followers apply the log in the same order and
//! serve reads.
//!
//! Main types: [`SingleLeader`] (the protocol, built from
//! [`SingleLeaderSettings`]), [`SingleLeaderNode`] (one node; read it through
//! [`SingleLeaderNode::view`]), [`SingleLeaderCommand`] (promote, change a
//! setting) and [`SingleLeaderDurable`] (what survives a crash).
//!
//! # The log and the state
//!
//! Each entry has a position (from 1) and the epoch of the leader that wrote
//! it. A node's key-value state is its snapshot plus its log applied in
//! order. The leader applies its own entries at once; a follower applies what
//! it receives, one entry per `apply_delay_us` (at once when 0). Positions
//! older than the newest `log_retain_entries_max` are folded into a snapshot;
//! a follower that needs them gets the snapshot, then the log. A node that
//! joins at run time always starts from a snapshot.
//!
//! # Reads on the leader: committed data only
//!
//! The leader's applied state runs ahead of its commit index (the position
//! the write rule below has acknowledged): an entry no sync follower has
//! confirmed can still be truncated by the next leader. So the leader keeps
//! applying at once (an `Incr` builds on the newest value, and the page shows
//! the whole log), but answers every read from its state as of the commit
//! index (a view over the applied state, [`crate::log::ReplicatedLog::get_as_of`]),
//! and keeps its snapshot at or before the commit index so that view exists.
//! A new leader holds `Leader` and session reads until it has committed the
//! log it took over, which holds every acknowledged write (the sync-mode
//! rule of MySQL's `AFTER_SYNC`, not the phantom reads of `AFTER_COMMIT`).
//! Followers still serve what they have applied.
//!
//! # Acknowledging a write
//!
//! The leader appends, then acknowledges when the modes allow: every `Sync`
//! follower has the entry, and `semi_sync_k` of the `SemiSync` followers
//! (capped at how many there are). `Async` followers are never waited for, so
//! with only async followers a write is acknowledged on the local append. A
//! stalled sync follower stalls every write: the client times out (`info`).
//! Writes sent to a follower are refused with a `leader_hint`, never
//! forwarded, so every acknowledged write was acknowledged by a leader. With
//! no known leader, writes get `fail("no leader: read-only")`.
//!
//! # Failover rules, and why
//!
//! 1. **Suspicion.** A follower that hears nothing from the leader for
//!    `failover_timeout_us` plus up to a quarter of it at random (drawn from
//!    the node's own stream, so two followers rarely stand at once) forgets
//!    the leader. With `failover` off it stays there: a read-only follower.
//! 2. **Pre-vote.** It first asks "would you vote for me in epoch e + 1?"
//!    without changing anyone's epoch. A node grants only if it has not heard
//!    from a working leader within the timeout itself and the candidate's log
//!    is at least as up to date. So a node that was cut off, or has just
//!    joined with an empty log, cannot depose a working leader by inflating
//!    epochs.
//! 3. **Election.** With a majority of pre-votes it takes epoch e + 1, votes
//!    for itself and asks for votes. A voter grants at most one vote per
//!    epoch (epoch and vote are persisted before the answer) and only to a
//!    candidate whose log is at least as up to date: the higher last epoch
//!    wins, then the higher last position. A majority of votes makes a leader;
//!    any log that holds every write a majority has is as up to date as the
//!    voters', so the most up-to-date reachable follower wins, and with sync
//!    followers (or all followers sync) no acknowledged write is lost.
//! 4. **Epochs.** Every message carries the sender's epoch. A node that sees
//!    a higher epoch adopts it; a leader or candidate that does steps down
//!    (writes it was holding end `info`). Followers reject appends from a
//!    stale epoch and answer with the newer one, so a deposed leader learns.
//! 5. **Resync.** A follower checks each append against the entry before it
//!    (position and epoch). On a mismatch the leader backs up; conflicting
//!    entries and, once the follower has the leader's whole log, any
//!    older-epoch entries past its end are dropped (a `Truncate` event).
//! 6. **Fencing and the lease.** With `fencing` on, a leader accepts and
//!    acknowledges writes (and serves `Leader` reads) only while it holds a
//!    lease: it heard, within `failover_timeout_us`, from enough followers to
//!    make a majority with itself, counted from when it *sent* the message
//!    they answered. Voters wait at least that long after their last
//!    heartbeat, so the lease runs out before a new leader can exist (with
//!    clocks that run at the same rate). With `fencing` off (the split-brain
//!    teaching mode) there is no lease: a leader cut off from the majority
//!    keeps acknowledging writes next to the new one until it hears the
//!    higher epoch, and then those writes are dropped.
//! 7. **Manual failover.** `Promote` makes a node leader of a new epoch at
//!    once, without votes; its log wins even if it is behind.
//! 8. **Restart.** A restarted node comes back as a follower with its durable
//!    epoch, vote, log and settings (the settings commands it took, like a
//!    config file; see [`SingleLeaderDurable::settings`]). With `failover` off, a restarted leader resumes
//!    leading, since nobody else will.
//!
//! ```
//! use replication::single_leader::{FollowerMode, SingleLeader, SingleLeaderSettings};
//! let settings = SingleLeaderSettings::default().with_default_mode(FollowerMode::Sync);
//! let protocol = SingleLeader::new(settings);
//! assert!(protocol.settings.fencing);
//! ```

mod election;
mod follower;
mod leader;
mod msg;
mod node;
mod reads;
mod settings;
mod view;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use sim::{NodeId, Protocol};

pub use leader::{PendingWrite, Progress, APPEND_BATCH_ENTRIES_MAX, PENDING_WRITES_MAX};
pub use msg::{Msg, Route};
pub use node::{SingleLeaderDurable, SingleLeaderNode};
pub use reads::WAITING_READS_MAX;
pub use settings::{FollowerMode, SingleLeaderCommand, SingleLeaderSettings};
pub use view::{EntryView, FollowerLag, SingleLeaderView};

/// The single-leader protocol: a factory of [`SingleLeaderNode`]s sharing settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SingleLeader {
    pub settings: SingleLeaderSettings,
}

impl SingleLeader {
    pub fn new(settings: SingleLeaderSettings) -> Self {
        SingleLeader { settings }
    }
}

impl Protocol for SingleLeader {
    type Node = SingleLeaderNode;

    fn new_node(&self, id: NodeId, nodes: &[NodeId]) -> SingleLeaderNode {
        SingleLeaderNode::new(id, self.settings.clone(), nodes.len())
    }
}

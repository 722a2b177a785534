//! What a user can set on a single-leader cluster, and the commands that
//! change it (or promote a follower) while the run goes on.
//!
//! Settings are per node: a [`SingleLeaderCommand`] changes only the node it
//! is addressed to, so a front end that changes a cluster-wide setting sends
//! the command to every node (a leader elected later then uses it too). A
//! node keeps its settings with its durable state, so a restart keeps them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::{Micros, NodeId};

/// How the leader waits for one follower before acknowledging a write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowerMode {
    /// The leader acknowledges without waiting for this follower.
    #[default]
    Async,
    /// Every write waits until this follower has it.
    Sync,
    /// Writes wait until `semi_sync_k` of the semi-sync followers have them.
    SemiSync,
}

impl FollowerMode {
    /// The lowercase word the page shows.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowerMode::Async => "async",
            FollowerMode::Sync => "sync",
            FollowerMode::SemiSync => "semi-sync",
        }
    }
}

/// The settings of a single-leader cluster. Missing fields in JSON take the
/// defaults, so a preset only names what it changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SingleLeaderSettings {
    /// The node that leads at epoch 1.
    pub initial_leader: NodeId,
    /// The mode of every follower not listed in `modes`.
    pub default_mode: FollowerMode,
    /// Per-follower overrides of `default_mode`.
    pub modes: BTreeMap<NodeId, FollowerMode>,
    /// How many semi-sync followers must confirm a write (capped at the number
    /// of semi-sync followers; 0 waits for none).
    pub semi_sync_k: u32,
    /// Automatic failover: followers that stop hearing the leader elect a new one.
    pub failover: bool,
    /// How often the leader sends heartbeats (and retransmits).
    pub heartbeat_interval_us: Micros,
    /// Silence after which a follower suspects the leader; also the leader's
    /// lease length when fencing is on. Each timer adds up to a quarter of it
    /// at random so followers do not all stand at once.
    pub failover_timeout_us: Micros,
    /// Fencing with epochs and a leader lease. Off is the split-brain teaching
    /// mode: a cut-off leader keeps acknowledging writes.
    pub fencing: bool,
    /// The most log entries a node keeps; older ones are folded into a
    /// snapshot, and a follower that needs them gets the snapshot instead.
    pub log_retain_entries_max: u64,
    /// Time a follower takes to apply one entry (0: at once). Slow apply grows lag.
    pub apply_delay_us: Micros,
    /// How long a replica holds a read-your-writes or monotonic read waiting to
    /// reach the session token (or a quorum read waiting for answers).
    pub read_wait_us_max: Micros,
}

impl Default for SingleLeaderSettings {
    fn default() -> Self {
        SingleLeaderSettings {
            initial_leader: NodeId(0),
            default_mode: FollowerMode::Async,
            modes: BTreeMap::new(),
            semi_sync_k: 1,
            failover: true,
            heartbeat_interval_us: 50_000,
            failover_timeout_us: 300_000,
            fencing: true,
            log_retain_entries_max: 1_000,
            apply_delay_us: 0,
            read_wait_us_max: 100_000,
        }
    }
}

impl SingleLeaderSettings {
    /// The mode of `follower`.
    pub fn mode_of(&self, follower: NodeId) -> FollowerMode {
        self.modes.get(&follower).copied().unwrap_or(self.default_mode)
    }

    /// Every follower in `mode` (all other nodes use `default_mode`).
    pub fn with_default_mode(mut self, mode: FollowerMode) -> Self {
        self.default_mode = mode;
        self
    }
}

/// Interventions a single-leader node understands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SingleLeaderCommand {
    /// Manual failover: this node becomes leader of a new epoch at once,
    /// without an election. The operator answers for its log being current.
    Promote,
    /// Change one follower's mode.
    SetFollowerMode {
        follower: NodeId,
        mode: FollowerMode,
    },
    /// Change the mode of followers without an override.
    SetDefaultMode {
        mode: FollowerMode,
    },
    SetSemiSyncK {
        k: u32,
    },
    SetFailover {
        on: bool,
    },
    SetFailoverTimeout {
        timeout_us: Micros,
    },
    SetHeartbeatInterval {
        interval_us: Micros,
    },
    SetFencing {
        on: bool,
    },
    SetApplyDelay {
        delay_us: Micros,
    },
}

impl SingleLeaderCommand {
    /// Applies a settings change; `Promote` changes no setting.
    pub fn apply_to(&self, s: &mut SingleLeaderSettings) {
        match *self {
            SingleLeaderCommand::Promote => {}
            SingleLeaderCommand::SetFollowerMode { follower, mode } => {
                s.modes.insert(follower, mode);
            }
            SingleLeaderCommand::SetDefaultMode { mode } => s.default_mode = mode,
            SingleLeaderCommand::SetSemiSyncK { k } => s.semi_sync_k = k,
            SingleLeaderCommand::SetFailover { on } => s.failover = on,
            SingleLeaderCommand::SetFailoverTimeout { timeout_us } => s.failover_timeout_us = timeout_us.max(1),
            SingleLeaderCommand::SetHeartbeatInterval { interval_us } => s.heartbeat_interval_us = interval_us.max(1),
            SingleLeaderCommand::SetFencing { on } => s.fencing = on,
            SingleLeaderCommand::SetApplyDelay { delay_us } => s.apply_delay_us = delay_us,
        }
    }
}

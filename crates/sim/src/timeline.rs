//! A simulation with a script: timed interventions, checkpoints, and seeking
//! back and forth in virtual time.
//!
//! A [`Timeline`] owns a [`Sim`] and a script of [`Intervention`]s in time
//! order. [`Timeline::advance_to`] runs events and applies script items in
//! time order: an intervention at `T` is applied after every event at or
//! before `T`. Along the way it keeps clones of the simulation as checkpoints
//! (every `limits.checkpoint_every_events` events; when
//! `limits.checkpoints_max` is reached every other one is dropped and the
//! interval doubles, so they always cover the whole run).
//! [`Timeline::seek`] restores the nearest checkpoint at or before the target
//! and replays, so the result equals a straight run. [`Timeline::intervene`]
//! records a new intervention at the current time; after seeking back, the
//! script items after now are discarded first (a new branch).
//!
//! Determinism guarantee: the trace hash, history, node states and network
//! state after `seek(t)` equal those of a fresh timeline advanced to `t`.
//! Only trace *retention* can differ: records older than a restored
//! checkpoint's retention window are not brought back.
//!
//! ```
//! use sim::{Action, Intervention, NodeId, SimConfig, Timeline, testkit::Register};
//! let script = vec![Intervention { at_us: 10_000, action: Action::Crash(NodeId(1)) }];
//! let mut tl = Timeline::new(Register::default(), SimConfig::with_nodes(3), script).unwrap();
//! tl.advance_to(50_000).unwrap();
//! let hash = tl.sim().trace().hash();
//! tl.seek(5_000).unwrap();
//! tl.seek(50_000).unwrap();
//! assert_eq!(tl.sim().trace().hash(), hash);
//! ```

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::config::SimConfig;
use crate::engine::{Cmd, Sim};
use crate::error::SimError;
use crate::ids::Micros;
use crate::node::Protocol;

/// One scripted intervention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intervention<C> {
    pub at_us: Micros,
    pub action: Action<C>,
}

/// A saved state: the simulation and how much of the script it has applied.
#[derive(Clone, Debug)]
struct Checkpoint<P: Protocol> {
    sim: Sim<P>,
    cursor: usize,
}

/// A simulation driven by a script, with checkpoints for seeking.
#[derive(Clone, Debug)]
pub struct Timeline<P: Protocol> {
    sim: Sim<P>,
    script: Vec<Intervention<Cmd<P>>>,
    /// Index of the next script item to apply.
    cursor: usize,
    /// Ascending by events processed.
    checkpoints: Vec<Checkpoint<P>>,
    checkpoint_every_events: u64,
    checkpoints_max: usize,
}

impl<P: Protocol> Timeline<P> {
    /// A timeline at time 0 with `script` (which must be in time order).
    pub fn new(protocol: P, config: SimConfig, script: Vec<Intervention<Cmd<P>>>) -> Result<Self, SimError> {
        for (index, pair) in script.windows(2).enumerate() {
            if pair[1].at_us < pair[0].at_us {
                return Err(SimError::ScriptOutOfOrder {
                    index: index + 1,
                    at_us: pair[1].at_us,
                    previous_us: pair[0].at_us,
                });
            }
        }
        let checkpoint_every_events = config.limits.checkpoint_every_events;
        let checkpoints_max = config.limits.checkpoints_max;
        let sim = Sim::new(protocol, config)?;
        let checkpoints = vec![Checkpoint { sim: sim.clone(), cursor: 0 }];
        Ok(Timeline { sim, script, cursor: 0, checkpoints, checkpoint_every_events, checkpoints_max })
    }

    /// The simulation at the current time.
    pub fn sim(&self) -> &Sim<P> {
        &self.sim
    }

    /// The script: every intervention, applied or not.
    pub fn script(&self) -> &[Intervention<Cmd<P>>] {
        &self.script
    }

    /// How many script items have been applied.
    pub fn applied(&self) -> usize {
        self.cursor
    }

    pub fn now_us(&self) -> Micros {
        self.sim.now_us()
    }

    /// How many checkpoints are kept.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Runs forward to `t_us` (nothing happens if `t_us` is in the past).
    ///
    /// A script item whose action is rejected is skipped (the same way on
    /// every replay) and its error returned; calling again continues.
    pub fn advance_to(&mut self, t_us: Micros) -> Result<(), SimError> {
        loop {
            let item_us = self.script.get(self.cursor).map(|i| i.at_us).filter(|&at| at <= t_us);
            let bound_us = item_us.unwrap_or(t_us);
            while self.sim.next_event_us().is_some_and(|at| at <= bound_us) {
                self.sim.step()?;
                if self.sim.events_processed() >= self.last_checkpoint_events() + self.checkpoint_every_events {
                    self.checkpoint();
                }
            }
            self.sim.run_until(bound_us)?;
            if item_us.is_none() {
                return Ok(());
            }
            let action = self.script[self.cursor].action.clone();
            self.cursor += 1;
            self.sim.apply(action)?;
        }
    }

    /// Moves to `t_us` in either direction; the state equals a straight run to `t_us`.
    pub fn seek(&mut self, t_us: Micros) -> Result<(), SimError> {
        let best = self.checkpoints.iter().rposition(|c| c.sim.now_us() <= t_us);
        let ahead = t_us >= self.sim.now_us();
        if let Some(i) = best {
            let checkpoint = &self.checkpoints[i];
            // Replay from the checkpoint unless the current state is at least as far along.
            if !ahead || checkpoint.sim.events_processed() > self.sim.events_processed() {
                self.sim = checkpoint.sim.clone();
                self.cursor = checkpoint.cursor;
            }
        }
        self.advance_to(t_us)
    }

    /// Applies `action` now and records it in the script. After a seek back,
    /// the script items after now are discarded first: a new branch.
    pub fn intervene(&mut self, action: Action<Cmd<P>>) -> Result<(), SimError> {
        // Settle: every event at or before now runs first, as it would on replay.
        self.advance_to(self.sim.now_us())?;
        if self.cursor < self.script.len() {
            self.script.truncate(self.cursor);
            let (events, cursor) = (self.sim.events_processed(), self.cursor);
            self.checkpoints.retain(|c| c.sim.events_processed() <= events && c.cursor <= cursor);
        }
        self.sim.apply(action.clone())?;
        self.script.push(Intervention { at_us: self.sim.now_us(), action });
        self.cursor += 1;
        Ok(())
    }

    fn last_checkpoint_events(&self) -> u64 {
        self.checkpoints.last().map_or(0, |c| c.sim.events_processed())
    }

    fn checkpoint(&mut self) {
        self.checkpoints.push(Checkpoint { sim: self.sim.clone(), cursor: self.cursor });
        if self.checkpoints.len() > self.checkpoints_max {
            let mut index = 0;
            self.checkpoints.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            self.checkpoint_every_events = self.checkpoint_every_events.saturating_mul(2);
        }
    }
}

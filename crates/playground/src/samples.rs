//! Periodic samples of leadership and lag, taken at fixed virtual times so
//! they are the same on every replay. They feed the page's lag charts and the
//! report's lag, no-leader and two-leader time figures.

use serde::{Deserialize, Serialize};
use sim::{Micros, NodeId};

/// Samples are taken this often in runs up to `SAMPLES_MAX` samples long.
pub const SAMPLE_EVERY_US: Micros = 10_000;
/// At most this many samples cover a run. A longer run samples less often
/// from the start (the interval doubles until the run fits), rather than
/// thinning old samples as it goes: thinned samples cannot come back after a
/// seek back, and time t must look the same however one got there.
pub const SAMPLES_MAX: usize = 20_000;

/// One follower's lag as its leader sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LagSample {
    pub node: NodeId,
    pub lag_entries: u64,
    pub lag_us: u64,
}

/// The cluster at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub at_us: Micros,
    /// Up nodes that consider themselves leader.
    pub leaders: Vec<NodeId>,
    /// Followers' lag, as the leader with the highest epoch sees it.
    pub lag: Vec<LagSample>,
}

/// The bounded series of samples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Samples {
    series: Vec<Sample>,
    every_us: Micros,
}

impl Default for Samples {
    fn default() -> Self {
        Samples { series: Vec::new(), every_us: SAMPLE_EVERY_US }
    }
}

impl Samples {
    /// Samples for a run that ends at `end_us`: the interval is fixed for
    /// the whole run, `SAMPLE_EVERY_US` doubled until the run fits in
    /// `SAMPLES_MAX` samples.
    pub fn for_run(end_us: Micros) -> Samples {
        let mut every_us = SAMPLE_EVERY_US;
        while end_us / every_us + 1 > SAMPLES_MAX as Micros {
            every_us *= 2;
        }
        Samples { series: Vec::new(), every_us }
    }

    /// When the next sample is due.
    pub fn next_due_us(&self) -> Micros {
        self.series.last().map_or(0, |s| s.at_us + self.every_us)
    }

    /// The interval between samples now.
    pub fn every_us(&self) -> Micros {
        self.every_us
    }

    /// Adds a sample taken at `at_us`.
    pub fn push(&mut self, at_us: Micros, mut sample: Sample) {
        sample.at_us = at_us;
        // The interval is fixed per run, so the bound holds by construction;
        // a caller that pushes past it (a run longer than it said) loses the newest.
        if self.series.len() < SAMPLES_MAX {
            self.series.push(sample);
        }
    }

    /// Forgets samples after `t_us` (after a seek back).
    pub fn truncate_after(&mut self, t_us: Micros) {
        self.series.retain(|s| s.at_us <= t_us);
    }

    /// All samples, oldest first.
    pub fn all(&self) -> &[Sample] {
        &self.series
    }

    /// Total virtual time, by samples, during which no up node was leader.
    pub fn no_leader_us(&self) -> Micros {
        self.series.windows(2).filter(|w| w[0].leaders.is_empty()).map(|w| w[1].at_us - w[0].at_us).sum()
    }

    /// Total virtual time, by samples, during which two or more nodes were leader.
    pub fn two_leaders_us(&self) -> Micros {
        self.series.windows(2).filter(|w| w[0].leaders.len() > 1).map(|w| w[1].at_us - w[0].at_us).sum()
    }
}

//! Availability: operations refused (or left unknown) because a quorum of
//! replicas could not be reached (C22). A protocol marks such answers with
//! a reason starting with [`sim::NO_QUORUM`]; this checker counts them from
//! the history alone, whatever the family.
//!
//! ```
//! let a = check::availability(&sim::History::default());
//! assert_eq!(a.refused(), 0);
//! ```

use serde::{Deserialize, Serialize};
use sim::{History, Micros, Outcome, NO_QUORUM};

/// Operations that failed, or ended unknown, for lack of a quorum.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// Reads refused: they definitely returned nothing.
    pub reads_refused: usize,
    /// Writes refused before any replica was asked (definitely not applied).
    pub writes_refused: usize,
    /// Writes short of W at their deadline: some replicas may hold them.
    pub writes_unknown: usize,
    /// When the first and the last such answer came.
    pub first_us: Option<Micros>,
    pub last_us: Option<Micros>,
}

impl Availability {
    /// Every operation that did not succeed for lack of a quorum.
    pub fn refused(&self) -> usize {
        self.reads_refused + self.writes_refused + self.writes_unknown
    }
}

/// Counts the operations a quorum could not serve.
pub fn availability(history: &History) -> Availability {
    let mut a = Availability::default();
    for r in &history.ops {
        let (reason, unknown) = match &r.outcome {
            Some(Outcome::Fail { reason }) => (reason, false),
            Some(Outcome::Info { reason }) => (reason, true),
            _ => continue,
        };
        if !reason.starts_with(NO_QUORUM) {
            continue;
        }
        match (r.kind.is_read(), unknown) {
            (true, _) => a.reads_refused += 1,
            (false, false) => a.writes_refused += 1,
            (false, true) => a.writes_unknown += 1,
        }
        let at = r.complete_us.unwrap_or(r.invoke_us);
        a.first_us = Some(a.first_us.map_or(at, |f| f.min(at)));
        a.last_us = Some(a.last_us.map_or(at, |l| l.max(at)));
    }
    a
}

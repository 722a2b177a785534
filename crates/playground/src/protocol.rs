//! The protocol part of a scenario: which replication family runs and with
//! which settings, as the scenario format spells them.
//!
//! The format has its own types rather than the protocols' settings structs,
//! so the protocols can change inside while version 1 files keep their meaning.

use serde::{Deserialize, Serialize};

use crate::scenario::{Scenario, ScenarioError};

/// Which protocol a scenario runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProtocolSpec {
    /// No replication protocol: each node keeps its own register and naively
    /// broadcasts writes. Kernel scaffolding; useful to show raw network effects.
    #[default]
    Register,
}

/// Checks the protocol settings against the rest of the scenario.
pub fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    match &s.protocol {
        ProtocolSpec::Register => Ok(()),
    }
}

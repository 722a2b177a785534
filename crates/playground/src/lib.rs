//! The facade that the web page and the command-line runner share.
//!
//! It owns the versioned scenario format (`scenario`, `script`, `protocol`),
//! the presets, the share-URL codec and the [`Session`] that runs a scenario,
//! records interventions, rewinds, and derives a view model and a report. It
//! must never depend on wasm or the web, so that everything a page shows can
//! be computed and tested natively.

pub mod compare;
pub mod compile;
pub mod conflicts;
pub mod diagram;
mod engine;
pub mod family;
pub mod guarantees;
pub mod judge;
pub mod multi_leader;
pub mod narration;
pub mod panels;
pub mod presets;
pub mod protocol;
pub mod report;
pub mod samples;
pub mod scenario;
pub mod script;
pub mod session;
pub mod share;
pub mod step;
mod validate;
pub mod view;

pub use check::{Anomaly, AnomalyKind};
pub use protocol::{MultiLeaderSpec, ProtocolSpec, SingleLeaderSpec, TopologySpec};
pub use replication::multi_leader::Strategy;
pub use replication::single_leader::FollowerMode;
pub use report::Report;
pub use scenario::{ClientSpec, LinkSpec, NetworkSpec, NodeSpec, PairSpec, Scenario, ScenarioError, WorkloadSpec};
pub use script::{ScriptAction, ScriptEntry};
pub use session::{Session, SessionError};
pub use sim::ReadPolicy;
pub use view::{ClusterView, LinkView, NodeView, Role};

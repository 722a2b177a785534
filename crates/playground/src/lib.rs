//! The facade that the web page and the command-line runner share.
//!
//! It owns the versioned scenario format (`scenario`, `script`, `protocol`),
//! the presets, the share-URL codec and the `Session` that runs a scenario,
//! records interventions, rewinds, and derives a view model. It must never
//! depend on wasm or the web, so that everything a page shows can be computed
//! and tested natively.

pub mod protocol;
pub mod scenario;
pub mod script;
pub mod share;
mod validate;
pub mod view;

pub use protocol::ProtocolSpec;
pub use scenario::{ClientSpec, LinkSpec, NetworkSpec, NodeSpec, PairSpec, Scenario, ScenarioError, WorkloadSpec};
pub use script::{ScriptAction, ScriptEntry};
pub use view::{ClusterView, LinkView, NodeView, Role};

//! Checkers over a recorded client history.
//!
//! A checker reads the history types of `sim` and reports anomalies, each naming
//! the operations that prove it. It must never depend on protocol internals,
//! wasm or the web: it judges what clients saw, not how nodes work.

pub use sim::NodeId;

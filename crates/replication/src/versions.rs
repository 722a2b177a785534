//! Version data for the checkers, as the kernel defines it
//! ([`sim::versions`]): per key, the versions a node applied in order, each
//! with its causal parents (`seen`), and the node's current value(s).
//!
//! A version is the value a write wrote plus `seen`: the values of that key
//! its writer had seen when it created the version (for last-write-wins, the
//! value the origin held when it accepted the write; for version vectors,
//! the values in the write's context; for a single leader, the value before
//! it in the log). A write is *kept* if it is an ancestor-or-self, through
//! `seen`, of some surviving node's current value; a last-write-wins node
//! that replaced a version its winner never saw has discarded it. Plain data
//! only: the checkers never see protocol types.
//!
//! ```
//! use replication::versions::{KeyVersions, Version};
//! let kv = KeyVersions {
//!     applied: vec![Version::new("a", &[]), Version::new("b", &["a"])],
//!     current: vec!["b".into()],
//!     folded: false,
//! };
//! assert!(kv.keeps("a") && kv.keeps("b") && !kv.keeps("c"));
//! ```

pub use sim::versions::{KeyVersions, NodeVersions, Version};

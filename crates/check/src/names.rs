//! How checkers name things in the sentences a person reads: the scenario's
//! own node and client ids (not the kernel's indices) and human times.
//!
//! ```
//! use check::{human_time, Names};
//! let names = Names::new(vec!["a".into(), "b".into()], vec!["u".into()]);
//! assert_eq!(names.node(sim::NodeId(1)), "b");
//! assert_eq!(names.client(sim::ClientId(0)), "u");
//! assert_eq!(human_time(6_000_000), "6.0 s");
//! assert_eq!(human_time(412_000), "412 ms");
//! ```

use serde::{Deserialize, Serialize};
use sim::{ClientId, Micros, NodeId};

/// Node and client ids by kernel index. An index without a name prints as
/// the kernel does (`n1`, `c1`), which is also what [`Names::default`] gives.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    nodes: Vec<String>,
    clients: Vec<String>,
}

impl Names {
    pub fn new(nodes: Vec<String>, clients: Vec<String>) -> Names {
        Names { nodes, clients }
    }

    /// A node's id as the scenario spells it.
    pub fn node(&self, id: NodeId) -> String {
        self.nodes.get(id.0 as usize).cloned().unwrap_or_else(|| id.to_string())
    }

    /// A client's id as the scenario spells it.
    pub fn client(&self, id: ClientId) -> String {
        self.clients.get(id.0 as usize).cloned().unwrap_or_else(|| id.to_string())
    }

    /// Several nodes, joined with commas.
    pub fn nodes(&self, ids: &[NodeId]) -> String {
        ids.iter().map(|&n| self.node(n)).collect::<Vec<_>>().join(", ")
    }
}

/// A virtual time as a person reads it: `250 µs`, `412 ms`, `1.5 ms`,
/// `6.0 s`, `6.041 s`.
pub fn human_time(t_us: Micros) -> String {
    if t_us < 1_000 {
        format!("{t_us} µs")
    } else if t_us < 1_000_000 {
        let (ms, frac) = (t_us / 1_000, t_us % 1_000);
        if frac == 0 {
            format!("{ms} ms")
        } else {
            format!("{ms}.{}", trim(format!("{frac:03}"), 1)) + " ms"
        }
    } else {
        let (s, frac) = (t_us / 1_000_000, (t_us % 1_000_000) / 1_000);
        format!("{s}.{} s", trim(format!("{frac:03}"), 1))
    }
}

/// Drops trailing zeros, keeping at least `keep` digits.
fn trim(mut digits: String, keep: usize) -> String {
    while digits.len() > keep && digits.ends_with('0') {
        digits.pop();
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_a_person_says_them() {
        assert_eq!(human_time(5), "5 µs");
        assert_eq!(human_time(30_000), "30 ms");
        assert_eq!(human_time(1_500), "1.5 ms");
        assert_eq!(human_time(6_000_000), "6.0 s");
        assert_eq!(human_time(6_040_000), "6.04 s");
        assert_eq!(human_time(2_013_400), "2.013 s");
    }

    #[test]
    fn unnamed_indices_print_as_the_kernel_does() {
        let names = Names::new(vec!["a".into()], vec![]);
        assert_eq!((names.node(NodeId(0)), names.node(NodeId(3))), ("a".to_string(), "n4".to_string()));
        assert_eq!(names.client(ClientId(1)), "c2");
    }
}

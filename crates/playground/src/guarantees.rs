//! Consistency models seen from each client (claim C23): for every client,
//! whether strong (linearizable) reads, read-your-writes, monotonic reads
//! and consistent prefix held so far, and for the cluster whether replicas
//! agreed once writes stopped (eventual consistency).
//!
//! Every verdict comes from the checkers' anomalies (see [`crate::judge`]):
//! a guarantee is *violated* when an anomaly of its kind names a read by that
//! client (the anomaly's first operation), *holds* when the client has had at
//! least one answered read and none violated it, and is *not judged* before
//! its first answered read. Eventual consistency is judged only once the
//! cluster has gone quiet.

use check::{Anomaly, AnomalyKind};
use serde::{Deserialize, Serialize};
use sim::{Micros, OpId};

use crate::judge::Verdict;
use crate::session::Session;

/// One guarantee's state for one client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Held {
    /// No answered read yet (or, for eventual, the cluster never went quiet).
    NotJudged,
    Holds,
    /// Broken `count` times; `ops` prove the first one.
    Violated {
        count: usize,
        first_at_us: Micros,
        ops: Vec<u64>,
        explanation: String,
    },
}

impl Held {
    /// The word a badge shows.
    pub fn as_str(&self) -> &'static str {
        match self {
            Held::NotJudged => "not judged yet",
            Held::Holds => "holds",
            Held::Violated { .. } => "violated",
        }
    }
}

/// The guarantees one client experienced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientGuarantees {
    pub client: String,
    pub strong: Held,
    pub read_your_writes: Held,
    pub monotonic_reads: Held,
    pub consistent_prefix: Held,
}

/// Every client's guarantees, and the cluster's eventual consistency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guarantees {
    pub clients: Vec<ClientGuarantees>,
    pub eventual: Held,
}

/// The guarantee names as a person reads them, each with a one-line meaning.
pub const GUARANTEES: [(&str, &str); 5] = [
    ("strong", "every read sees the latest acknowledged write (linearizable)"),
    ("read-your-writes", "a client always sees its own earlier writes"),
    ("monotonic reads", "a client never sees time go backwards"),
    ("consistent prefix", "nobody sees an answer before the question it answers"),
    ("eventual", "replicas agree once writes stop and the network heals"),
];

fn held(anomalies: &[&Anomaly], kind: AnomalyKind, reads: usize) -> Held {
    let mine: Vec<&&Anomaly> = anomalies.iter().filter(|a| a.kind == kind).collect();
    match mine.iter().min_by_key(|a| a.at_us) {
        Some(first) => Held::Violated {
            count: mine.len(),
            first_at_us: first.at_us,
            ops: first.ops.iter().map(|o| o.0).collect(),
            explanation: first.explanation.clone(),
        },
        None if reads == 0 => Held::NotJudged,
        None => Held::Holds,
    }
}

impl Guarantees {
    /// The guarantees as judged at the session's current time.
    pub fn of(session: &Session, anomalies: &[Anomaly]) -> Guarantees {
        let history = session.history();
        let names = session.names();
        let client_of = |op: OpId| history.get(op).map(|r| r.client);
        let clients = (0..names.clients.len())
            .map(|i| {
                let id = sim::ClientId(i as u32);
                let reads = history.ops.iter().filter(|r| r.client == id && r.read_values().is_some()).count();
                let mine: Vec<&Anomaly> =
                    anomalies.iter().filter(|a| a.ops.first().and_then(|&op| client_of(op)) == Some(id)).collect();
                ClientGuarantees {
                    client: names.client_name(id).to_string(),
                    strong: held(&mine, AnomalyKind::NotLinearizable, reads),
                    read_your_writes: held(&mine, AnomalyKind::ReadYourWrites, reads),
                    monotonic_reads: held(&mine, AnomalyKind::MonotonicReads, reads),
                    consistent_prefix: held(&mine, AnomalyKind::ConsistentPrefix, reads),
                }
            })
            .collect();
        let eventual = match session.judge().verdicts().last() {
            None => Held::NotJudged,
            Some(Verdict::Converged { .. }) => Held::Holds,
            Some(Verdict::Diverged { closed_us, .. }) => {
                let div: Vec<&Anomaly> = anomalies.iter().filter(|a| a.kind == AnomalyKind::Divergence).collect();
                Held::Violated {
                    count: div.len(),
                    first_at_us: *closed_us,
                    ops: div.first().map(|a| a.ops.iter().map(|o| o.0).collect()).unwrap_or_default(),
                    explanation: div.first().map(|a| a.explanation.clone()).unwrap_or_default(),
                }
            }
        };
        Guarantees { clients, eventual }
    }
}

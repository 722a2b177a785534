//! Hand-built histories with exact expected reports, one group per checker.

use std::collections::BTreeMap;

use sim::versions::KeyVersions;
use sim::{ClientId, History, Micros, NodeEvent, NodeId, OpId, OpKind, OpRecord, Outcome, Role, Trace, TraceEvent};

use crate::versions::ReplicaVersions;
use crate::*;

/// Builds a history one operation at a time; op ids follow call order.
#[derive(Default)]
pub(crate) struct Builder {
    ops: Vec<OpRecord>,
}

impl Builder {
    pub(crate) fn push(
        &mut self,
        client: u32,
        node: u32,
        kind: OpKind,
        span: (Micros, Option<Micros>),
        outcome: Option<Outcome>,
    ) -> OpId {
        let op = OpId(self.ops.len() as u64);
        self.ops.push(OpRecord {
            op,
            client: ClientId(client),
            node: NodeId(node),
            kind,
            invoke_us: span.0,
            complete_us: span.1,
            outcome,
        });
        op
    }

    pub(crate) fn write(&mut self, client: u32, node: u32, value: &str, invoke: Micros, complete: Micros) -> OpId {
        let kind = OpKind::Write { key: "x".into(), value: value.into() };
        self.push(client, node, kind, (invoke, Some(complete)), Some(Outcome::Ok { values: vec![] }))
    }

    fn write_failed(&mut self, client: u32, node: u32, value: &str, invoke: Micros, complete: Micros) -> OpId {
        let kind = OpKind::Write { key: "x".into(), value: value.into() };
        self.push(client, node, kind, (invoke, Some(complete)), Some(Outcome::Fail { reason: "fenced".into() }))
    }

    pub(crate) fn write_info(&mut self, client: u32, node: u32, value: &str, invoke: Micros) -> OpId {
        let kind = OpKind::Write { key: "x".into(), value: value.into() };
        self.push(client, node, kind, (invoke, None), None)
    }

    pub(crate) fn read(&mut self, client: u32, node: u32, got: &[&str], invoke: Micros, complete: Micros) -> OpId {
        let values = got.iter().map(|v| v.to_string()).collect();
        let kind = OpKind::Read { key: "x".into() };
        self.push(client, node, kind, (invoke, Some(complete)), Some(Outcome::Ok { values }))
    }

    pub(crate) fn history(&self) -> History {
        History { ops: self.ops.clone() }
    }
}

pub(crate) fn ops_of(anomalies: &[Anomaly]) -> Vec<Vec<u64>> {
    anomalies.iter().map(|a| a.ops.iter().map(|o| o.0).collect()).collect()
}

/// Replicas whose history of `x` is a single-writer chain ending in its current value.
fn state(at_us: Micros, nodes: &[(u32, &[&str])]) -> ReplicaVersions {
    let nodes = nodes
        .iter()
        .map(|&(n, chain)| {
            let mut kv = BTreeMap::new();
            if !chain.is_empty() {
                kv.insert("x".to_string(), KeyVersions::chain(None, chain.iter().map(|v| v.to_string())));
            }
            (NodeId(n), kv)
        })
        .collect();
    ReplicaVersions { at_us, nodes }
}

fn stale_reads(h: &History) -> Vec<Anomaly> {
    of_kind(h, AnomalyKind::StaleRead)
}

fn read_your_writes(h: &History) -> Vec<Anomaly> {
    of_kind(h, AnomalyKind::ReadYourWrites)
}

fn monotonic_reads(h: &History) -> Vec<Anomaly> {
    of_kind(h, AnomalyKind::MonotonicReads)
}

fn lost(h: &History, state: &ReplicaVersions) -> Vec<Anomaly> {
    lost_writes(h, state, &Names::default()).anomalies
}

#[test]
fn a_read_of_an_overwritten_value_after_the_newer_ack_is_stale() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.write(0, 0, "b", 20, 30);
    b.read(1, 2, &["a"], 40, 50);
    let found = stale_reads(&b.history());
    assert_eq!(ops_of(&found), vec![vec![2, 1, 0]]);
    assert_eq!((found[0].at_us, found[0].nodes.clone()), (50, vec![NodeId(2)]));
    assert_eq!(
        found[0].explanation,
        "c2 read x from n3 and got \"a\", but op 1 (x = \"b\") was acknowledged at 30 µs, before the read began at 40 µs"
    );
}

#[test]
fn fresh_and_concurrent_reads_are_not_stale() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.write(0, 0, "b", 20, 30);
    b.read(1, 1, &["b"], 40, 50); // fresh
    b.read(1, 1, &["a"], 25, 35); // the newer write was still in flight when it began
    b.write_info(2, 0, "c", 5);
    b.read(1, 1, &["c"], 60, 70); // an unfinished write may land any time
    b.read(1, 1, &["zzz"], 80, 90); // unknown value: not judged
    assert_eq!(stale_reads(&b.history()), vec![]);
}

#[test]
fn reading_nothing_after_an_acknowledged_write_is_stale() {
    let mut b = Builder::default();
    b.read(1, 1, &[], 0, 5); // before any write: fine
    b.write(0, 0, "a", 0, 10);
    b.read(1, 1, &[], 11, 12);
    assert_eq!(ops_of(&stale_reads(&b.history())), vec![vec![2, 1]]);
}

#[test]
fn read_your_writes_counts_only_the_readers_own_writes() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.read(0, 1, &[], 20, 30); // c1 misses its own write
    b.read(1, 1, &[], 20, 30); // c2 is merely stale
    b.read(0, 0, &["a"], 40, 50); // c1 sees it
    let h = b.history();
    let ryw = read_your_writes(&h);
    assert_eq!(ops_of(&ryw), vec![vec![1, 0]]);
    assert_eq!(
        ryw[0].explanation,
        "c1 read x from n2 and got nothing, missing its own write op 0 (x = \"a\") acknowledged at 10 µs"
    );
    assert_eq!(ops_of(&stale_reads(&h)), vec![vec![1, 0], vec![2, 0]]);
}

#[test]
fn a_client_reading_an_older_value_after_a_newer_one_violates_monotonic_reads() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.write(0, 0, "b", 20, 30);
    b.read(1, 0, &["b"], 40, 50);
    b.read(1, 1, &["a"], 60, 70);
    b.read(1, 2, &[], 80, 90);
    b.read(2, 1, &["a"], 100, 110); // another client: its first read
    let found = monotonic_reads(&b.history());
    assert_eq!(ops_of(&found), vec![vec![3, 2, 1, 0], vec![4, 2, 1]]);
    assert_eq!(found[0].nodes, vec![NodeId(0), NodeId(1)]);
    assert_eq!(
        found[0].explanation,
        "c2 read x from n2 and got \"a\" after it had read \"b\" from n1 (op 2): time went backwards"
    );
}

#[test]
fn concurrent_writes_read_in_either_order_are_monotonic() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 30);
    b.write(2, 0, "b", 10, 40);
    b.read(1, 0, &["b"], 50, 60);
    b.read(1, 1, &["a"], 70, 80);
    assert_eq!(monotonic_reads(&b.history()), vec![]);
}

#[test]
fn an_acknowledged_write_no_replica_kept_is_lost() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.write(0, 0, "b", 20, 30);
    let h = b.history();
    let found = lost(&h, &state(1_000_000, &[(1, &["a"]), (2, &["a"])]));
    assert_eq!(ops_of(&found), vec![vec![1, 0]]);
    assert_eq!(
        found[0].explanation,
        "c1 wrote x = \"b\" through n1 (op 1 (x = \"b\")), acknowledged at 30 µs, but by 1.0 s no replica kept it: n2 never had it, n3 never had it (now n2: \"a\", n3: \"a\")"
    );
    assert_eq!(lost(&h, &state(1_000, &[(1, &["a"]), (2, &["a", "b"])])), vec![]);
    assert_eq!(ops_of(&lost(&h, &state(1_000, &[(1, &[])]))), vec![vec![0], vec![1]]);
}

#[test]
fn a_write_overwritten_by_one_that_saw_it_is_kept_but_a_discarded_one_is_lost_even_if_later_overwritten() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10); // kept: "b" was written after it
    b.write(1, 1, "lost", 15, 20); // acknowledged by a deposed leader, then truncated
    b.write(0, 0, "b", 30, 40);
    b.write(0, 0, "c", 50, 60); // overwrites everything later
    let h = b.history();
    let found = lost(&h, &state(1_000, &[(0, &["a", "b", "c"]), (1, &["a", "b", "c"])]));
    assert_eq!(ops_of(&found), vec![vec![1, 3]]);
}

#[test]
fn last_write_wins_replacing_a_version_it_never_saw_loses_it() {
    use sim::versions::Version;
    let mut b = Builder::default();
    b.write(0, 0, "Asha", 0, 10);
    b.write(1, 1, "Asha K.", 5, 12);
    let h = b.history();
    let v = |value: &str, seen: &[&str]| Version {
        value: value.into(),
        seen: seen.iter().map(|s| s.to_string()).collect(),
    };
    // n1 applied its own "Asha", then replaced it by the remote "Asha K." that never saw it.
    let n1 = KeyVersions {
        applied: vec![v("Asha", &[]), v("Asha K.", &[])],
        current: vec!["Asha K.".into()],
        folded: false,
    };
    let n2 = KeyVersions { applied: vec![v("Asha K.", &[])], current: vec!["Asha K.".into()], folded: false };
    let st = ReplicaVersions {
        at_us: 100,
        nodes: [(NodeId(0), [("x".to_string(), n1.clone())].into()), (NodeId(1), [("x".to_string(), n2)].into())]
            .into(),
    };
    let found = lost(&h, &st);
    assert_eq!(ops_of(&found), vec![vec![0, 1]]);
    assert!(
        found[0].explanation.contains("n1 replaced it by \"Asha K.\", which had not seen it"),
        "{}",
        found[0].explanation
    );
    // Siblings keep both; a merge that saw both keeps both.
    let both = KeyVersions {
        applied: vec![v("Asha", &[]), v("Asha K.", &[])],
        current: vec!["Asha".into(), "Asha K.".into()],
        folded: false,
    };
    let st = ReplicaVersions { at_us: 100, nodes: [(NodeId(0), [("x".to_string(), both)].into())].into() };
    assert_eq!(lost(&h, &st), vec![]);
}

#[test]
fn a_write_older_than_every_retained_history_is_not_judged() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.write(0, 0, "b", 20, 30);
    let h = b.history();
    let folded = KeyVersions::chain(Some("b".into()), std::iter::empty());
    let st = ReplicaVersions { at_us: 100, nodes: [(NodeId(0), [("x".to_string(), folded)].into())].into() };
    let found = lost_writes(&h, &st, &Names::default());
    assert_eq!((found.anomalies.len(), found.not_judged), (0, 1));
}

#[test]
fn a_write_overwritten_by_a_concurrent_or_unfinished_write_is_not_lost_when_the_log_orders_them() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 30);
    b.write(1, 0, "b", 10, 20);
    b.write_info(2, 0, "c", 5);
    b.write_failed(3, 0, "d", 40, 50);
    let h = b.history();
    assert_eq!(lost(&h, &state(100, &[(0, &["b", "a"])])), vec![]);
    assert_eq!(lost(&h, &state(100, &[(0, &["b", "a", "c"])])), vec![]);
    assert_eq!(lost(&h, &state(100, &[])), vec![], "no nodes, no judgement");
}

#[test]
fn replicas_that_still_differ_when_quiet_diverge_and_names_are_the_scenarios() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.write(1, 1, "b", 0, 10);
    let h = b.history();
    let names = Names::new(vec!["east".into(), "west".into(), "south".into()], vec!["u".into(), "v".into()]);
    let found = divergence(&h, &state(2_000_000, &[(0, &["a"]), (1, &["b"]), (2, &[])]), 500_000, &names);
    assert_eq!(ops_of(&found), vec![vec![0, 1]]);
    assert_eq!(found[0].nodes, vec![NodeId(0), NodeId(1), NodeId(2)]);
    assert_eq!(
        found[0].explanation,
        "writes stopped and the network was whole from 500 ms, yet at 2.0 s the replicas still disagree on x: east = \"a\", west = \"b\", south absent"
    );
    assert_eq!(divergence(&h, &state(2_000, &[(0, &["a"]), (1, &["a"])]), 0, &names), vec![]);
}

fn role(at_us: Micros, node: u32, role: Role, epoch: u64) -> RoleEvent {
    RoleEvent { at_us, node: NodeId(node), role, epoch }
}

/// n1 leads from 0; n2 leads from 500; n1 hears of it at 1000.
fn two_leaders() -> Vec<RoleEvent> {
    vec![
        role(0, 0, Role::Leader, 1),
        role(0, 1, Role::Follower, 1),
        role(400, 1, Role::Candidate, 2),
        role(500, 1, Role::Leader, 2),
        role(1_000, 0, Role::Follower, 2),
    ]
}

#[test]
fn leader_spans_run_from_a_leader_event_to_the_nodes_next_role_event() {
    let spans = leader_spans(&two_leaders());
    let expect = vec![
        LeaderSpan { node: NodeId(0), epoch: 1, from_us: 0, to_us: 1_000 },
        LeaderSpan { node: NodeId(1), epoch: 2, from_us: 500, to_us: Micros::MAX },
    ];
    assert_eq!(spans, expect);
}

#[test]
fn two_leaders_acknowledging_writes_at_the_same_time_is_split_brain() {
    let mut b = Builder::default();
    b.write(0, 0, "early", 100, 110); // before n2 led: not evidence
    b.write(0, 0, "old-side", 600, 610);
    b.write(1, 1, "new-side", 700, 710);
    let found = split_brain(&b.history(), &two_leaders(), &Names::default());
    assert_eq!(ops_of(&found), vec![vec![1, 2]]);
    assert_eq!((found[0].at_us, found[0].nodes.clone()), (710, vec![NodeId(0), NodeId(1)]));
    assert_eq!(
        found[0].explanation,
        "n1 (epoch 1) and n2 (epoch 2) both led from 500 µs to 1 ms and both acknowledged writes: 1 on n1, 1 on n2"
    );
}

#[test]
fn a_fenced_old_leader_is_not_split_brain() {
    let mut b = Builder::default();
    b.write(0, 0, "early", 100, 110);
    b.write_failed(0, 0, "old-side", 600, 610);
    b.write(1, 1, "new-side", 700, 710);
    b.write(0, 0, "straddles", 450, 520); // invoked before n2 led
    assert_eq!(split_brain(&b.history(), &two_leaders(), &Names::default()), vec![]);
}

#[test]
fn role_events_come_from_the_trace() {
    let mut trace = Trace::new(100);
    trace.push(5, TraceEvent::Node { node: NodeId(2), event: NodeEvent::Role { role: Role::Leader, epoch: 3 } });
    trace.push(6, TraceEvent::Node { node: NodeId(2), event: NodeEvent::Commit { index: 1 } });
    assert_eq!(role_events(&trace), vec![role(5, 2, Role::Leader, 3)]);
}

#[test]
fn check_history_sorts_by_kind_then_time() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.write(0, 0, "b", 20, 30);
    b.read(0, 1, &["a"], 40, 50);
    let found = check_history(&b.history(), &[], &Names::default());
    let kinds: Vec<AnomalyKind> = found.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, vec![AnomalyKind::StaleRead, AnomalyKind::ReadYourWrites, AnomalyKind::NotLinearizable]);
    assert_eq!(
        count_by_kind(&found),
        vec![(AnomalyKind::StaleRead, 1), (AnomalyKind::ReadYourWrites, 1), (AnomalyKind::NotLinearizable, 1)]
    );
}

//! Laws of the checkers, for any history proptest draws: a history produced
//! by a single correct register has no anomaly at all, and discarding one
//! acknowledged write from the replicas' histories is reported as exactly
//! that one lost write.

use check::{check_history, lost_writes, Names, ReplicaVersions};
use proptest::prelude::*;
use sim::versions::KeyVersions;
use sim::{ClientId, History, NodeId, OpId, OpKind, OpRecord, Outcome};

/// One drawn operation: client, read or write, and how far its window
/// reaches before and after the instant it takes effect.
type Drawn = (u32, bool, u64, u64);

/// A history of one correct register: operation `i` takes effect at
/// `100 * i + 100`, reads return the value at that instant, and each
/// client's operations never overlap.
fn register_history(drawn: &[Drawn]) -> (History, Vec<String>) {
    let mut ops = Vec::new();
    let mut value: Option<String> = None;
    let mut order = Vec::new();
    let mut client_free_us = [0u64; 4];
    for (i, &(client, is_read, before, after)) in drawn.iter().enumerate() {
        let point = 100 * i as u64 + 100;
        let invoke = point.saturating_sub(before).max(client_free_us[client as usize]).min(point);
        let complete = point + after;
        client_free_us[client as usize] = complete + 1;
        let (kind, values) = if is_read {
            (OpKind::Read { key: "k".into() }, value.iter().cloned().collect())
        } else {
            let v = format!("v{i}");
            value = Some(v.clone());
            order.push(v.clone());
            (OpKind::Write { key: "k".into(), value: v }, Vec::new())
        };
        ops.push(OpRecord {
            op: OpId(0),
            client: ClientId(client),
            node: NodeId(client % 3),
            kind,
            invoke_us: invoke,
            complete_us: Some(complete),
            outcome: Some(Outcome::Ok { values }),
        });
    }
    // The kernel records operations in invocation order.
    ops.sort_by_key(|r| r.invoke_us);
    for (i, r) in ops.iter_mut().enumerate() {
        r.op = OpId(i as u64);
    }
    (History { ops }, order)
}

fn drawn() -> impl Strategy<Value = Vec<Drawn>> {
    prop::collection::vec((0u32..4, any::<bool>(), 0u64..250, 0u64..250), 1..40)
}

fn replicas(chain: &[String]) -> ReplicaVersions {
    let kv = KeyVersions::chain(None, chain.iter().cloned());
    ReplicaVersions {
        at_us: 1_000_000,
        nodes: (0..3).map(|n| (NodeId(n), [("k".to_string(), kv.clone())].into())).collect(),
    }
}

proptest! {
    #[test]
    fn a_correct_register_shows_no_anomaly(drawn in drawn()) {
        let (history, order) = register_history(&drawn);
        prop_assert_eq!(check_history(&history, &[], &Names::default()), vec![]);
        let found = lost_writes(&history, &replicas(&order), &Names::default());
        prop_assert_eq!((found.anomalies.len(), found.not_judged), (0, 0));
    }

    #[test]
    fn one_discarded_write_is_exactly_one_lost_write(drawn in drawn(), pick in any::<prop::sample::Index>()) {
        let (history, order) = register_history(&drawn);
        prop_assume!(!order.is_empty());
        let gone = pick.index(order.len());
        let kept: Vec<String> = order.iter().enumerate().filter(|&(i, _)| i != gone).map(|(_, v)| v.clone()).collect();
        let found = lost_writes(&history, &replicas(&kept), &Names::default());
        let lost: Vec<String> = found
            .anomalies
            .iter()
            .map(|a| match &history.get(a.ops[0]).expect("op").kind {
                OpKind::Write { value, .. } => value.clone(),
                other => panic!("not a write: {other:?}"),
            })
            .collect();
        prop_assert_eq!(lost, vec![order[gone].clone()]);
    }
}

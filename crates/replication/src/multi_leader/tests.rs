//! Laws of the CRDT merges (property tests) and the store's conflict
//! resolution under each strategy, on two stores exchanging payloads.

use proptest::prelude::*;
use sim::{NodeId, OpKind};

use super::crdt::{OrSet, PnCounter, VersionVector};
use super::store::{Payload, Store};
use super::Strategy;

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);

fn write(value: &str) -> OpKind {
    OpKind::Write { key: "name".into(), value: value.into() }
}

/// Two stores each accept one write at local clock `ts_a` / `ts_b`, then
/// exchange them. Returns both stores.
fn concurrent_writes(strategy: Strategy, ts_a: i64, ts_b: i64) -> (Store, Store) {
    let (mut a, mut b) = (Store::default(), Store::default());
    let (_, pa, _) = a.local(A, &write("Asha"), ts_a, strategy).unwrap();
    let (_, pb, _) = b.local(B, &write("Asha K."), ts_b, strategy).unwrap();
    let (_, ca) = a.merge("name", &pb, strategy);
    let (_, cb) = b.merge("name", &pa, strategy);
    assert!(ca.is_some() && cb.is_some(), "both sides see the conflict");
    (a, b)
}

#[test]
fn last_write_wins_keeps_the_higher_timestamp_on_both_sides_and_drops_the_other() {
    let (a, b) = concurrent_writes(Strategy::Lww, 1_050_000, 1_000_000);
    assert_eq!(a.keys["name"].read(), ["Asha"]);
    assert_eq!(b.keys["name"].read(), ["Asha"]);
    let v = b.versions();
    assert!(v["name"].keeps("Asha") && !v["name"].keeps("Asha K."), "{v:?}");
}

#[test]
fn version_vectors_keep_siblings_until_a_write_that_saw_them() {
    let (mut a, mut b) = concurrent_writes(Strategy::VersionVectors, 1, 2);
    assert_eq!(a.keys["name"].read(), ["Asha", "Asha K."]);
    let (_, p, _) = a.local(A, &write("Asha Kumar"), 3, Strategy::VersionVectors).unwrap();
    let (changed, conflict) = b.merge("name", &p, Strategy::VersionVectors);
    assert!(changed && conflict.is_none());
    assert_eq!(b.keys["name"].read(), ["Asha Kumar"]);
    let v = b.versions();
    assert!(v["name"].keeps("Asha") && v["name"].keeps("Asha K."), "both are ancestors: {v:?}");
}

#[test]
fn merge_takes_the_union() {
    let (a, b) = concurrent_writes(Strategy::Merge, 1, 2);
    assert_eq!(a.keys["name"].read(), ["Asha,Asha K."]);
    assert_eq!(a.keys["name"].read(), b.keys["name"].read());
}

#[test]
fn crdt_counters_count_every_decrement_and_sell_below_zero() {
    let (mut a, mut b) = (Store::default(), Store::default());
    let stock = |by| OpKind::Incr { key: "stock".into(), by };
    let (_, p, _) = a.local(A, &stock(1), 0, Strategy::Crdt).unwrap();
    b.merge("stock", &p, Strategy::Crdt);
    let sell = OpKind::DecrIfPositive { key: "stock".into() };
    let (_, pa, _) = a.local(A, &sell, 1, Strategy::Crdt).unwrap();
    let (_, pb, _) = b.local(B, &sell, 1, Strategy::Crdt).unwrap();
    a.merge("stock", &pb, Strategy::Crdt);
    b.merge("stock", &pa, Strategy::Crdt);
    assert_eq!((a.keys["stock"].read(), b.keys["stock"].read()), (vec!["-1".to_string()], vec!["-1".to_string()]));
    assert_eq!(a.local(A, &sell, 2, Strategy::Crdt).unwrap_err(), "out of stock: stock is -1");
}

fn counter() -> impl Strategy2<Value = PnCounter> {
    proptest::collection::vec((0u32..3, -5i64..5), 0..8).prop_map(|ops| {
        let mut c = PnCounter::default();
        for (n, by) in ops {
            c.add(NodeId(n), by);
        }
        c
    })
}

fn or_set() -> impl Strategy2<Value = OrSet> {
    proptest::collection::vec((0u32..3, 0u64..4, 0usize..3, any::<bool>()), 0..8).prop_map(|ops| {
        let mut s = OrSet::default();
        for (n, seq, e, add) in ops {
            let elem = ["a", "b", "c"][e];
            if add {
                s.add(elem, (NodeId(n), seq));
            } else {
                s.remove(elem);
            }
        }
        s
    })
}

fn vector() -> impl Strategy2<Value = VersionVector> {
    proptest::collection::btree_map(0u32..4, 0u64..5, 0..4)
        .prop_map(|m| VersionVector(m.into_iter().map(|(n, c)| (NodeId(n), c)).collect()))
}

use proptest::strategy::Strategy as Strategy2;

fn merged<T: Clone>(a: &T, b: &T, merge: impl Fn(&mut T, &T)) -> T {
    let mut x = a.clone();
    merge(&mut x, b);
    x
}

proptest! {
    #[test]
    fn pn_counter_merge_is_commutative_associative_idempotent(a in counter(), b in counter(), c in counter()) {
        let m = |x: &mut PnCounter, y: &PnCounter| x.merge(y);
        prop_assert_eq!(merged(&a, &b, m), merged(&b, &a, m));
        prop_assert_eq!(merged(&merged(&a, &b, m), &c, m), merged(&a, &merged(&b, &c, m), m));
        prop_assert_eq!(merged(&a, &a, m), a);
    }

    #[test]
    fn or_set_merge_is_commutative_associative_idempotent(a in or_set(), b in or_set(), c in or_set()) {
        let m = |x: &mut OrSet, y: &OrSet| x.merge(y);
        prop_assert_eq!(merged(&a, &b, m), merged(&b, &a, m));
        prop_assert_eq!(merged(&merged(&a, &b, m), &c, m), merged(&a, &merged(&b, &c, m), m));
        prop_assert_eq!(merged(&a, &a, m), a);
    }

    #[test]
    fn version_vector_join_is_a_join_and_never_shrinks(a in vector(), b in vector(), c in vector()) {
        let m = |x: &mut VersionVector, y: &VersionVector| x.join(y);
        let ab = merged(&a, &b, m);
        prop_assert_eq!(&ab, &merged(&b, &a, m));
        prop_assert_eq!(merged(&ab, &c, m), merged(&a, &merged(&b, &c, m), m));
        prop_assert_eq!(merged(&a, &a, m), a.clone());
        prop_assert!(a.le(&ab) && b.le(&ab));
    }

    /// Two stores that exchange each other's register payloads in either
    /// order end equal, under every strategy.
    #[test]
    fn register_merges_converge_in_any_order(ts_a in 0i64..5, ts_b in 0i64..5, s in 0usize..4) {
        let strategy = [Strategy::Lww, Strategy::VersionVectors, Strategy::Merge, Strategy::Crdt][s];
        let (a, b) = concurrent_writes(strategy, ts_a, ts_b);
        prop_assert_eq!(a.keys["name"].read(), b.keys["name"].read());
    }
}

#[test]
fn payloads_applied_twice_change_nothing() {
    let mut a = Store::default();
    let mut b = Store::default();
    let (_, p, _) = a.local(A, &write("x"), 5, Strategy::Lww).unwrap();
    assert!(b.merge("name", &p, Strategy::Lww).0);
    assert_eq!(b.merge("name", &p, Strategy::Lww), (false, None));
    assert!(matches!(p, Payload::Register(_)));
}

//! One test per claim C13–C18 of `CLAIMS.md`: each runs the claim's preset
//! through a [`Session`], exactly as the page and `rp run preset:NAME` do,
//! and pins the figure that proves it. Where a claim is a contrast the test
//! edits one setting of the preset's `Scenario` value for the other side.

use std::collections::BTreeMap;

use playground::report::history_outcomes;
use playground::view::{node_states, write_kept};
use playground::{presets, MultiLeaderSpec, ProtocolSpec, Report, Scenario, Session, SingleLeaderSpec, Strategy};

fn preset(name: &str) -> Scenario {
    presets::find(name).unwrap_or_else(|| panic!("no preset {name}"))
}

fn spec(s: &mut Scenario) -> &mut MultiLeaderSpec {
    match &mut s.protocol {
        ProtocolSpec::MultiLeader(spec) => spec,
        other => panic!("not multi leader: {other:?}"),
    }
}

fn run(scenario: Scenario) -> (Session, Report) {
    let mut s = Session::new(scenario).expect("valid preset");
    s.run_to_end().expect("runs");
    let report = s.report();
    (s, report)
}

/// Each node's value(s) of `key`, in node order.
fn values(s: &Session, key: &str) -> Vec<Vec<String>> {
    node_states(s).into_iter().map(|n| n.kv.get(key).cloned().unwrap_or_default()).collect()
}

fn latencies_us(r: &Report) -> BTreeMap<String, (u64, u64)> {
    r.write_latency.iter().map(|w| (w.client.clone(), (w.writes_ok, w.mean_us))).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// C13: every region's client gets its writes acknowledged by its own
/// leader in 2 ms (1 ms each way); under a single leader in eu the clients
/// in us and ap, 100 and 150 ms away from it, wait 200 and 300 ms (the
/// kernel models a client's distance to a node as the client's latency).
#[test]
fn c13_each_region_writes_at_local_speed() {
    let (_, r) = run(preset("c13-local-writes-per-region"));
    let expect = |[a, b, c]: [(u64, u64); 3]| {
        BTreeMap::from([("c1".to_string(), a), ("c2".to_string(), b), ("c3".to_string(), c)])
    };
    assert_eq!(latencies_us(&r), expect([(50, 2_000); 3]), "seed {}", r.seed);
    assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
    // The contrast: one leader in eu; a client's distance to it is its latency.
    let mut single = preset("c13-local-writes-per-region");
    single.protocol = ProtocolSpec::SingleLeader(SingleLeaderSpec::default());
    for (c, ms) in [(1, 100), (2, 150)] {
        single.clients[c].node = "n1".into();
        single.clients[c].latency_ms = ms;
    }
    let (_, r) = run(single);
    // A client has one operation outstanding, so the far ones also manage fewer writes.
    assert_eq!(latencies_us(&r), expect([(50, 2_000), (25, 200_000), (17, 300_000)]), "seed {}", r.seed);
}

/// C14: "Asha" in eu and "Asha K." in us 10 ms apart; both acknowledged in
/// 2 ms, and each of the four nodes resolves the conflict when the other
/// region's update arrives (last write wins keeps the later stamp).
#[test]
fn c14_the_same_key_on_two_leaders_conflicts() {
    let (s, r) = run(preset("c14-same-key-two-leaders"));
    assert_eq!(latencies_us(&r)["c1"], (1, 2_000));
    assert_eq!(latencies_us(&r)["c2"], (1, 2_000));
    assert_eq!(r.conflicts_total, 4, "seed {}", r.seed);
    let c = &r.conflicts[0];
    assert_eq!((c.node.as_str(), c.at_us, c.strategy.as_str()), ("n3", 1_101_000, "last write wins"));
    assert_eq!((c.kept.clone(), c.dropped.clone()), (strings(&["Asha K."]), strings(&["Asha"])));
    let conflict = &s.conflicts()[0].conflict;
    let stamps: Vec<(&str, i64)> = conflict.versions.iter().map(|v| (v.value.as_str(), v.timestamp_us)).collect();
    assert_eq!(stamps, [("Asha", 1_001_000), ("Asha K.", 1_011_000)]);
    assert_eq!(values(&s, "name"), vec![strings(&["Asha K."]); 4]);
}

/// C15: C14 with one setting changed, n1's clock 50 ms fast. The write that
/// happened later in real time ("Asha K.", 1.010 s) loses to the earlier
/// one stamped 1.050 s, on every node, although c2 was told it succeeded;
/// by the version data no node keeps it.
#[test]
fn c15_last_write_wins_drops_the_later_write_under_clock_skew() {
    let (s, r) = run(preset("c15-lww-clock-skew"));
    let mut c14 = preset("c14-same-key-two-leaders");
    c14.nodes[0].clock_skew_ms = 50;
    c14.name = r.name.clone();
    c14.caption = s.scenario().caption.clone();
    c14.compare = s.scenario().compare.clone(); // C15 opens compared with version vectors
    assert_eq!(&c14, s.scenario(), "C15 is C14 plus n1's skew");
    assert_eq!(r.conflicts_total, 4);
    let c = &r.conflicts[0];
    assert_eq!((c.kept.clone(), c.dropped.clone()), (strings(&["Asha"]), strings(&["Asha K."])));
    assert_eq!(values(&s, "name"), vec![strings(&["Asha"]); 4]);
    assert_eq!(&history_outcomes(&s)[..2], ["c1: write name = Asha → ok", "c2: write name = Asha K. → ok"]);
    assert!(!write_kept(&s, "name", "Asha K.") && write_kept(&s, "name", "Asha"));
    assert_eq!(r.lost_writes, 1, "seed {}", r.seed);
}

/// C16: the same writes under version vectors: every node holds both as
/// siblings and a read returns both, until "Asha Kumar", written having
/// seen both, replaces them, keeping both as its ancestors. Switching the
/// strategy to CRDT (one setting) counts all 6 likes; last-write-wins loses 3.
#[test]
fn c16_version_vectors_keep_siblings_and_crdts_lose_nothing() {
    let mut s = Session::new(preset("c16-siblings-and-crdts")).unwrap();
    s.advance_to(2_400_000).unwrap();
    assert_eq!(values(&s, "name"), vec![strings(&["Asha", "Asha K."]); 4]);
    s.run_to_end().unwrap();
    // A read of two siblings is also not linearizable: a register holds one value.
    assert_eq!(
        s.report().anomaly_counts,
        BTreeMap::from([("not linearizable".to_string(), 1), ("siblings visible to a reader".to_string(), 1)])
    );
    let h = history_outcomes(&s);
    assert!(h.contains(&"c1: read name → ok [\"Asha\", \"Asha K.\"]".to_string()), "{h:?}");
    assert!(h.contains(&"c2: read name → ok [\"Asha Kumar\"]".to_string()), "{h:?}");
    assert_eq!(values(&s, "name"), vec![strings(&["Asha Kumar"]); 4]);
    assert!(write_kept(&s, "name", "Asha") && write_kept(&s, "name", "Asha K."));
    let likes = |strategy: Strategy| {
        let mut sc = preset("c16-siblings-and-crdts");
        spec(&mut sc).strategy = strategy;
        let (s, _) = run(sc);
        values(&s, "likes")
    };
    assert_eq!(likes(Strategy::Crdt), vec![strings(&["6"]); 4]);
    assert_eq!(likes(Strategy::Lww), vec![strings(&["3"]); 4]);
}

/// C17: without loop prevention one write multiplies until the kernel's
/// 4 000 messages/s limit drops the excess; with it the write costs 3
/// updates (one per other leader).
#[test]
fn c17_without_loop_prevention_one_write_storms() {
    let (_, r) = run(preset("c17-replication-loop"));
    let m = &r.messages;
    assert_eq!((m.replication_sent, m.rate_limited, m.peak_per_s), (26_799, 21_208, 12_002), "seed {}", r.seed);
    assert_eq!(r.anomaly_counts, BTreeMap::from([("replication storm".to_string(), 1)]));
    let mut on = preset("c17-replication-loop");
    spec(&mut on).loop_prevention = true;
    let (_, r) = run(on);
    assert_eq!((r.messages.replication_sent, r.messages.rate_limited), (3, 0), "seed {}", r.seed);
}

/// C17: in a ring, the node behind a failed one gets nothing until it
/// returns: n3 reads x as absent at 4.5 s (n2 down, n1's update waits in its
/// outbox), and "ring" at 6.5 s after n2 restarted at 5 s.
#[test]
fn c17_a_ring_breaks_when_one_node_fails() {
    let mut s = Session::new(preset("c17-ring-node-failure")).unwrap();
    s.advance_to(4_500_000).unwrap();
    let pending: Vec<u64> = node_states(&s).iter().map(|n| n.pending).collect();
    assert_eq!(pending, [1, 0, 0]);
    s.run_to_end().unwrap();
    let h = history_outcomes(&s);
    assert_eq!(h, ["c1: write x = ring → ok", "c3: read x → ok []", "c3: read x → ok [\"ring\"]"]);
}

/// C18: both regions sell the last item: two sales succeed and stock ends
/// at -1 everywhere. With key homes on (one setting), the us sale goes to
/// eu, which has already sold it: "out of stock", and stock ends at 0.
#[test]
fn c18_two_regions_sell_the_last_item() {
    let (s, r) = run(preset("c18-oversell"));
    let sales: Vec<String> = history_outcomes(&s).into_iter().filter(|h| h.contains("sell")).collect();
    assert_eq!(sales, ["c1: sell one stock if in stock → ok", "c2: sell one stock if in stock → ok"]);
    assert_eq!(values(&s, "stock"), vec![strings(&["-1"]); 2], "seed {}", r.seed);
    // No single order allows the second sale, nor the reads of -1 (3 reads/sales).
    assert_eq!(
        r.anomaly_counts,
        BTreeMap::from([("application invariant violated".to_string(), 1), ("not linearizable".to_string(), 3)])
    );
    let mut homes = preset("c18-oversell");
    spec(&mut homes).use_key_homes = true;
    let (s, r) = run(homes);
    assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
    let sales: Vec<String> = history_outcomes(&s).into_iter().filter(|h| h.contains("sell")).collect();
    assert_eq!(
        sales,
        ["c1: sell one stock if in stock → ok", "c2: sell one stock if in stock → fail: out of stock: stock is 0"]
    );
    assert_eq!(values(&s, "stock"), vec![strings(&["0"]); 2]);
}

/// The same constant as in `tests/wasm_node.rs`: C14 run to its end gives
/// this trace hash natively and in WebAssembly, and seeking back and forth
/// gives it again.
pub const C14_TRACE_HASH: u64 = 0xc62b_dca9_1909_5a23;

#[test]
fn a_multi_leader_trace_hash_is_pinned_and_survives_seeking() {
    let (mut s, _) = run(preset("c14-same-key-two-leaders"));
    assert_eq!(s.trace_hash(), C14_TRACE_HASH);
    s.seek(1_050_000).unwrap();
    s.seek(3_000_000).unwrap();
    assert_eq!(s.trace_hash(), C14_TRACE_HASH);
    assert_eq!(s.conflicts_total(), 4);
    // The storm too: a bounded, repeatable state.
    let (s, _) = run(preset("c17-replication-loop"));
    assert_eq!(s.trace_hash(), 0xe5a9_04a5_dcba_3e1b);
}

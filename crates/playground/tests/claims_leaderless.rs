//! One test per claim C19–C22 of `CLAIMS.md` on the leaderless presets:
//! each runs the preset through a [`Session`], exactly as the page and
//! `rp run preset:NAME` do, and pins the figure that proves it. Where a
//! claim is a contrast the test edits one setting of the preset.

use playground::panels::{notes, settings_view, SettingsView};
use playground::view::node_states;
use playground::{presets, AnomalyKind, LeaderlessSpec, ProtocolSpec, Report, Scenario, Session};

fn preset(name: &str) -> Scenario {
    presets::find(name).unwrap_or_else(|| panic!("no preset {name}"))
}

fn spec(s: &mut Scenario) -> &mut LeaderlessSpec {
    match &mut s.protocol {
        ProtocolSpec::Leaderless(spec) => spec,
        other => panic!("not leaderless: {other:?}"),
    }
}

fn run(scenario: Scenario) -> (Session, Report) {
    let mut s = Session::new(scenario).expect("valid preset");
    s.run_to_end().expect("runs");
    let report = s.report();
    (s, report)
}

/// Stale reads per reading client, e.g. `[("c2", 0), ("c3", 80)]`.
fn stale_by(r: &Report, clients: &[&str]) -> Vec<(String, usize)> {
    let stale = |c: &str| {
        r.anomalies
            .iter()
            .filter(|a| a.kind == AnomalyKind::StaleRead && a.explanation.starts_with(&format!("{c} read")))
            .count()
    };
    clients.iter().map(|c| (c.to_string(), stale(c))).collect()
}

/// `key`'s value(s) on each node, in node order; `None` for a crashed node.
fn values(s: &Session, key: &str) -> Vec<Option<Vec<String>>> {
    node_states(s).into_iter().map(|n| n.role.map(|_| n.kv.get(key).cloned().unwrap_or_default())).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn at(s: &mut Session, t_ms: u64) {
    s.advance_to(t_ms * 1_000).expect("advances");
}

/// C19: with W = 2 every write reaches n4 and n2 at once and the far
/// replica n3 40 ms later. c2 reads with R = 2 (R + W = 4 > N = 3): none of
/// its 80 reads is stale. c3 reads with its own R = 1 (R + W = 3 = N) through
/// n3, which answers alone from its own copy: all 80 of its reads miss the
/// write acknowledged 16 ms before they began. Same seed, c3 back on the
/// cluster's R = 2: no stale read at all.
#[test]
fn c19_quorum_overlap_decides_stale_reads() {
    let (_, r) = run(preset("c19-quorum-overlap"));
    assert_eq!((r.ops.reads_ok, r.ops.writes_ok), (160, 80), "seed {}", r.seed);
    assert_eq!(stale_by(&r, &["c2", "c3"]), [("c2".into(), 0), ("c3".into(), 80)], "seed {}", r.seed);
    let first = r.anomalies.iter().find(|a| a.kind == AnomalyKind::StaleRead).expect("one");
    assert_eq!(
        first.explanation,
        "c3 read x from n3 and got nothing, but op 0 (x = \"c1:1\") was acknowledged at 504 ms, before the read began at 520 ms"
    );
    let mut overlap = preset("c19-quorum-overlap");
    spec(&mut overlap).clients.clear();
    let (_, r) = run(overlap);
    assert_eq!(stale_by(&r, &["c2", "c3"]), [("c2".into(), 0), ("c3".into(), 0)], "seed {}", r.seed);
    // And everyone at R = W = 1 (R + W = 2 <= 3): c2 stays fresh only because
    // n5's fastest answer comes from a replica that has the write.
    let mut low = preset("c19-quorum-overlap");
    (spec(&mut low).r, spec(&mut low).w) = (1, 1);
    let (_, r) = run(low);
    assert_eq!(stale_by(&r, &["c2", "c3"]), [("c2".into(), 0), ("c3".into(), 80)], "seed {}", r.seed);
}

/// C20: n3 misses cart = book and y = blue while cut off. The read of cart
/// at 2 s repairs n3's cart only; anti-entropy from 2.5 s brings it y; the
/// write made while n3 is down lands on n5 as a hint for n3 and goes home
/// after n3 restarts.
#[test]
fn c20_read_repair_anti_entropy_and_hinted_handoff() {
    let mut s = Session::new(preset("c20-repair-and-handoff")).unwrap();
    at(&mut s, 1_900);
    assert_eq!(values(&s, "cart")[2], Some(vec![]), "n3 missed the write");
    at(&mut s, 2_400);
    assert_eq!((values(&s, "cart")[2].clone(), values(&s, "y")[2].clone()), (Some(strings(&["book"])), Some(vec![])));
    let texts = |s: &Session, prefix: &str| -> Vec<(u64, String)> {
        notes(s).into_iter().filter(|n| n.text.starts_with(prefix)).map(|n| (n.at_us, n.text)).collect()
    };
    assert_eq!(
        texts(&s, "read repair"),
        [(2_011_000, "read repair: n3 answered cart = [], sent [\"book\"]".to_string())]
    );
    at(&mut s, 3_400);
    assert_eq!(values(&s, "y")[2], Some(strings(&["blue"])), "anti-entropy, no read");
    let ae = texts(&s, "anti-entropy");
    assert_eq!(ae.len(), 9, "three exchanges, three notes each: {ae:?}");
    assert_eq!(ae[0], (3_105_000, "anti-entropy n3↔n4: ranges [14] differ; n4 sends 1 key(s)".to_string()));
    let fixed: Vec<&(u64, String)> = ae.iter().filter(|(_, t)| t.contains("1 changed")).collect();
    assert_eq!(
        fixed,
        [&(
            3_110_000,
            "anti-entropy n4→n3: ranges [14], received 1 key(s), 1 changed [\"y\"], sends 1 key(s) back".to_string()
        )]
    );
    at(&mut s, 4_400);
    let n5 = &node_states(&s)[4];
    assert_eq!((n5.pending, n5.hints.clone()), (1, vec![(sim::NodeId(2), 1)]));
    let SettingsView::Leaderless(v) = settings_view(&s) else { panic!("leaderless") };
    assert_eq!(v.hints, [("n5".to_string(), "n3".to_string(), 1)]);
    s.run_to_end().unwrap();
    assert_eq!(node_states(&s)[4].pending, 0);
    assert_eq!(
        texts(&s, "hinted handoff"),
        [(4_760_000, "hinted handoff: n5 handed 1 hinted write(s) back to n3".to_string())]
    );
    assert_eq!(
        values(&s, "cart"),
        [0, 1, 2, 3, 4].map(|i| if [0, 2, 3].contains(&i) { Some(strings(&["book+pen"])) } else { Some(vec![]) })
    );
    let r = s.report();
    assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
}

/// C21: two blind writes at 1 s become siblings on all three homes; the
/// read at 1.5 s returns both; the write made with that read's context
/// replaces them, so the last read sees one value and no version is lost.
#[test]
fn c21_concurrent_writes_become_siblings_until_a_write_that_saw_both() {
    let (s, r) = run(preset("c21-siblings"));
    let reads: Vec<Vec<String>> = s.history().ops.iter().filter_map(|o| o.read_values().map(|v| v.to_vec())).collect();
    assert_eq!(reads, [strings(&["Asha", "Asha K."]), strings(&["Asha Kumar"])]);
    assert_eq!(r.anomaly_counts.get("siblings visible to a reader"), Some(&1));
    assert_eq!(r.lost_writes, 0);
    let kumar = || Some(strings(&["Asha Kumar"]));
    assert_eq!(values(&s, "name"), [kumar(), kumar(), Some(vec![]), kumar(), Some(vec![])], "homes n4, n2, n1");
}

/// C22: replication factor 3, R = W = 2, sloppy quorum off. With n3 down
/// (1.5 s to 3.5 s) nothing is refused; with n4 down too, every request
/// for x fails for lack of a quorum.
#[test]
fn c22_one_node_down_is_available_two_are_not() {
    let (s, r) = run(preset("c22-one-down-two-down"));
    let ok_between = |from_ms: u64, to_ms: u64| {
        s.history()
            .ops
            .iter()
            .filter(|o| o.invoke_us >= from_ms * 1_000 && o.invoke_us < to_ms * 1_000)
            .map(|o| o.is_ok())
            .fold((0, 0), |(ok, no), good| if good { (ok + 1, no) } else { (ok, no + 1) })
    };
    assert_eq!(ok_between(1_500, 3_500), (40, 0), "one down: (ok, not ok)");
    assert_eq!(ok_between(3_500, 5_500), (0, 32), "two down: (ok, not ok)");
    assert_eq!(
        (r.availability.reads_refused, r.availability.writes_refused, r.availability.writes_unknown),
        (16, 14, 2)
    );
    // The first write after n4 fell is unknown at its deadline (n2 may have
    // it); then the coordinators know, and refuse at once until their
    // suspicion of n3 and n4 lapses a second later, when one more write
    // waits out its deadline.
    assert_eq!((r.availability.first_us, r.availability.last_us), (Some(3_702_000), Some(5_452_000)));
    assert_eq!(r.lost_writes, 0);
}

/// The same constant as in `tests/wasm_node.rs`: C20 (read repair,
/// anti-entropy, a hint handed back) run to its end gives this trace hash
/// natively and in WebAssembly, and seeking back and forth gives it again.
pub const C20_TRACE_HASH: u64 = 0x91d0_0329_e0c0_fdd3;

#[test]
fn a_leaderless_trace_hash_is_pinned_and_survives_seeking() {
    let (mut s, _) = run(preset("c20-repair-and-handoff"));
    assert_eq!(s.trace_hash(), C20_TRACE_HASH, "{:#x}", s.trace_hash());
    s.seek(2_012_000).unwrap();
    s.seek(4_000_000).unwrap();
    s.run_to_end().unwrap();
    assert_eq!(s.trace_hash(), C20_TRACE_HASH);
    // The 64-node ring, too.
    let (s, r) = run(preset("leaderless-64-nodes"));
    assert_eq!(s.trace_hash(), 0x1bf8_2614_35f4_79bc, "{:#x}", s.trace_hash());
    assert!(r.anomalies.is_empty(), "{:?}", r.anomalies);
    assert_eq!((r.ops.ok, r.ops.fail, r.ops.info), (544, 0, 0));
}

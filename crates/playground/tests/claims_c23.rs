//! C23: consistency models seen from each client. The preset's five clients
//! each meet one model; the Guarantees view must give each its verdict.

use playground::guarantees::{Guarantees, Held};
use playground::{presets, report, Session};

fn word(h: &Held) -> &'static str {
    h.as_str()
}

#[test]
fn c23_each_client_meets_its_consistency_model() {
    let mut s = Session::new(presets::find("c23-consistency-models").expect("preset")).expect("valid");
    s.run_to_end().expect("runs");
    let g = Guarantees::of(&s, &report::anomalies(&s));
    let rows: Vec<(&str, [&str; 4])> = g
        .clients
        .iter()
        .map(|c| {
            (
                c.client.as_str(),
                [word(&c.strong), word(&c.read_your_writes), word(&c.monotonic_reads), word(&c.consistent_prefix)],
            )
        })
        .collect();
    let expect: Vec<(&str, [&str; 4])> = vec![
        ("asha", ["holds", "holds", "holds", "holds"]),
        ("ben", ["violated", "holds", "violated", "holds"]),
        ("dev", ["holds", "holds", "holds", "holds"]),
        ("carla", ["violated", "holds", "holds", "violated"]),
        ("eve", ["holds", "holds", "holds", "holds"]),
    ];
    assert_eq!(rows, expect, "seed {}", s.scenario().seed);
    assert_eq!(g.eventual, Held::Holds);
    assert_eq!(report::convergence_line(&s), "converged: replicas agreed at 5.0 s, quiet since 3.852 s");
    match &g.clients[3].consistent_prefix {
        Held::Violated { count, explanation, .. } => {
            assert_eq!(*count, 1);
            assert_eq!(
                explanation,
                "carla read question from n3 and got nothing, but its earlier read (op 48) had shown \"at my place\", which was written after op 45 (question = \"where is the party?\") had been seen: an answer before its question"
            );
        }
        other => panic!("carla: {other:?}"),
    }
}

#[test]
fn c23_before_the_first_read_nothing_is_judged() {
    let mut s = Session::new(presets::find("c23-consistency-models").expect("preset")).expect("valid");
    s.advance_to(500_000).expect("runs");
    let g = Guarantees::of(&s, &report::anomalies(&s));
    let asha = &g.clients[0];
    assert_eq!((word(&asha.strong), word(&asha.read_your_writes)), ("not judged yet", "not judged yet"));
    assert_eq!(g.eventual, Held::NotJudged);
}

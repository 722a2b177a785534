//! The narration tells what the trace recorded, in the scenario's words.

use playground::narration::{lines, summary, Filter, LineKind};
use playground::{presets, Session};

fn texts(s: &Session, from_us: u64, to_us: u64, filter: &Filter) -> Vec<String> {
    lines(s, from_us, to_us, filter).into_iter().map(|l| l.text).collect()
}

/// C6: the leader crashes at 2 s; a follower times out, stands for epoch 2
/// and wins.
#[test]
fn a_crash_and_an_election_are_told() {
    let mut s = Session::new(presets::find("c06-failover-timeout").expect("preset")).expect("valid");
    s.run_to_end().expect("runs");
    let only = Filter { node: None, kinds: vec![LineKind::Fault, LineKind::Role] };
    let told = texts(&s, 0, s.end_us(), &only);
    let crash = told.iter().position(|t| t == "n1 crashed").expect("the crash is told");
    let election = told.iter().position(|t| t.contains("started an election for epoch 2")).expect("an election");
    let won = told.iter().position(|t| t.ends_with("became leader for epoch 2")).expect("a new leader");
    assert!(crash < election && election < won, "{told:?}");
}

/// C7's client writes are told with their outcome, and a filter by node keeps
/// only that node's lines.
#[test]
fn client_operations_and_filters() {
    let mut s = Session::new(presets::find("c23-consistency-models").expect("preset")).expect("valid");
    s.advance_to(1_100_000).expect("runs");
    let clients = Filter { node: None, kinds: vec![LineKind::Client] };
    let told: Vec<String> =
        texts(&s, 1_000_000, 1_100_000, &clients).into_iter().filter(|t| t.starts_with("asha")).collect();
    assert_eq!(
        told,
        [
            "asha asked n1 to write post = hello from Asha",
            "asha's write post = hello from Asha was acknowledged",
            "asha asked n3 to read post",
            "asha's read post returned \"hello from Asha\"",
        ]
    );
    let n3 = Filter { node: Some("n3".into()), kinds: vec![LineKind::Client] };
    assert!(texts(&s, 1_000_000, 1_100_000, &n3).iter().all(|t| t.contains("n3")));
    let all = lines(&s, 1_000_000, 1_100_000, &Filter::default());
    assert!(summary(&all).starts_with(&format!("{} events: ", all.len())));
}

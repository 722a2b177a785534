//! Hand-built histories for the C23 checkers: linearizability and
//! consistent prefix.

use sim::{OpKind, Outcome};

use super::tests::{ops_of, Builder};
use crate::*;

#[test]
fn a_linearizable_register_history_has_no_anomaly() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.read(1, 0, &["a"], 5, 15); // concurrent with the write: either is fine
    b.write(0, 0, "b", 20, 40);
    b.read(1, 0, &["a"], 25, 30); // "b" may not have taken effect yet
    b.read(2, 0, &["b"], 26, 32); // ...or it may have: but then c3 ...
    b.read(1, 0, &["b"], 50, 60);
    assert_eq!(check_history(&b.history(), &[], &Names::default()), vec![]);
}

#[test]
fn a_read_that_goes_back_after_another_saw_the_new_value_is_not_linearizable() {
    let mut b = Builder::default();
    b.write(0, 0, "a", 0, 10);
    b.write(0, 0, "b", 20, 100); // still in flight
    b.read(1, 1, &["b"], 30, 40); // "b" took effect by 40
    b.read(2, 2, &["a"], 50, 60); // so this one, which began after, is too old
    let found = of_kind(&b.history(), AnomalyKind::NotLinearizable);
    assert_eq!(ops_of(&found), vec![vec![3, 0]]);
    assert_eq!(
        found[0].explanation,
        "c3 read x from n3 and got \"a\": no single order of the operations on x explains it, since no order of the updates that respects real time ends in that value"
    );
    // No stale read: the newer write was not acknowledged before the read.
    assert_eq!(of_kind(&b.history(), AnomalyKind::StaleRead), vec![]);
}

#[test]
fn siblings_and_timed_out_writes_under_linearizability() {
    let mut b = Builder::default();
    b.write_info(0, 0, "a", 0); // timed out: may land at any time
    b.read(1, 0, &[], 10, 20);
    b.read(1, 0, &["a"], 30, 40); // it landed
    b.read(1, 0, &["a", "b"], 50, 60); // two values at once: never a register
    let found = of_kind(&b.history(), AnomalyKind::NotLinearizable);
    assert_eq!(ops_of(&found), vec![vec![3, 0]]);
}

#[test]
fn an_answer_seen_before_its_question_breaks_consistent_prefix() {
    let mut b = Builder::default();
    let q = |v: &str| OpKind::Write { key: "question".into(), value: v.into() };
    let a = |v: &str| OpKind::Write { key: "answer".into(), value: v.into() };
    let ok = || Some(Outcome::Ok { values: vec![] });
    let got = |v: &[&str]| Some(Outcome::Ok { values: v.iter().map(|s| s.to_string()).collect() });
    let read = |k: &str| OpKind::Read { key: k.into() };
    b.push(0, 0, q("why?"), (0, Some(10)), ok()); // op 0: c1 asks
    b.push(1, 0, read("question"), (20, Some(30)), got(&["why?"])); // op 1: c2 reads it
    b.push(1, 0, a("because"), (40, Some(50)), ok()); // op 2: c2 answers
    b.push(2, 1, read("answer"), (60, Some(70)), got(&["because"])); // op 3: c3 sees the answer
    b.push(2, 2, read("question"), (80, Some(90)), got(&[])); // op 4: ...but not the question
    b.push(3, 1, read("answer"), (60, Some(70)), got(&["because"])); // op 5: c4 too
    b.push(3, 0, read("question"), (80, Some(90)), got(&["why?"])); // op 6: and sees the question
    let h = b.history();
    let found = of_kind(&h, AnomalyKind::ConsistentPrefix);
    assert_eq!(ops_of(&found), vec![vec![4, 0, 3]]);
    assert_eq!(
        found[0].explanation,
        "c3 read question from n3 and got nothing, but its earlier read (op 3) had shown \"because\", which was written after op 0 (question = \"why?\") had been seen: an answer before its question"
    );
}

//! The space-time diagram of C7 around the cut, and its SVG export.

use playground::diagram::Diagram;
use playground::{presets, Session};

#[test]
fn c7_around_the_cut_shows_drops_bars_and_marks() {
    let mut s = Session::new(presets::find("c07-split-brain-fencing").expect("preset")).expect("valid");
    s.advance_to(4_500_000).expect("runs");
    let d = Diagram::of(&s, 1_900_000, 4_200_000);
    assert_eq!(d.lanes, ["n1", "n2", "n3"]);
    let dropped = d.arrows.iter().filter(|a| a.dropped).count();
    let leaders: Vec<&str> = d.marks.iter().filter(|m| m.kind == "leader").map(|m| m.label.as_str()).collect();
    let interventions: Vec<&str> =
        d.marks.iter().filter(|m| m.kind == "intervention").map(|m| m.label.as_str()).collect();
    assert_eq!((d.arrows.len(), dropped, d.bars.len(), d.truncated), (252, 112, 76, false));
    assert_eq!(leaders.len(), 1, "{leaders:?}");
    assert!(leaders[0].ends_with("leads epoch 2"), "{leaders:?}");
    assert_eq!(interventions, ["partition {n1} {n2 n3}", "heal the network"]);
    // Every bar lies on the lane of the node the client talked to.
    assert!(d.bars.iter().all(|b| b.lane < 3 && b.invoke_us < 4_200_000));

    let svg = d.svg(1_000);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.ends_with("</svg>"));
    let count = |needle: &str| svg.matches(needle).count();
    assert_eq!(count("<line"), d.lanes.len() + d.arrows.len() + d.marks.len());
    assert_eq!(count("<rect"), 1 + d.bars.len());
    assert_eq!(count("<title>"), count("</title>"));
    assert_eq!(count("<path"), dropped);
}

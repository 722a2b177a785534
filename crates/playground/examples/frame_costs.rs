//! Where a page frame's facade work goes, per part, for a preset:
//! `cargo run --release -p playground --example frame_costs -- sixty-four-nodes 100000`
//! (preset, virtual µs per frame). Prints mean microseconds per frame.

use std::time::Instant;

use playground::panels::{lag_series, markers, messages, recent_ops, LAG_WINDOW_US};
use playground::{presets, report, ClusterView, Session};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("sixty-four-nodes", String::as_str);
    let step_us: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(16_700);
    let mut s = Session::new(presets::find(name).expect("a preset")).expect("it runs");
    let names = ["advance", "cluster view", "lag series", "checkers", "messages", "recent ops", "markers"];
    let mut total = [0u128; 7];
    let frames = 300;
    for _ in 0..frames {
        let t = Instant::now();
        s.advance_to(s.now_us() + step_us).unwrap();
        total[0] += t.elapsed().as_micros();
        let t = Instant::now();
        std::hint::black_box(ClusterView::of(&s));
        total[1] += t.elapsed().as_micros();
        let t = Instant::now();
        std::hint::black_box(lag_series(&s, LAG_WINDOW_US));
        total[2] += t.elapsed().as_micros();
        let t = Instant::now();
        let a = report::anomalies(&s);
        total[3] += t.elapsed().as_micros();
        let t = Instant::now();
        std::hint::black_box(messages(&s));
        total[4] += t.elapsed().as_micros();
        let t = Instant::now();
        std::hint::black_box(recent_ops(&s, &a));
        total[5] += t.elapsed().as_micros();
        let t = Instant::now();
        std::hint::black_box(markers(&s, &a));
        total[6] += t.elapsed().as_micros();
    }
    println!("{name}, {frames} frames of {step_us} µs, to {} µs:", s.now_us());
    for (n, t) in names.iter().zip(total) {
        println!("  {n:<14}{:>8} µs per frame", t / frames);
    }
}

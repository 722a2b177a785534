//! The human summary of one run.

use playground::Report;

fn ms(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1_000) % 1_000)
}

/// Prints a report for a person, ending with how to reproduce it.
pub fn print_human(r: &Report, scenario_arg: &str) {
    println!("{} (seed {}), ran to {}", if r.name.is_empty() { "scenario" } else { &r.name }, r.seed, ms(r.end_us));
    println!("  trace hash {}   {} events", r.trace_hash, r.events_processed);
    let o = &r.ops;
    println!(
        "  client ops: {} ok ({} reads, {} writes), {} fail, {} info, {} pending",
        o.ok, o.reads_ok, o.writes_ok, o.fail, o.info, o.pending
    );
    println!("  throughput: {} reads/s, {} writes/s", r.reads_per_s, r.writes_per_s);
    let a = &r.availability;
    if a.refused() > 0 {
        println!(
            "  refused for lack of a quorum: {} reads, {} writes, {} writes unknown (from {} to {})",
            a.reads_refused,
            a.writes_refused,
            a.writes_unknown,
            ms(a.first_us.unwrap_or(0)),
            ms(a.last_us.unwrap_or(0))
        );
    }
    println!("  nodes:");
    for n in &r.nodes {
        println!(
            "    {:<6} {:<8} {:<9} epoch {:<3} log {:<5} applied {:<5} keys {}",
            n.id, n.status, n.role, n.epoch, n.last_index, n.applied_index, n.keys
        );
    }
    if !r.lag.is_empty() {
        println!("  lag per follower (max / mean):");
        for l in &r.lag {
            println!(
                "    {:<6} {} / {} entries   {} / {} ms",
                l.node, l.max_entries, l.mean_entries, l.max_ms, l.mean_ms
            );
        }
    }
    let changes: Vec<String> =
        r.leader_changes.iter().map(|f| format!("{} at {} (epoch {})", f.node, ms(f.at_us), f.epoch)).collect();
    if !changes.is_empty() {
        println!("  leaders: {}", changes.join(", "));
    }
    // Families without leaders (leaderless) have nothing to say here.
    if !r.leader_changes.is_empty() {
        println!("  without a leader: {} ms; with two or more: {} ms", r.no_leader_ms, r.two_leaders_ms);
    }
    println!("  lost acknowledged writes: {}", r.lost_writes);
    if !r.write_latency.is_empty() {
        let each: Vec<String> = r
            .write_latency
            .iter()
            .map(|w| format!("{} {} writes, mean {:.1} ms", w.client, w.writes_ok, w.mean_us as f64 / 1_000.0))
            .collect();
        println!("  acknowledged updates per client: {}", each.join("; "));
    }
    let m = &r.messages;
    print!(
        "  messages: {} sent ({} replication), busiest second {} s with {}",
        m.sent, m.replication_sent, m.peak_second, m.peak_per_s
    );
    if m.rate_limited > 0 {
        print!(" — replication storm: message rate limit reached, {} dropped", m.rate_limited);
    }
    println!();
    if r.conflicts_total > 0 {
        println!("  conflicts resolved: {}", r.conflicts_total);
        for c in r.conflicts.iter().take(4) {
            println!("    - {} at {} on {}: {}", c.key, ms(c.at_us), c.node, c.verdict);
        }
    }
    for n in r.nodes.iter().filter(|n| n.kv.values().any(|v| v.len() > 1) || n.clock_skew_ms != 0) {
        println!("    {} clock {:+} ms, state {:?}", n.id, n.clock_skew_ms, n.kv);
    }
    if r.anomalies.is_empty() {
        println!("  anomalies: none");
    } else {
        println!("  anomalies:");
        for (kind, n) in &r.anomaly_counts {
            println!("    {n:>5} {kind}");
        }
        for a in r.anomalies.iter().take(5) {
            println!("    - {}", a.explanation);
        }
    }
    for w in &r.warnings {
        println!("  warning: {w}");
    }
    println!("  reproduce: rp run {scenario_arg} --seed {}", r.seed);
}

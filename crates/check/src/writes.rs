//! Which write produced a value, and when one operation definitely happened
//! before another.
//!
//! Workloads write unique values per key, so a value names its write. An
//! operation `a` definitely precedes `b` when `a` completed before `b` was
//! invoked (real-time order); an operation that never completed (`info`,
//! pending) may take effect at any time after its invocation.

use std::collections::BTreeMap;

use sim::{History, OpKind, OpRecord, Outcome};

/// The writes of a history, by key and value.
pub struct WriteIndex<'a> {
    by_value: BTreeMap<(&'a str, &'a str), &'a OpRecord>,
}

impl<'a> WriteIndex<'a> {
    /// Indexes every `Write` that did not definitely fail.
    pub fn new(history: &'a History) -> Self {
        let mut by_value = BTreeMap::new();
        for r in &history.ops {
            if let OpKind::Write { key, value } = &r.kind {
                if !matches!(r.outcome, Some(Outcome::Fail { .. })) {
                    by_value.entry((key.as_str(), value.as_str())).or_insert(r);
                }
            }
        }
        WriteIndex { by_value }
    }

    /// The write that put `value` under `key`, if the history has it.
    pub fn writer(&self, key: &str, value: &str) -> Option<&'a OpRecord> {
        self.by_value.get(&(key, value)).copied()
    }
}

/// True if `a` completed successfully before `b` was invoked.
pub fn definitely_precedes(a: &OpRecord, b: &OpRecord) -> bool {
    a.is_ok() && a.complete_us.is_some_and(|done| done < b.invoke_us)
}

/// The value a write wrote.
pub fn written_value(r: &OpRecord) -> Option<&str> {
    match &r.kind {
        OpKind::Write { value, .. } => Some(value),
        _ => None,
    }
}

/// What a successful read returned, resolved to writes: `Some(vec![])` for
/// "absent", `None` if a value has no known write (it cannot be judged).
pub fn returned_writes<'a>(index: &WriteIndex<'a>, read: &OpRecord) -> Option<Vec<&'a OpRecord>> {
    let values = read.read_values()?;
    values.iter().map(|v| index.writer(read.kind.key(), v)).collect()
}

/// True if everything the read returned definitely precedes `w`: the read
/// missed `w` (a read of nothing misses every write).
pub fn read_misses(returned: &[&OpRecord], w: &OpRecord) -> bool {
    returned.iter().all(|r| definitely_precedes(r, w))
}

/// A read's values, quoted, for explanations: `"a"`, `"a", "b"` or `nothing`.
pub fn shown(read: &OpRecord) -> String {
    match read.read_values() {
        Some([]) | None => "nothing".into(),
        Some(values) => values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", "),
    }
}

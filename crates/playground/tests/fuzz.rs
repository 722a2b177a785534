//! Any input to the scenario parser or the share-link decoder gives a value
//! or a typed error, never a panic: random text, and presets with random
//! bytes changed (which keeps most of the structure, so the parser gets deep).

#![cfg(not(target_arch = "wasm32"))]

use playground::{presets, share, Scenario, Session};
use proptest::prelude::*;

fn preset_json() -> String {
    serde_json::to_string(&presets::default_scenario()).expect("serializes")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_text_parses_or_errors(text in ".{0,200}") {
        let _ = Scenario::from_json(&text);
        let _ = share::decode(&text);
    }

    #[test]
    fn a_mangled_preset_parses_or_errors(edits in prop::collection::vec((any::<prop::sample::Index>(), 32u8..127), 1..6)) {
        let mut bytes = preset_json().into_bytes();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let text = String::from_utf8(bytes).expect("ascii edits keep utf-8");
        if let Ok(s) = Scenario::from_json(&text) {
            // A scenario that parses either starts or is refused with a reason.
            if let Ok(mut session) = Session::new(s) {
                let _ = session.advance_to(200_000);
            }
        }
    }

    #[test]
    fn a_mangled_share_link_decodes_or_errors(edits in prop::collection::vec((any::<prop::sample::Index>(), b'A'..b'z'), 1..4)) {
        let session = Session::new(presets::default_scenario()).expect("default preset");
        let mut bytes = session.share_fragment().into_bytes();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let text = String::from_utf8(bytes).expect("ascii");
        let _ = share::decode(&text);
    }
}

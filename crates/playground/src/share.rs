//! The share-URL codec: a scenario (whose script holds every intervention)
//! plus the time the sharer was looking at, compressed and URL-safe, for the
//! part of a link after `#`.
//!
//! Layout: `v1.` + base64url(deflate(JSON of [`Shared`])). Decoding never
//! panics: a broken, truncated or hostile link gives a [`ShareError`] naming
//! what is wrong, and the page falls back to the default scenario.
//!
//! ```
//! use playground::share::{decode, encode, Shared};
//! let scenario = playground::Scenario::from_json(r#"{"version":1,"nodes":[{"id":"a"}]}"#).unwrap();
//! let link = encode(&Shared { scenario: scenario.clone(), at_us: 1_500_000 });
//! assert!(link.starts_with("v1."));
//! assert_eq!(decode(&link).unwrap().at_us, 1_500_000);
//! assert!(decode(&link[..link.len() - 5]).is_err());
//! ```

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::scenario::{Scenario, ScenarioError};

/// The prefix of every link this version writes.
pub const SHARE_PREFIX: &str = "v1.";
/// A decoded link may not expand beyond this, so a hostile link cannot exhaust memory.
pub const SHARE_JSON_BYTES_MAX: usize = 1 << 20;
/// Longer fragments are refused before decoding.
pub const SHARE_LINK_CHARS_MAX: usize = 256 * 1024;

/// What a link carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shared {
    pub scenario: Scenario,
    /// The virtual time the sharer was looking at; the link opens there, paused.
    pub at_us: u64,
}

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ShareError {
    #[error("share link: it is empty")]
    Empty,
    #[error("share link: it is {0} characters long, more than the {SHARE_LINK_CHARS_MAX} allowed")]
    TooLong(usize),
    #[error(
        "share link: it does not start with \"{SHARE_PREFIX}\"; it was made by another version or is not a share link"
    )]
    Version,
    /// The detail (the decoder's own words) is kept for debugging, not shown.
    #[error("share link: it holds characters a share link never has, so it was probably cut off or edited; copy the whole link again")]
    Base64(String),
    #[error("share link: its data is cut off or damaged; copy the whole link again")]
    Compressed(String),
    #[error("share link: {0}")]
    Content(ScenarioError),
}

/// Encodes what to share as the text after `#`.
pub fn encode(shared: &Shared) -> String {
    let json = serde_json::to_vec(shared).expect("a scenario always serializes");
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{SHARE_PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes the text after `#` (with or without the `#`).
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let fragment = fragment.trim().trim_start_matches('#');
    if fragment.is_empty() {
        return Err(ShareError::Empty);
    }
    if fragment.len() > SHARE_LINK_CHARS_MAX {
        return Err(ShareError::TooLong(fragment.len()));
    }
    let body = fragment.strip_prefix(SHARE_PREFIX).ok_or(ShareError::Version)?;
    let packed = URL_SAFE_NO_PAD.decode(body).map_err(|e| ShareError::Base64(e.to_string()))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, SHARE_JSON_BYTES_MAX)
        .map_err(|e| ShareError::Compressed(format!("{:?}", e.status)))?;
    let text = std::str::from_utf8(&json).map_err(|e| ShareError::Compressed(e.to_string()))?;
    let de = &mut serde_json::Deserializer::from_str(text);
    let shared: Shared = serde_path_to_error::deserialize(de).map_err(|e| {
        ShareError::Content(ScenarioError::Syntax { path: e.path().to_string(), message: e.inner().to_string() })
    })?;
    shared.scenario.validate().map_err(ShareError::Content)?;
    Ok(shared)
}

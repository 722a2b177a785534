//! The seeded random source, owned here so its stream never changes with a
//! dependency's version: xoshiro256** seeded through SplitMix64.
//!
//! Every consumer draws from its own stream, derived from the run's seed and a
//! stream label, so adding a client does not change the network's dice:
//!
//! ```
//! use sim::rng::{Rng, Stream};
//! let mut net = Rng::derive(42, Stream::Network);
//! let mut again = Rng::derive(42, Stream::Network);
//! assert_eq!(net.next_u64(), again.next_u64());
//! assert!(net.below(10) < 10);
//! ```

use serde::{Deserialize, Serialize};

/// Which consumer a stream belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Network,
    Workload,
    Node(u32),
    Client(u32),
    Faults,
    /// Random clock skews a sweep gives each node.
    Skews,
}

impl Stream {
    fn label(self) -> u64 {
        match self {
            Stream::Network => 1,
            Stream::Workload => 2,
            Stream::Faults => 3,
            Stream::Skews => 4,
            Stream::Node(i) => (1 << 32) | u64::from(i),
            Stream::Client(i) => (2 << 32) | u64::from(i),
        }
    }
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A xoshiro256** generator. Same seed, same stream, on every platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator seeded directly.
    pub fn seeded(seed: u64) -> Self {
        let mut sm = seed;
        Rng { s: [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)] }
    }

    /// The stream of one consumer within a run.
    pub fn derive(seed: u64, stream: Stream) -> Self {
        let mut sm = seed ^ stream.label().wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng::seeded(splitmix64(&mut sm))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `0..bound` (0 when `bound` is 0), without modulo bias
    /// worth measuring (Lemire's multiply-shift).
    pub fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// True with probability `ppm` parts per million.
    pub fn chance_ppm(&mut self, ppm: u32) -> bool {
        ppm > 0 && self.below(1_000_000) < u64::from(ppm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_pinned_forever() {
        // If this changes, every share URL ever made replays differently.
        let mut r = Rng::seeded(1);
        assert_eq!([r.next_u64(), r.next_u64()], [0xb3f2af6d0fc710c5, 0x853b559647364cea]);
    }

    #[test]
    fn streams_are_independent() {
        let a = Rng::derive(7, Stream::Network).next_u64();
        let b = Rng::derive(7, Stream::Client(0)).next_u64();
        let c = Rng::derive(7, Stream::Client(1)).next_u64();
        assert!(a != b && b != c && a != c);
    }
}

//! Reconnect delays and the deterministic jitter behind them.

/// The first retry waits this long (before jitter)…
pub const BACKOFF_FIRST_MS: u64 = 500;
/// …doubling with each failed try up to this.
pub const BACKOFF_MAX_MS: u64 = 15_000;

/// The delay before retry number `attempt` (0 = the first retry after a good connection):
/// 0.5 s doubling up to 15 s, spread by ±25 % (`jitter` in 0..1) so that many browsers don't
/// all come back at once after a server restart.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u64 {
    let base = BACKOFF_FIRST_MS
        .saturating_mul(1u64 << attempt.min(10))
        .min(BACKOFF_MAX_MS) as f64;
    (base * (0.75 + 0.5 * jitter.clamp(0.0, 1.0))) as u64
}

/// SplitMix64: a small, well-mixed generator for the jitter, seeded by the driver (the tests
/// fix the seed; a browser seeds it from `Math.random`).
#[derive(Clone, Debug)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new(seed: u64) -> Jitter {
        Jitter(seed)
    }

    /// A number in [0, 1).
    pub(crate) fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped_with_jitter() {
        assert_eq!(backoff_ms(0, 0.5), 500);
        assert_eq!(backoff_ms(1, 0.5), 1_000);
        assert_eq!(backoff_ms(3, 0.5), 4_000);
        assert_eq!(backoff_ms(5, 0.5), 15_000);
        assert_eq!(backoff_ms(u32::MAX, 0.5), 15_000);
        assert_eq!(backoff_ms(0, 0.0), 375);
        assert_eq!(backoff_ms(0, 1.0), 625);
        assert_eq!(backoff_ms(30, 1.0), 18_750);
    }

    #[test]
    fn jitter_is_deterministic_in_range_and_spread() {
        let draws: Vec<f64> = {
            let mut j = Jitter::new(7);
            (0..1000).map(|_| j.next()).collect()
        };
        let again: Vec<f64> = {
            let mut j = Jitter::new(7);
            (0..1000).map(|_| j.next()).collect()
        };
        assert_eq!(draws, again);
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        let low = draws.iter().filter(|d| **d < 0.5).count();
        assert!((400..600).contains(&low), "{low} of 1000 below 0.5");
        let mut other = Jitter::new(8);
        assert_ne!(other.next(), draws[0]);
    }
}

//! Random streams and common random numbers.
//!
//! Every random number in a run comes from a stream derived from
//! (master seed, replication, source, entity) by a fixed mixing function, then fed to one named,
//! portable generator, Xoshiro256++. Nothing depends on the thread that runs a replication, so
//! output is byte-identical for any thread count. The policy is deliberately *not* part of the
//! derivation: replication k of every policy sees the same exogenous draws (arrivals, shocks,
//! personal events), and policy differences are paired comparisons (MODEL-SPEC C.10).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The one generator used for simulation randomness. Its output sequence is fixed by its
/// algorithm, not by a library version.
pub type SimRng = Xoshiro256PlusPlus;

/// SplitMix64's finalizer: a bijective 64-bit mixer with good avalanche.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Seed of replication `replication` under master seed `master`; printed in `replications.csv`.
pub fn replication_seed(master: u64, replication: u64) -> u64 {
    mix64(mix64(master) ^ replication.wrapping_mul(0xD1B5_4A32_D192_ED03))
}

/// The random streams of one replication.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Streams {
    seed: u64,
}

impl Streams {
    /// The streams of `replication` under `master`.
    pub fn new(master: u64, replication: u64) -> Self {
        Streams {
            seed: replication_seed(master, replication),
        }
    }

    /// This replication's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// An independent generator for one random process (`source`) of one entity (a team, a
    /// person slot, a shock type). Sources are small constants chosen by the model.
    pub fn stream(&self, source: u64, entity: u64) -> SimRng {
        let key = mix64(mix64(self.seed ^ source.wrapping_mul(0x9E37_79B9_7F4A_7C15)) ^ entity);
        SimRng::seed_from_u64(key)
    }
}

/// Draws `U(0,1]`-based exponential variates by inverse transform: one uniform per draw, so a
/// decision consumes the same number of draws under every policy.
pub fn exp1<R: rand::Rng + ?Sized>(rng: &mut R) -> f64 {
    // `random::<f64>()` is in [0, 1); 1 - u is in (0, 1], so the log is finite.
    -(1.0 - rng.random::<f64>()).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a = Streams::new(42, 7);
        let b = Streams::new(42, 7);
        let x: u64 = a.stream(1, 0).random();
        assert_eq!(x, b.stream(1, 0).random::<u64>());
        assert_ne!(x, a.stream(1, 1).random::<u64>());
        assert_ne!(x, a.stream(2, 0).random::<u64>());
        assert_ne!(x, Streams::new(42, 8).stream(1, 0).random::<u64>());
        assert_ne!(x, Streams::new(43, 7).stream(1, 0).random::<u64>());
    }

    #[test]
    fn generator_output_is_pinned() {
        // Guards against a silent change of generator or derivation: this value is part of the
        // determinism contract (same seed, same bytes, across versions of orgsim's dependencies).
        let value: u64 = Streams::new(1, 0).stream(0, 0).random();
        assert_eq!(value, PINNED_FIRST_DRAW);
    }

    const PINNED_FIRST_DRAW: u64 = 10_616_057_846_497_598_800;

    #[test]
    fn exp1_has_unit_mean() {
        let mut rng = Streams::new(3, 0).stream(9, 9);
        let n = 200_000;
        let mean = (0..n).map(|_| exp1(&mut rng)).sum::<f64>() / n as f64;
        // SD of the mean is 1/sqrt(n) = 0.0022; 5 SD tolerance.
        assert!((mean - 1.0).abs() < 0.011, "mean {mean}");
    }
}

//! Streaming statistics: running mean and variance (Welford), P² quantile estimates, Student-t
//! confidence intervals, and the queueing closed forms the engine is checked against.
//!
//! Everything here has O(1) memory in the number of observations, so a run's memory does not
//! grow with its replications. Observations are folded in job order on one thread, so results
//! are bit-identical for any thread count.

use serde::Serialize;

/// Running mean and variance by Welford's algorithm.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one observation.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Merges another accumulator (Chan et al.'s parallel formula).
    pub fn merge(&mut self, other: &Welford) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let delta = other.mean - self.mean;
        self.mean += delta * other.n as f64 / n as f64;
        self.m2 += other.m2 + delta * delta * (self.n as f64) * (other.n as f64) / n as f64;
        self.n = n;
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Sample mean (NaN when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.mean
        }
    }

    /// Unbiased sample variance (NaN with fewer than two observations).
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }

    /// Sample standard deviation.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Half-width of the two-sided 95% Student-t confidence interval of the mean.
    pub fn ci95_half_width(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        t_quantile_975(self.n - 1) * self.sd() / (self.n as f64).sqrt()
    }

    /// The 95% confidence interval of the mean, `(low, high)`.
    pub fn ci95(&self) -> (f64, f64) {
        let half = self.ci95_half_width();
        (self.mean() - half, self.mean() + half)
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (two-sided 95% intervals).
///
/// Exact table for df <= 30, then the Cornish-Fisher expansion (error < 1e-5 there).
pub fn t_quantile_975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
        2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
        2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
        2.048407, 2.045230, 2.042272,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959_963_984_540_054;
            let n = df as f64;
            let z3 = z.powi(3);
            let z5 = z.powi(5);
            let z7 = z.powi(7);
            z + (z3 + z) / (4.0 * n)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n * n * n)
        }
    }
}

/// Streaming estimate of one quantile by the P² algorithm (Jain & Chlamtac 1985): five markers,
/// O(1) memory, exact for the first five observations.
#[derive(Clone, Debug, PartialEq)]
pub struct P2Quantile {
    p: f64,
    n: u64,
    heights: [f64; 5],
    positions: [f64; 5],
    desired: [f64; 5],
    increments: [f64; 5],
}

impl P2Quantile {
    /// An estimator of the `p` quantile, `0 < p < 1`.
    pub fn new(p: f64) -> Self {
        P2Quantile {
            p,
            n: 0,
            heights: [0.0; 5],
            positions: [1.0, 2.0, 3.0, 4.0, 5.0],
            desired: [1.0, 1.0 + 2.0 * p, 1.0 + 4.0 * p, 3.0 + 2.0 * p, 5.0],
            increments: [0.0, p / 2.0, p, (1.0 + p) / 2.0, 1.0],
        }
    }

    /// Adds one observation. NaN observations are ignored.
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        if self.n < 5 {
            self.heights[self.n as usize] = x;
            self.n += 1;
            if self.n == 5 {
                self.heights.sort_by(f64::total_cmp);
            }
            return;
        }
        self.n += 1;
        let h = &mut self.heights;
        let k = if x < h[0] {
            h[0] = x;
            0
        } else if x >= h[4] {
            h[4] = x;
            3
        } else {
            (0..4).find(|&i| x < h[i + 1]).unwrap_or(3)
        };
        for position in &mut self.positions[k + 1..] {
            *position += 1.0;
        }
        for (desired, increment) in self.desired.iter_mut().zip(self.increments) {
            *desired += increment;
        }
        for i in 1..4 {
            let d = self.desired[i] - self.positions[i];
            let gap_up = self.positions[i + 1] - self.positions[i];
            let gap_down = self.positions[i - 1] - self.positions[i];
            if (d >= 1.0 && gap_up > 1.0) || (d <= -1.0 && gap_down < -1.0) {
                let step = d.signum();
                let candidate = self.parabolic(i, step);
                self.heights[i] =
                    if self.heights[i - 1] < candidate && candidate < self.heights[i + 1] {
                        candidate
                    } else {
                        self.linear(i, step)
                    };
                self.positions[i] += step;
            }
        }
    }

    fn parabolic(&self, i: usize, d: f64) -> f64 {
        let (q, n) = (&self.heights, &self.positions);
        q[i] + d / (n[i + 1] - n[i - 1])
            * ((n[i] - n[i - 1] + d) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
                + (n[i + 1] - n[i] - d) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]))
    }

    fn linear(&self, i: usize, d: f64) -> f64 {
        let j = if d > 0.0 { i + 1 } else { i - 1 };
        self.heights[i]
            + d * (self.heights[j] - self.heights[i]) / (self.positions[j] - self.positions[i])
    }

    /// The current estimate (NaN when empty; exact, by linear interpolation, below six values).
    pub fn estimate(&self) -> f64 {
        match self.n {
            0 => f64::NAN,
            1..=5 => {
                let mut sorted = self.heights[..self.n as usize].to_vec();
                sorted.sort_by(f64::total_cmp);
                interpolated_quantile(&sorted, self.p)
            }
            _ => self.heights[2],
        }
    }
}

/// The `p` quantile of sorted data by linear interpolation between order statistics (type 7).
pub fn interpolated_quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The quantiles reported everywhere: 5th, 25th, 50th, 75th and 95th percentiles.
pub const REPORTED_QUANTILES: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];

/// Mean, spread and reported quantiles of one stream of observations.
#[derive(Clone, Debug)]
pub struct Distribution {
    moments: Welford,
    quantiles: [P2Quantile; 5],
}

impl Default for Distribution {
    fn default() -> Self {
        Distribution {
            moments: Welford::new(),
            quantiles: REPORTED_QUANTILES.map(P2Quantile::new),
        }
    }
}

impl Distribution {
    /// Adds one observation; a missing one (NaN, e.g. a replacement cost in a replication
    /// without leavers) is skipped, so `n` counts the replications that have a value.
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.moments.push(x);
        for q in &mut self.quantiles {
            q.push(x);
        }
    }

    /// The running moments.
    pub fn moments(&self) -> &Welford {
        &self.moments
    }

    /// The summary row written to `summary.json`.
    pub fn summary(&self) -> Summary {
        let (ci95_low, ci95_high) = self.moments.ci95();
        let q = |i: usize| self.quantiles[i].estimate();
        Summary {
            n: self.moments.count(),
            mean: self.moments.mean(),
            sd: self.moments.sd(),
            ci95_low,
            ci95_high,
            p05: q(0),
            p25: q(1),
            p50: q(2),
            p75: q(3),
            p95: q(4),
        }
    }

    /// The five reported quantile estimates.
    pub fn quantiles(&self) -> [f64; 5] {
        std::array::from_fn(|i| self.quantiles[i].estimate())
    }
}

/// Summary of one metric's distribution across replications.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// Erlang B blocking probability of an M/M/c/c system with offered load `a` [Erlangs], by the
/// stable recursion `B(k) = a B(k-1) / (k + a B(k-1))`.
pub fn erlang_b(servers: u32, a: f64) -> f64 {
    (1..=servers).fold(1.0, |b, k| a * b / (k as f64 + a * b))
}

/// Erlang C: probability that an arrival to an M/M/c queue waits (requires `a < c`).
pub fn erlang_c(servers: u32, a: f64) -> f64 {
    let b = erlang_b(servers, a);
    let c = servers as f64;
    c * b / (c - a * (1.0 - b))
}

/// Closed-form M/M/c results for arrival rate `lambda` and service rate `mu` [per day].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmcTheory {
    /// Probability of waiting.
    pub p_wait: f64,
    /// Mean wait in queue [days].
    pub wq: f64,
    /// Mean time in system [days].
    pub w: f64,
    /// Mean number in queue.
    pub lq: f64,
    /// Mean number in system.
    pub l: f64,
}

impl MmcTheory {
    /// The stationary M/M/c means; `None` if the queue is unstable (`lambda >= c mu`).
    pub fn new(lambda: f64, mu: f64, servers: u32) -> Option<Self> {
        let capacity = servers as f64 * mu;
        if !(lambda > 0.0 && mu > 0.0 && lambda < capacity) {
            return None;
        }
        let a = lambda / mu;
        let p_wait = erlang_c(servers, a);
        let wq = p_wait / (capacity - lambda);
        Some(MmcTheory {
            p_wait,
            wq,
            w: wq + 1.0 / mu,
            lq: lambda * wq,
            l: lambda * (wq + 1.0 / mu),
        })
    }

    /// `P(Wq > t)` for a wait threshold `t` [days].
    pub fn wait_exceeds(&self, t: f64, lambda: f64, mu: f64, servers: u32) -> f64 {
        self.p_wait * (-(servers as f64 * mu - lambda) * t).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions_skip_missing_values() {
        let mut d = Distribution::default();
        for x in [1.0, f64::NAN, 3.0] {
            d.push(x);
        }
        let summary = d.summary();
        assert_eq!(summary.n, 2);
        assert_eq!(summary.mean, 2.0);
        let mut empty = Distribution::default();
        empty.push(f64::NAN);
        assert_eq!(empty.summary().n, 0);
        assert!(empty.summary().mean.is_nan());
    }

    #[test]
    fn erlang_c_matches_reference_table() {
        // MODEL-SPEC section B3 reference rows.
        let t = MmcTheory::new(10.0, 1.0, 12).unwrap();
        assert!((t.p_wait - 0.449388).abs() < 1e-6);
        assert!((t.wq - 0.224694).abs() < 1e-6);
        assert!((t.l - 12.246941).abs() < 1e-5);
        assert!((t.wait_exceeds(0.5, 10.0, 1.0, 12) - 0.1653).abs() < 1e-4);
        let t = MmcTheory::new(2.7, 1.0, 3).unwrap();
        assert!((t.wq - 2.72354).abs() < 1e-5);
        assert!(MmcTheory::new(12.0, 1.0, 12).is_none());
    }

    #[test]
    fn welford_merge_equals_batch() {
        let data: Vec<f64> = (0..100)
            .map(|i| ((i * 37) % 17) as f64 * 0.3 - 1.0)
            .collect();
        let mut whole = Welford::new();
        data.iter().for_each(|&x| whole.push(x));
        let mut left = Welford::new();
        let mut right = Welford::new();
        data[..41].iter().for_each(|&x| left.push(x));
        data[41..].iter().for_each(|&x| right.push(x));
        left.merge(&right);
        let mean = data.iter().sum::<f64>() / 100.0;
        let var = data.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 99.0;
        assert!((whole.mean() - mean).abs() < 1e-12);
        assert!((whole.variance() - var).abs() < 1e-12);
        assert!((left.mean() - mean).abs() < 1e-12);
        assert!((left.variance() - var).abs() < 1e-12);
    }

    #[test]
    fn t_quantiles_are_continuous_at_the_table_edge() {
        assert!((t_quantile_975(31) - 2.039513).abs() < 1e-4);
        assert!((t_quantile_975(99) - 1.984217).abs() < 1e-5);
        assert!((t_quantile_975(100_000) - 1.959988).abs() < 1e-5);
    }

    #[test]
    fn p2_tracks_exact_quantiles() {
        // A deterministic, well-mixed sequence: a multiplicative congruential walk over [0, 1).
        let mut x = 0.5f64;
        let data: Vec<f64> = (0..20_000)
            .map(|_| {
                x = (x * 997.0 + 0.123_456_7).fract();
                x
            })
            .collect();
        let mut sorted = data.clone();
        sorted.sort_by(f64::total_cmp);
        for p in REPORTED_QUANTILES {
            let mut est = P2Quantile::new(p);
            data.iter().for_each(|&v| est.push(v));
            let exact = interpolated_quantile(&sorted, p);
            assert!(
                (est.estimate() - exact).abs() < 0.01,
                "p={p}: {} vs {exact}",
                est.estimate()
            );
        }
    }

    #[test]
    fn p2_is_exact_for_few_values() {
        let mut est = P2Quantile::new(0.5);
        [3.0, 1.0, 2.0].iter().for_each(|&v| est.push(v));
        assert_eq!(est.estimate(), 2.0);
    }
}

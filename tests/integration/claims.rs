//! The claims of the stylized-fact tests, their p-values, and Holm's step-down procedure across
//! them (MODEL-SPEC D.0: Holm–Bonferroni across the suite at family-wise α = 0.05).
//!
//! A claim is one hypothesis of a fact's pass rule: an effect in a predicted direction (the
//! interval excludes a threshold) or a level inside a band (the whole interval inside it, an
//! equivalence test). Its p-value is scaled so that p ≤ 0.05 holds exactly when the claim's
//! two-sided 95% interval passes the rule on its own: twice the one-sided p-value of the
//! direction, and for a band twice the larger of the two one-sided p-values (two one-sided
//! tests). Holm's procedure then tests the whole family at α = 0.05: sorted by p, the i-th
//! smallest of m claims must have p ≤ α/(m − i + 1), and every claim before it must pass too.
//! Some claims also require a point estimate (MODEL-SPEC D.0's minimal effect); that part is a
//! condition on the estimate, not on p.

use orgsim::stats::Welford;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Family-wise error rate of the stylized-fact suite (MODEL-SPEC D.0).
pub const FAMILY_ALPHA: f64 = 0.05;

/// Resamples of every percentile bootstrap. With about ninety claims, Holm's smallest
/// threshold is about 0.05 / 90 = 0.00056; the smallest bootstrap p-value is 2 / (B + 1), so B
/// must be well above 3,600 for a bootstrap claim to pass wherever it ranks.
pub const BOOTSTRAP_RESAMPLES: usize = 10_000;

/// One hypothesis of a stylized fact's pass rule.
#[derive(Clone, Debug)]
pub struct Claim {
    /// What is claimed, with the fact's label, e.g. "SF-03 size-weighted ratio inside [1.10, 1.50]".
    pub what: String,
    /// p-value, scaled so that p ≤ 0.05 is the claim's own 95% interval passing (module docs).
    pub p: f64,
    /// Whether the point estimate meets the pass rule's minimal effect (true where there is none).
    pub point_ok: bool,
}

impl Claim {
    fn new(what: impl Into<String>, p: f64) -> Self {
        Claim {
            what: what.into(),
            p: p.clamp(0.0, 1.0),
            point_ok: true,
        }
    }

    /// The same claim, also requiring `ok` of the point estimate.
    pub fn and_point(mut self, ok: bool) -> Self {
        self.point_ok &= ok;
        self
    }

    /// Whether the claim passes on its own: its 95% interval meets the rule, and the point
    /// estimate its minimal effect.
    pub fn passes_alone(&self) -> bool {
        self.p <= FAMILY_ALPHA && self.point_ok
    }

    /// The mean of `w` is above `threshold` (Student-t).
    pub fn above(what: impl Into<String>, w: &Welford, threshold: f64) -> Self {
        let (t, dist) = t_statistic(w, threshold);
        Claim::new(what, 2.0 * dist.sf(t))
    }

    /// The mean of `w` is below `threshold` (Student-t).
    pub fn below(what: impl Into<String>, w: &Welford, threshold: f64) -> Self {
        let (t, dist) = t_statistic(w, threshold);
        Claim::new(what, 2.0 * dist.cdf(t))
    }

    /// The mean of `w` lies inside `[low, high]` (two one-sided Student-t tests).
    pub fn inside(what: impl Into<String>, w: &Welford, low: f64, high: f64) -> Self {
        let (t_low, dist) = t_statistic(w, low);
        let (t_high, _) = t_statistic(w, high);
        Claim::new(what, 2.0 * dist.sf(t_low).max(dist.cdf(t_high)))
    }

    /// The bootstrapped statistic is above `threshold`.
    pub fn boot_above(what: impl Into<String>, b: &Boot, threshold: f64) -> Self {
        Claim::new(what, b.p_of_count(b.count(|x| x <= threshold)))
    }

    /// The bootstrapped statistic is below `threshold`.
    pub fn boot_below(what: impl Into<String>, b: &Boot, threshold: f64) -> Self {
        Claim::new(what, b.p_of_count(b.count(|x| x >= threshold)))
    }

    /// The bootstrapped statistic lies inside `[low, high]` (bounds included).
    pub fn boot_inside(what: impl Into<String>, b: &Boot, low: f64, high: f64) -> Self {
        let outside = b.count(|x| x < low).max(b.count(|x| x > high));
        Claim::new(what, b.p_of_count(outside))
    }
}

/// The t statistic of the mean of `w` against `threshold`, and its distribution under the null.
fn t_statistic(w: &Welford, threshold: f64) -> (f64, StudentsT) {
    let n = w.count();
    assert!(n >= 2, "a t test needs two observations");
    let se = w.sd() / (n as f64).sqrt();
    let dist = StudentsT::new(0.0, 1.0, (n - 1) as f64).expect("degrees of freedom above 0");
    ((w.mean() - threshold) / se, dist)
}

/// A percentile bootstrap: the statistic on the data and its sorted resampled values.
#[derive(Clone, Debug)]
pub struct Boot {
    pub point: f64,
    draws: Vec<f64>,
}

impl Boot {
    pub fn new(point: f64, mut draws: Vec<f64>) -> Self {
        draws.sort_by(f64::total_cmp);
        Boot { point, draws }
    }

    /// The 95% percentile interval: the innermost draws with fewer than 2.5% of all draws
    /// strictly beyond each.
    pub fn ci(&self) -> (f64, f64) {
        let k = self.draws.len() / 40;
        (self.draws[k - 1], self.draws[self.draws.len() - k])
    }

    fn count(&self, pred: impl Fn(f64) -> bool) -> usize {
        self.draws.iter().filter(|&&x| pred(x)).count()
    }

    /// Two-sided p-value from `count` draws on the wrong side: 2 (count + 1) / (B + 1).
    fn p_of_count(&self, count: usize) -> f64 {
        2.0 * (count + 1) as f64 / (self.draws.len() + 1) as f64
    }
}

/// Holm-adjusted p-values, in the order of `p`: for the i-th smallest (from 1),
/// max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). A claim is rejected at family-wise α when its
/// adjusted p-value is at most α.
pub fn holm_adjusted(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (i, &j) in order.iter().enumerate() {
        running = running.max(((m - i) as f64 * p[j]).min(1.0));
        adjusted[j] = running;
    }
    adjusted
}

#[test]
fn holm_adjusts_a_textbook_example() {
    // m = 4: sorted 0.005, 0.01, 0.03, 0.04 → 4·0.005, 3·0.01, 2·0.03, max(0.06, 1·0.04).
    let adjusted = holm_adjusted(&[0.01, 0.04, 0.03, 0.005]);
    let expected = [0.03, 0.06, 0.06, 0.02];
    for (a, e) in adjusted.iter().zip(expected) {
        assert!((a - e).abs() < 1e-12, "{adjusted:?}");
    }
}

#[test]
fn t_claims_pass_alone_exactly_when_the_95_interval_does() {
    let w = {
        let mut w = Welford::new();
        for i in 0..200 {
            w.push((f64::from(i) * 0.37).sin() + 0.1);
        }
        w
    };
    let (low, high) = w.ci95();
    // Far above the error of the t quantile behind `ci95` (below 1e-5 of the half-width).
    let margin = 1e-4 * (high - low);
    for eps in [-margin, margin] {
        // CI lower bound above the threshold ⇔ p ≤ 0.05; upper bound below ⇔ p ≤ 0.05.
        assert_eq!(Claim::above("", &w, low + eps).p <= 0.05, eps < 0.0);
        assert_eq!(Claim::below("", &w, high + eps).p <= 0.05, eps > 0.0);
        assert_eq!(
            Claim::inside("", &w, low + eps, high - eps).p <= 0.05,
            eps < 0.0
        );
    }
}

#[test]
fn bootstrap_claims_pass_alone_exactly_when_the_percentile_interval_does() {
    let b = Boot::new(0.0, (0..BOOTSTRAP_RESAMPLES).map(|i| i as f64).collect());
    let (low, high) = b.ci();
    assert_eq!((low, high), (249.0, 9750.0));
    for eps in [-0.5, 0.5] {
        assert_eq!(Claim::boot_above("", &b, low + eps).p <= 0.05, eps < 0.0);
        assert_eq!(Claim::boot_below("", &b, high + eps).p <= 0.05, eps > 0.0);
        assert_eq!(
            Claim::boot_inside("", &b, low - eps, high + eps).p <= 0.05,
            eps > 0.0
        );
    }
}

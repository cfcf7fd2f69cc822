//! Generator of synthetic management results for chart tests, so the charts can be developed
//! and tested without the management model.
//!
//! Two policies on a weekly grid: `kpi-heavy` races up early on results and slides later while
//! relationships erode; `balanced` climbs slowly and keeps climbing. Each replication has a
//! shared random effect (as common random numbers would give) and a policy-specific one, plus
//! weekly noise. The files have the layout `orgsim run` writes; regenerate the committed copy
//! in `tests/fixtures/management/` with `ORGSIM_UPDATE_FIXTURE=1 cargo test --release`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use orgsim::stats::interpolated_quantile;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// What to generate.
pub struct FixtureSpec {
    pub scenario: &'static str,
    pub replications: usize,
    /// [working days]
    pub horizon_days: usize,
    /// Grid spacing [working days].
    pub grid_days: usize,
    pub seed: u64,
}

/// The committed fixture: 2 policies × 30 replications, 500 working days, weekly grid.
pub const MANAGEMENT: FixtureSpec = FixtureSpec {
    scenario: "fixture-management",
    replications: 30,
    horizon_days: 500,
    grid_days: 5,
    seed: 42,
};

/// The tiny dataset of the SVG golden test.
pub const TINY: FixtureSpec = FixtureSpec {
    scenario: "tiny",
    replications: 4,
    horizon_days: 130,
    grid_days: 10,
    seed: 7,
};

const POLICIES: [&str; 2] = ["kpi-heavy", "balanced"];
const TEAM_SIZE: f64 = 12.0;
const DAYS_PER_YEAR: f64 = 250.0;

/// (name, label, unit) of the series metrics, in file order.
const SERIES: [(&str, &str, &str); 10] = [
    ("true_value_rate", "True value created", "S per working day"),
    (
        "true_value_cumulative",
        "True value (cumulative)",
        "S (annual salaries)",
    ),
    ("reported_output", "Reported output", "items per week"),
    (
        "kpi_truth_gap",
        "KPI\u{2013}truth gap",
        "share of true value",
    ),
    ("engagement_mean", "Engagement", "0\u{2013}1 scale"),
    ("trust", "Trust in management", "0\u{2013}1 scale"),
    ("burnout_share", "Burnout", "share of staff"),
    ("quits_cumulative", "Quits (cumulative)", "people"),
    (
        "relationships_index",
        "Relationships index",
        "0\u{2013}1 scale",
    ),
    ("results_index", "Results index", "S per person-year"),
];

/// Outcome metrics (a subset of the series, taken at the horizon).
const OUTCOMES: [&str; 7] = [
    "relationships_index",
    "results_index",
    "true_value_cumulative",
    "engagement_mean",
    "burnout_share",
    "quits_cumulative",
    "reported_output",
];

fn gauss(rng: &mut Xoshiro256PlusPlus) -> f64 {
    StandardNormal.sample(rng)
}

/// One replication of one policy: `values[g][m]` for grid point g, series metric m.
fn trajectory(
    policy: usize,
    shared: [f64; 3],
    own: [f64; 3],
    rng: &mut Xoshiro256PlusPlus,
    spec: &FixtureSpec,
) -> Vec<[f64; 10]> {
    let points = spec.horizon_days / spec.grid_days + 1;
    let mut out = Vec::with_capacity(points);
    let (mut cumulative, mut quits) = (0.0, 0.0);
    for g in 0..points {
        let t = (g * spec.grid_days) as f64;
        let u = t / 500.0;
        let (results, relationships, engagement, trust, burnout, reported, gap, quit_rate) =
            if policy == 0 {
                (
                    1.0 + 0.55 * (1.0 - (-t / 50.0).exp()) - 0.55 * u.powf(1.6),
                    0.62 - 0.28 * u.powf(1.2),
                    0.66 - 0.22 * u,
                    0.60 - 0.26 * u,
                    0.05 + 0.16 * u,
                    40.0 + 16.0 * (1.0 - (-t / 40.0).exp()),
                    0.05 + 0.40 * u,
                    0.06 + 0.20 * u,
                )
            } else {
                (
                    1.0 + 0.30 * (1.0 - (-t / 120.0).exp()) + 0.25 * u,
                    0.62 + 0.12 * (1.0 - (-t / 150.0).exp()),
                    0.66 + 0.08 * (1.0 - (-t / 150.0).exp()),
                    0.60 + 0.14 * (1.0 - (-t / 150.0).exp()),
                    0.05 + 0.01 * u,
                    38.0 + 6.0 * (1.0 - (-t / 120.0).exp()),
                    0.05 + 0.03 * u,
                    0.05,
                )
            };
        let grow = (t / 60.0).min(1.0);
        let results = results + grow * (0.06 * shared[0] + 0.05 * own[0]) + 0.02 * gauss(rng);
        let relationships =
            (relationships + grow * (0.03 * shared[1] + 0.025 * own[1]) + 0.008 * gauss(rng))
                .clamp(0.0, 1.0);
        let engagement =
            (engagement + grow * 0.03 * (shared[2] + own[2]) + 0.01 * gauss(rng)).clamp(0.0, 1.0);
        let trust =
            (trust + grow * 0.03 * (shared[1] + own[2]) + 0.01 * gauss(rng)).clamp(0.0, 1.0);
        let burnout =
            (burnout + grow * 0.015 * (own[0] - shared[2]) + 0.005 * gauss(rng)).clamp(0.0, 1.0);
        let reported = reported + 2.0 * own[1] + 2.5 * gauss(rng);
        let gap = gap + grow * 0.03 * own[2] + 0.01 * gauss(rng);
        let rate = results * TEAM_SIZE / DAYS_PER_YEAR;
        if g > 0 {
            cumulative += rate * spec.grid_days as f64;
            let weekly: f64 = rand::Rng::random(rng);
            if weekly < quit_rate * spec.grid_days as f64 / 5.0 {
                quits += 1.0;
            }
        }
        out.push([
            rate,
            cumulative,
            reported,
            gap,
            engagement,
            trust,
            burnout,
            quits,
            relationships,
            results,
        ]);
    }
    out
}

/// A number with 6 significant digits, shortest form.
fn num(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let digits = (5 - x.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{x:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn moments(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

/// Writes summary.json, timeseries.csv and replications.csv into `dir`.
pub fn generate(dir: &Path, spec: &FixtureSpec) {
    fs::create_dir_all(dir).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(spec.seed);
    // runs[p][r][g][m]
    let mut runs: Vec<Vec<Vec<[f64; 10]>>> = vec![Vec::new(), Vec::new()];
    for _ in 0..spec.replications {
        let mut effect = || -> [f64; 3] {
            let mut e = [0.0; 3];
            for x in &mut e {
                *x = StandardNormal.sample(&mut rng);
            }
            e
        };
        let shared = effect();
        let own = [effect(), effect()];
        for (p, own) in own.iter().enumerate() {
            let run = trajectory(p, shared, *own, &mut rng, spec);
            runs[p].push(run);
        }
    }
    let index = |name: &str| SERIES.iter().position(|s| s.0 == name).unwrap();

    let mut series = String::from("policy,day,metric,mean,p05,p25,p50,p75,p95\n");
    let points = spec.horizon_days / spec.grid_days + 1;
    for (p, policy) in POLICIES.iter().enumerate() {
        for g in 0..points {
            for (m, (name, _, _)) in SERIES.iter().enumerate() {
                let mut values: Vec<f64> = runs[p].iter().map(|run| run[g][m]).collect();
                values.sort_by(f64::total_cmp);
                let (mean, _) = moments(&values);
                write!(
                    series,
                    "{policy},{},{name},{}",
                    g * spec.grid_days,
                    num(mean)
                )
                .unwrap();
                for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
                    write!(series, ",{}", num(interpolated_quantile(&values, q))).unwrap();
                }
                series.push('\n');
            }
        }
    }
    fs::write(dir.join("timeseries.csv"), series).unwrap();

    let mut rows = format!("policy,replication,seed,{}\n", OUTCOMES.join(","));
    for (p, policy) in POLICIES.iter().enumerate() {
        for (r, run) in runs[p].iter().enumerate() {
            let last = run.last().unwrap();
            let cells: Vec<String> = OUTCOMES.iter().map(|o| num(last[index(o)])).collect();
            writeln!(
                rows,
                "{policy},{r},{},{}",
                spec.seed * 1000 + r as u64,
                cells.join(",")
            )
            .unwrap();
        }
    }
    fs::write(dir.join("replications.csv"), rows).unwrap();

    let horizon = |p: usize, o: &str| -> Vec<f64> {
        runs[p]
            .iter()
            .map(|run| run.last().unwrap()[index(o)])
            .collect()
    };
    let spec_json = |name: &str| {
        let (_, label, unit) = SERIES[index(name)];
        serde_json::json!({"name": name, "label": label, "unit": unit, "description": format!("Synthetic {label}.")})
    };
    let n = spec.replications as f64;
    let mut outcomes = Vec::new();
    let mut comparisons = Vec::new();
    for (p, policy) in POLICIES.iter().enumerate() {
        for o in OUTCOMES {
            let mut values = horizon(p, o);
            let (mean, sd) = moments(&values);
            values.sort_by(f64::total_cmp);
            let half = 1.96 * sd / n.sqrt();
            let q = |x: f64| interpolated_quantile(&values, x);
            outcomes.push(serde_json::json!({
                "policy": policy, "metric": o, "n": spec.replications, "mean": mean, "sd": sd,
                "ci95_low": mean - half, "ci95_high": mean + half,
                "p05": q(0.05), "p25": q(0.25), "p50": q(0.5), "p75": q(0.75), "p95": q(0.95)
            }));
            if p > 0 {
                let base = horizon(0, o);
                let diffs: Vec<f64> = horizon(p, o)
                    .iter()
                    .zip(&base)
                    .map(|(a, b)| a - b)
                    .collect();
                let (dm, dsd) = moments(&diffs);
                let (_, bsd) = moments(&base);
                let dh = 1.96 * dsd / n.sqrt();
                comparisons.push(serde_json::json!({
                    "policy": policy, "baseline": POLICIES[0], "metric": o,
                    "mean_difference": dm, "sd": dsd, "ci95_low": dm - dh, "ci95_high": dm + dh,
                    "crn_variance_ratio": dsd * dsd / (sd * sd + bsd * bsd)
                }));
            }
        }
    }
    let summary = serde_json::json!({
        "scenario": spec.scenario,
        "description": "Synthetic management results for chart tests",
        "orgsim_version": "0.1.0",
        "seed": spec.seed,
        "first_replication": 0,
        "replications": spec.replications,
        "horizon_days": spec.horizon_days as f64,
        "policies": POLICIES,
        "outcome_metrics": OUTCOMES.iter().map(|o| spec_json(o)).collect::<Vec<_>>(),
        "series_metrics": SERIES.iter().map(|s| spec_json(s.0)).collect::<Vec<_>>(),
        "outcomes": outcomes,
        "comparisons": comparisons,
    });
    fs::write(
        dir.join("summary.json"),
        serde_json::to_vec_pretty(&summary).unwrap(),
    )
    .unwrap();
}

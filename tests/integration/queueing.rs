//! SF-01 (validation): with every behavioural effect off, a team is an M/M/c queue, and the
//! engine must reproduce Erlang C and Little's law (MODEL-SPEC sections B3, B6 and D.1).
//!
//! Protocol: fixed master seed, R independent replications of 500 days with a 50-day warm-up
//! (or, for slowly relaxing queues, started in the stationary distribution), one replication
//! mean per replication, 95% Student-t intervals across replications.

use std::path::Path;

use orgsim::model::{self, Record};
use orgsim::montecarlo::{self, RunPlan};
use orgsim::scenario::{self, Scenario};
use orgsim::stats::{MmcTheory, Welford};

use crate::common;

const WAIT: usize = 0;
const LONG_WAIT: usize = 1;
const SOJOURN: usize = 2;
const IN_SYSTEM: usize = 3;
const ARRIVAL_RATE: usize = 5;

fn column(records: &[Record], index: usize) -> Welford {
    let mut acc = Welford::new();
    records.iter().for_each(|r| acc.push(r.outcomes[index]));
    acc
}

/// An M/M/c scenario of 500 days with a 50-day warm-up from an empty queue.
fn mmc_scenario(lambda: f64, mu: f64, servers: u32, replications: u64, seed: u64) -> Scenario {
    parse(&format!(
        "name = \"mmc\"\nseed = {seed}\nreplications = {replications}\nhorizon_days = 500\n\
         [queue]\narrival_rate = {lambda:?}\nservice_rate = {mu:?}\nservers = {servers}\nwarmup_days = 50\n"
    ))
}

fn parse(text: &str) -> Scenario {
    scenario::parse(Path::new("inline.toml"), text).unwrap()
}

/// Checks one parameter set against theory (W_q, its tail, Little's law, L) with the CI
/// half-width of W_q below `max_half_width` [days], and returns that half-width.
fn check_against_erlang_c(
    scenario: &Scenario,
    lambda: f64,
    mu: f64,
    servers: u32,
    max_half_width: f64,
) -> f64 {
    let theory = MmcTheory::new(lambda, mu, servers).unwrap();
    let sim = model::build(scenario);
    let records =
        montecarlo::collect_records(sim.as_ref(), 0, scenario.seed, 0..scenario.replications);

    let wait = column(&records, WAIT);
    let (low, high) = wait.ci95();
    assert!(
        low <= theory.wq && theory.wq <= high,
        "W_q CI [{low:.5}, {high:.5}] misses Erlang C {:.6}",
        theory.wq
    );
    assert!(
        wait.ci95_half_width() < max_half_width,
        "W_q half-width {:.5}",
        wait.ci95_half_width()
    );

    let long = column(&records, LONG_WAIT);
    let p_long = theory.wait_exceeds(0.5, lambda, mu, servers);
    let (low, high) = long.ci95();
    assert!(
        low <= p_long && p_long <= high,
        "P(W_q > 0.5) CI [{low:.4}, {high:.4}] misses {p_long:.4}"
    );

    // Little's law, L = lambda W, per replication means (MODEL-SPEC B1): bookkeeping invariant.
    let l = column(&records, IN_SYSTEM).mean();
    let lambda_w = records
        .iter()
        .map(|r| r.outcomes[ARRIVAL_RATE] * r.outcomes[SOJOURN])
        .sum::<f64>()
        / records.len() as f64;
    assert!(
        ((l - lambda_w) / l).abs() < 0.01,
        "Little: L {l:.4} vs lambda W {lambda_w:.4}"
    );
    let (low, high) = column(&records, IN_SYSTEM).ci95();
    assert!(
        low <= theory.l && theory.l <= high,
        "L CI [{low:.4}, {high:.4}] misses {:.4}",
        theory.l
    );
    wait.ci95_half_width()
}

/// Reference row of MODEL-SPEC B3: lambda 10/day, mu 1/day, c = 12; W_q = 0.224694 days.
/// Seed 20261123 and 1,000 replications, as in the shipped scenario file.
///
/// The estimator has a small known downward bias from right-censoring (tasks still queued at
/// the horizon are not counted): 20,000 replications at seed 99 give W_q 0.2238
/// (CI 0.2228 to 0.2248) and L 12.2469 against 12.246941. The file first shipped 400
/// replications, whose CI (0.2248 to 0.2401) missed by 0.0001, a two-sigma draw; 1,000 keeps
/// the half-width near 0.005 and the check meaningful.
#[test]
fn sf01_erlang_c_and_little_at_the_reference_scenario() {
    let scenario = scenario::load(&common::scenario("mmc-reference.toml")).unwrap();
    assert_eq!(scenario.replications, 1000);
    check_against_erlang_c(&scenario, 10.0, 1.0, 12, 0.01);
}

/// A second, different parameter set: lambda 8/day, mu 1/day, c = 10; W_q = 0.20459 days.
/// Seed 7, 400 replications.
#[test]
fn sf01_erlang_c_and_little_at_a_second_parameter_set() {
    check_against_erlang_c(&mmc_scenario(8.0, 1.0, 10, 400, 7), 8.0, 1.0, 10, 0.01);
}

/// A third, slower and busier set: lambda 2/day, mu 0.25/day, c = 9 (rho 0.889),
/// W_q = C/(c mu - lambda) = 2.61 days. It relaxes in about 1/(cμ(1 − √ρ)²) ≈ 136 days, so a
/// 50-day warm-up from an empty queue biases W_q low; each replication starts in the
/// stationary distribution instead (no warm-up). Seed 11, 400 replications of 500 days; the
/// full check, with the W_q half-width below 10% of W_q.
#[test]
fn sf01_erlang_c_and_little_at_a_slow_busy_queue() {
    let theory = MmcTheory::new(2.0, 0.25, 9).unwrap();
    let scenario = parse(
        "name = \"mmc\"\nseed = 11\nreplications = 400\nhorizon_days = 500\n\
         [queue]\narrival_rate = 2.0\nservice_rate = 0.25\nservers = 9\nstart = \"stationary\"\n",
    );
    check_against_erlang_c(&scenario, 2.0, 0.25, 9, 0.1 * theory.wq);
}

/// SF-01 (b): the utilization blow-up of MODEL-SPEC B5. M/M/1 with μ = 1, λ = 0.80 against
/// 0.95 with common random numbers, each replication started in the stationary distribution
/// (at ρ = 0.95 the queue relaxes in about 1,600 days, so no feasible warm-up would do).
/// W = 1/(μ − λ): 5 and 20 days, a ratio of 4. Seed 12, 200 paired replications of 20,000
/// days. Pass: the 95% CI of the ratio of mean sojourn times (delta method over paired
/// replications) contains 4. Tasks still in the system at the horizon are not counted, which
/// biases W low by about 1% at ρ = 0.95 over 20,000 days (by 12% over 2,000).
#[test]
fn sf01_utilization_blow_up_in_mm1() {
    let scenario = parse(
        "name = \"mm1\"\nseed = 12\nreplications = 200\nhorizon_days = 20000\n\
         [output]\ngrid_days = 1000\n\
         [queue]\narrival_rate = 0.8\nservice_rate = 1.0\nservers = 1\nstart = \"stationary\"\n\
         [[policies]]\nname = \"rho80\"\n\
         [[policies]]\nname = \"rho95\"\n[policies.queue]\narrival_rate = 0.95\n",
    );
    let sim = model::build(&scenario);
    let sojourn = |policy: usize| -> Vec<f64> {
        montecarlo::collect_records(
            sim.as_ref(),
            policy,
            scenario.seed,
            0..scenario.replications,
        )
        .iter()
        .map(|r| r.outcomes[SOJOURN])
        .collect()
    };
    let (low_load, high_load) = (sojourn(0), sojourn(1));
    let (ratio, low, high) = ratio_of_means_ci(&high_load, &low_load);
    eprintln!(
        "SF-01 M/M/1 W(0.95) / W(0.80): {ratio:.3} (CI {low:.3} to {high:.3}); W {:.2} and {:.2}",
        column_mean(&high_load),
        column_mean(&low_load)
    );
    assert!(
        low <= 4.0 && 4.0 <= high,
        "ratio CI [{low:.3}, {high:.3}] misses 4"
    );
}

fn column_mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Ratio of means x̄/ȳ of paired samples with its 95% delta-method interval:
/// Var(x̄/ȳ) ≈ Var(x − r·y) / (n ȳ²), r = x̄/ȳ.
fn ratio_of_means_ci(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
    let ratio = column_mean(x) / column_mean(y);
    let mut residual = Welford::new();
    for (a, b) in x.iter().zip(y) {
        residual.push(a - ratio * b);
    }
    let half = residual.ci95_half_width() / column_mean(y);
    (ratio, ratio - half, ratio + half)
}

/// Common random numbers keep nearby policies in step (MODEL-SPEC B6.7): for lambda 10 vs 10.2
/// the paired-difference variance is well below the sum of the separate variances.
/// Seed 20261123, 200 replications; pass rule: ratio < 0.5.
#[test]
fn crn_pairs_nearby_policies() {
    let text = "name = \"crn\"\nseed = 20261123\nreplications = 200\nhorizon_days = 500\n\
        [queue]\narrival_rate = 10.0\nservice_rate = 1.0\nservers = 12\nwarmup_days = 50\n\
        [[policies]]\nname = \"base\"\n[[policies]]\nname = \"busier\"\n[policies.queue]\narrival_rate = 10.2\n";
    let scenario = scenario::parse(Path::new("crn.toml"), text).unwrap();
    let sim = model::build(&scenario);
    let plan = RunPlan {
        seed: scenario.seed,
        first_replication: 0,
        replications: 200,
        threads: 2,
    };
    let aggregate = montecarlo::run(sim.as_ref(), &plan, |_| Ok(()), &|_| {}).unwrap();
    let base = aggregate.policies[0].outcomes[WAIT].moments().variance();
    let busier = &aggregate.policies[1];
    let ratio = busier.paired_difference[WAIT].variance()
        / (base + busier.outcomes[WAIT].moments().variance());
    assert!(ratio < 0.5, "CRN variance ratio {ratio:.3}");
    let (low, _) = busier.paired_difference[WAIT].ci95();
    assert!(
        low > 0.0,
        "a busier queue waits longer, paired CI excludes 0"
    );
}

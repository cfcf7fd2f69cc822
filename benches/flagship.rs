//! Replications per second per core of the flagship scenario (`kpi-vs-balanced.toml`: 6 teams
//! of 7 plus managers, 500 working days, both presets), one thread.
//!
//! One iteration runs 4 replications of every policy through `montecarlo::run`. Target
//! (issue of the management model): 1,000 replications of both presets in under 60 s on
//! 2 cores, i.e. at least 2,000 / 120 ≈ 17 policy-replications per second per core.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use orgsim::model::build;
use orgsim::montecarlo::{self, RunPlan};
use orgsim::scenario;

const SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/kpi-vs-balanced.toml"
);
const REPLICATIONS: u64 = 4;

fn flagship(c: &mut Criterion) {
    let scenario = scenario::load(Path::new(SCENARIO)).expect("the flagship scenario is valid");
    let sim = build(&scenario);
    let policies = scenario.policy_names().len() as u64;
    let plan = RunPlan {
        seed: scenario.seed,
        first_replication: 0,
        replications: REPLICATIONS,
        threads: 1,
    };
    let mut group = c.benchmark_group("flagship");
    // Elements are policy-replications: one replication of one policy.
    group.throughput(Throughput::Elements(REPLICATIONS * policies));
    group.bench_function("one_thread", |b| {
        b.iter(|| {
            montecarlo::run(sim.as_ref(), black_box(&plan), |_| Ok(()), &|_| {}).expect("run")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    targets = flagship
}
criterion_main!(benches);

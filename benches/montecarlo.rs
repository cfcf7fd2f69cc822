//! Replications per second of the M/M/c reference scenario through `montecarlo::run`, at 1 and
//! 2 worker threads.
//!
//! Each iteration runs 512 replications (8 batches at 2 threads; each batch is computed in
//! parallel, then folded) with a no-op observer and no progress reporting, so what is measured
//! is the runner itself: the thread pool, the parallel replications and the serial
//! fold into the aggregate. The target is 2 threads at 1.85 times or more the replications per
//! second of 1 thread.
//!
//! After criterion's report, `cargo bench` also prints the 2-thread speed-up from an interleaved
//! measurement (1 and 2 threads alternate), with the share of the machine that other processes
//! used meanwhile: on a 2-core machine, any other load eats into the 2-thread figure only, and
//! the ratio is then meaningless.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use orgsim::model::build;
use orgsim::montecarlo::{self, RunPlan};
use orgsim::scenario::{self, Scenario};

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/mmc-reference.toml");

/// Replications per benchmark iteration.
const REPLICATIONS: u64 = 512;

fn plan(scenario: &Scenario, threads: usize) -> RunPlan {
    RunPlan {
        seed: scenario.seed,
        first_replication: 0,
        replications: REPLICATIONS,
        threads,
    }
}

fn load() -> Scenario {
    scenario::load(Path::new(SCENARIO)).expect("the reference scenario is valid")
}

fn replications_per_second(c: &mut Criterion) {
    let scenario = load();
    let sim = build(&scenario);
    let mut group = c.benchmark_group("mmc_reference_runner");
    group.throughput(Throughput::Elements(REPLICATIONS));
    for threads in [1, 2] {
        let plan = plan(&scenario, threads);
        group.bench_with_input(BenchmarkId::new("threads", threads), &plan, |b, plan| {
            b.iter(|| {
                montecarlo::run(sim.as_ref(), black_box(plan), |_| Ok(()), &|_| {})
                    .expect("the run succeeds")
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = replications_per_second
}

/// CPU time [clock ticks] of the whole machine (busy, total) and of this process, from `/proc`;
/// `None` off Linux.
fn cpu_ticks() -> Option<(u64, u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|field| field.parse().ok())
        .collect();
    let total: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3)? + ticks.get(4)?;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and
    // 13th.
    let after_name = &own[own.rfind(')')? + 2..];
    let fields: Vec<u64> = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse().ok())
        .collect();
    Some((total - idle, total, fields.iter().sum()))
}

/// Prints replications per second at 1 and 2 threads and their ratio, from one run in which the
/// two alternate.
fn print_interleaved_speedup(rounds: usize) {
    let scenario = load();
    let sim = build(&scenario);
    let plans = [plan(&scenario, 1), plan(&scenario, 2)];
    let mut samples = [Vec::with_capacity(rounds), Vec::with_capacity(rounds)];
    let before = cpu_ticks();
    for _ in 0..rounds {
        for (plan, times) in plans.iter().zip(&mut samples) {
            let started = Instant::now();
            black_box(montecarlo::run(sim.as_ref(), plan, |_| Ok(()), &|_| {}).expect("run"));
            times.push(started.elapsed());
        }
    }
    let after = cpu_ticks();
    let rates: Vec<f64> = samples
        .iter_mut()
        .map(|times| {
            times.sort_unstable();
            REPLICATIONS as f64 / times[times.len() / 2].as_secs_f64()
        })
        .collect();
    println!(
        "\nInterleaved: median of {rounds} rounds of {REPLICATIONS} replications per thread count"
    );
    println!("  1 thread   {:>7.1} replications/s", rates[0]);
    println!("  2 threads  {:>7.1} replications/s", rates[1]);
    println!(
        "  ratio      {:>7.3} (target 1.85 or more)",
        rates[1] / rates[0]
    );
    if let (Some((busy0, total0, own0)), Some((busy1, total1, own1))) = (before, after) {
        let others = (busy1 - busy0).saturating_sub(own1 - own0) as f64 / (total1 - total0) as f64;
        println!(
            "  other processes used {:.0}% of the machine meanwhile{}",
            100.0 * others,
            if others > 0.05 {
                ": the ratio understates the speed-up"
            } else {
                ""
            }
        );
    }
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo test --benches` runs each benchmark once as a test; print the speed-up only under
    // `cargo bench`, which passes `--bench`.
    if std::env::args().any(|arg| arg == "--bench") {
        print_interleaved_speedup(12);
    }
}

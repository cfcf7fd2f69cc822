//! The Monte Carlo runner: replications of every policy, in parallel over replications, folded
//! into streaming statistics in job order.
//!
//! Replication r of every policy runs with the same random streams (common random numbers), so
//! the runner also accumulates paired differences against the first policy. Work is cut into
//! batches; each batch runs on the rayon pool, its records come back in job order and are folded
//! serially, so results are bit-identical for any thread count, and memory stays bounded by the
//! batch size, not the number of replications.

use rayon::prelude::*;

use crate::model::{Record, Simulation};
use crate::random::Streams;
use crate::stats::{Distribution, Welford};

/// What to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunPlan {
    /// Master seed of every stream.
    pub seed: u64,
    /// Index of the first replication (to re-run one future, or to shard a sweep).
    pub first_replication: u64,
    /// Number of replications per policy.
    pub replications: u64,
    /// Worker threads (>= 1).
    pub threads: usize,
}

/// Errors of a run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The worker thread pool could not start.
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool { threads: usize, reason: String },
    /// A replication observer failed (for example, writing `replications.csv`).
    #[error("{0}")]
    Observer(String),
}

/// Per-policy aggregate of every replication.
#[derive(Clone, Debug)]
pub struct PolicyAggregate {
    /// One distribution per outcome metric.
    pub outcomes: Vec<Distribution>,
    /// One distribution per (grid point, series metric), grid-point major.
    pub series: Vec<Distribution>,
    /// Paired difference (this policy minus the first) per outcome metric.
    pub paired_difference: Vec<Welford>,
}

/// Everything a run keeps: O(policies x metrics x grid), independent of replications.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub policies: Vec<PolicyAggregate>,
}

impl Aggregate {
    fn new(sim: &dyn Simulation) -> Self {
        let n_policies = sim.policy_names().len();
        let n_out = sim.outcome_metrics().len();
        let n_series = sim.series_metrics().len() * sim.grid().len();
        Aggregate {
            policies: (0..n_policies)
                .map(|_| PolicyAggregate {
                    outcomes: vec![Distribution::default(); n_out],
                    series: vec![Distribution::default(); n_series],
                    paired_difference: vec![Welford::new(); n_out],
                })
                .collect(),
        }
    }

    fn fold(&mut self, records: &[Record]) {
        let baseline = &records[0];
        for (aggregate, record) in self.policies.iter_mut().zip(records) {
            for (dist, &x) in aggregate.outcomes.iter_mut().zip(&record.outcomes) {
                dist.push(x);
            }
            for (dist, &x) in aggregate.series.iter_mut().zip(&record.series) {
                dist.push(x);
            }
            for ((diff, &x), &base) in aggregate
                .paired_difference
                .iter_mut()
                .zip(&record.outcomes)
                .zip(&baseline.outcomes)
            {
                diff.push(x - base);
            }
        }
    }
}

/// One replication of every policy, as handed to observers.
pub struct ReplicationResult<'a> {
    /// Replication index.
    pub replication: u64,
    /// The replication's seed (its streams derive from it alone).
    pub seed: u64,
    /// One record per policy, in scenario order.
    pub records: &'a [Record],
}

/// Replications per batch for `threads` workers: large enough to keep every worker busy,
/// small enough to bound memory.
pub fn batch_size(threads: usize) -> u64 {
    (threads as u64 * 32).clamp(64, 1024)
}

/// Runs the plan. `observe` sees each replication's records in replication order (on the
/// calling thread); `progress` is called from workers with the number of replications done.
pub fn run(
    sim: &dyn Simulation,
    plan: &RunPlan,
    mut observe: impl FnMut(&ReplicationResult<'_>) -> Result<(), RunError>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Aggregate, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(plan.threads.max(1))
        .build()
        .map_err(|e| RunError::ThreadPool {
            threads: plan.threads,
            reason: e.to_string(),
        })?;
    let n_policies = sim.policy_names().len();
    let mut aggregate = Aggregate::new(sim);
    let batch = batch_size(plan.threads);
    let end = plan.first_replication + plan.replications;
    let mut start = plan.first_replication;
    while start < end {
        let stop = (start + batch).min(end);
        let results: Vec<(u64, Vec<Record>)> = pool.install(|| {
            (0..(stop - start) as usize)
                .into_par_iter()
                .with_max_len(1)
                .map(|offset| {
                    let replication = start + offset as u64;
                    let streams = Streams::new(plan.seed, replication);
                    let records = (0..n_policies)
                        .map(|policy| {
                            let mut record = sim.new_record();
                            sim.run_replication(policy, &streams, &mut record);
                            record
                        })
                        .collect();
                    progress(1);
                    (streams.seed(), records)
                })
                .collect()
        });
        for (offset, (seed, records)) in results.iter().enumerate() {
            aggregate.fold(records);
            observe(&ReplicationResult {
                replication: start + offset as u64,
                seed: *seed,
                records,
            })?;
        }
        start = stop;
    }
    Ok(aggregate)
}

/// Runs one policy's replications and returns each one's record, for tests and analysis
/// that need the raw values (memory grows with `replications`).
pub fn collect_records(
    sim: &dyn Simulation,
    policy: usize,
    seed: u64,
    replications: std::ops::Range<u64>,
) -> Vec<Record> {
    replications
        .into_par_iter()
        .map(|replication| {
            let mut record = sim.new_record();
            sim.run_replication(policy, &Streams::new(seed, replication), &mut record);
            record
        })
        .collect()
}

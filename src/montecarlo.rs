//! The Monte Carlo runner: replications of every policy, in parallel over replications, folded
//! into streaming statistics in job order.
//!
//! Replication r of every policy runs with the same random streams (common random numbers), so
//! the runner also accumulates paired differences against the first policy. Work is cut into
//! batches; each batch runs on the rayon pool and its records come back in job order. Each
//! distribution then folds the batch's observations in replication order (distributions in
//! parallel, observations serially), so results are bit-identical for any thread count, and
//! memory stays bounded by the batch size, not the number of replications.

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
    /// Paired difference (this policy minus the first) per outcome metric; empty for the
    /// first policy itself.
    pub paired_difference: Vec<Welford>,
}

/// Everything a run keeps: O(policies x metrics x grid), independent of replications.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub policies: Vec<PolicyAggregate>,
}

impl Aggregate {
    fn new(sim: &dyn Simulation) -> Self {
        Aggregate::with_series(sim, sim.series_metrics().len() * sim.grid().len())
    }

    /// An aggregate of the outcome metrics only, for results read back from
    /// `replications.csv` (which holds no time series).
    pub fn for_outcomes(sim: &dyn Simulation) -> Self {
        Aggregate::with_series(sim, 0)
    }

    fn with_series(sim: &dyn Simulation, n_series: usize) -> Self {
        let n_policies = sim.policy_names().len();
        let n_out = sim.outcome_metrics().len();
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

    /// Adds one replication's outcomes, one slice per policy in scenario order: the fold of
    /// [`run`] for one replication, so outcomes pushed in replication order give the same
    /// statistics, bit for bit, as the run that produced them.
    pub fn push_outcomes<O: AsRef<[f64]>>(&mut self, outcomes: &[O]) {
        let baseline = outcomes[0].as_ref();
        for (p, (aggregate, record)) in self.policies.iter_mut().zip(outcomes).enumerate() {
            for (m, &x) in record.as_ref().iter().enumerate() {
                aggregate.outcomes[m].push(x);
                let difference = x - baseline[m];
                if p > 0 && !difference.is_nan() {
                    aggregate.paired_difference[m].push(difference);
                }
            }
        }
    }

    /// Folds a batch of replications, each a record per policy, in replication order. Every
    /// distribution sees its observations in that order, so the result is the same as a serial
    /// fold; the many time-series distributions are folded in parallel.
    fn fold_batch(&mut self, batch: &[(u64, Vec<Record>)]) {
        for (_, records) in batch {
            let outcomes: Vec<&[f64]> = records.iter().map(|r| r.outcomes.as_slice()).collect();
            self.push_outcomes(&outcomes);
        }
        for (p, aggregate) in self.policies.iter_mut().enumerate() {
            aggregate
                .series
                .par_iter_mut()
                .with_min_len(64)
                .enumerate()
                .for_each(|(j, dist)| {
                    for (_, records) in batch {
                        dist.push(records[p].series[j]);
                    }
                });
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
    let run_batch = |start: u64, stop: u64| -> Vec<(u64, Vec<Record>)> {
        pool.install(|| {
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
        })
    };
    let mut start = plan.first_replication;
    while start < end {
        let stop = (start + batch).min(end);
        let results = run_batch(start, stop);
        pool.install(|| aggregate.fold_batch(&results));
        for (offset, (seed, records)) in results.iter().enumerate() {
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

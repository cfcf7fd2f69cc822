//! Joining shards: the result folders of one scenario run over disjoint replication ranges
//! (`orgsim run --first-replication K --replications N`, one per machine or cluster job) into
//! the folder that a single run over all of them would have written.
//!
//! Exact where the shards keep enough: `replications.csv`, `summary.json` and
//! `scenario.resolved.toml` come out byte-identical to the single run's. Every number in
//! `replications.csv` is written in shortest round-trip form, so it reads back to the same
//! bits, and the rows are folded into the same streaming statistics in the same replication
//! order. `timeseries.csv` keeps only each shard's summary per grid day: the merged `n` is
//! exact, the mean is the n-weighted mean of the shards' means (equal to the single run's up
//! to rounding), and each quantile is read off the mixture of the shards' distributions, each
//! taken as piecewise linear through its five quantile estimates: an approximation, because P²
//! estimates cannot be merged exactly, but exact for shards alike and for one-replication
//! shards (whose quantiles are their single value).
//!
//! Before anything is written, every shard is checked: each cell of `replications.csv` must be
//! a number in the form orgsim writes, the rows must rebuild the shard's own `summary.json`
//! byte for byte (so an edited value is caught), and `timeseries.csv` must cover the
//! scenario's rows with counts no larger than the shard's replications.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Simulation;
use crate::montecarlo::{Aggregate, RunPlan};
use crate::output::{self, MergedShard, SeriesCell};
use crate::random::replication_seed;
use crate::scenario::{self, Scenario, MAX_REPLICATIONS};
use crate::stats::REPORTED_QUANTILES;

/// Why shards cannot be merged (exit code 2: the input is at fault).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// One shard's folder or file is missing or malformed.
    #[error("{}: {reason}", path.display())]
    Shard { path: PathBuf, reason: String },
    /// The shards do not belong together, or the output folder would overwrite one.
    #[error("{0}")]
    Mismatch(String),
}

fn shard_error(path: &Path, reason: impl Into<String>) -> MergeError {
    MergeError::Shard {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// A CSV reading error, in the `line N:` form of the other messages where it has a line.
fn csv_error(path: &Path, error: &csv::Error) -> MergeError {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            pos: Some(pos),
            expected_len,
            len,
        } => shard_error(
            path,
            format!(
                "line {}: {len} fields where the header has {expected_len}",
                pos.line()
            ),
        ),
        _ => shard_error(path, error.to_string()),
    }
}

/// The fields of a shard's `run.json` that the merge reads.
#[derive(Deserialize)]
struct ShardRun {
    orgsim_version: String,
    scenario_file: String,
    seed: u64,
    first_replication: u64,
    replications: u64,
    threads: usize,
    wall_seconds: f64,
}

/// One shard: its folder, its `run.json` and its resolved scenario.
struct Shard {
    dir: PathBuf,
    run: ShardRun,
    scenario: Scenario,
}

impl Shard {
    fn open(dir: &Path) -> Result<Shard, crate::Error> {
        if !dir.exists() {
            return Err(shard_error(dir, "no such folder").into());
        }
        if !dir.is_dir() {
            return Err(shard_error(dir, "not a folder").into());
        }
        if dir.join("sweep.json").is_file() {
            return Err(shard_error(
                dir,
                "the folder of a sweep: merge each point's shards on their own, e.g. \
                 `orgsim merge a/points/p00 b/points/p00 --out merged/points/p00`",
            )
            .into());
        }
        for file in [
            "run.json",
            "summary.json",
            "replications.csv",
            "timeseries.csv",
            "scenario.resolved.toml",
        ] {
            if !dir.join(file).is_file() {
                return Err(shard_error(
                    dir,
                    format!("no {file}: not a results folder written by `orgsim run`"),
                )
                .into());
            }
        }
        let path = dir.join("run.json");
        let text = fs::read_to_string(&path).map_err(|e| shard_error(&path, e.to_string()))?;
        let run: ShardRun =
            serde_json::from_str(&text).map_err(|e| shard_error(&path, e.to_string()))?;
        if run.orgsim_version != env!("CARGO_PKG_VERSION") {
            return Err(shard_error(
                &path,
                format!(
                    "written by orgsim {}, and this is orgsim {}: merge it with the version that \
                     wrote it, or re-run it",
                    run.orgsim_version,
                    env!("CARGO_PKG_VERSION")
                ),
            )
            .into());
        }
        if run
            .first_replication
            .checked_add(run.replications)
            .is_none()
        {
            return Err(shard_error(
                &path,
                "first_replication plus replications is past the last replication index",
            )
            .into());
        }
        let scenario = scenario::load(&dir.join("scenario.resolved.toml"))?;
        if scenario.seed != run.seed || scenario.replications != run.replications {
            return Err(shard_error(
                &path,
                "does not match the folder's scenario.resolved.toml (seed or replications)",
            )
            .into());
        }
        Ok(Shard {
            dir: dir.to_path_buf(),
            run,
            scenario,
        })
    }

    /// One past the shard's last replication (checked not to overflow when opened).
    fn end(&self) -> u64 {
        self.run.first_replication + self.run.replications
    }

    fn range(&self) -> String {
        format!(
            "{} (replications {} to {})",
            self.dir.display(),
            self.run.first_replication,
            self.end() - 1
        )
    }

    fn plan(&self) -> RunPlan {
        RunPlan {
            seed: self.run.seed,
            first_replication: self.run.first_replication,
            replications: self.run.replications,
            threads: self.run.threads,
        }
    }
}

/// Shards checked to belong together, in replication order.
pub struct Shards {
    shards: Vec<Shard>,
    /// The scenario of the whole range (its `replications` is the total).
    scenario: Scenario,
    plan: RunPlan,
}

/// What the merge computed from the shards, ready to be written.
pub struct Merged {
    /// The outcome statistics of every replication, folded in replication order.
    pub aggregate: Aggregate,
    /// The joined `timeseries.csv`.
    pub timeseries: Vec<u8>,
}

impl Shards {
    /// Opens every folder and checks that they ran the same scenario with the same seed, over
    /// replication ranges that neither overlap nor leave a gap.
    pub fn open(dirs: &[PathBuf]) -> Result<Shards, crate::Error> {
        let mut shards = dirs
            .iter()
            .map(|dir| Shard::open(dir))
            .collect::<Result<Vec<_>, _>>()?;
        if shards.is_empty() {
            return Err(crate::Error::Usage(
                "give at least one results folder".into(),
            ));
        }
        shards.sort_by_key(|s| s.run.first_replication);
        for pair in shards.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.run.first_replication < a.end() {
                return Err(MergeError::Mismatch(format!(
                    "{} and {} overlap: each replication must come from one shard",
                    a.range(),
                    b.range()
                ))
                .into());
            }
            if b.run.first_replication > a.end() {
                let missing = match b.run.first_replication - a.end() {
                    1 => format!("replication {} is", a.end()),
                    _ => format!(
                        "replications {} to {} are",
                        a.end(),
                        b.run.first_replication - 1
                    ),
                };
                return Err(MergeError::Mismatch(format!(
                    "{missing} in no shard (between {} and {}); a merged folder covers one \
                     unbroken range",
                    a.range(),
                    b.range()
                ))
                .into());
            }
        }
        // Contiguous ranges, each checked not to overflow: the total is the span.
        let total = shards[shards.len() - 1].end() - shards[0].run.first_replication;
        if total > MAX_REPLICATIONS {
            return Err(MergeError::Mismatch(format!(
                "the shards hold {total} replications per policy, more than the {MAX_REPLICATIONS} \
                 a run (and so a merged folder) may hold"
            ))
            .into());
        }
        let mut scenario = shards[0].scenario.clone();
        scenario.replications = total;
        for shard in &shards[1..] {
            let mut other = shard.scenario.clone();
            other.replications = total;
            if other != scenario {
                return Err(MergeError::Mismatch(format!(
                    "{} and {} ran different scenarios; first difference in \
                     scenario.resolved.toml: {}",
                    shards[0].dir.display(),
                    shard.dir.display(),
                    first_difference(&scenario.to_resolved_toml(), &other.to_resolved_toml())
                ))
                .into());
            }
        }
        let plan = RunPlan {
            seed: scenario.seed,
            first_replication: shards[0].run.first_replication,
            replications: total,
            threads: 1,
        };
        Ok(Shards {
            shards,
            scenario,
            plan,
        })
    }

    /// The scenario of the whole range, as a single run over it would have resolved it.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The plan of the whole range (seed, first replication, replications).
    pub fn plan(&self) -> &RunPlan {
        &self.plan
    }

    /// The shards as `run.json`'s `merged_from` lists them.
    pub fn provenance(&self) -> Vec<MergedShard> {
        self.shards
            .iter()
            .map(|s| MergedShard {
                folder: s.dir.display().to_string(),
                first_replication: s.run.first_replication,
                replications: s.run.replications,
                threads: s.run.threads,
                wall_seconds: s.run.wall_seconds,
            })
            .collect()
    }

    /// The scenario file the first shard was run from.
    pub fn scenario_file(&self) -> &str {
        &self.shards[0].run.scenario_file
    }

    /// Refuses an output folder that is a shard, holds one, or lies inside one: replacing it
    /// would delete shards, and writing inside one would change it.
    pub fn check_output(&self, out: &Path) -> Result<(), crate::Error> {
        let target = resolved(out);
        for shard in &self.shards {
            let dir = resolved(&shard.dir);
            let problem = if dir == target {
                "is the shard"
            } else if dir.starts_with(&target) {
                "holds the shard"
            } else if target.starts_with(&dir) {
                "lies inside the shard"
            } else {
                continue;
            };
            return Err(MergeError::Mismatch(format!(
                "the output folder {} {problem} {}; give another with --out",
                out.display(),
                shard.dir.display()
            ))
            .into());
        }
        Ok(())
    }

    /// Reads and checks every shard (see the module's documentation) and computes the merged
    /// statistics and time series. Writes nothing.
    pub fn merge(&self, sim: &dyn Simulation) -> Result<Merged, crate::Error> {
        let names = sim.policy_names();
        let mut aggregate = Aggregate::for_outcomes(sim);
        for shard in &self.shards {
            let own = self.fold_replications(sim, shard, &mut aggregate)?;
            let summary = output::summary_file(&shard.scenario, &shard.plan(), sim, &names, &own);
            let expected = serde_json::to_vec_pretty(&summary).expect("summary serializes");
            let path = shard.dir.join("summary.json");
            let found = fs::read(&path).map_err(|e| shard_error(&path, e.to_string()))?;
            if found != expected {
                return Err(shard_error(
                    &path,
                    "does not match the folder's replications.csv (a file was edited, or they \
                     come from different runs)",
                )
                .into());
            }
        }
        let timeseries = self.timeseries(sim)?;
        Ok(Merged {
            aggregate,
            timeseries,
        })
    }

    /// Checks one shard's `replications.csv` row by row and folds its outcomes into `all` and
    /// into the returned aggregate of this shard alone.
    fn fold_replications(
        &self,
        sim: &dyn Simulation,
        shard: &Shard,
        all: &mut Aggregate,
    ) -> Result<Aggregate, crate::Error> {
        let names = sim.policy_names();
        let header = output::replications_header(sim);
        let path = shard.dir.join("replications.csv");
        let mut reader = csv::Reader::from_path(&path).map_err(|e| csv_error(&path, &e))?;
        let found = reader.headers().map_err(|e| csv_error(&path, &e))?;
        if found.iter().ne(header.iter().copied()) {
            return Err(shard_error(
                &path,
                "line 1: the header does not list this scenario's outcome metrics",
            )
            .into());
        }
        let mut own = Aggregate::for_outcomes(sim);
        let mut outcomes = vec![vec![0.0; header.len() - 3]; names.len()];
        let mut rows = 0u64;
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(&path, &e))?;
            let line = record.position().map_or(0, |p| p.line());
            let at = |reason: String| shard_error(&path, format!("line {line}: {reason}"));
            let policy = (rows % names.len() as u64) as usize;
            let replication = shard.run.first_replication + rows / names.len() as u64;
            if replication >= shard.end() {
                return Err(at(format!(
                    "more rows than run.json's {} replications",
                    shard.run.replications
                ))
                .into());
            }
            if record[0] != names[policy] {
                return Err(at(format!(
                    "policy `{}` where `{}` was expected",
                    &record[0], names[policy]
                ))
                .into());
            }
            if record[1] != replication.to_string() {
                return Err(at(format!(
                    "replication `{}` where {replication} was expected",
                    &record[1]
                ))
                .into());
            }
            if record[2] != replication_seed(self.plan.seed, replication).to_string() {
                return Err(at(format!(
                    "seed `{}` is not replication {replication}'s seed under master seed {}",
                    &record[2], self.plan.seed
                ))
                .into());
            }
            for (m, cell) in record.iter().skip(3).enumerate() {
                outcomes[policy][m] = parse_number(cell).ok_or_else(|| {
                    at(format!(
                        "column `{}`: `{cell}` is not a number as orgsim writes it",
                        header[m + 3]
                    ))
                })?;
            }
            rows += 1;
            if policy + 1 == names.len() {
                all.push_outcomes(&outcomes);
                own.push_outcomes(&outcomes);
            }
        }
        let expected = shard.run.replications * names.len() as u64;
        if rows != expected {
            return Err(shard_error(
                &path,
                format!(
                    "{rows} rows where run.json's {} replications of {} policies make {expected}",
                    shard.run.replications,
                    names.len()
                ),
            )
            .into());
        }
        Ok(own)
    }

    /// Writes the joined `replications.csv` to `path`: the first shard's file, then the other
    /// shards' rows without their header, as they are (checked by [`Shards::merge`], so byte
    /// for byte what a single run writes).
    pub fn write_replications(&self, path: &Path) -> Result<(), crate::Error> {
        let mut out =
            std::io::BufWriter::new(fs::File::create(path).map_err(output::io_error(path))?);
        for (k, shard) in self.shards.iter().enumerate() {
            let source = shard.dir.join("replications.csv");
            let file = fs::File::open(&source).map_err(|e| shard_error(&source, e.to_string()))?;
            let mut reader = BufReader::new(file);
            if k > 0 {
                let mut header = Vec::new();
                reader
                    .read_until(b'\n', &mut header)
                    .map_err(|e| shard_error(&source, e.to_string()))?;
            }
            std::io::copy(&mut reader, &mut out).map_err(output::io_error(path))?;
        }
        out.flush().map_err(output::io_error(path))?;
        Ok(())
    }

    /// The joined `timeseries.csv` (see the module's documentation).
    fn timeseries(&self, sim: &dyn Simulation) -> Result<Vec<u8>, crate::Error> {
        let keys = output::timeseries_keys(sim, &sim.policy_names());
        let mut shards = Vec::with_capacity(self.shards.len());
        for shard in &self.shards {
            let path = shard.dir.join("timeseries.csv");
            let cells = read_series(&path, shard.run.replications)?;
            if cells.len() != keys.len() {
                return Err(shard_error(
                    &path,
                    format!(
                        "{} rows where this scenario's policies, grid days and series metrics \
                         make {}",
                        cells.len(),
                        keys.len()
                    ),
                )
                .into());
            }
            for (i, ((found, _), expected)) in cells.iter().zip(&keys).enumerate() {
                if found != expected {
                    return Err(shard_error(
                        &path,
                        format!("line {}: `{found}` where `{expected}` was expected", i + 2),
                    )
                    .into());
                }
            }
            shards.push(cells);
        }
        let mut out = String::from(output::TIMESERIES_HEADER);
        for (i, key) in keys.iter().enumerate() {
            let cell = if shards.len() == 1 {
                // One shard: its own numbers, not a rounding of them.
                shards[0][i].1.clone()
            } else {
                let cells: Vec<&SeriesCell> = shards.iter().map(|cells| &cells[i].1).collect();
                combine(&cells)
            };
            output::push_series_row(&mut out, key, &cell);
        }
        Ok(out.into_bytes())
    }
}

/// `path` made absolute with symbolic links resolved as far as it exists, for comparing
/// folders that may not exist yet.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            resolved(parent).join(name)
        }
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The shards' cells of one `timeseries.csv` row combined; shards without a value (n = 0) do
/// not count. `n` is the sum, the mean n-weighted, and each quantile that of the mixture of
/// the shards' distributions, each taken as piecewise linear through its quantile estimates.
fn combine(cells: &[&SeriesCell]) -> SeriesCell {
    let cells: Vec<&SeriesCell> = cells.iter().copied().filter(|c| c.n > 0).collect();
    let n: u64 = cells.iter().map(|c| c.n).sum();
    if n == 0 {
        return SeriesCell {
            mean: f64::NAN,
            quantiles: [f64::NAN; 5],
            n: 0,
        };
    }
    let total = n as f64;
    let mean = cells.iter().map(|c| c.n as f64 * c.mean).sum::<f64>() / total;
    let parts: Vec<(f64, [f64; 5])> = cells
        .iter()
        .map(|c| (c.n as f64 / total, c.quantiles))
        .collect();
    SeriesCell {
        mean,
        quantiles: REPORTED_QUANTILES.map(|p| mixture_quantile(&parts, p)),
        n,
    }
}

/// One shard's distribution function as its quantile estimates describe it: piecewise linear
/// through (q05, 5%), (q25, 25%), ..., (q95, 95%), with the outer 5% on either side spread at
/// the density of the neighbouring stretch, and jumps where estimates coincide (a shard of one
/// replication is a point mass). Estimates out of order (P² does not guarantee the order) are
/// sorted first. Returns the knots (x, F(x)).
fn shard_knots(q: &[f64; 5]) -> [(f64, f64); 7] {
    let mut q = *q;
    q.sort_by(f64::total_cmp);
    let p = REPORTED_QUANTILES;
    let low = q[0] - (q[1] - q[0]) * p[0] / (p[1] - p[0]);
    let high = q[4] + (q[4] - q[3]) * (1.0 - p[4]) / (p[4] - p[3]);
    [
        (low, 0.0),
        (q[0], p[0]),
        (q[1], p[1]),
        (q[2], p[2]),
        (q[3], p[3]),
        (q[4], p[4]),
        (high, 1.0),
    ]
}

/// F(x) of a shard's knots; with `left`, the limit from the left (without a jump at x).
fn knots_cdf(knots: &[(f64, f64); 7], x: f64, left: bool) -> f64 {
    let mut value = 0.0;
    for pair in knots.windows(2) {
        let ((x0, f0), (x1, f1)) = (pair[0], pair[1]);
        let past = if left { x > x1 } else { x >= x1 };
        if past {
            value = f1;
        } else if x > x0 && x1 > x0 {
            return f0 + (x - x0) / (x1 - x0) * (f1 - f0);
        } else {
            break;
        }
    }
    value
}

/// The `p` quantile of the mixture of `parts` (weight, quantile estimates): the smallest x at
/// which the mixture's distribution function reaches `p`. That function is linear between the
/// shards' knots and may jump at them, so it is evaluated there and interpolated.
fn mixture_quantile(parts: &[(f64, [f64; 5])], p: f64) -> f64 {
    let knots: Vec<[(f64, f64); 7]> = parts.iter().map(|(_, q)| shard_knots(q)).collect();
    let cdf = |x: f64, left: bool| -> f64 {
        parts
            .iter()
            .zip(&knots)
            .map(|((w, _), k)| w * knots_cdf(k, x, left))
            .sum()
    };
    let mut points: Vec<f64> = knots.iter().flatten().map(|&(x, _)| x).collect();
    points.sort_by(f64::total_cmp);
    points.dedup();
    let mut previous: Option<(f64, f64)> = None;
    for &x in &points {
        let before = cdf(x, true);
        if before >= p {
            // Reached on the linear stretch that ends at x.
            if let Some((x0, f0)) = previous {
                if before > f0 {
                    return x0 + (p - f0) / (before - f0) * (x - x0);
                }
            }
            return x;
        }
        let at = cdf(x, false);
        if at >= p {
            return x;
        }
        previous = Some((x, at));
    }
    points[points.len() - 1]
}

/// Reads a shard's `timeseries.csv`: each row's key (`policy,day,metric`) and cell, checked to
/// hold a count of at most `replications` and values exactly where the count is not zero.
fn read_series(path: &Path, replications: u64) -> Result<Vec<(String, SeriesCell)>, crate::Error> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| csv_error(path, &e))?;
    let header = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let expected: Vec<&str> = output::TIMESERIES_HEADER.trim_end().split(',').collect();
    if header.iter().ne(expected.iter().copied()) {
        let reason = if header.iter().eq(expected[..9].iter().copied()) {
            "line 1: no `n` column (written by an earlier orgsim): re-run this shard to merge it"
                .to_string()
        } else {
            format!("line 1: the header is not `{}`", expected.join(","))
        };
        return Err(shard_error(path, reason).into());
    }
    let mut cells = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let at = |reason: String| shard_error(path, format!("line {line}: {reason}"));
        let number = |column: usize| {
            parse_number(&record[column]).ok_or_else(|| {
                at(format!(
                    "column `{}`: `{}` is not a number as orgsim writes it",
                    expected[column], &record[column]
                ))
            })
        };
        let n = record[9]
            .parse::<u64>()
            .ok()
            .filter(|&n| n <= replications)
            .ok_or_else(|| {
                at(format!(
                    "column `n`: `{}` is not a count of at most the shard's {replications} \
                     replications",
                    &record[9]
                ))
            })?;
        let cell = SeriesCell {
            mean: number(3)?,
            quantiles: [number(4)?, number(5)?, number(6)?, number(7)?, number(8)?],
            n,
        };
        let values = std::iter::once(cell.mean).chain(cell.quantiles);
        let consistent = if n == 0 {
            values.into_iter().all(f64::is_nan)
        } else {
            values.into_iter().all(f64::is_finite)
        };
        if !consistent {
            return Err(at(format!(
                "n = {n}, but the mean and quantiles are {}",
                if n == 0 {
                    "not empty"
                } else {
                    "not all numbers"
                }
            ))
            .into());
        }
        cells.push((
            format!("{},{},{}", &record[0], &record[1], &record[2]),
            cell,
        ));
    }
    Ok(cells)
}

/// A CSV cell as a number, if it is written as orgsim writes numbers (shortest round-trip
/// form; empty for a missing value): anything else would not merge byte for byte.
fn parse_number(cell: &str) -> Option<f64> {
    let x = if cell.is_empty() {
        f64::NAN
    } else {
        cell.parse().ok()?
    };
    (output::format_number(x) == cell).then_some(x)
}

/// The first line where two texts differ, both sides quoted.
fn first_difference(a: &str, b: &str) -> String {
    let mut left = a.lines();
    let mut right = b.lines();
    let mut line = 1;
    loop {
        match (left.next(), right.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => return "none (the texts are equal)".into(),
            (x, y) => {
                return format!(
                    "line {line}: `{}` against `{}`",
                    x.unwrap_or("(end of file)"),
                    y.unwrap_or("(end of file)")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantiles(parts: &[(f64, [f64; 5])]) -> [f64; 5] {
        REPORTED_QUANTILES.map(|p| mixture_quantile(parts, p))
    }

    #[test]
    fn shards_alike_keep_their_quantiles() {
        let q = [1.0, 2.0, 4.0, 5.0, 9.0];
        let merged = quantiles(&[(0.25, q), (0.75, q)]);
        for (m, x) in merged.iter().zip(q) {
            assert!((m - x).abs() < 1e-12, "{merged:?}");
        }
    }

    /// Shards of one replication hold a point mass each; their mixture is the sample's
    /// distribution, so the p quantile is the ceil(n p)-th smallest value.
    #[test]
    fn one_replication_shards_give_order_statistics() {
        let values = [3.0, -1.0, 7.0, 2.0, 5.0];
        let parts: Vec<(f64, [f64; 5])> = values.iter().map(|&v| (0.2, [v; 5])).collect();
        assert_eq!(quantiles(&parts), [-1.0, 2.0, 3.0, 5.0, 7.0]);
    }

    #[test]
    fn a_mixture_quantile_lies_between_the_shards_and_splits_their_mass() {
        let low = [0.0, 1.0, 2.0, 3.0, 4.0];
        let high = [10.0, 11.0, 12.0, 13.0, 14.0];
        let merged = quantiles(&[(0.5, low), (0.5, high)]);
        // Half the mass below 4.25 and half above 9.75: the median lies in the gap, and the
        // quarter points are the shards' medians.
        assert!(merged[2] >= 4.0 && merged[2] <= 10.0, "{merged:?}");
        assert!((merged[1] - 2.0).abs() < 1e-12 && (merged[3] - 12.0).abs() < 1e-12);
        for (i, m) in merged.iter().enumerate() {
            assert!(*m >= low[i] && *m <= high[i], "{merged:?}");
        }
        // P² estimates out of order are sorted, not trusted.
        let unordered = quantiles(&[(1.0, [1.0, 2.0, 4.0, 3.0, 9.0])]);
        assert!(unordered.windows(2).all(|w| w[0] <= w[1]), "{unordered:?}");
    }

    #[test]
    fn cells_are_read_only_in_the_form_orgsim_writes() {
        assert_eq!(parse_number("0.5"), Some(0.5));
        assert!(parse_number("").is_some_and(f64::is_nan));
        for cell in ["0.50", "NaN", "nan", "+1", "1e3", " 1", "x"] {
            assert_eq!(parse_number(cell), None, "{cell}");
        }
    }
}

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
//! to rounding), and each quantile is the n-weighted mean of the shards' P² estimates, an
//! approximation, because P² estimates cannot be merged exactly.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Simulation;
use crate::montecarlo::{Aggregate, RunPlan};
use crate::output::{self, MergedShard, SeriesCell};
use crate::random::replication_seed;
use crate::scenario::{self, Scenario};

/// Why shards cannot be merged (exit code 2: the input is at fault).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// One shard's folder or file is missing or malformed.
    #[error("{}: {reason}", path.display())]
    Shard { path: PathBuf, reason: String },
    /// The shards do not belong together.
    #[error("{0}")]
    Mismatch(String),
}

fn shard_error(path: &Path, reason: impl Into<String>) -> MergeError {
    MergeError::Shard {
        path: path.to_path_buf(),
        reason: reason.into(),
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
        let run: ShardRun = serde_json::from_str(&text)
            .map_err(|e| shard_error(&path, format!("line {}: {e}", e.line())))?;
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

    fn range(&self) -> String {
        let first = self.run.first_replication;
        format!(
            "{} (replications {} to {})",
            self.dir.display(),
            first,
            first + self.run.replications - 1
        )
    }
}

/// Shards checked to belong together, in replication order.
pub struct Shards {
    shards: Vec<Shard>,
    /// The scenario of the whole range (its `replications` is the total).
    scenario: Scenario,
    plan: RunPlan,
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
            let end = a.run.first_replication + a.run.replications;
            if b.run.first_replication < end {
                return Err(MergeError::Mismatch(format!(
                    "{} and {} overlap: each replication must come from one shard",
                    a.range(),
                    b.range()
                ))
                .into());
            }
            if b.run.first_replication > end {
                let missing = match b.run.first_replication - end {
                    1 => format!("replication {end} is"),
                    _ => format!("replications {end} to {} are", b.run.first_replication - 1),
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
        let total: u64 = shards.iter().map(|s| s.run.replications).sum();
        let mut scenario = shards[0].scenario.clone();
        scenario.replications = total;
        let expected = scenario.to_resolved_toml();
        for shard in &shards[1..] {
            let mut other = shard.scenario.clone();
            other.replications = total;
            if other != scenario {
                let theirs = other.to_resolved_toml();
                return Err(MergeError::Mismatch(format!(
                    "{} and {} ran different scenarios; first difference in \
                     scenario.resolved.toml: {}",
                    shards[0].dir.display(),
                    shard.dir.display(),
                    first_difference(&expected, &theirs)
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

    /// Whether `dir` is one of the shards' folders.
    pub fn contains(&self, dir: &Path) -> bool {
        let Ok(dir) = dir.canonicalize() else {
            return false;
        };
        self.shards
            .iter()
            .any(|s| s.dir.canonicalize().is_ok_and(|d| d == dir))
    }

    /// Writes the joined `replications.csv` to `path`, checking every row, and returns the
    /// outcome statistics folded in replication order.
    pub fn write_replications(
        &self,
        sim: &dyn Simulation,
        path: &Path,
    ) -> Result<Aggregate, crate::Error> {
        let names = sim.policy_names();
        let mut header = vec!["policy", "replication", "seed"];
        header.extend(sim.outcome_metrics().iter().map(|m| m.name));
        let n_outcomes = header.len() - 3;
        let out_error = |e: csv::Error| output::OutputError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let file = fs::File::create(path).map_err(|e| output::OutputError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        writer.write_record(&header).map_err(out_error)?;
        let mut aggregate = Aggregate::for_outcomes(sim);
        let mut outcomes = vec![vec![0.0; n_outcomes]; names.len()];
        for shard in &self.shards {
            let path = shard.dir.join("replications.csv");
            let mut reader =
                csv::Reader::from_path(&path).map_err(|e| shard_error(&path, e.to_string()))?;
            let found = reader
                .headers()
                .map_err(|e| shard_error(&path, e.to_string()))?
                .clone();
            if found.iter().ne(header.iter().copied()) {
                return Err(shard_error(
                    &path,
                    "line 1: the header does not list this scenario's outcome metrics",
                )
                .into());
            }
            let first = shard.run.first_replication;
            let mut rows = 0u64;
            for record in reader.records() {
                let record = record.map_err(|e| shard_error(&path, e.to_string()))?;
                let line = record.position().map_or(0, |p| p.line());
                let at = |reason: String| shard_error(&path, format!("line {line}: {reason}"));
                let policy = (rows % names.len() as u64) as usize;
                let replication = first + rows / names.len() as u64;
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
                            "column `{}`: `{cell}` is not a number",
                            header[m + 3]
                        ))
                    })?;
                }
                writer.write_record(&record).map_err(out_error)?;
                rows += 1;
                if policy + 1 == names.len() {
                    aggregate.push_outcomes(&outcomes);
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
        }
        writer.flush().map_err(|e| output::OutputError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(aggregate)
    }

    /// The joined `timeseries.csv`: exact `n`, n-weighted means and n-weighted quantile
    /// estimates (see the module's documentation).
    pub fn timeseries(&self, sim: &dyn Simulation) -> Result<Vec<u8>, crate::Error> {
        let names = sim.policy_names();
        let metrics = sim.series_metrics();
        let grid = sim.grid();
        let mut keys = Vec::with_capacity(names.len() * grid.len() * metrics.len());
        for name in &names {
            for day in grid {
                for spec in metrics {
                    keys.push((name.as_str(), *day, spec.name));
                }
            }
        }
        let mut shards = Vec::with_capacity(self.shards.len());
        for shard in &self.shards {
            let path = shard.dir.join("timeseries.csv");
            let cells = read_series(&path)?;
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
            for (i, ((found, _), (policy, day, metric))) in cells.iter().zip(&keys).enumerate() {
                let expected = format!("{policy},{day},{metric}");
                if *found != expected {
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
        for (i, (policy, day, metric)) in keys.iter().enumerate() {
            let cell = if shards.len() == 1 {
                // One shard: its own numbers, not a rounding of them.
                shards[0][i].1.clone()
            } else {
                combine(shards.iter().map(|cells| &cells[i].1))
            };
            output::push_series_row(&mut out, policy, *day, metric, &cell);
        }
        Ok(out.into_bytes())
    }
}

/// The n-weighted combination of shards' cells of one row; shards without a value (n = 0)
/// do not count.
fn combine<'a>(cells: impl Iterator<Item = &'a SeriesCell>) -> SeriesCell {
    let mut n = 0u64;
    let mut mean = 0.0;
    let mut quantiles = [0.0; 5];
    for cell in cells.filter(|c| c.n > 0) {
        n += cell.n;
        mean += cell.n as f64 * cell.mean;
        for (sum, q) in quantiles.iter_mut().zip(cell.quantiles) {
            *sum += cell.n as f64 * q;
        }
    }
    if n == 0 {
        return SeriesCell {
            mean: f64::NAN,
            quantiles: [f64::NAN; 5],
            n: 0,
        };
    }
    SeriesCell {
        mean: mean / n as f64,
        quantiles: quantiles.map(|q| q / n as f64),
        n,
    }
}

/// Reads a shard's `timeseries.csv`: each row's key (`policy,day,metric`) and cell.
fn read_series(path: &Path) -> Result<Vec<(String, SeriesCell)>, crate::Error> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| shard_error(path, e.to_string()))?;
    let header = reader
        .headers()
        .map_err(|e| shard_error(path, e.to_string()))?
        .clone();
    let expected: Vec<&str> = output::TIMESERIES_HEADER.trim_end().split(',').collect();
    if header.iter().ne(expected.iter().copied()) {
        let reason = if header.iter().any(|h| h == "n") {
            "line 1: the header is not `policy,day,metric,mean,p05,p25,p50,p75,p95,n`".to_string()
        } else {
            "line 1: no `n` column (written by an earlier orgsim): re-run this shard to merge it"
                .to_string()
        };
        return Err(shard_error(path, reason).into());
    }
    let mut cells = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| shard_error(path, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let number = |column: usize| {
            parse_number(&record[column]).ok_or_else(|| {
                shard_error(
                    path,
                    format!(
                        "line {line}: column `{}`: `{}` is not a number",
                        expected[column], &record[column]
                    ),
                )
            })
        };
        let n = record[9].parse::<u64>().map_err(|_| {
            shard_error(
                path,
                format!("line {line}: column `n`: `{}` is not a count", &record[9]),
            )
        })?;
        let cell = SeriesCell {
            mean: number(3)?,
            quantiles: [number(4)?, number(5)?, number(6)?, number(7)?, number(8)?],
            n,
        };
        cells.push((
            format!("{},{},{}", &record[0], &record[1], &record[2]),
            cell,
        ));
    }
    Ok(cells)
}

/// A CSV cell as a number: empty is missing (NaN), as `output::format_number` writes it.
fn parse_number(cell: &str) -> Option<f64> {
    if cell.is_empty() {
        Some(f64::NAN)
    } else {
        cell.parse().ok()
    }
}

/// The first line where two texts differ, both sides quoted.
fn first_difference(a: &str, b: &str) -> String {
    let mut left = a.lines();
    let mut right = b.lines();
    let mut line = 1;
    loop {
        match (left.next(), right.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
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

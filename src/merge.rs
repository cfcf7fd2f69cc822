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
//!
//! Shards of a sweep are the sweep's output folders ([`SweepShards`]): their `sweep.json` must
//! list the same keys and points, and each point's folders (`points/pNN`) merge as above.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Simulation;
use crate::montecarlo::{Aggregate, RunPlan};
use crate::output::{self, MergedShard, SeriesCell};
use crate::random::replication_seed;
use crate::scenario::sweep::{point_label, Point, MAX_SWEEP_POINTS};
use crate::scenario::{self, Scenario, Sweep, MAX_REPLICATIONS};
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

/// Refuses a shard folder that does not exist or is not a folder.
fn check_folder(dir: &Path) -> Result<(), MergeError> {
    if !dir.exists() {
        return Err(shard_error(dir, "no such folder"));
    }
    if !dir.is_dir() {
        return Err(shard_error(dir, "not a folder"));
    }
    Ok(())
}

/// Whether `dir` is the output folder of a sweep (it holds `sweep.json`).
fn is_sweep(dir: &Path) -> bool {
    dir.join("sweep.json").is_file()
}

/// Reads a shard's `run.json` or `sweep.json` into `T`.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, MergeError> {
    let text = fs::read_to_string(path).map_err(|e| shard_error(path, e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| shard_error(path, e.to_string()))
}

/// The fields of a shard's `run.json` that the merge reads; a sweep's `sweep.json` has them
/// too.
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

impl ShardRun {
    /// Refuses a file (at `path`) written by another version of orgsim, or whose replication
    /// range runs past the last replication index.
    fn check(&self, path: &Path) -> Result<(), MergeError> {
        if self.orgsim_version != env!("CARGO_PKG_VERSION") {
            return Err(shard_error(
                path,
                format!(
                    "written by orgsim {}, and this is orgsim {}: merge it with the version \
                     that wrote it, or re-run it",
                    self.orgsim_version,
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        if self
            .first_replication
            .checked_add(self.replications)
            .is_none()
        {
            return Err(shard_error(
                path,
                "first_replication plus replications is past the last replication index",
            ));
        }
        Ok(())
    }

    /// The replications of the shard in `dir` that this file describes.
    fn span<'a>(&self, dir: &'a Path) -> Span<'a> {
        Span {
            dir,
            first: self.first_replication,
            count: self.replications,
            threads: self.threads,
            wall_seconds: self.wall_seconds,
        }
    }
}

/// One shard's replications and the run that made them, as its `run.json` or `sweep.json`
/// says: for checking that the shards join up, and for the merged folder's `merged_from`.
#[derive(Clone, Copy)]
struct Span<'a> {
    dir: &'a Path,
    first: u64,
    /// Checked, when the shard was opened, not to run past the last replication index.
    count: u64,
    threads: usize,
    wall_seconds: f64,
}

impl Span<'_> {
    fn end(&self) -> u64 {
        self.first + self.count
    }

    fn describe(&self) -> String {
        format!(
            "{} (replications {} to {})",
            self.dir.display(),
            self.first,
            self.end() - 1
        )
    }

    fn merged_shard(&self) -> MergedShard {
        MergedShard {
            folder: self.dir.display().to_string(),
            first_replication: self.first,
            replications: self.count,
            threads: self.threads,
            wall_seconds: self.wall_seconds,
        }
    }
}

/// Checks that `spans`, in replication order, neither overlap nor leave a gap, and hold no more
/// replications than a run may; returns how many they hold together.
fn join_spans(spans: &[Span<'_>]) -> Result<u64, MergeError> {
    for pair in spans.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.first < a.end() {
            return Err(MergeError::Mismatch(format!(
                "{} and {} overlap: each replication must come from one shard",
                a.describe(),
                b.describe()
            )));
        }
        if b.first > a.end() {
            let missing = match b.first - a.end() {
                1 => format!("replication {} is", a.end()),
                _ => format!("replications {} to {} are", a.end(), b.first - 1),
            };
            return Err(MergeError::Mismatch(format!(
                "{missing} in no shard (between {} and {}); a merged folder covers one unbroken \
                 range",
                a.describe(),
                b.describe()
            )));
        }
    }
    // Contiguous ranges, each checked not to overflow: the total is the span.
    let total = match (spans.first(), spans.last()) {
        (Some(first), Some(last)) => last.end() - first.first,
        _ => 0,
    };
    if total > MAX_REPLICATIONS {
        return Err(MergeError::Mismatch(format!(
            "the shards hold {total} replications per policy, more than the {MAX_REPLICATIONS} a \
             run (and so a merged folder) may hold"
        )));
    }
    Ok(total)
}

/// What the checks that apply to shards of either kind, a single run's results folder or a
/// sweep's folder, read of one.
trait ShardFolder: Sized {
    /// Opens the shard in `dir` and checks it on its own.
    fn open(dir: &Path) -> Result<Self, crate::Error>;

    /// The shard's replications and the run that made them.
    fn span(&self) -> Span<'_>;
}

/// Shard folders in replication order, checked to join up.
struct Joined<S> {
    /// At least one.
    in_order: Vec<S>,
    /// Replications per policy of all of them together.
    total: u64,
}

impl<S: ShardFolder> Joined<S> {
    /// Opens the shards in `dirs`, sorts them into replication order and checks that their
    /// ranges neither overlap nor leave a gap ([`join_spans`]); `what` names a shard, for the
    /// error when there is none.
    fn open(dirs: &[PathBuf], what: &str) -> Result<Self, crate::Error> {
        let mut shards = dirs
            .iter()
            .map(|dir| S::open(dir))
            .collect::<Result<Vec<_>, _>>()?;
        if shards.is_empty() {
            return Err(crate::Error::Usage(format!("give at least one {what}")));
        }
        shards.sort_by_key(|s| s.span().first);
        let total = join_spans(&shards.iter().map(S::span).collect::<Vec<_>>())?;
        Ok(Joined {
            in_order: shards,
            total,
        })
    }

    /// The shard with the first replications.
    fn first(&self) -> &S {
        &self.in_order[0]
    }

    /// The shards as a merged folder's `merged_from` lists them.
    fn provenance(&self) -> Vec<MergedShard> {
        self.in_order
            .iter()
            .map(|s| s.span().merged_shard())
            .collect()
    }

    /// Refuses an output folder that is a shard, holds one, or lies inside one.
    fn check_output(&self, out: &Path) -> Result<(), crate::Error> {
        let target = resolved(out);
        for shard in &self.in_order {
            let shard = shard.span().dir;
            let dir = resolved(shard);
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
                shard.display()
            ))
            .into());
        }
        Ok(())
    }
}

/// One shard: its folder, its `run.json` and its resolved scenario.
struct Shard {
    dir: PathBuf,
    run: ShardRun,
    scenario: Scenario,
}

impl ShardFolder for Shard {
    fn open(dir: &Path) -> Result<Shard, crate::Error> {
        check_folder(dir)?;
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
        let run: ShardRun = read_json(&path)?;
        run.check(&path)?;
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

    fn span(&self) -> Span<'_> {
        self.run.span(&self.dir)
    }
}

impl Shard {
    /// One past the shard's last replication (checked not to overflow when opened).
    fn end(&self) -> u64 {
        self.run.first_replication + self.run.replications
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
    shards: Joined<Shard>,
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
        let shards = Joined::<Shard>::open(dirs, "results folder")?;
        let (first, total) = (shards.first(), shards.total);
        let mut scenario = first.scenario.clone();
        scenario.replications = total;
        for shard in &shards.in_order[1..] {
            let mut other = shard.scenario.clone();
            other.replications = total;
            if other != scenario {
                return Err(MergeError::Mismatch(format!(
                    "{} and {} ran different scenarios; first difference in \
                     scenario.resolved.toml: {}",
                    first.dir.display(),
                    shard.dir.display(),
                    first_difference(&scenario.to_resolved_toml(), &other.to_resolved_toml())
                ))
                .into());
            }
        }
        let plan = RunPlan {
            seed: scenario.seed,
            first_replication: first.run.first_replication,
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
        self.shards.provenance()
    }

    /// The scenario file the first shard was run from.
    pub fn scenario_file(&self) -> &str {
        &self.shards.first().run.scenario_file
    }

    /// Refuses an output folder that is a shard, holds one, or lies inside one: replacing it
    /// would delete shards, and writing inside one would change it.
    pub fn check_output(&self, out: &Path) -> Result<(), crate::Error> {
        self.shards.check_output(out)
    }

    /// Reads and checks every shard (see the module's documentation) and computes the merged
    /// statistics and time series. Writes nothing.
    pub fn merge(&self, sim: &dyn Simulation) -> Result<Merged, crate::Error> {
        let names = sim.policy_names();
        let mut aggregate = Aggregate::for_outcomes(sim);
        for shard in &self.shards.in_order {
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
        for (k, shard) in self.shards.in_order.iter().enumerate() {
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
        let mut shards = Vec::with_capacity(self.shards.in_order.len());
        for shard in &self.shards.in_order {
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

/// Whether `dirs` are the output folders of sweeps (each holds `sweep.json`) rather than the
/// results folders of single runs. Refuses a folder that does not exist, and a mix of the two
/// kinds, naming the first folder of another kind than the first one.
pub fn are_sweeps(dirs: &[PathBuf]) -> Result<bool, crate::Error> {
    for dir in dirs {
        check_folder(dir)?;
    }
    let Some(first) = dirs.first() else {
        return Ok(false);
    };
    let sweep = is_sweep(first);
    if let Some(other) = dirs.iter().find(|dir| is_sweep(dir) != sweep) {
        let reason = if sweep {
            format!(
                "not the folder of a sweep (no sweep.json), but {} is: a sweep's shards are \
                 folders written by `orgsim run` of the same sweep",
                first.display()
            )
        } else {
            format!(
                "the folder of a sweep (it holds sweep.json), but {} holds one run's results: \
                 merge a sweep's folders with each other, or one of its points (points/pNN) with \
                 that point's other shards",
                first.display()
            )
        };
        return Err(shard_error(other, reason).into());
    }
    Ok(sweep)
}

/// The fields of a sweep shard's `sweep.json` that the merge reads.
#[derive(Deserialize)]
struct ShardSweep {
    #[serde(flatten)]
    run: ShardRun,
    keys: Vec<String>,
    points: Vec<ShardSweepPoint>,
}

/// One point of a sweep shard's `sweep.json`.
#[derive(Deserialize)]
struct ShardSweepPoint {
    folder: String,
    values: toml::Table,
}

/// One shard of a sweep: its folder, its `sweep.json`, and each point's values in the order of
/// the keys.
struct SweepShard {
    dir: PathBuf,
    file: ShardSweep,
    values: Vec<Vec<toml::Value>>,
}

impl ShardFolder for SweepShard {
    fn open(dir: &Path) -> Result<SweepShard, crate::Error> {
        check_folder(dir)?;
        let path = dir.join("sweep.json");
        let file: ShardSweep = read_json(&path)?;
        file.run.check(&path)?;
        if file.keys.is_empty() {
            return Err(shard_error(&path, "lists no swept keys").into());
        }
        let count = file.points.len();
        if count == 0 || count > MAX_SWEEP_POINTS {
            return Err(shard_error(
                &path,
                format!("lists {count} points, where a sweep has 1 to {MAX_SWEEP_POINTS}"),
            )
            .into());
        }
        let mut values = Vec::with_capacity(count);
        for (index, point) in file.points.iter().enumerate() {
            let folder = format!("points/{}", point_label(index, count));
            if point.folder != folder {
                return Err(shard_error(
                    &path,
                    format!(
                        "point {index}: folder `{}` where `{folder}` was expected",
                        point.folder
                    ),
                )
                .into());
            }
            let own: Option<Vec<toml::Value>> = file
                .keys
                .iter()
                .map(|key| point.values.get(key).cloned())
                .collect();
            match own {
                Some(own) if point.values.len() == file.keys.len() => values.push(own),
                _ => {
                    return Err(shard_error(
                        &path,
                        format!(
                            "{folder}: the values are not one for each of the keys `{}`",
                            file.keys.join(", ")
                        ),
                    )
                    .into())
                }
            }
        }
        Ok(SweepShard {
            dir: dir.to_path_buf(),
            file,
            values,
        })
    }

    fn span(&self) -> Span<'_> {
        self.file.run.span(&self.dir)
    }
}

impl SweepShard {
    /// The first difference between this shard's sweep and `other`'s: a key, the number of
    /// points, or a point's value. `None` when they ran the same sweep.
    fn difference(&self, other: &SweepShard) -> Option<String> {
        let (keys, theirs) = (&self.file.keys, &other.file.keys);
        if keys != theirs {
            let k = keys.iter().zip(theirs).take_while(|(a, b)| a == b).count();
            let key = |keys: &[String]| keys.get(k).map_or("none".into(), |key| format!("`{key}`"));
            return Some(format!(
                "swept key {} is {} against {}",
                k + 1,
                key(keys),
                key(theirs)
            ));
        }
        if self.values.len() != other.values.len() {
            return Some(format!(
                "{} points against {}",
                self.values.len(),
                other.values.len()
            ));
        }
        for ((point, mine), theirs) in self.file.points.iter().zip(&self.values).zip(&other.values)
        {
            if let Some(k) = (0..keys.len()).find(|&k| mine[k] != theirs[k]) {
                return Some(format!(
                    "{}: `{key} = {}` against `{key} = {}`",
                    point.folder,
                    mine[k],
                    theirs[k],
                    key = keys[k]
                ));
            }
        }
        None
    }
}

/// The output folders of one sweep run over disjoint replication ranges, checked to belong
/// together: the same keys and points in every `sweep.json`, and each point's folders
/// (`<shard>/points/pNN`) shards of one run, as [`Shards`] checks them.
pub struct SweepShards {
    shards: Joined<SweepShard>,
    /// Each point's shards, in the sweep's order.
    points: Vec<Shards>,
    /// The sweep as a single run over the whole range would have expanded it (each point's
    /// scenario holds the total number of replications).
    sweep: Sweep,
}

impl SweepShards {
    /// Opens every sweep folder, checks that they ran the same sweep over replication ranges
    /// that neither overlap nor leave a gap, then opens and checks each point's shards.
    pub fn open(dirs: &[PathBuf]) -> Result<SweepShards, crate::Error> {
        let shards = Joined::<SweepShard>::open(dirs, "sweep folder")?;
        let first = shards.first();
        for other in &shards.in_order[1..] {
            if let Some(difference) = first.difference(other) {
                return Err(MergeError::Mismatch(format!(
                    "{} and {} ran different sweeps; first difference in sweep.json: \
                     {difference}",
                    first.dir.display(),
                    other.dir.display()
                ))
                .into());
            }
        }
        let mut points = Vec::with_capacity(first.values.len());
        for point in &first.file.points {
            let dirs: Vec<PathBuf> = shards
                .in_order
                .iter()
                .map(|s| s.dir.join(&point.folder))
                .collect();
            let merged = Shards::open(&dirs)?;
            // Each point of a sweep shard runs the shard's replications.
            for (shard, dir) in shards.in_order.iter().zip(&dirs) {
                let Some(own) = merged.shards.in_order.iter().find(|own| own.dir == *dir) else {
                    continue;
                };
                let (mine, sweeps) = (own.span(), shard.span());
                if (mine.first, mine.count) != (sweeps.first, sweeps.count) {
                    return Err(shard_error(
                        &dir.join("run.json"),
                        format!(
                            "replications {} to {}, where {} says {} to {}",
                            mine.first,
                            mine.end() - 1,
                            shard.dir.join("sweep.json").display(),
                            sweeps.first,
                            sweeps.end() - 1
                        ),
                    )
                    .into());
                }
            }
            points.push(merged);
        }
        let keys = first.file.keys.clone();
        let values = (0..keys.len())
            .map(|k| {
                let mut distinct: Vec<toml::Value> = Vec::new();
                for value in first.values.iter().map(|point| &point[k]) {
                    if !distinct.contains(value) {
                        distinct.push(value.clone());
                    }
                }
                distinct
            })
            .collect();
        let sweep = Sweep {
            keys,
            values,
            points: first
                .values
                .iter()
                .zip(&points)
                .map(|(values, shards)| Point {
                    values: values.clone(),
                    scenario: shards.scenario().clone(),
                })
                .collect(),
        };
        Ok(SweepShards {
            shards,
            points,
            sweep,
        })
    }

    /// The sweep, as a single run over the whole range would have expanded it.
    pub fn sweep(&self) -> &Sweep {
        &self.sweep
    }

    /// Each point's shards, in the sweep's order.
    pub fn points(&self) -> &[Shards] {
        &self.points
    }

    /// The replications of the whole range (those of every point).
    pub fn plan(&self) -> &RunPlan {
        self.points[0].plan()
    }

    /// The sweep folders as `sweep.json`'s `merged_from` lists them.
    pub fn provenance(&self) -> Vec<MergedShard> {
        self.shards.provenance()
    }

    /// The sweep file the first shard was run from.
    pub fn scenario_file(&self) -> &str {
        &self.shards.first().file.run.scenario_file
    }

    /// Refuses an output folder that is a sweep shard, holds one, or lies inside one (or inside
    /// one of a shard's point folders).
    pub fn check_output(&self, out: &Path) -> Result<(), crate::Error> {
        self.shards.check_output(out)?;
        self.points
            .iter()
            .try_for_each(|point| point.check_output(out))
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

//! Output files of a run, written so that nothing is lost: every file goes into a staging folder
//! beside the target, and the folder replaces the target in one rename at the end. An existing,
//! non-empty output folder is refused unless the caller forces it.
//!
//! Files: `summary.json`, `timeseries.csv`, `replications.csv`, `scenario.resolved.toml`,
//! `run.json` (the only file with wall-clock fields).

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::org::TeamSpec;
use crate::model::{MetricSpec, Simulation};
use crate::montecarlo::{Aggregate, ReplicationResult, RunPlan};
use crate::scenario::{ModelConfig, Scenario};
use crate::stats::Summary;

/// Errors while writing results.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output folder holds an earlier run's files and `--force` was not given.
    #[error(
        "{}: the output folder already holds results; pass --force to replace them, or --out to write elsewhere",
        .0.display()
    )]
    Exists(PathBuf),
    /// The output path names a file, not a folder.
    #[error("{}: exists and is not a folder; give a folder with --out", .0.display())]
    NotAFolder(PathBuf),
    /// A file could not be written.
    #[error("{}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
}

/// Maps an I/O error on `path` to [`OutputError::Io`].
pub fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |e| OutputError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.map_err(io_error(path))
}

/// A run's output folder under construction.
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
}

impl Staging {
    /// Checks `target` and creates a fresh staging folder beside it. Refuses a non-empty target
    /// unless `force`.
    pub fn begin(target: &Path, force: bool) -> Result<Staging, OutputError> {
        if let Ok(mut entries) = fs::read_dir(target) {
            if entries.next().is_some() && !force {
                return Err(OutputError::Exists(target.to_path_buf()));
            }
        } else if target.exists() {
            return Err(OutputError::NotAFolder(target.to_path_buf()));
        }
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "run".into());
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
        }
        fs::create_dir_all(&staging).map_err(io_error(&staging))?;
        Ok(Staging {
            target: target.to_path_buf(),
            staging,
        })
    }

    /// The staging folder itself.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Path of `file` inside the staging folder.
    pub fn path(&self, file: &str) -> PathBuf {
        self.staging.join(file)
    }

    /// Writes one file into the staging folder.
    pub fn write(&self, file: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.path(file);
        fs::write(&path, bytes).map_err(io_error(&path))
    }

    /// Moves the staging folder into place, replacing the target (only reached with `force` if
    /// the target held files). Returns the final folder.
    pub fn commit(self) -> Result<PathBuf, OutputError> {
        let target = self.target.clone();
        if target.exists() {
            let old = self.staging.with_file_name(format!(
                "{}.old",
                self.staging
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
            ));
            fs::rename(&target, &old).map_err(io_error(&target))?;
            fs::rename(&self.staging, &target).map_err(io_error(&target))?;
            fs::remove_dir_all(&old).map_err(io_error(&old))?;
        } else {
            fs::rename(&self.staging, &target).map_err(io_error(&target))?;
        }
        std::mem::forget(self);
        Ok(target)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A run that failed leaves no half-written folder behind.
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// The columns of `replications.csv`: policy, replication, seed, then the outcome metrics.
pub fn replications_header(sim: &dyn Simulation) -> Vec<&str> {
    let mut header = vec!["policy", "replication", "seed"];
    header.extend(sim.outcome_metrics().iter().map(|m| m.name));
    header
}

/// Streams `replications.csv`: one row per policy x replication with its seed and outcomes.
pub struct ReplicationWriter {
    writer: csv::Writer<BufWriter<fs::File>>,
    path: PathBuf,
    policies: Vec<String>,
}

impl ReplicationWriter {
    /// Creates the file with its header.
    pub fn create(path: PathBuf, sim: &dyn Simulation) -> Result<Self, OutputError> {
        let file = fs::File::create(&path).map_err(io_error(&path))?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer
            .write_record(replications_header(sim))
            .map_err(|e| csv_error(&path, e))?;
        Ok(ReplicationWriter {
            writer,
            path,
            policies: sim.policy_names(),
        })
    }

    /// Appends the rows of one replication.
    pub fn write(&mut self, result: &ReplicationResult<'_>) -> Result<(), OutputError> {
        for (policy, record) in self.policies.iter().zip(result.records) {
            let mut row = vec![
                policy.clone(),
                result.replication.to_string(),
                result.seed.to_string(),
            ];
            row.extend(record.outcomes.iter().map(|x| format_number(*x)));
            self.writer
                .write_record(&row)
                .map_err(|e| csv_error(&self.path, e))?;
        }
        Ok(())
    }

    /// Flushes and closes the file.
    pub fn finish(mut self) -> Result<(), OutputError> {
        self.writer.flush().map_err(io_error(&self.path))
    }
}

fn csv_error(path: &Path, error: csv::Error) -> OutputError {
    OutputError::Io {
        path: path.to_path_buf(),
        reason: error.to_string(),
    }
}

/// Shortest round-trip decimal form; empty for NaN (missing in pandas and R).
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// `summary.json`.
#[derive(Serialize)]
pub struct SummaryFile<'a> {
    pub scenario: &'a str,
    pub description: &'a str,
    pub orgsim_version: &'a str,
    pub seed: u64,
    pub first_replication: u64,
    pub replications: u64,
    pub horizon_days: f64,
    pub policies: Vec<String>,
    /// The organization's teams (management-model scenarios): per-team outcomes such as
    /// `team_engagement_3` refer to them by `number`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<TeamRow<'a>>,
    pub outcome_metrics: &'a [MetricSpec],
    pub series_metrics: &'a [MetricSpec],
    /// One row per policy x outcome metric.
    pub outcomes: Vec<OutcomeRow<'a>>,
    /// Paired (common random numbers) differences of each policy against the first.
    pub comparisons: Vec<ComparisonRow<'a>>,
}

/// One team of the organization, as the scenario set it up: its number, then its
/// [`TeamSpec`] (`manager_skill` is `null` when drawn per replication).
#[derive(Serialize)]
pub struct TeamRow<'a> {
    pub number: usize,
    #[serde(flatten)]
    pub spec: &'a TeamSpec,
}

/// One policy's summary of one outcome metric.
#[derive(Serialize)]
pub struct OutcomeRow<'a> {
    pub policy: &'a str,
    pub metric: &'a str,
    #[serde(flatten)]
    pub summary: Summary,
}

/// A paired difference `policy - baseline` of one outcome metric.
#[derive(Serialize)]
pub struct ComparisonRow<'a> {
    pub policy: &'a str,
    pub baseline: &'a str,
    pub metric: &'a str,
    pub mean_difference: f64,
    pub sd: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// Var(difference) / (Var(policy) + Var(baseline)): well below 1 when common random
    /// numbers pair the replications.
    pub crn_variance_ratio: f64,
}

/// Builds `summary.json`'s content.
pub fn summary_file<'a>(
    scenario: &'a Scenario,
    plan: &RunPlan,
    sim: &'a dyn Simulation,
    names: &'a [String],
    aggregate: &Aggregate,
) -> SummaryFile<'a> {
    let metrics = sim.outcome_metrics();
    let mut outcomes = Vec::new();
    let mut comparisons = Vec::new();
    for (p, policy) in aggregate.policies.iter().enumerate() {
        for (m, spec) in metrics.iter().enumerate() {
            outcomes.push(OutcomeRow {
                policy: &names[p],
                metric: spec.name,
                summary: policy.outcomes[m].summary(),
            });
            if p > 0 {
                let diff = &policy.paired_difference[m];
                let (ci95_low, ci95_high) = diff.ci95();
                let separate = policy.outcomes[m].moments().variance()
                    + aggregate.policies[0].outcomes[m].moments().variance();
                comparisons.push(ComparisonRow {
                    policy: &names[p],
                    baseline: &names[0],
                    metric: spec.name,
                    mean_difference: diff.mean(),
                    sd: diff.sd(),
                    ci95_low,
                    ci95_high,
                    crn_variance_ratio: diff.variance() / separate,
                });
            }
        }
    }
    let teams = match &scenario.model {
        ModelConfig::Organization { organization, .. } => organization
            .teams
            .iter()
            .enumerate()
            .map(|(k, spec)| TeamRow {
                number: k + 1,
                spec,
            })
            .collect(),
        ModelConfig::Queue(_) => Vec::new(),
    };
    SummaryFile {
        scenario: &scenario.name,
        description: &scenario.description,
        orgsim_version: env!("CARGO_PKG_VERSION"),
        seed: plan.seed,
        first_replication: plan.first_replication,
        replications: plan.replications,
        horizon_days: scenario.horizon_days,
        policies: names.to_vec(),
        teams,
        outcome_metrics: metrics,
        series_metrics: sim.series_metrics(),
        outcomes,
        comparisons,
    }
}

/// Header of `timeseries.csv`.
pub const TIMESERIES_HEADER: &str = "policy,day,metric,mean,p05,p25,p50,p75,p95,n\n";

/// One row of `timeseries.csv`: the distribution over replications of one series metric of one
/// policy on one grid day.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesCell {
    pub mean: f64,
    /// The reported quantiles (5%, 25%, 50%, 75%, 95%).
    pub quantiles: [f64; 5],
    /// Replications with a value on that day (a metric undefined there counts none).
    pub n: u64,
}

/// The `policy,day,metric` key of every `timeseries.csv` row, in file order: policy by policy,
/// grid day by grid day, series metric by series metric (the order of
/// [`crate::montecarlo::PolicyAggregate::series`] within a policy).
pub fn timeseries_keys(sim: &dyn Simulation, names: &[String]) -> Vec<String> {
    let mut keys = Vec::new();
    for name in names {
        for day in sim.grid() {
            for spec in sim.series_metrics() {
                keys.push(format!("{name},{day},{}", spec.name));
            }
        }
    }
    keys
}

/// Appends one `timeseries.csv` row: its key (see [`timeseries_keys`]) and its cell.
pub fn push_series_row(out: &mut String, key: &str, cell: &SeriesCell) {
    out.push_str(key);
    out.push(',');
    out.push_str(&format_number(cell.mean));
    for q in cell.quantiles {
        out.push(',');
        out.push_str(&format_number(q));
    }
    out.push_str(&format!(",{}\n", cell.n));
}

/// `timeseries.csv` in tidy long form: policy, day, metric, mean, the reported quantiles and
/// the number of replications with a value.
pub fn timeseries_csv(sim: &dyn Simulation, names: &[String], aggregate: &Aggregate) -> Vec<u8> {
    let mut out = String::from(TIMESERIES_HEADER);
    let cells = aggregate.policies.iter().flat_map(|p| &p.series);
    for (key, dist) in timeseries_keys(sim, names).iter().zip(cells) {
        let cell = SeriesCell {
            mean: dist.moments().mean(),
            quantiles: dist.quantiles(),
            n: dist.moments().count(),
        };
        push_series_row(&mut out, key, &cell);
    }
    out.into_bytes()
}

/// `run.json`: provenance of a run. `started_unix_seconds` and `wall_seconds` are the only
/// wall-clock fields in any output file.
#[derive(Serialize)]
pub struct RunFile<'a> {
    pub orgsim_version: &'a str,
    pub scenario: &'a str,
    pub scenario_file: String,
    /// SHA-256 of `scenario.resolved.toml`.
    pub scenario_sha256: String,
    pub seed: u64,
    pub first_replication: u64,
    pub replications: u64,
    pub threads: usize,
    pub started_unix_seconds: u64,
    pub wall_seconds: f64,
    /// For a folder written by `orgsim merge`: the shards it joined, in replication order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<MergedShard>,
}

/// One shard of a merged folder, as its own `run.json` described it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MergedShard {
    /// The shard's folder, as given to `orgsim merge`.
    pub folder: String,
    pub first_replication: u64,
    pub replications: u64,
    pub threads: usize,
    pub wall_seconds: f64,
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

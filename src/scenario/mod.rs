//! Scenario files: parse (TOML into `Raw*` serde types), then validate into domain types.
//!
//! A scenario names the model to run, the policies to compare, the replications, the horizon and
//! the master seed. The schema grows by adding optional sections and keys; every key a file
//! does not set takes the documented default, so files written for an older orgsim keep working.
//! Validation range-checks every number (NaN, infinities, negative rates, probabilities outside
//! [0, 1], sizes that would exhaust memory) and reports the file, line, column and key.

mod error;
pub mod locate;
mod raw;
pub mod sweep;

use std::path::{Path, PathBuf};

pub use error::{nearest, Diagnostic, Invalid, ScenarioError};
pub use raw::{
    RawCoefficients, RawDisturbances, RawOrganization, RawOutput, RawPolicy, RawQueue,
    RawQueueOverrides, RawScenario,
};
pub use sweep::{Loaded, Sweep};

use crate::model::org::{Coefficients, Disturbances, Organization};
use crate::model::queue::QueueParams;
use crate::policy::Levers;

/// Largest number of replications a scenario may ask for.
pub const MAX_REPLICATIONS: u64 = 10_000_000;
/// Longest horizon [working days] (400 years).
pub const MAX_HORIZON_DAYS: f64 = 100_000.0;
/// Most policies compared in one scenario.
pub const MAX_POLICIES: usize = 64;
/// Most time-series grid points per replication.
pub const MAX_GRID_POINTS: usize = 20_000;
/// Most events one replication may be expected to process (a memory and run-time guard).
pub const MAX_EVENTS_PER_REPLICATION: f64 = 1e9;

/// A validated scenario, ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Short name; also the default output folder `output/<name>/`.
    pub name: String,
    /// Free text shown in reports.
    pub description: String,
    /// Master seed of every random stream.
    pub seed: u64,
    /// Replications per policy.
    pub replications: u64,
    /// Simulated horizon [working days].
    pub horizon_days: f64,
    /// The model and the policies it compares.
    pub model: ModelConfig,
    /// What the run records.
    pub output: OutputConfig,
}

/// Which model a scenario runs, with one fully resolved parameter set per policy.
// A scenario holds one of these, so the size difference between the variants costs nothing;
// boxing the organization's parameters would only add indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum ModelConfig {
    /// A team as an M/M/c queue with every behavioural effect off: the engine's reference.
    Queue(Vec<NamedPolicy<QueueParams>>),
    /// The management model: an organization under disturbances, with one set of calibrated
    /// coefficients and one lever set per policy.
    Organization {
        organization: Organization,
        disturbances: Disturbances,
        coefficients: Coefficients,
        policies: Vec<NamedPolicy<Levers>>,
    },
}

/// A policy's display name and its resolved parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedPolicy<P> {
    pub name: String,
    pub params: P,
}

/// Recording options.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputConfig {
    /// Spacing of the time-series grid [working days].
    pub grid_days: f64,
}

impl Scenario {
    /// Names of the policies, in file order.
    pub fn policy_names(&self) -> Vec<&str> {
        match &self.model {
            ModelConfig::Queue(policies) => policies.iter().map(|p| p.name.as_str()).collect(),
            ModelConfig::Organization { policies, .. } => {
                policies.iter().map(|p| p.name.as_str()).collect()
            }
        }
    }

    /// The time-series grid [working days]: 0, grid, 2 grid, ..., and the horizon.
    pub fn grid(&self) -> Vec<f64> {
        let mut grid = Vec::new();
        let mut k = 0u64;
        loop {
            let day = k as f64 * self.output.grid_days;
            if day >= self.horizon_days - 1e-9 {
                break;
            }
            grid.push(day);
            k += 1;
        }
        grid.push(self.horizon_days);
        grid
    }

    /// Expected events per replication of the heaviest policy, for planning and guards.
    pub fn expected_events_per_replication(&self) -> f64 {
        match &self.model {
            ModelConfig::Queue(policies) => policies
                .iter()
                .map(|p| 2.0 * p.params.arrival_rate * self.horizon_days)
                .fold(0.0, f64::max),
            // About 60 events per person per working year plus per-team processes.
            ModelConfig::Organization { organization, .. } => {
                let people = (organization.members() + organization.teams.len()) as f64;
                people * self.horizon_days * 1.5
            }
        }
    }

    /// The scenario with every default and preset written out: re-running it reproduces the
    /// run exactly.
    pub fn to_raw(&self) -> RawScenario {
        raw::from_scenario(self)
    }

    /// The resolved scenario as TOML text.
    pub fn to_resolved_toml(&self) -> String {
        let body = toml::to_string_pretty(&self.to_raw())
            .expect("a validated scenario always serializes to TOML");
        format!(
            "# Resolved by orgsim {}: every default and preset written out.\n\
             # Running this file reproduces the run exactly.\n\n{body}",
            env!("CARGO_PKG_VERSION")
        )
    }
}

/// Reads, parses and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read(path)?;
    parse(path, &text)
}

fn read(path: &Path) -> Result<String, ScenarioError> {
    let fail = |reason: String| ScenarioError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let metadata = std::fs::metadata(path).map_err(|e| fail(describe_io(&e)))?;
    if metadata.is_dir() {
        return Err(fail(
            "it is a directory; expected a .toml scenario file".into(),
        ));
    }
    if metadata.len() > 16 * 1024 * 1024 {
        return Err(fail(format!(
            "it is {} bytes; scenario files are limited to 16 MiB",
            metadata.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(describe_io(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = locate::line_column(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        fail(format!(
            "it is not UTF-8 text (line {line}, column {column})"
        ))
    })
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Parses and validates scenario `text`, reporting errors against `path`.
pub fn parse(path: &Path, text: &str) -> Result<Scenario, ScenarioError> {
    match parse_any(path, text)? {
        Loaded::One(scenario) => Ok(scenario),
        Loaded::Sweep(_) => Err(Invalid::new(
            "sweep",
            "a sweep where one scenario is expected",
            "a scenario without `[sweep]` (`orgsim run` and `orgsim validate` take sweeps)",
        )
        .in_file(path, text)),
    }
}

/// Reads, parses and validates a scenario file that may hold a `[sweep]`.
pub fn load_any(path: &Path) -> Result<Loaded, ScenarioError> {
    let text = read(path)?;
    parse_any(path, &text)
}

/// Parses and validates scenario `text`, expanding a `[sweep]` into its points.
pub fn parse_any(path: &Path, text: &str) -> Result<Loaded, ScenarioError> {
    if text
        .lines()
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
    {
        return Err(ScenarioError::Empty {
            path: path.to_path_buf(),
        });
    }
    let raw = raw::deserialize(path, text)?;
    sweep::resolve(path, text, raw)
}

/// Where a run writes by default: `output/<scenario-name>/`.
pub fn default_output_dir(scenario: &Scenario) -> PathBuf {
    PathBuf::from("output").join(&scenario.name)
}

/// Range checks shared by every section. Each returns the value or an [`Invalid`] naming `key`.
pub mod check {
    use super::Invalid;

    fn finite(key: &str, value: f64) -> Result<f64, Invalid> {
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Invalid::new(
                key,
                format!("{value} is not a finite number"),
                "a finite number",
            ))
        }
    }

    /// A finite number in `[lo, hi]`.
    pub fn range(key: &str, value: f64, lo: f64, hi: f64) -> Result<f64, Invalid> {
        let value = finite(key, value)?;
        if (lo..=hi).contains(&value) {
            Ok(value)
        } else {
            Err(Invalid::new(
                key,
                format!("{value} is out of range"),
                format!("a number from {lo} to {hi}"),
            ))
        }
    }

    /// A finite number in `(0, hi]`.
    pub fn positive(key: &str, value: f64, hi: f64) -> Result<f64, Invalid> {
        let value = finite(key, value)?;
        if value > 0.0 && value <= hi {
            Ok(value)
        } else {
            Err(Invalid::new(
                key,
                format!("{value} is out of range"),
                format!("a number above 0 and at most {hi}"),
            ))
        }
    }

    /// A probability in `[0, 1]`.
    pub fn probability(key: &str, value: f64) -> Result<f64, Invalid> {
        range(key, value, 0.0, 1.0)
    }

    /// An integer in `[lo, hi]`.
    pub fn count(key: &str, value: u64, lo: u64, hi: u64) -> Result<u64, Invalid> {
        if (lo..=hi).contains(&value) {
            Ok(value)
        } else {
            Err(Invalid::new(
                key,
                format!("{value} is out of range"),
                format!("a whole number from {lo} to {hi}"),
            ))
        }
    }
}

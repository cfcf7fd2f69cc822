//! Models: what happens inside one replication. A model turns a policy's parameters and one
//! replication's random streams into horizon outcomes and a time series on a fixed grid.
//!
//! Models know nothing about threads, files or charts; the Monte Carlo runner drives them
//! through [`Simulation`], and only aggregated results leave the run.

pub mod org;
pub mod queue;

use serde::Serialize;

use crate::random::Streams;

/// What a recorded metric is, for file headers, reports and chart labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MetricSpec {
    /// Column name in the output files (snake_case).
    pub name: &'static str,
    /// Human label for charts and reports.
    pub label: &'static str,
    /// Unit, e.g. "working days", "share of staff", "S (annual salaries)".
    pub unit: &'static str,
    /// One sentence on what it measures.
    pub description: &'static str,
    /// Why the metric has no value at the start of a run, when it has none there by definition
    /// (a gap against a baseline before the baseline is measured): a clause that charts print
    /// over the empty span after "No value before day N: ". Empty when the metric has a value
    /// from day 0, and then left out of `summary.json`.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub undefined_reason: &'static str,
}

impl MetricSpec {
    /// A metric with a value from day 0.
    pub const fn new(
        name: &'static str,
        label: &'static str,
        unit: &'static str,
        description: &'static str,
    ) -> MetricSpec {
        MetricSpec {
            name,
            label,
            unit,
            description,
            undefined_reason: "",
        }
    }

    /// This metric with `reason` as its [`undefined_reason`](MetricSpec::undefined_reason).
    pub const fn undefined_because(self, reason: &'static str) -> MetricSpec {
        MetricSpec {
            undefined_reason: reason,
            ..self
        }
    }
}

/// One replication's recorded results.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Horizon outcomes, in the order of [`Simulation::outcome_metrics`].
    pub outcomes: Vec<f64>,
    /// Time series, grid-point major: `series[g * n_series + m]`.
    pub series: Vec<f64>,
    n_series: usize,
}

impl Record {
    /// A record for `n_outcomes` outcomes and `n_series` series on `n_grid` grid points,
    /// filled with NaN (a value a model forgot to record stays visible).
    pub fn new(n_outcomes: usize, n_series: usize, n_grid: usize) -> Self {
        Record {
            outcomes: vec![f64::NAN; n_outcomes],
            series: vec![f64::NAN; n_series * n_grid],
            n_series,
        }
    }

    /// The series values at grid point `g`, one per series metric.
    pub fn at_grid_point(&mut self, g: usize) -> &mut [f64] {
        &mut self.series[g * self.n_series..(g + 1) * self.n_series]
    }

    /// The series values recorded at grid point `g`.
    pub fn grid_point(&self, g: usize) -> &[f64] {
        &self.series[g * self.n_series..(g + 1) * self.n_series]
    }

    /// Number of series metrics per grid point.
    pub fn series_width(&self) -> usize {
        self.n_series
    }
}

/// A model ready to run replications of each of its policies.
pub trait Simulation: Sync {
    /// Names of the policies compared, in scenario order.
    fn policy_names(&self) -> Vec<String>;
    /// Metrics recorded once per replication, at the horizon.
    fn outcome_metrics(&self) -> &[MetricSpec];
    /// Metrics recorded at every grid point.
    fn series_metrics(&self) -> &[MetricSpec];
    /// The recording grid [working days].
    fn grid(&self) -> &[f64];
    /// Runs replication `streams` of policy `policy` and fills `record`.
    fn run_replication(&self, policy: usize, streams: &Streams, record: &mut Record);

    /// The outcomes worth printing at the end of a run (all of them by default).
    fn headline_metrics(&self) -> Vec<&'static str> {
        self.outcome_metrics().iter().map(|m| m.name).collect()
    }

    /// A fresh record of the right shape.
    fn new_record(&self) -> Record {
        Record::new(
            self.outcome_metrics().len(),
            self.series_metrics().len(),
            self.grid().len(),
        )
    }
}

/// Builds the simulation a validated scenario describes.
pub fn build(scenario: &crate::scenario::Scenario) -> Box<dyn Simulation> {
    match &scenario.model {
        crate::scenario::ModelConfig::Queue(policies) => Box::new(queue::QueueModel::new(
            policies.clone(),
            scenario.horizon_days,
            scenario.grid(),
        )),
        crate::scenario::ModelConfig::Organization {
            organization,
            disturbances,
            coefficients,
            policies,
        } => Box::new(org::OrgModel::new(
            policies.clone(),
            organization.clone(),
            disturbances.clone(),
            coefficients.clone(),
            scenario.horizon_days,
            scenario.grid(),
        )),
    }
}

//! The management model (MODEL-SPEC section C, milestones M1–M4 and parts of M5): teams of
//! people under a management policy, with planned and unplanned work, KPI reviews and gaming,
//! motivation and engagement, hours, exhaustion and burnout, quality and capability, competence
//! growth, quits and hiring, and the disturbances of C.4. docs/MODEL.md gives every rule.

pub mod metrics;
pub mod params;
pub mod rules;
mod sim;

use crate::model::{MetricSpec, Record, Simulation};
use crate::policy::Levers;
use crate::random::Streams;
use crate::scenario::NamedPolicy;

pub use params::{Coefficients, Disturbances, EngagementPrior, Organization, TeamSpec};

/// The management model of a scenario: one lever set per policy.
pub struct OrgModel {
    policies: Vec<NamedPolicy<Levers>>,
    organization: Organization,
    disturbances: Disturbances,
    coefficients: Coefficients,
    horizon: f64,
    grid: Vec<f64>,
    outcomes: Vec<MetricSpec>,
    series: Vec<MetricSpec>,
}

impl OrgModel {
    /// A model comparing `policies` in `organization` under `disturbances`, with the calibrated
    /// `coefficients` shared by every policy.
    pub fn new(
        policies: Vec<NamedPolicy<Levers>>,
        organization: Organization,
        disturbances: Disturbances,
        coefficients: Coefficients,
        horizon: f64,
        grid: Vec<f64>,
    ) -> Self {
        let outcomes = metrics::SERIES
            .iter()
            .chain(metrics::EXTRA_OUTCOMES.iter())
            .copied()
            .chain(metrics::team_outcomes(organization.teams.len()))
            .collect();
        let teams = organization.teams.len();
        let team_series = if !organization.teams_alike() && teams <= metrics::MAX_TEAMS_WITH_SERIES
        {
            metrics::team_series(teams)
        } else {
            Vec::new()
        };
        let series = metrics::SERIES.iter().copied().chain(team_series).collect();
        OrgModel {
            policies,
            organization,
            disturbances,
            coefficients,
            horizon,
            grid,
            outcomes,
            series,
        }
    }
}

impl Simulation for OrgModel {
    fn policy_names(&self) -> Vec<String> {
        self.policies.iter().map(|p| p.name.clone()).collect()
    }

    fn outcome_metrics(&self) -> &[MetricSpec] {
        &self.outcomes
    }

    fn series_metrics(&self) -> &[MetricSpec] {
        &self.series
    }

    fn grid(&self) -> &[f64] {
        &self.grid
    }

    fn headline_metrics(&self) -> Vec<&'static str> {
        vec![
            "items_closed_q1",
            "size_completed_q1",
            "true_value_q1",
            "reported_output",
            "true_value_cumulative",
            "j_true_with_tv",
            "engagement_mean",
            "disengaged_share",
            "trust",
            "burnout_share",
            "turnover_annual",
        ]
    }

    fn run_replication(&self, policy: usize, streams: &Streams, record: &mut Record) {
        sim::Replication::new(
            &self.policies[policy].params,
            &self.organization,
            &self.disturbances,
            &self.coefficients,
            self.horizon,
            &self.grid,
            streams,
        )
        .run(record);
    }
}

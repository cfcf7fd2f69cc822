//! Parameters of the management model that are not policy levers: the organization and the
//! disturbances (MODEL-SPEC C.1, C.4). Policies are in [`crate::policy`].

use serde::{Deserialize, Serialize};

/// Which survey the initial engagement distribution is calibrated to (MODEL-SPEC C.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EngagementPrior {
    /// Gallup US 2024: Beta(3.29, 2.77), 31% engaged, 17% actively disengaged.
    Us2024,
    /// Gallup global 2024: Beta(4.45, 4.25), 21% engaged, 17% actively disengaged.
    Global2024,
}

impl EngagementPrior {
    /// The Beta shape parameters.
    pub fn beta(self) -> (f64, f64) {
        match self {
            EngagementPrior::Us2024 => (3.29, 2.77),
            EngagementPrior::Global2024 => (4.45, 4.25),
        }
    }
}

/// The organization: teams of members, each with a manager.
#[derive(Clone, Debug, PartialEq)]
pub struct Organization {
    /// Number of teams, 1 to 1,000.
    pub teams: u32,
    /// Members per team (span of control), 1 to 100.
    pub team_size: u32,
    /// Value of one fully productive, fully aligned person-day [S], default 0.008 (≈ 2 S/year).
    pub value_per_person_day: f64,
    /// Whether work has a quality dimension (defects, rework, capability stock); default true.
    pub quality_dimension: bool,
    /// Terminal value horizon [working days of capacity at the horizon], default 125.
    pub terminal_value_days: f64,
    /// Planned ideas arrive at this multiple of baseline capacity, default 1.5.
    pub idea_arrival_factor: f64,
    /// Initial engagement calibration.
    pub engagement_prior: EngagementPrior,
    /// Mean initial competence, Beta(4, 3) by default (mean 0.57); shifts the Beta's mean.
    pub initial_competence_mean: f64,
    /// Initial trust in the manager [0, 1], default 0.6.
    pub initial_trust: f64,
}

impl Default for Organization {
    fn default() -> Self {
        Organization {
            teams: 6,
            team_size: 7,
            value_per_person_day: 0.008,
            quality_dimension: true,
            terminal_value_days: 125.0,
            idea_arrival_factor: 1.5,
            engagement_prior: EngagementPrior::Us2024,
            initial_competence_mean: 4.0 / 7.0,
            initial_trust: 0.6,
        }
    }
}

/// Disturbances d (MODEL-SPEC C.4). A rate of 0 switches a disturbance off.
#[derive(Clone, Debug, PartialEq)]
pub struct Disturbances {
    /// Stationary SD of log planned demand (Ornstein–Uhlenbeck, mean reversion 60 d), default 0.2.
    pub demand_volatility: f64,
    /// Demand surges per team per year, default 2 (×LogNormal(ln 1.5, 0.3) for Exp(15 d)).
    pub surges_per_year: f64,
    /// Incidents per team per working week, default 1.
    pub incidents_per_week: f64,
    /// Org-wide incident storms per year (×4 incident rate for Exp(5 d)), default 1.
    pub incident_storms_per_year: f64,
    /// Market shifts of the true value direction per year (rotation U(15°, 45°)), default 1.
    pub market_shifts_per_year: f64,
    /// Reorganizations / priority churn per year, default 0.5.
    pub reorgs_per_year: f64,
    /// Personal-life shocks per person per year (capacity ×0.5 for Exp(20 d)), default 0.2.
    pub personal_shocks_per_year: f64,
    /// Mean labor-market tightness, a multiplier on quit hazard (1 = normal; 1.5 = many
    /// outside offers), default 1.
    pub labor_market_level: f64,
    /// SD of the labor-market tightness multiplier on quit hazard (monthly AR(1), ρ 0.9), default 0.15.
    pub labor_market_sd: f64,
    /// Sick days episodes per person per year (×1.63 when burned out), default 5.
    pub sick_episodes_per_year: f64,
    /// Multiplicative noise (CV) of value-based KPIs, default 0.15.
    pub kpi_noise_cv: f64,
    /// Noise SD of the engagement survey pulse, default 0.08.
    pub survey_noise_sd: f64,
    /// SD of a-priori value estimates [log units], default 1.0 (0.7 with value feedback).
    pub estimation_noise: f64,
    /// Multiplier on the managers' quit hazard h₀·ℓ(t) (R15, manager exit), 0 to 10: 1 gives
    /// about 16% a year at ℓ = 1. Default 0, manager exits off: the calibrated intercepts
    /// predate them, and with them on the balanced preset's engaged share falls below its
    /// SF-05 band (docs/MODEL.md).
    pub manager_quit_factor: f64,
}

impl Default for Disturbances {
    fn default() -> Self {
        Disturbances {
            demand_volatility: 0.2,
            surges_per_year: 2.0,
            incidents_per_week: 1.0,
            incident_storms_per_year: 1.0,
            market_shifts_per_year: 1.0,
            reorgs_per_year: 0.5,
            personal_shocks_per_year: 0.2,
            labor_market_level: 1.0,
            labor_market_sd: 0.15,
            sick_episodes_per_year: 5.0,
            kpi_noise_cv: 0.15,
            survey_noise_sd: 0.08,
            estimation_noise: 1.0,
            manager_quit_factor: 0.0,
        }
    }
}

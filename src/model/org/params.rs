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

/// One team at the start (MODEL-SPEC C.1): its members and the starting state of its people.
/// The people's individual values are drawn around these means at day 0; people hired later
/// come from the labour market and start like any hire (R15), whichever team they join.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamSpec {
    /// Name shown in the summary (`team 1`, `team 2`, ... unless the scenario names it).
    pub name: String,
    /// Members (span of control of the team's manager), 1 to 100.
    pub size: u32,
    /// Mean initial competence c; the Beta keeps 7 pseudo-observations, so 4/7 gives Beta(4, 3).
    pub competence_mean: f64,
    /// Mean initial autonomous motivation ι, the people's commitment to the work itself; the
    /// Beta keeps 8.5 pseudo-observations, so 5/8.5 gives MODEL-SPEC's Beta(5, 3.5).
    pub motivation_mean: f64,
    /// Initial trust in the manager τ [0, 1].
    pub trust: f64,
    /// The first manager's people-management skill q_j as a z-score; `None` draws it from
    /// N(0, 1) (MODEL-SPEC C.1). Successors are always drawn.
    pub manager_skill: Option<f64>,
}

impl TeamSpec {
    /// Mean initial competence by default: Beta(4, 3).
    pub const COMPETENCE_MEAN: f64 = 4.0 / 7.0;
    /// Mean initial autonomous motivation by default: Beta(5, 3.5).
    pub const MOTIVATION_MEAN: f64 = 5.0 / 8.5;
    /// Initial trust in the manager by default.
    pub const TRUST: f64 = 0.6;

    /// The name of team `k` (0-based) when the scenario does not name it: `team {k + 1}`.
    pub fn numbered_name(k: usize) -> String {
        format!("team {}", k + 1)
    }

    /// The default team `k` (0-based) of `size` members.
    pub fn numbered(k: usize, size: u32) -> Self {
        TeamSpec {
            name: Self::numbered_name(k),
            size,
            competence_mean: Self::COMPETENCE_MEAN,
            motivation_mean: Self::MOTIVATION_MEAN,
            trust: Self::TRUST,
            manager_skill: None,
        }
    }
}

/// The organization: teams of members, each with a manager.
#[derive(Clone, Debug, PartialEq)]
pub struct Organization {
    /// The teams, 1 to 1,000 of them, in the order of their numbers.
    pub teams: Vec<TeamSpec>,
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
}

impl Organization {
    /// `teams` default teams of `size` members each.
    pub fn uniform(teams: usize, size: u32) -> Vec<TeamSpec> {
        (0..teams).map(|k| TeamSpec::numbered(k, size)).collect()
    }

    /// Whether every team is the first one but for its numbered name (`team 1`, `team 2`,
    /// ...) and the manager's skill is drawn: an organization of teams alike.
    pub fn teams_alike(&self) -> bool {
        let first = &self.teams[0];
        self.teams.iter().enumerate().all(|(k, t)| {
            t.manager_skill.is_none()
                && *t
                    == TeamSpec {
                        name: TeamSpec::numbered_name(k),
                        ..first.clone()
                    }
        })
    }

    /// Members in all teams (managers not counted).
    pub fn members(&self) -> usize {
        self.teams.iter().map(|t| t.size as usize).sum()
    }
}

impl Default for Organization {
    fn default() -> Self {
        Organization {
            teams: Organization::uniform(6, 7),
            value_per_person_day: 0.008,
            quality_dimension: true,
            terminal_value_days: 125.0,
            idea_arrival_factor: 1.5,
            engagement_prior: EngagementPrior::Us2024,
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
    /// about 16% a year at ℓ = 1. Default 0, manager exits off: with them on, the confidence
    /// interval of the balanced preset's engaged share reaches below its SF-05 band
    /// (docs/MODEL.md).
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

/// The model's calibrated coefficients (docs/MODEL.md section 4, "Calibration"): the intercepts
/// of the target equations (most at MODEL-SPEC's values), the places where the implementation
/// departs from MODEL-SPEC's proposal, and those for which MODEL-SPEC gives no value. They
/// are the model, not a policy: one set applies to
/// every policy of a scenario. Runtime data so that sensitivity analyses and calibrations
/// (MODEL-SPEC E.1: Morris screening, Sobol indices, simulated moments) can sweep them from
/// scenario files; [`Coefficients::default`] gives the calibrated values, under which every
/// output is what it was when they were constants.
#[derive(Clone, Debug, PartialEq)]
pub struct Coefficients {
    /// Intercept of the autonomy target A* (R1) [logit units], −10 to 10. Default 1.2, as
    /// MODEL-SPEC.
    pub autonomy_intercept: f64,
    /// Intercept of the self-efficacy target S* (R1) [logit units], −10 to 10. Default −0.5,
    /// as MODEL-SPEC.
    pub efficacy_intercept: f64,
    /// Intercept of the relatedness target R* (R1) [logit units], −10 to 10. Default −1.5,
    /// as MODEL-SPEC.
    pub relatedness_intercept: f64,
    /// Intercept of the clarity target C* (R1) [logit units], −10 to 10. Default −1.0, as
    /// MODEL-SPEC.
    pub clarity_intercept: f64,
    /// Intercept of the usefulness target U* (R1) [logit units], −10 to 10. Default −1.0, as
    /// MODEL-SPEC.
    pub usefulness_intercept: f64,
    /// Intercept of the development target Dev* (R1) [logit units], −10 to 10. Default −1.0,
    /// as MODEL-SPEC.
    pub development_intercept: f64,
    /// Intercept of the autonomous-motivation target ι* (R2) [logit units], −10 to 10.
    /// Default −2.0, as MODEL-SPEC.
    pub motivation_intercept: f64,
    /// Intercept of the engagement target g* (R3) [logit units], −10 to 10. Default −2.7
    /// (with MODEL-SPEC's need intercepts, holds the balanced preset at Gallup's engaged and
    /// actively disengaged shares, SF-05); MODEL-SPEC −1.7.
    pub engagement_intercept: f64,
    /// SD of the individual engagement offset ε^g on g* (R3) [logit units], 0 to 3.
    /// Default 0.4 (keeps Gallup's spread of engagement, SF-05); MODEL-SPEC 0.1.
    pub engagement_offset_sd: f64,
    /// Effect β_q of the manager's skill z-score on the engagement target (R3) [logit units
    /// per SD of skill], 0 to 10. Default 0.45; MODEL-SPEC 0.45 (tuned there for SF-10).
    pub manager_skill_effect: f64,
    /// Intercept of the trust target τ* (R7) [logit units], −10 to 10. Default −1.0, as
    /// MODEL-SPEC.
    pub trust_intercept: f64,
    /// Intercept of the exhaustion target x* (R8) [exhaustion, on its 0–1 scale], −2 to 2.
    /// Default 0.22 (Gallup's 23% often or always burned out under a mid policy, SF-12);
    /// MODEL-SPEC 0.18.
    pub exhaustion_intercept: f64,
    /// Response G_h of the hours target to a missed KPI target (R8) [tens of h/week per unit
    /// of κ·P·relative gap], 0 to 10. Default 5; MODEL-SPEC 5.
    pub hours_gap_gain: f64,
    /// Weight w of rushing in the shortcut rate that erodes the capability stock (R9),
    /// sc = mean π_G + w·rush [dimensionless], 0 to 1. Default 1, MODEL-SPEC's rule
    /// (sc = mean π_G + rush with rush = κ·P behind target); MODEL-SPEC's illustration of
    /// K* ≈ 0.60 under KPI-heavy assumes sc ≈ 0.2, which about 0.25 reproduces.
    pub rush_shortcut_weight: f64,
    /// Goal erosion η (R11): share of a relative miss by which a missed target gives way at a
    /// review [dimensionless], 0 to 0.9 (at 1 a window without output would set the target to
    /// 0). Default 0.3 (Oliva & Sterman); MODEL-SPEC gives no rule (none, 0).
    pub goal_erosion: f64,
    /// Time constant of felt KPI pressure relaxing toward neutral between reviews (R11)
    /// [working days], above 0 to 1,000. Default 30 (assumption); MODEL-SPEC has no
    /// relaxation (pressure only jumps at reviews, an infinite time constant).
    pub pressure_tau_days: f64,
    /// Time constant over which a team forgets a detected gaming act (R6, specific
    /// deterrence) [working days], 0 to 1,000; 0 switches specific deterrence off. Default 90
    /// (assumption: the 90 d of R1's other review memories); MODEL-SPEC has none (0).
    pub deterrence_days: f64,
    /// Base quit hazard h₀ (R15) [per working day], 1e-6 to 0.01; also the managers' base
    /// rate (R15, manager exit). Default 0.0007 (Balanced near 12%/yr, SF-11); MODEL-SPEC
    /// 0.00051.
    pub quit_base_hazard: f64,
    /// Gradient β_g of the log quit hazard in engagement (R15) [per unit of g], 0 to 10.
    /// Default 1.0 (SF-11 engagement gradient); MODEL-SPEC 2.0.
    pub quit_engagement_gradient: f64,
    /// Gradient β_τ of the log quit hazard in trust (R15) [per unit of τ], 0 to 10.
    /// Default 0.75 (halved with β_g); MODEL-SPEC 1.5.
    pub quit_trust_gradient: f64,
    /// Manager upskilling per training day (R16): dq/dt = rate·mgr_train − 0.0005 (q − q₀)
    /// [SD of skill per working day, per training day a year], 0 to 0.01. Default 0.0002
    /// (+0.3 SD after a year at 6 days a year); MODEL-SPEC 0.0008.
    pub manager_upskilling: f64,
}

impl Default for Coefficients {
    fn default() -> Self {
        Coefficients {
            autonomy_intercept: 1.2,
            efficacy_intercept: -0.5,
            relatedness_intercept: -1.5,
            clarity_intercept: -1.0,
            usefulness_intercept: -1.0,
            development_intercept: -1.0,
            motivation_intercept: -2.0,
            engagement_intercept: -2.7,
            engagement_offset_sd: 0.4,
            manager_skill_effect: 0.45,
            trust_intercept: -1.0,
            exhaustion_intercept: 0.22,
            hours_gap_gain: 5.0,
            rush_shortcut_weight: 1.0,
            goal_erosion: 0.3,
            pressure_tau_days: 30.0,
            deterrence_days: 90.0,
            quit_base_hazard: 0.0007,
            quit_engagement_gradient: 1.0,
            quit_trust_gradient: 0.75,
            manager_upskilling: 0.0002,
        }
    }
}

//! The scenario file as written: serde types that mirror the TOML, with no meaning attached.
//! `RawScenario::validate` turns them into a [`Scenario`]; `from_scenario` goes back, with
//! every default written out, for `scenario.resolved.toml`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::check;
use super::error::{nearest, Diagnostic, Invalid, ScenarioError};
use super::{
    ModelConfig, NamedPolicy, OutputConfig, Scenario, MAX_EVENTS_PER_REPLICATION, MAX_GRID_POINTS,
    MAX_HORIZON_DAYS, MAX_POLICIES, MAX_REPLICATIONS,
};
use crate::model::org::{Coefficients, Disturbances, EngagementPrior, Organization, TeamSpec};
use crate::model::queue::{QueueParams, QueueStart};
use crate::policy::{self, Levers, RawLevers};

/// Top level of a scenario file.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub seed: u64,
    pub replications: u64,
    pub horizon_days: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<RawOutput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<RawQueue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<RawOrganization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disturbances: Option<RawDisturbances>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coefficients: Option<RawCoefficients>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<RawPolicy>,
    /// `[sweep]`: keys to vary over a grid of values (`sweep.rs` expands it into one scenario
    /// per point; a point's resolved scenario holds its values and no sweep).
    #[serde(default, skip_serializing)]
    pub sweep: Option<toml::Table>,
}

/// `[organization]`: the teams and people of the management model; every key optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawOrganization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_per_person_day: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_dimension: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminal_value_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idea_arrival_factor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement_prior: Option<EngagementPrior>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_competence_mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_motivation_mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_trust: Option<f64>,
    /// `[[organization.team]]`: teams that differ; each table is one team, or `count` alike.
    /// Last, because TOML writes arrays of tables after plain keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Vec<RawTeam>>,
}

/// `[[organization.team]]`: one team, or `count` teams alike. Every key is optional; the
/// organization-wide keys (`team_size`, `initial_*`) are the defaults.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawTeam {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competence_mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motivation_mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_skill: Option<f64>,
}

/// `[disturbances]`: every key optional; a rate of 0 switches a disturbance off.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawDisturbances {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand_volatility: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surges_per_year: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incidents_per_week: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_storms_per_year: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_shifts_per_year: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reorgs_per_year: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_shocks_per_year: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labor_market_level: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labor_market_sd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sick_episodes_per_year: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kpi_noise_cv: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_noise_sd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimation_noise: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_quit_factor: Option<f64>,
}

/// `[coefficients]`: the model's calibrated coefficients (docs/MODEL.md section 4), shared by
/// every policy; every key optional, defaulting to the calibrated value.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawCoefficients {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autonomy_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficacy_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relatedness_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clarity_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usefulness_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub development_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motivation_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement_offset_sd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_skill_effect: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exhaustion_intercept: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_gap_gain: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rush_shortcut_weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal_erosion: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pressure_tau_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deterrence_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quit_base_hazard: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quit_engagement_gradient: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quit_trust_gradient: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_upskilling: Option<f64>,
}

/// `[output]`: what a run records.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    /// Spacing of the time-series grid [working days]; default 5 (weekly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_days: Option<f64>,
}

/// `[queue]`: the M/M/c reference model.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    /// Poisson arrival rate [tasks per working day].
    pub arrival_rate: f64,
    /// Service rate of one server [tasks per working day].
    pub service_rate: f64,
    /// Number of servers (people).
    pub servers: u64,
    /// Statistics ignore the first `warmup_days` [working days]; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup_days: Option<f64>,
    /// `empty` (default) or `stationary`: start each replication in the queue's stationary
    /// distribution (requires arrival_rate < servers × service_rate for every policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<QueueStart>,
}

/// `[[policies]]`: one of the policies a scenario compares.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub name: String,
    /// Preset the levers start from (`orgsim presets` lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// A second preset to move toward: the policy is the convex combination
    /// (1 − weight)·preset + weight·toward (MODEL-SPEC C.3, intermediate policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toward: Option<String>,
    /// How far toward `toward`, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Per-lever overrides of the preset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levers: Option<RawLevers>,
    /// Overrides of the `[queue]` parameters for this policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<RawQueueOverrides>,
}

/// `[policies.queue]`: per-policy overrides of `[queue]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawQueueOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers: Option<u64>,
}

/// Deserializes `text`, turning serde and TOML errors into located diagnostics.
pub fn deserialize(path: &Path, text: &str) -> Result<RawScenario, ScenarioError> {
    let deserializer = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let key = error.path().to_string();
        let inner = error.into_inner();
        let location = inner
            .span()
            .map(|span| super::locate::line_column(text, span.start));
        let message = inner
            .message()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        ScenarioError::Invalid(Box::new(explain(path, location, key, &message)))
    })
}

/// Deserializes a scenario built as a TOML value (a sweep point), placing any complaint at
/// `location`, the sweep entry that produced the value.
pub fn deserialize_value(
    path: &Path,
    value: toml::Value,
    location: Option<(usize, usize)>,
) -> Result<RawScenario, Box<Diagnostic>> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let key = error.path().to_string();
        let message = error.into_inner().message().trim().replace('\n', "; ");
        Box::new(explain(path, location, key, &message))
    })
}

/// Rewrites serde's terse messages into the diagnostic's parts.
fn explain(
    path: &Path,
    location: Option<(usize, usize)>,
    key: String,
    message: &str,
) -> Diagnostic {
    let mut diagnostic = Diagnostic {
        path: path.to_path_buf(),
        location,
        key: (key != "." && !key.is_empty()).then_some(key),
        message: message.to_string(),
        expected: None,
        suggestion: None,
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // "unknown field `kapa`, expected one of `kappa`, `p_rev`" or "..., expected `name`".
        let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let valid: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        diagnostic.key = Some(join_key(diagnostic.key.take(), field));
        diagnostic.message = "unknown key".to_string();
        diagnostic.expected = Some(if valid.is_empty() {
            "no keys here".to_string()
        } else {
            format!(
                "one of {}",
                valid
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        diagnostic.suggestion = nearest(field, valid.iter().copied()).map(str::to_string);
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        diagnostic.key = Some(join_key(diagnostic.key.take(), field));
        diagnostic.message = "required key is missing".to_string();
    } else if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        diagnostic.message = format!("wrong type: found {found}");
        diagnostic.expected = Some(plain_type(expected));
    } else if let Some((found, expected)) = message
        .strip_prefix("invalid value: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        diagnostic.message = format!("invalid value: {found}");
        diagnostic.expected = Some(expected.to_string());
    }
    diagnostic
}

/// `parent.field`, unless the path already ends with the field.
fn join_key(parent: Option<String>, field: &str) -> String {
    match parent {
        Some(parent) if parent == field || parent.ends_with(&format!(".{field}")) => parent,
        Some(parent) => format!("{parent}.{field}"),
        None => field.to_string(),
    }
}

/// serde's type names in words a scenario author uses.
fn plain_type(expected: &str) -> String {
    match expected {
        "u64" | "u32" | "usize" => "a whole number, 0 or more".to_string(),
        "i64" => "a whole number".to_string(),
        "f64" | "f32" => "a number".to_string(),
        "a boolean" => "true or false".to_string(),
        other => other.to_string(),
    }
}

impl RawScenario {
    /// Checks every key and range and resolves defaults and overrides.
    pub fn validate(&self) -> Result<Scenario, Invalid> {
        let name = validate_name("name", &self.name)?;
        let replications = check::count("replications", self.replications, 1, MAX_REPLICATIONS)?;
        let horizon_days = check::positive("horizon_days", self.horizon_days, MAX_HORIZON_DAYS)?;
        let default_output = RawOutput::default();
        let output = self.output.as_ref().unwrap_or(&default_output);
        let grid_days = check::positive(
            "output.grid_days",
            output.grid_days.unwrap_or(5.0),
            horizon_days,
        )?;
        if horizon_days / grid_days > MAX_GRID_POINTS as f64 {
            return Err(Invalid::new(
                "output.grid_days",
                format!(
                    "{grid_days} gives {:.0} grid points over the horizon",
                    horizon_days / grid_days
                ),
                format!("at most {MAX_GRID_POINTS} points (a larger grid_days)"),
            ));
        }
        if self.policies.len() > MAX_POLICIES {
            return Err(Invalid::new(
                "policies",
                format!("{} policies", self.policies.len()),
                format!("at most {MAX_POLICIES}"),
            ));
        }
        let model = match (&self.queue, &self.organization) {
            (Some(queue), None) => {
                if self.disturbances.is_some() {
                    return Err(Invalid::new(
                        "disturbances",
                        "the queueing reference model has no disturbances",
                        "no `[disturbances]` with `[queue]`",
                    ));
                }
                if self.coefficients.is_some() {
                    return Err(Invalid::new(
                        "coefficients",
                        "the queueing reference model has no behavioural coefficients",
                        "no `[coefficients]` with `[queue]` (they belong to `[organization]` scenarios)",
                    ));
                }
                ModelConfig::Queue(self.validate_queue(queue, horizon_days)?)
            }
            (None, Some(organization)) => ModelConfig::Organization {
                organization: validate_organization(organization)?,
                disturbances: validate_disturbances(
                    &self.disturbances.clone().unwrap_or_default(),
                )?,
                coefficients: validate_coefficients(
                    &self.coefficients.clone().unwrap_or_default(),
                )?,
                policies: self.validate_policies()?,
            },
            (Some(_), Some(_)) => {
                return Err(Invalid::new(
                    "organization",
                    "a scenario runs one model",
                    "either `[queue]` or `[organization]`, not both",
                ))
            }
            (None, None) => {
                return Err(Invalid::new(
                    "organization",
                    "no model section",
                    "an `[organization]` section (the management model) or a `[queue]` section",
                ))
            }
        };
        let scenario = Scenario {
            name,
            description: self.description.clone(),
            seed: self.seed,
            replications,
            horizon_days,
            model,
            output: OutputConfig { grid_days },
        };
        let events = scenario.expected_events_per_replication();
        if events > MAX_EVENTS_PER_REPLICATION {
            return Err(Invalid::new(
                "horizon_days",
                format!("about {events:.1e} events per replication"),
                format!(
                    "at most {MAX_EVENTS_PER_REPLICATION:.0e} (a shorter horizon or lower rates)"
                ),
            ));
        }
        Ok(scenario)
    }

    fn validate_policies(&self) -> Result<Vec<NamedPolicy<Levers>>, Invalid> {
        if self.policies.is_empty() {
            return Err(Invalid::new(
                "policies",
                "no policies to compare",
                "at least one `[[policies]]` with a `name` and a `preset`",
            ));
        }
        let mut policies = Vec::with_capacity(self.policies.len());
        for (i, policy) in self.policies.iter().enumerate() {
            let prefix = format!("policies[{i}]");
            let name = validate_policy_name(&format!("{prefix}.name"), &policy.name, &policies)?;
            if policy.queue.is_some() {
                return Err(Invalid::new(
                    format!("{prefix}.queue"),
                    "queue overrides apply only to `[queue]` scenarios",
                    "`preset` and `[policies.levers]`",
                ));
            }
            let preset_name = policy.preset.as_deref().unwrap_or("balanced");
            let mut base = named_preset(&format!("{prefix}.preset"), preset_name)?;
            match (&policy.toward, policy.weight) {
                (Some(toward), weight) => {
                    let to = named_preset(&format!("{prefix}.toward"), toward)?;
                    let Some(weight) = weight else {
                        return Err(Invalid::new(
                            format!("{prefix}.weight"),
                            "`toward` needs a `weight`",
                            "a number in [0, 1]: how far from `preset` toward `toward`",
                        ));
                    };
                    let weight = check::probability(&format!("{prefix}.weight"), weight)?;
                    base = policy::blend(&base, &to, weight);
                }
                (None, Some(_)) => {
                    return Err(Invalid::new(
                        format!("{prefix}.weight"),
                        "`weight` without `toward`",
                        "`toward = \"<preset>\"` beside `weight`",
                    ));
                }
                (None, None) => {}
            }
            let levers = policy
                .levers
                .clone()
                .unwrap_or_default()
                .apply(&base, &format!("{prefix}.levers"))?;
            policies.push(NamedPolicy {
                name,
                params: levers,
            });
        }
        Ok(policies)
    }

    fn validate_queue(
        &self,
        queue: &RawQueue,
        horizon_days: f64,
    ) -> Result<Vec<NamedPolicy<QueueParams>>, Invalid> {
        let warmup_days = check::range(
            "queue.warmup_days",
            queue.warmup_days.unwrap_or(0.0),
            0.0,
            horizon_days,
        )?;
        if warmup_days >= horizon_days {
            return Err(Invalid::new(
                "queue.warmup_days",
                format!("{warmup_days} leaves nothing to measure"),
                format!("less than horizon_days ({horizon_days})"),
            ));
        }
        let start = queue.start.unwrap_or_default();
        let base = validate_queue_params(
            "queue",
            queue.arrival_rate,
            queue.service_rate,
            queue.servers,
            warmup_days,
            start,
        )?;
        if self.policies.is_empty() {
            return Ok(vec![NamedPolicy {
                name: "reference".to_string(),
                params: base,
            }]);
        }
        let mut policies = Vec::with_capacity(self.policies.len());
        for (i, policy) in self.policies.iter().enumerate() {
            let prefix = format!("policies[{i}]");
            let name = validate_policy_name(&format!("{prefix}.name"), &policy.name, &policies)?;
            let management = [
                ("preset", policy.preset.is_some()),
                ("toward", policy.toward.is_some()),
                ("weight", policy.weight.is_some()),
                ("levers", policy.levers.is_some()),
            ];
            if let Some((key, _)) = management.iter().find(|(_, set)| *set) {
                return Err(Invalid::new(
                    format!("{prefix}.{key}"),
                    "management levers apply only to `[organization]` scenarios",
                    "`[policies.queue]` overrides in a `[queue]` scenario",
                ));
            }
            let over = policy.queue.clone().unwrap_or_default();
            let params = validate_queue_params(
                &format!("{prefix}.queue"),
                over.arrival_rate.unwrap_or(base.arrival_rate),
                over.service_rate.unwrap_or(base.service_rate),
                over.servers.unwrap_or(base.servers as u64),
                warmup_days,
                start,
            )?;
            policies.push(NamedPolicy { name, params });
        }
        Ok(policies)
    }
}

/// Most teams in one organization.
const MAX_TEAMS: u64 = 1_000;
/// Most members in one team.
const MAX_TEAM_SIZE: u64 = 100;
/// Range of a team's starting competence and motivation means (organization-wide or per team):
/// both Beta parameters stay at 0.35 or more.
const MEAN_RANGE: (f64, f64) = (0.05, 0.95);

fn validate_organization(raw: &RawOrganization) -> Result<Organization, Invalid> {
    let d = Organization::default();
    let key = |name: &str| format!("organization.{name}");
    let defaults = TeamSpec {
        name: String::new(),
        size: check::count(
            &key("team_size"),
            raw.team_size.unwrap_or(u64::from(d.teams[0].size)),
            1,
            MAX_TEAM_SIZE,
        )? as u32,
        competence_mean: check::range(
            &key("initial_competence_mean"),
            raw.initial_competence_mean
                .unwrap_or(TeamSpec::COMPETENCE_MEAN),
            MEAN_RANGE.0,
            MEAN_RANGE.1,
        )?,
        motivation_mean: check::range(
            &key("initial_motivation_mean"),
            raw.initial_motivation_mean
                .unwrap_or(TeamSpec::MOTIVATION_MEAN),
            MEAN_RANGE.0,
            MEAN_RANGE.1,
        )?,
        trust: check::probability(
            &key("initial_trust"),
            raw.initial_trust.unwrap_or(TeamSpec::TRUST),
        )?,
        manager_skill: None,
    };
    let teams = match &raw.team {
        None => {
            let n = check::count(
                &key("teams"),
                raw.teams.unwrap_or(d.teams.len() as u64),
                1,
                MAX_TEAMS,
            )? as usize;
            (0..n)
                .map(|k| TeamSpec {
                    name: TeamSpec::numbered_name(k),
                    ..defaults.clone()
                })
                .collect()
        }
        Some(_) if raw.teams.is_some() => {
            return Err(Invalid::new(
                key("teams"),
                "`teams` and `[[organization.team]]` tables both give the teams",
                "either `teams = N` for N teams alike, or one `[[organization.team]]` table per \
                 team (with `count` for several alike)",
            ));
        }
        Some(tables) => validate_teams(tables, &defaults)?,
    };
    Ok(Organization {
        teams,
        value_per_person_day: check::positive(
            &key("value_per_person_day"),
            raw.value_per_person_day.unwrap_or(d.value_per_person_day),
            1.0,
        )?,
        quality_dimension: raw.quality_dimension.unwrap_or(d.quality_dimension),
        terminal_value_days: check::range(
            &key("terminal_value_days"),
            raw.terminal_value_days.unwrap_or(d.terminal_value_days),
            0.0,
            2_500.0,
        )?,
        idea_arrival_factor: check::range(
            &key("idea_arrival_factor"),
            raw.idea_arrival_factor.unwrap_or(d.idea_arrival_factor),
            0.1,
            10.0,
        )?,
        engagement_prior: raw.engagement_prior.unwrap_or(d.engagement_prior),
    })
}

/// The teams of `[[organization.team]]` tables, numbered in order; `defaults` holds the
/// organization-wide values.
fn validate_teams(tables: &[RawTeam], defaults: &TeamSpec) -> Result<Vec<TeamSpec>, Invalid> {
    if tables.is_empty() {
        return Err(Invalid::new(
            "organization.team",
            "no teams",
            "at least one `[[organization.team]]` table",
        ));
    }
    let mut teams: Vec<TeamSpec> = Vec::new();
    // The table each team came from, to say where a duplicate name was first used.
    let mut origin: Vec<usize> = Vec::new();
    for (i, table) in tables.iter().enumerate() {
        let key = |name: &str| format!("organization.team[{i}].{name}");
        let count = check::count(&key("count"), table.count.unwrap_or(1), 1, MAX_TEAMS)?;
        if teams.len() as u64 + count > MAX_TEAMS {
            return Err(Invalid::new(
                key("count"),
                format!("more than {MAX_TEAMS} teams in all"),
                format!("at most {MAX_TEAMS} teams over all `[[organization.team]]` tables"),
            ));
        }
        let spec = TeamSpec {
            name: String::new(),
            size: match table.size {
                Some(size) => check::count(&key("size"), size, 1, MAX_TEAM_SIZE)? as u32,
                None => defaults.size,
            },
            competence_mean: match table.competence_mean {
                Some(m) => check::range(&key("competence_mean"), m, MEAN_RANGE.0, MEAN_RANGE.1)?,
                None => defaults.competence_mean,
            },
            motivation_mean: match table.motivation_mean {
                Some(m) => check::range(&key("motivation_mean"), m, MEAN_RANGE.0, MEAN_RANGE.1)?,
                None => defaults.motivation_mean,
            },
            trust: match table.trust {
                Some(t) => check::probability(&key("trust"), t)?,
                None => defaults.trust,
            },
            manager_skill: match table.manager_skill {
                Some(q) => Some(check::range(&key("manager_skill"), q, -3.0, 3.0)?),
                None => None,
            },
        };
        let base = match &table.name {
            Some(name) => Some(validate_team_name(&key("name"), name)?),
            None => None,
        };
        for j in 0..count {
            let k = teams.len();
            let name = match (&base, count) {
                (None, _) => TeamSpec::numbered_name(k),
                (Some(base), 1) => base.clone(),
                (Some(base), _) => format!("{base} {}", j + 1),
            };
            if name.chars().count() > MAX_TEAM_NAME {
                let room = MAX_TEAM_NAME - format!(" {count}").len();
                return Err(Invalid::new(
                    key("name"),
                    format!("with `count = {count}` the numbered names ({name:?}) are too long"),
                    format!("a name of at most {room} characters, so that \"<name> {count}\" fits in {MAX_TEAM_NAME}"),
                ));
            }
            if let Some(first) = teams.iter().position(|t| t.name == name) {
                return Err(Invalid::new(
                    key("name"),
                    format!(
                        "team {name:?} is defined twice (first by `organization.team[{}]`)",
                        origin[first]
                    ),
                    "a unique team name (teams without one are called \"team 1\", \"team 2\", ...)",
                ));
            }
            teams.push(TeamSpec {
                name,
                ..spec.clone()
            });
            origin.push(i);
        }
    }
    Ok(teams)
}

/// Longest team name [characters], numbering by `count` included.
const MAX_TEAM_NAME: usize = 60;

/// A team's name: 1 to 60 characters on one line, without invisible or direction-changing
/// characters (they would make two names look alike, or scramble the printed table);
/// surrounding spaces are dropped.
fn validate_team_name(key: &str, name: &str) -> Result<String, Invalid> {
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
    };
    let trimmed = name.trim();
    if !trimmed.is_empty()
        && trimmed.chars().count() <= MAX_TEAM_NAME
        && !trimmed.chars().any(invisible)
    {
        Ok(trimmed.to_string())
    } else {
        Err(Invalid::new(
            key,
            format!("{name:?} cannot name a team"),
            "1 to 60 visible characters on one line",
        ))
    }
}

fn validate_disturbances(raw: &RawDisturbances) -> Result<Disturbances, Invalid> {
    let d = Disturbances::default();
    let key = |name: &str| format!("disturbances.{name}");
    let rate = |name: &str, value: Option<f64>, default: f64, hi: f64| {
        check::range(&key(name), value.unwrap_or(default), 0.0, hi)
    };
    Ok(Disturbances {
        demand_volatility: rate(
            "demand_volatility",
            raw.demand_volatility,
            d.demand_volatility,
            1.0,
        )?,
        surges_per_year: rate(
            "surges_per_year",
            raw.surges_per_year,
            d.surges_per_year,
            50.0,
        )?,
        incidents_per_week: rate(
            "incidents_per_week",
            raw.incidents_per_week,
            d.incidents_per_week,
            50.0,
        )?,
        incident_storms_per_year: rate(
            "incident_storms_per_year",
            raw.incident_storms_per_year,
            d.incident_storms_per_year,
            50.0,
        )?,
        market_shifts_per_year: rate(
            "market_shifts_per_year",
            raw.market_shifts_per_year,
            d.market_shifts_per_year,
            50.0,
        )?,
        reorgs_per_year: rate(
            "reorgs_per_year",
            raw.reorgs_per_year,
            d.reorgs_per_year,
            50.0,
        )?,
        personal_shocks_per_year: rate(
            "personal_shocks_per_year",
            raw.personal_shocks_per_year,
            d.personal_shocks_per_year,
            50.0,
        )?,
        labor_market_level: check::range(
            &key("labor_market_level"),
            raw.labor_market_level.unwrap_or(d.labor_market_level),
            0.1,
            5.0,
        )?,
        labor_market_sd: rate(
            "labor_market_sd",
            raw.labor_market_sd,
            d.labor_market_sd,
            0.5,
        )?,
        sick_episodes_per_year: rate(
            "sick_episodes_per_year",
            raw.sick_episodes_per_year,
            d.sick_episodes_per_year,
            100.0,
        )?,
        kpi_noise_cv: rate("kpi_noise_cv", raw.kpi_noise_cv, d.kpi_noise_cv, 2.0)?,
        survey_noise_sd: rate(
            "survey_noise_sd",
            raw.survey_noise_sd,
            d.survey_noise_sd,
            1.0,
        )?,
        estimation_noise: rate(
            "estimation_noise",
            raw.estimation_noise,
            d.estimation_noise,
            3.0,
        )?,
        manager_quit_factor: rate(
            "manager_quit_factor",
            raw.manager_quit_factor,
            d.manager_quit_factor,
            10.0,
        )?,
    })
}

fn validate_coefficients(raw: &RawCoefficients) -> Result<Coefficients, Invalid> {
    let d = Coefficients::default();
    let key = |name: &str| format!("coefficients.{name}");
    let intercept = |name: &str, value: Option<f64>, default: f64| {
        check::range(&key(name), value.unwrap_or(default), -10.0, 10.0)
    };
    Ok(Coefficients {
        autonomy_intercept: intercept(
            "autonomy_intercept",
            raw.autonomy_intercept,
            d.autonomy_intercept,
        )?,
        efficacy_intercept: intercept(
            "efficacy_intercept",
            raw.efficacy_intercept,
            d.efficacy_intercept,
        )?,
        relatedness_intercept: intercept(
            "relatedness_intercept",
            raw.relatedness_intercept,
            d.relatedness_intercept,
        )?,
        clarity_intercept: intercept(
            "clarity_intercept",
            raw.clarity_intercept,
            d.clarity_intercept,
        )?,
        usefulness_intercept: intercept(
            "usefulness_intercept",
            raw.usefulness_intercept,
            d.usefulness_intercept,
        )?,
        development_intercept: intercept(
            "development_intercept",
            raw.development_intercept,
            d.development_intercept,
        )?,
        motivation_intercept: intercept(
            "motivation_intercept",
            raw.motivation_intercept,
            d.motivation_intercept,
        )?,
        engagement_intercept: intercept(
            "engagement_intercept",
            raw.engagement_intercept,
            d.engagement_intercept,
        )?,
        engagement_offset_sd: check::range(
            &key("engagement_offset_sd"),
            raw.engagement_offset_sd.unwrap_or(d.engagement_offset_sd),
            0.0,
            3.0,
        )?,
        manager_skill_effect: check::range(
            &key("manager_skill_effect"),
            raw.manager_skill_effect.unwrap_or(d.manager_skill_effect),
            0.0,
            10.0,
        )?,
        trust_intercept: intercept("trust_intercept", raw.trust_intercept, d.trust_intercept)?,
        exhaustion_intercept: check::range(
            &key("exhaustion_intercept"),
            raw.exhaustion_intercept.unwrap_or(d.exhaustion_intercept),
            -2.0,
            2.0,
        )?,
        hours_gap_gain: check::range(
            &key("hours_gap_gain"),
            raw.hours_gap_gain.unwrap_or(d.hours_gap_gain),
            0.0,
            10.0,
        )?,
        rush_shortcut_weight: check::range(
            &key("rush_shortcut_weight"),
            raw.rush_shortcut_weight.unwrap_or(d.rush_shortcut_weight),
            0.0,
            1.0,
        )?,
        // Below 1: a full erosion would set the target of a review window without output
        // to 0, and the next relative gap would divide by it.
        goal_erosion: check::range(
            &key("goal_erosion"),
            raw.goal_erosion.unwrap_or(d.goal_erosion),
            0.0,
            0.9,
        )?,
        pressure_tau_days: check::positive(
            &key("pressure_tau_days"),
            raw.pressure_tau_days.unwrap_or(d.pressure_tau_days),
            1_000.0,
        )?,
        deterrence_days: check::range(
            &key("deterrence_days"),
            raw.deterrence_days.unwrap_or(d.deterrence_days),
            0.0,
            1_000.0,
        )?,
        // At least 1e-6 (0.025% a year): a hazard that underflows to 0 has no next quit time.
        quit_base_hazard: check::range(
            &key("quit_base_hazard"),
            raw.quit_base_hazard.unwrap_or(d.quit_base_hazard),
            1e-6,
            0.01,
        )?,
        quit_engagement_gradient: check::range(
            &key("quit_engagement_gradient"),
            raw.quit_engagement_gradient
                .unwrap_or(d.quit_engagement_gradient),
            0.0,
            10.0,
        )?,
        quit_trust_gradient: check::range(
            &key("quit_trust_gradient"),
            raw.quit_trust_gradient.unwrap_or(d.quit_trust_gradient),
            0.0,
            10.0,
        )?,
        manager_upskilling: check::range(
            &key("manager_upskilling"),
            raw.manager_upskilling.unwrap_or(d.manager_upskilling),
            0.0,
            0.01,
        )?,
    })
}

fn validate_queue_params(
    prefix: &str,
    arrival_rate: f64,
    service_rate: f64,
    servers: u64,
    warmup_days: f64,
    start: QueueStart,
) -> Result<QueueParams, Invalid> {
    let params = QueueParams {
        arrival_rate: check::positive(&format!("{prefix}.arrival_rate"), arrival_rate, 1e6)?,
        service_rate: check::positive(&format!("{prefix}.service_rate"), service_rate, 1e6)?,
        servers: check::count(&format!("{prefix}.servers"), servers, 1, 100_000)? as u32,
        warmup_days,
        start,
    };
    let capacity = f64::from(params.servers) * params.service_rate;
    if start == QueueStart::Stationary && params.arrival_rate >= capacity {
        return Err(Invalid::new(
            format!("{prefix}.arrival_rate"),
            format!(
                "{} has no stationary distribution with {} servers at {} (start = \"stationary\")",
                params.arrival_rate, params.servers, params.service_rate
            ),
            format!("below servers × service_rate = {capacity}, or start = \"empty\""),
        ));
    }
    Ok(params)
}

fn validate_name(key: &str, name: &str) -> Result<String, Invalid> {
    let ok = !name.is_empty()
        && name.len() <= 80
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    if ok {
        Ok(name.to_string())
    } else {
        Err(Invalid::new(
            key,
            format!("{name:?} cannot name an output folder"),
            "1 to 80 characters of letters, digits, '-', '_' or '.', not starting with '.'",
        ))
    }
}

/// The preset called `name`, or an error at `key` that lists the presets.
fn named_preset(key: &str, name: &str) -> Result<Levers, Invalid> {
    policy::preset(name).ok_or_else(|| {
        let names: Vec<&str> = policy::PRESETS.iter().map(|p| p.name).collect();
        let mut invalid = Invalid::new(
            key,
            format!("unknown preset {name:?}"),
            format!("one of {}", names.join(", ")),
        );
        if let Some(near) = nearest(name, names.iter().copied()) {
            invalid
                .expected
                .push_str(&format!(" (did you mean {near:?}?)"));
        }
        invalid
    })
}

fn validate_policy_name<P>(
    key: &str,
    name: &str,
    earlier: &[NamedPolicy<P>],
) -> Result<String, Invalid> {
    let name = validate_name(key, name)?;
    if earlier.iter().any(|p| p.name == name) {
        return Err(Invalid::new(
            key,
            format!("policy {name:?} is defined twice"),
            "a unique policy name",
        ));
    }
    Ok(name)
}

/// The raw form of an organization. Teams that differ only by their default numbered names
/// are written in the `teams` / `team_size` / `initial_*` shorthand; otherwise each team gets
/// its own `[[organization.team]]` table with every value written out.
fn raw_organization(o: &Organization) -> RawOrganization {
    let first = &o.teams[0];
    let mut raw = RawOrganization {
        value_per_person_day: Some(o.value_per_person_day),
        quality_dimension: Some(o.quality_dimension),
        terminal_value_days: Some(o.terminal_value_days),
        idea_arrival_factor: Some(o.idea_arrival_factor),
        engagement_prior: Some(o.engagement_prior),
        ..RawOrganization::default()
    };
    if o.teams_alike() {
        raw.teams = Some(o.teams.len() as u64);
        raw.team_size = Some(u64::from(first.size));
        raw.initial_competence_mean = Some(first.competence_mean);
        raw.initial_motivation_mean = Some(first.motivation_mean);
        raw.initial_trust = Some(first.trust);
    } else {
        raw.team = Some(
            o.teams
                .iter()
                .map(|t| RawTeam {
                    name: Some(t.name.clone()),
                    count: None,
                    size: Some(u64::from(t.size)),
                    competence_mean: Some(t.competence_mean),
                    motivation_mean: Some(t.motivation_mean),
                    trust: Some(t.trust),
                    manager_skill: t.manager_skill,
                })
                .collect(),
        );
    }
    raw
}

/// The raw form of a validated scenario, with every default written out.
pub fn from_scenario(scenario: &Scenario) -> RawScenario {
    let mut raw = RawScenario {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        seed: scenario.seed,
        replications: scenario.replications,
        horizon_days: scenario.horizon_days,
        output: Some(RawOutput {
            grid_days: Some(scenario.output.grid_days),
        }),
        ..RawScenario::default()
    };
    match &scenario.model {
        ModelConfig::Queue(policies) => {
            let base = &policies[0].params;
            raw.queue = Some(RawQueue {
                arrival_rate: base.arrival_rate,
                service_rate: base.service_rate,
                servers: base.servers as u64,
                warmup_days: Some(base.warmup_days),
                start: Some(base.start),
            });
            raw.policies = policies
                .iter()
                .map(|p| RawPolicy {
                    name: p.name.clone(),
                    preset: None,
                    toward: None,
                    weight: None,
                    levers: None,
                    queue: Some(RawQueueOverrides {
                        arrival_rate: Some(p.params.arrival_rate),
                        service_rate: Some(p.params.service_rate),
                        servers: Some(p.params.servers as u64),
                    }),
                })
                .collect();
        }
        ModelConfig::Organization {
            organization: o,
            disturbances: d,
            coefficients: c,
            policies,
        } => {
            raw.organization = Some(raw_organization(o));
            raw.disturbances = Some(RawDisturbances {
                demand_volatility: Some(d.demand_volatility),
                surges_per_year: Some(d.surges_per_year),
                incidents_per_week: Some(d.incidents_per_week),
                incident_storms_per_year: Some(d.incident_storms_per_year),
                market_shifts_per_year: Some(d.market_shifts_per_year),
                reorgs_per_year: Some(d.reorgs_per_year),
                personal_shocks_per_year: Some(d.personal_shocks_per_year),
                labor_market_level: Some(d.labor_market_level),
                labor_market_sd: Some(d.labor_market_sd),
                sick_episodes_per_year: Some(d.sick_episodes_per_year),
                kpi_noise_cv: Some(d.kpi_noise_cv),
                survey_noise_sd: Some(d.survey_noise_sd),
                estimation_noise: Some(d.estimation_noise),
                manager_quit_factor: Some(d.manager_quit_factor),
            });
            raw.coefficients = Some(RawCoefficients {
                autonomy_intercept: Some(c.autonomy_intercept),
                efficacy_intercept: Some(c.efficacy_intercept),
                relatedness_intercept: Some(c.relatedness_intercept),
                clarity_intercept: Some(c.clarity_intercept),
                usefulness_intercept: Some(c.usefulness_intercept),
                development_intercept: Some(c.development_intercept),
                motivation_intercept: Some(c.motivation_intercept),
                engagement_intercept: Some(c.engagement_intercept),
                engagement_offset_sd: Some(c.engagement_offset_sd),
                manager_skill_effect: Some(c.manager_skill_effect),
                trust_intercept: Some(c.trust_intercept),
                exhaustion_intercept: Some(c.exhaustion_intercept),
                hours_gap_gain: Some(c.hours_gap_gain),
                rush_shortcut_weight: Some(c.rush_shortcut_weight),
                goal_erosion: Some(c.goal_erosion),
                pressure_tau_days: Some(c.pressure_tau_days),
                deterrence_days: Some(c.deterrence_days),
                quit_base_hazard: Some(c.quit_base_hazard),
                quit_engagement_gradient: Some(c.quit_engagement_gradient),
                quit_trust_gradient: Some(c.quit_trust_gradient),
                manager_upskilling: Some(c.manager_upskilling),
            });
            raw.policies = policies
                .iter()
                .map(|p| RawPolicy {
                    name: p.name.clone(),
                    preset: None,
                    toward: None,
                    weight: None,
                    levers: Some(RawLevers::from_levers(&p.params)),
                    queue: None,
                })
                .collect();
        }
    }
    raw
}

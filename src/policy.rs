//! Management policies as data: the levers a manager controls (MODEL-SPEC C.3) and the named
//! presets. A policy in a scenario file is a preset plus per-lever overrides; no code path asks
//! which preset it is running.

use serde::{Deserialize, Serialize};

use crate::scenario::check;
use crate::scenario::Invalid;

/// Which measurements the KPI set counts (MODEL-SPEC C.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KpiSet {
    /// Planned items closed per review window (y1), 100%. Cherry-picking and premature closure
    /// pay; cos(g_KPI, w*) = 0.5.
    ItemsClosed,
    /// Value-weighted throughput 40%, escaped defects 20%, customer feedback 20%, engagement
    /// pulse 20%; cos(g_KPI, w*) = 0.85.
    Balanced,
    /// Value-weighted throughput (y2) alone, a continuous evaluation; cos(g_KPI, w*) = 0.85.
    ValueWeighted,
}

impl KpiSet {
    /// Cosine between the direction the KPI rewards and the true value direction at day 0.
    pub fn alignment(self) -> f64 {
        match self {
            KpiSet::ItemsClosed => 0.5,
            KpiSet::Balanced | KpiSet::ValueWeighted => 0.85,
        }
    }

    /// Whether the KPI counts items (drives cherry-picking of small items, R4).
    pub fn counts_items(self) -> bool {
        matches!(self, KpiSet::ItemsClosed)
    }

    /// Whether the KPI carries value information (y2 or y7), which improves prioritization and
    /// market-shift detection (R11).
    pub fn value_informed(self) -> bool {
        !self.counts_items()
    }
}

/// How a manager directs and supports (situational leadership, R10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Style {
    /// Directive 0.8, supportive 0.3 toward everyone.
    Fixed,
    /// Matched to each report's development level, with the manager's diagnostic accuracy.
    Adaptive,
}

/// The complete set of management levers of one policy (MODEL-SPEC C.3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levers {
    /// κ: incentive / KPI intensity, weight of measured output in evaluation and pressure [0, 1].
    pub kappa: f64,
    /// Which measurements count.
    pub kpi_set: KpiSet,
    /// P_rev: KPI review period [working days], 5 to 125.
    pub review_period_days: f64,
    /// σ_T: target stretch over the baseline, 0 to 0.3.
    pub target_stretch: f64,
    /// ρ_T: ratchet of the target after a met target, 0 to 0.1.
    pub ratchet: f64,
    /// p_pun: probability scale of a punitive reaction to a miss [0, 1].
    pub punishment: f64,
    /// w_subj: weight of subjective (manager) evaluation [0, 1].
    pub subjective_weight: f64,
    /// Manager time share coaching [0, 1]; the five shares sum to 1.
    pub time_coach: f64,
    /// Manager time share monitoring.
    pub time_monitor: f64,
    /// Manager time share on relationships (own and neighbouring teams).
    pub time_relate: f64,
    /// Manager time share on vision and direction.
    pub time_vision: f64,
    /// Manager time share as an individual contributor.
    pub time_individual: f64,
    /// Leadership style.
    pub style: Style,
    /// ε_X: agreed experimentation time share, 0 to 0.2.
    pub experiment_time: f64,
    /// φ: failure tolerance (1 = failures treated as learning) [0, 1].
    pub failure_tolerance: f64,
    /// H_max: weekly hours cap [h/week], 37.5 to 60.
    pub hours_cap: f64,
    /// Training days per employee per year, 0 to 15.
    pub training_days: f64,
    /// Manager development days per year, 0 to 15.
    pub manager_training_days: f64,
    /// p_aud: audit probability per review [0, 1].
    pub audit_probability: f64,
    /// gt: director's share of time at the ground truth (customers, partners), 0 to 0.4.
    pub ground_truth: f64,
    /// cons: consistency between stated values and enforcement [0, 1].
    pub consistency: f64,
    /// WIP limit per person, 1 to 4.
    pub wip_limit: u32,
}

/// A named, documented preset.
pub struct Preset {
    pub name: &'static str,
    pub summary: &'static str,
    pub levers: fn() -> Levers,
}

/// The presets, in the order `orgsim presets` lists them.
pub const PRESETS: [Preset; 2] = [
    Preset {
        name: "kpi-heavy",
        summary: "Narrow performance management through reporting and KPIs: items-closed KPI, \
                  frequent reviews, stretch targets with a ratchet, punishment of misses, \
                  manager time on monitoring, a fixed directive style.",
        levers: kpi_heavy,
    },
    Preset {
        name: "balanced",
        summary: "Results and relationships (SERVE): a balanced KPI set reviewed quarterly, \
                  modest targets, little punishment, manager time on coaching, relationships and \
                  vision, adaptive (situational) style, agreed experimentation time.",
        levers: balanced,
    },
];

/// The KPI-heavy preset (MODEL-SPEC C.3).
pub fn kpi_heavy() -> Levers {
    Levers {
        kappa: 0.80,
        kpi_set: KpiSet::ItemsClosed,
        review_period_days: 10.0,
        target_stretch: 0.15,
        ratchet: 0.05,
        punishment: 0.8,
        subjective_weight: 0.1,
        time_coach: 0.10,
        time_monitor: 0.45,
        time_relate: 0.05,
        time_vision: 0.05,
        time_individual: 0.35,
        style: Style::Fixed,
        experiment_time: 0.02,
        failure_tolerance: 0.2,
        hours_cap: 50.0,
        training_days: 2.0,
        manager_training_days: 1.0,
        audit_probability: 0.05,
        ground_truth: 0.05,
        consistency: 0.5,
        wip_limit: 3,
    }
}

/// The balanced (SERVE) preset (MODEL-SPEC C.3).
pub fn balanced() -> Levers {
    Levers {
        kappa: 0.35,
        kpi_set: KpiSet::Balanced,
        review_period_days: 63.0,
        target_stretch: 0.05,
        ratchet: 0.0,
        punishment: 0.1,
        subjective_weight: 0.5,
        time_coach: 0.30,
        time_monitor: 0.15,
        time_relate: 0.15,
        time_vision: 0.10,
        time_individual: 0.30,
        style: Style::Adaptive,
        experiment_time: 0.10,
        failure_tolerance: 0.8,
        hours_cap: 42.5,
        training_days: 8.0,
        manager_training_days: 6.0,
        audit_probability: 0.10,
        ground_truth: 0.15,
        consistency: 0.8,
        wip_limit: 2,
    }
}

/// The convex combination (1 − w)·`from` + w·`to` of two lever sets (MODEL-SPEC C.3:
/// intermediate policies). Continuous levers are interpolated; the KPI set and the style are
/// `from`'s below w = 0.5 and `to`'s from 0.5; the WIP limit is rounded to the nearest integer.
/// The time shares still sum to 1.
pub fn blend(from: &Levers, to: &Levers, w: f64) -> Levers {
    let mix = |a: f64, b: f64| (1.0 - w) * a + w * b;
    fn pick<T>(w: f64, a: T, b: T) -> T {
        if w < 0.5 {
            a
        } else {
            b
        }
    }
    Levers {
        kappa: mix(from.kappa, to.kappa),
        kpi_set: pick(w, from.kpi_set, to.kpi_set),
        review_period_days: mix(from.review_period_days, to.review_period_days),
        target_stretch: mix(from.target_stretch, to.target_stretch),
        ratchet: mix(from.ratchet, to.ratchet),
        punishment: mix(from.punishment, to.punishment),
        subjective_weight: mix(from.subjective_weight, to.subjective_weight),
        time_coach: mix(from.time_coach, to.time_coach),
        time_monitor: mix(from.time_monitor, to.time_monitor),
        time_relate: mix(from.time_relate, to.time_relate),
        time_vision: mix(from.time_vision, to.time_vision),
        time_individual: mix(from.time_individual, to.time_individual),
        style: pick(w, from.style, to.style),
        experiment_time: mix(from.experiment_time, to.experiment_time),
        failure_tolerance: mix(from.failure_tolerance, to.failure_tolerance),
        hours_cap: mix(from.hours_cap, to.hours_cap),
        training_days: mix(from.training_days, to.training_days),
        manager_training_days: mix(from.manager_training_days, to.manager_training_days),
        audit_probability: mix(from.audit_probability, to.audit_probability),
        ground_truth: mix(from.ground_truth, to.ground_truth),
        consistency: mix(from.consistency, to.consistency),
        wip_limit: mix(f64::from(from.wip_limit), f64::from(to.wip_limit)).round() as u32,
    }
}

/// The preset called `name`.
pub fn preset(name: &str) -> Option<Levers> {
    PRESETS
        .iter()
        .find(|p| p.name == name)
        .map(|p| (p.levers)())
}

/// Per-lever overrides from a scenario file (`[policies.levers]`); every key optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kappa: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kpi_set: Option<KpiSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_period_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_stretch: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratchet: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub punishment: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subjective_weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_coach: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_monitor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_relate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_vision: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_individual: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<Style>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_cap: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_training_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_truth: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consistency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wip_limit: Option<u32>,
}

impl RawLevers {
    /// `base` with these overrides applied, every lever range-checked. `prefix` is the key path
    /// of the levers table, for error messages.
    pub fn apply(&self, base: &Levers, prefix: &str) -> Result<Levers, Invalid> {
        let key = |name: &str| format!("{prefix}.{name}");
        let unit = |name: &str, value: Option<f64>, default: f64| {
            check::probability(&key(name), value.unwrap_or(default))
        };
        let levers = Levers {
            kappa: unit("kappa", self.kappa, base.kappa)?,
            kpi_set: self.kpi_set.unwrap_or(base.kpi_set),
            review_period_days: check::range(
                &key("review_period_days"),
                self.review_period_days.unwrap_or(base.review_period_days),
                5.0,
                125.0,
            )?,
            target_stretch: check::range(
                &key("target_stretch"),
                self.target_stretch.unwrap_or(base.target_stretch),
                0.0,
                0.3,
            )?,
            ratchet: check::range(
                &key("ratchet"),
                self.ratchet.unwrap_or(base.ratchet),
                0.0,
                0.1,
            )?,
            punishment: unit("punishment", self.punishment, base.punishment)?,
            subjective_weight: unit(
                "subjective_weight",
                self.subjective_weight,
                base.subjective_weight,
            )?,
            time_coach: unit("time_coach", self.time_coach, base.time_coach)?,
            time_monitor: unit("time_monitor", self.time_monitor, base.time_monitor)?,
            time_relate: unit("time_relate", self.time_relate, base.time_relate)?,
            time_vision: unit("time_vision", self.time_vision, base.time_vision)?,
            time_individual: unit(
                "time_individual",
                self.time_individual,
                base.time_individual,
            )?,
            style: self.style.unwrap_or(base.style),
            experiment_time: check::range(
                &key("experiment_time"),
                self.experiment_time.unwrap_or(base.experiment_time),
                0.0,
                0.2,
            )?,
            failure_tolerance: unit(
                "failure_tolerance",
                self.failure_tolerance,
                base.failure_tolerance,
            )?,
            hours_cap: check::range(
                &key("hours_cap"),
                self.hours_cap.unwrap_or(base.hours_cap),
                37.5,
                60.0,
            )?,
            training_days: check::range(
                &key("training_days"),
                self.training_days.unwrap_or(base.training_days),
                0.0,
                15.0,
            )?,
            manager_training_days: check::range(
                &key("manager_training_days"),
                self.manager_training_days
                    .unwrap_or(base.manager_training_days),
                0.0,
                15.0,
            )?,
            audit_probability: unit(
                "audit_probability",
                self.audit_probability,
                base.audit_probability,
            )?,
            ground_truth: check::range(
                &key("ground_truth"),
                self.ground_truth.unwrap_or(base.ground_truth),
                0.0,
                0.4,
            )?,
            consistency: unit("consistency", self.consistency, base.consistency)?,
            wip_limit: check::count(
                &key("wip_limit"),
                u64::from(self.wip_limit.unwrap_or(base.wip_limit)),
                1,
                4,
            )? as u32,
        };
        let shares = levers.time_coach
            + levers.time_monitor
            + levers.time_relate
            + levers.time_vision
            + levers.time_individual;
        if (shares - 1.0).abs() > 1e-6 {
            return Err(Invalid::new(
                key("time_coach"),
                format!("the manager's five time shares sum to {shares:.4}"),
                "time_coach + time_monitor + time_relate + time_vision + time_individual = 1",
            ));
        }
        Ok(levers)
    }

    /// Every lever written out (for `scenario.resolved.toml`).
    pub fn from_levers(levers: &Levers) -> Self {
        RawLevers {
            kappa: Some(levers.kappa),
            kpi_set: Some(levers.kpi_set),
            review_period_days: Some(levers.review_period_days),
            target_stretch: Some(levers.target_stretch),
            ratchet: Some(levers.ratchet),
            punishment: Some(levers.punishment),
            subjective_weight: Some(levers.subjective_weight),
            time_coach: Some(levers.time_coach),
            time_monitor: Some(levers.time_monitor),
            time_relate: Some(levers.time_relate),
            time_vision: Some(levers.time_vision),
            time_individual: Some(levers.time_individual),
            style: Some(levers.style),
            experiment_time: Some(levers.experiment_time),
            failure_tolerance: Some(levers.failure_tolerance),
            hours_cap: Some(levers.hours_cap),
            training_days: Some(levers.training_days),
            manager_training_days: Some(levers.manager_training_days),
            audit_probability: Some(levers.audit_probability),
            ground_truth: Some(levers.ground_truth),
            consistency: Some(levers.consistency),
            wip_limit: Some(levers.wip_limit),
        }
    }
}

/// The presets as a table for `orgsim presets`: one row per lever, one column per preset.
pub fn presets_table() -> String {
    let presets: Vec<(&str, toml::Value)> = PRESETS
        .iter()
        .map(|p| {
            (
                p.name,
                toml::Value::try_from((p.levers)()).expect("levers serialize"),
            )
        })
        .collect();
    let mut out = String::new();
    for p in &PRESETS {
        out.push_str(&format!("{}: {}\n", p.name, p.summary));
    }
    out.push('\n');
    out.push_str(&format!("{:<24}", "lever"));
    for (name, _) in &presets {
        out.push_str(&format!("{name:>14}"));
    }
    out.push('\n');
    let levers = presets[0].1.as_table().expect("levers are a table");
    for lever in levers.keys() {
        out.push_str(&format!("{lever:<24}"));
        for (_, values) in &presets {
            let value = &values[lever.as_str()];
            let text = match value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push_str(&format!("{text:>14}"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blend_is_the_convex_combination_of_two_presets() {
        let (b, k) = (balanced(), kpi_heavy());
        assert_eq!(blend(&b, &k, 0.0), b);
        assert_eq!(blend(&b, &k, 1.0), k);
        // MODEL-SPEC's mid policy: κ = 0.55 sits 4/9 of the way from balanced to KPI-heavy.
        let mid = blend(&b, &k, 4.0 / 9.0);
        assert!((mid.kappa - 0.55).abs() < 1e-12, "{}", mid.kappa);
        assert!((mid.punishment - (0.1 + 0.7 * 4.0 / 9.0)).abs() < 1e-12);
        let shares = mid.time_coach
            + mid.time_monitor
            + mid.time_relate
            + mid.time_vision
            + mid.time_individual;
        assert!((shares - 1.0).abs() < 1e-12);
        assert_eq!(
            (mid.kpi_set, mid.style, mid.wip_limit),
            (b.kpi_set, b.style, 2)
        );
        let past_half = blend(&b, &k, 0.6);
        assert_eq!((past_half.kpi_set, past_half.style), (k.kpi_set, k.style));
    }

    #[test]
    fn presets_are_valid_and_complete() {
        for p in &PRESETS {
            let levers = (p.levers)();
            assert_eq!(
                RawLevers::default().apply(&levers, "levers").unwrap(),
                levers
            );
            assert_eq!(
                RawLevers::from_levers(&levers)
                    .apply(&kpi_heavy(), "levers")
                    .unwrap(),
                levers
            );
        }
    }

    #[test]
    fn overrides_are_range_checked() {
        let raw = RawLevers {
            kappa: Some(1.5),
            ..RawLevers::default()
        };
        let err = raw.apply(&balanced(), "policies[0].levers").unwrap_err();
        assert_eq!(err.key, "policies[0].levers.kappa");
        let raw = RawLevers {
            time_coach: Some(0.5),
            ..RawLevers::default()
        };
        assert!(
            raw.apply(&balanced(), "levers").is_err(),
            "time shares must sum to 1"
        );
    }

    #[test]
    fn presets_table_lists_every_lever() {
        let table = presets_table();
        assert!(table.contains("kappa") && table.contains("wip_limit"));
        assert!(table.contains("items-closed") && table.contains("adaptive"));
    }
}

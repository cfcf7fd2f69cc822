//! The update rules of the management model as pure functions (MODEL-SPEC C.7, R1–R15).
//!
//! Each function is one equation of docs/MODEL.md, with the same symbols and defaults. They
//! take plain numbers and return targets, shares or rates, so each can be unit-tested alone and
//! the event loop only wires them together. The calibrated coefficients (docs/MODEL.md section
//! 4) are runtime data, a [`Coefficients`] argument, so that scenario files can sweep them.

use super::params::Coefficients;

/// The logistic function σ(z) = 1 / (1 + e^(−z)).
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Working days per year.
pub const DAYS_PER_YEAR: f64 = 250.0;

/// R0 time constants [working days].
pub mod tau {
    /// Need satisfactions, clarity, usefulness, development.
    pub const NEEDS: f64 = 30.0;
    /// Autonomous motivation ι.
    pub const MOTIVATION: f64 = 90.0;
    /// Engagement g.
    pub const ENGAGEMENT: f64 = 40.0;
    /// Trust τ rising.
    pub const TRUST_UP: f64 = 90.0;
    /// Trust τ falling (Slovic asymmetry).
    pub const TRUST_DOWN: f64 = 15.0;
    /// Exhaustion x rising.
    pub const EXHAUSTION_UP: f64 = 30.0;
    /// Exhaustion x falling.
    pub const EXHAUSTION_DOWN: f64 = 60.0;
    /// Psychological safety ψ.
    pub const SAFETY: f64 = 60.0;
    /// Relationship capital r.
    pub const RELATIONSHIPS: f64 = 120.0;
    /// Hours h.
    pub const HOURS: f64 = 5.0;
}

/// Monitoring intensity Mon_k = 0.5 min(1, 10/P_rev) + 0.5 t_monitor/0.45.
pub fn monitoring(review_period: f64, time_monitor: f64) -> f64 {
    0.5 * (10.0 / review_period).min(1.0) + 0.5 * time_monitor / 0.45
}

/// Situational-leadership development level D1..D4 (index 0..3) from competence and
/// commitment = (ι + S)/2 (MODEL-SPEC C.1).
pub fn development_level(competence: f64, commitment: f64) -> usize {
    if competence >= 0.7 && commitment >= 0.6 {
        3
    } else if competence < 0.4 && commitment >= 0.55 {
        0
    } else if competence < 0.65 && commitment < 0.55 {
        1
    } else {
        2
    }
}

/// Directive behaviour each development level calls for, d*(D1..D4).
pub const DIRECTIVE_NEEDED: [f64; 4] = [0.9, 0.8, 0.3, 0.2];
/// Supportive behaviour each development level calls for, s*(D1..D4).
pub const SUPPORTIVE_NEEDED: [f64; 4] = [0.3, 0.8, 0.8, 0.3];

/// Inputs of the need-satisfaction targets (R1).
pub struct NeedInputs {
    pub kappa: f64,
    pub monitoring: f64,
    pub micro: f64,
    pub experiment_time: f64,
    pub competence: f64,
    pub success: f64,
    pub punished: f64,
    pub coaching: f64,
    pub trust: f64,
    pub safety: f64,
    pub one_on_one: f64,
    pub relationships: f64,
    pub vision: f64,
    pub kpi_clarity: f64,
    pub churn: f64,
    pub alignment: f64,
    pub customer_feedback: f64,
    pub training_days: f64,
}

/// R1 targets: (A*, S*, R*, C*, U*, Dev*), with the intercepts of `c` (by default MODEL-SPEC's).
pub fn need_targets(i: &NeedInputs, c: &Coefficients) -> [f64; 6] {
    [
        sigmoid(
            c.autonomy_intercept - 1.0 * i.kappa * i.monitoring - 1.5 * i.micro
                + 2.0 * i.experiment_time,
        ),
        sigmoid(
            c.efficacy_intercept + 2.0 * i.competence + 1.0 * i.success - 1.0 * i.punished
                + 0.5 * i.coaching,
        ),
        sigmoid(
            c.relatedness_intercept
                + 1.5 * i.trust
                + 1.0 * i.safety
                + 0.5 * i.one_on_one
                + 0.5 * i.relationships,
        ),
        sigmoid(
            c.clarity_intercept + 1.5 * i.vision + 0.8 * i.one_on_one + 0.6 * i.kpi_clarity
                - 1.0 * i.churn,
        ),
        sigmoid(c.usefulness_intercept + 2.0 * i.alignment + 0.5 * i.customer_feedback),
        sigmoid(c.development_intercept + 0.12 * i.training_days + 0.8 * i.coaching),
    ]
}

/// R2: autonomous motivation target ι* with crowding-out coefficient γ_co = 1.0.
#[allow(clippy::too_many_arguments)]
pub fn motivation_target(
    autonomy: f64,
    efficacy: f64,
    relatedness: f64,
    usefulness: f64,
    fit: f64,
    kappa: f64,
    autonomy_support: f64,
    c: &Coefficients,
) -> f64 {
    sigmoid(
        c.motivation_intercept
            + 1.5 * autonomy
            + 1.0 * efficacy
            + 0.8 * relatedness
            + 1.0 * usefulness
            + 0.5 * fit
            - 1.0 * kappa * (1.0 - autonomy_support),
    )
}

/// Inputs of the engagement target (R3).
pub struct EngagementInputs {
    pub motivation: f64,
    pub clarity: f64,
    pub development: f64,
    pub mastery_climate: f64,
    pub challenge: f64,
    pub hindrance: f64,
    pub exhaustion: f64,
    pub manager_engagement: f64,
    pub manager_skill: f64,
    pub offset: f64,
}

/// R3: engagement target g*, with the intercept and the manager-skill effect β_q of `c`.
pub fn engagement_target(i: &EngagementInputs, c: &Coefficients) -> f64 {
    sigmoid(
        c.engagement_intercept
            + 1.6 * i.motivation
            + 1.0 * i.clarity
            + 0.8 * i.development
            + 0.6 * i.mastery_climate
            + 0.8 * i.challenge
            - 1.5 * i.hindrance
            - 1.2 * i.exhaustion
            + 0.5 * (i.manager_engagement - 0.5)
            + c.manager_skill_effect * i.manager_skill
            + i.offset,
    )
}

/// R4: effort shares (M, Q, H, X) as the softmax of the four utilities.
#[allow(clippy::too_many_arguments)]
pub fn effort_shares(
    kappa: f64,
    pressure: f64,
    motivation: f64,
    mastery_climate: f64,
    relationships: f64,
    safety: f64,
    experiment_time: f64,
    failure_tolerance: f64,
    failure_punished_recently: f64,
) -> [f64; 4] {
    let z = [
        1.8 + 0.6 * kappa * pressure,
        1.2 * motivation + 0.4 * mastery_climate,
        -0.6 + 1.2 * motivation + 0.8 * relationships - 1.0 * kappa * pressure,
        -0.9 + 1.0 * motivation + 1.2 * safety + 4.0 * experiment_time
            - 1.0 * (1.0 - failure_tolerance)
            - 0.3 * failure_punished_recently,
    ];
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w = z.map(|zi| (zi - max).exp());
    let total: f64 = w.iter().sum();
    w.map(|wi| wi / total)
}

/// The hours curve H(h) [effective hours]: proportional to 49 h/week, flat beyond 63 (Pencavel).
pub fn effective_hours(hours: f64) -> f64 {
    if hours <= 49.0 {
        hours
    } else if hours <= 63.0 {
        49.0 + (hours - 49.0) * (1.0 - (hours - 49.0) / 28.0)
    } else {
        56.0
    }
}

/// R5: work rate [size units per working day] before availability.
#[allow(clippy::too_many_arguments)]
pub fn work_rate(
    competence: f64,
    ramp: f64,
    hours: f64,
    capability: f64,
    process: f64,
    burned_out: bool,
    engagement: f64,
    wip: u32,
) -> f64 {
    (0.3 + 0.7 * competence)
        * ramp
        * (effective_hours(hours) / effective_hours(40.0))
        * capability.sqrt()
        * process
        * if burned_out { 0.6 } else { 1.0 }
        * (0.92 + 0.16 * engagement)
        * (1.0 - 0.05 * (f64::from(wip) - 1.0).max(0.0))
}

/// Time constant of the onboarding ramp [working days] (Oxford Economics: 28 weeks to full
/// productivity, 96% at 140 d).
pub const RAMP_TAU: f64 = 47.0;

/// Onboarding ramp ρ(t) = 1 − 0.75 e^(−t/47), t days since hire (R15).
pub fn ramp(days_since_hire: f64) -> f64 {
    1.0 - 0.75 * (-days_since_hire / RAMP_TAU).exp()
}

/// R6, specific deterrence: the audit probability a team acts on, `days_since_caught` after its
/// last detected gaming act. A detection makes the next audit feel all but certain, and the
/// memory fades with time constant `memory_days` (`deterrence_days`, 90 by default):
/// p̃ = p_aud + (1 − p_aud)·e^(−t/τ) (assumption; after DeBacker et al. 2018, "once bitten,
/// twice shy": audited taxpayers report more for years after, and Kleven et al. 2011). A memory
/// of 0 days switches it off.
pub fn perceived_audit(audit_probability: f64, days_since_caught: f64, memory_days: f64) -> f64 {
    if memory_days <= 0.0 {
        return audit_probability;
    }
    audit_probability + (1.0 - audit_probability) * (-days_since_caught / memory_days).exp()
}

/// Effect of the near-miss memory Near on the log-odds of gaming (R6, Schweitzer et al. 2004).
pub const NEAR_MISS_GAMING: f64 = 1.5;

/// Log-odds of a probability in (0, 1).
pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// R6: gaming propensity π_G.
pub fn gaming_propensity(
    kappa: f64,
    pressure: f64,
    near_miss: f64,
    motivation: f64,
    trust: f64,
    audit_probability: f64,
    vision: f64,
) -> f64 {
    sigmoid(
        -5.2 + 3.0 * kappa * pressure + NEAR_MISS_GAMING * near_miss
            - 2.0 * motivation
            - 1.0 * trust
            - 3.0 * audit_probability
            + 1.0 * (1.0 - vision),
    )
}

/// R7: trust target τ*, with the intercept of `c`.
#[allow(clippy::too_many_arguments)]
pub fn trust_target(
    one_on_one: f64,
    manager_skill: f64,
    failure_tolerance: f64,
    consistency: f64,
    punishment_rate: f64,
    kappa: f64,
    supportive: f64,
    c: &Coefficients,
) -> f64 {
    sigmoid(
        c.trust_intercept
            + 1.2 * one_on_one
            + 0.6 * manager_skill
            + 1.0 * failure_tolerance
            + 0.8 * consistency
            - 1.5 * punishment_rate
            - 0.8 * kappa * (1.0 - supportive),
    )
}

/// R8: hours target h* [h/week] under cap `cap`, KPI pressure and unplanned backlog per head,
/// with the response to a missed target G_h of `c`.
pub fn hours_target(
    cap: f64,
    kappa: f64,
    pressure: f64,
    gap: f64,
    unplanned_per_head: f64,
    c: &Coefficients,
) -> f64 {
    let push = kappa * pressure * c.hours_gap_gain * (-gap).max(0.0)
        + 0.5 * (unplanned_per_head - 1.0).max(0.0);
    cap.min(40.0 + 10.0 * push)
}

/// R8: exhaustion target x*, with the intercept of `c`.
pub fn exhaustion_target(
    hours: f64,
    hindrance: f64,
    support: f64,
    autonomy: f64,
    offset: f64,
    c: &Coefficients,
) -> f64 {
    (c.exhaustion_intercept
        + 0.35 * (hours - 40.0).max(0.0) / 10.0
        + 0.30 * hindrance
        + 0.15 * (1.0 - support)
        - 0.10 * autonomy
        + offset)
        .clamp(0.0, 1.0)
}

/// Burnout onset threshold on exhaustion.
pub const BURNOUT_ON: f64 = 0.80;
/// Burnout recovery threshold on exhaustion.
pub const BURNOUT_OFF: f64 = 0.45;
/// Minimum days in burnout before recovery.
pub const BURNOUT_MIN_DAYS: f64 = 40.0;

/// R9: quality q, the probability that a completed item has no defect.
pub fn quality(
    competence: f64,
    capability: f64,
    quality_share: f64,
    motivation: f64,
    exhaustion: f64,
    rush: f64,
) -> f64 {
    (0.35
        + 0.25 * competence
        + 0.25 * capability
        + 0.15 * (quality_share / 0.2)
        + 0.10 * motivation
        - 0.25 * exhaustion
        - 0.15 * rush)
        .clamp(0.0, 1.0)
}

/// R9: rushing while the team is behind target: rush = κ P when gap < 0, else 0; in [κ, 2κ]
/// when behind (MODEL-SPEC R9). A team behind on a KPI that matters rushes even at neutral
/// felt pressure (P = 1), the more so the more the KPI matters (κ) and the harder it is pressed.
pub fn rush(kappa: f64, pressure: f64, gap: f64) -> f64 {
    if gap < 0.0 {
        kappa * pressure
    } else {
        0.0
    }
}

/// R9: capability stock dynamics dK/dt = g (1 − K) − d K as (target, time constant [days]).
pub fn capability_dynamics(mean_quality_share: f64, shortcut_rate: f64) -> (f64, f64) {
    let growth = 0.04 * mean_quality_share;
    let decay = 0.0013 + 0.0122 * shortcut_rate;
    (growth / (growth + decay), 1.0 / (growth + decay))
}

/// R10: competence dynamics dc/dt = a (1 − c) − 0.0004 c as (target, time constant [days]).
pub fn competence_dynamics(
    measured_share: f64,
    fit: f64,
    coaching_hours_per_day: f64,
    manager_skill: f64,
    match_quality: f64,
    training_days: f64,
) -> (f64, f64) {
    const SLT_EFFECT: f64 = 0.15;
    let growth = 0.0025 * measured_share * fit
        + 0.004
            * coaching_hours_per_day
            * (1.0 + 0.3 * manager_skill)
            * (1.0 + SLT_EFFECT * match_quality)
        + 0.0015 * training_days / 8.0;
    let decay = 0.0004;
    (growth / (growth + decay), 1.0 / (growth + decay))
}

/// R12: psychological safety target ψ*.
pub fn safety_target(
    supportive: f64,
    manager_skill: f64,
    failure_tolerance: f64,
    punishment_rate: f64,
    kappa: f64,
    monitoring: f64,
) -> f64 {
    sigmoid(
        -1.0 + 1.5 * supportive + 0.5 * manager_skill + 1.5 * failure_tolerance
            - 2.0 * punishment_rate
            - 1.0 * kappa * monitoring * (1.0 - supportive),
    )
}

/// R13: vision dynamics dv/dt = −v/90 + 0.075 t_vision (1 + 0.3 q) as (target, 90 d).
pub fn vision_dynamics(time_vision: f64, manager_skill: f64) -> (f64, f64) {
    (
        (90.0 * 0.075 * time_vision * (1.0 + 0.3 * manager_skill)).min(1.0),
        90.0,
    )
}

/// R13: alignment of team output with the true value direction.
pub fn alignment(vision: f64, direction_cos: f64, kappa: f64, kpi_cos: f64) -> f64 {
    vision * direction_cos.max(0.0)
        + (1.0 - vision) * (kappa * kpi_cos.max(0.0) + (1.0 - kappa) * 0.35)
}

/// R15: daily quit hazard [per working day], with the base hazard h₀ and the gradients β_g,
/// β_τ of `c`. MODEL-SPEC names β_g's calibration target: turnover in the top engagement
/// quartile 21-51% below the bottom quartile (Gallup Q12, a comparison of business units).
pub fn quit_hazard(
    engagement: f64,
    trust: f64,
    competence: f64,
    burned_out: bool,
    labor_market: f64,
    time_coach: f64,
    c: &Coefficients,
) -> f64 {
    c.quit_base_hazard
        * (c.quit_engagement_gradient * (0.54 - engagement) + c.quit_trust_gradient * (0.6 - trust)
            - 1.0 * (competence - 0.57))
            .exp()
        * if burned_out { 2.0 } else { 1.0 }
        * labor_market
        * (1.0 - 0.25 * (time_coach / 0.3).min(1.0))
}

/// R15 (manager exit): a manager's daily quit hazard [per working day], h₀·ℓ(t)·`factor`.
///
/// Assumption pending R16: the model has no manager engagement or exhaustion dynamics (g_j is
/// fixed at 0.5), so the hazard is R15's at the reference state, where every gradient term is
/// zero: the professionals' base rate h₀ of `c` (0.0007 per day by default) times the
/// labor-market factor ℓ(t), about 16% a year at ℓ = 1 and the default h₀. No one coaches the manager, so R15's attention term does not
/// apply. `factor` is the scenario's `manager_quit_factor` (0, the default, switches manager
/// exits off).
pub fn manager_quit_hazard(labor_market: f64, factor: f64, c: &Coefficients) -> f64 {
    c.quit_base_hazard * labor_market * factor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_behind_target_rushes_at_kappa_times_pressure() {
        assert_eq!(rush(0.5, 1.0, -0.01), 0.5);
        assert_eq!(rush(0.5, 1.6, -0.3), 0.8);
        assert_eq!(rush(0.5, 2.0, 0.0), 0.0);
        assert_eq!(rush(0.8, 2.0, 0.2), 0.0);
    }

    #[test]
    fn balanced_effort_shares_match_the_spec_table() {
        // MODEL-SPEC R4 table: Balanced ≈ (.56, .20, .10, .15) at ι .59, m .6, r .5, ψ .6.
        let e = effort_shares(0.35, 1.0, 0.59, 0.6, 0.5, 0.6, 0.10, 0.8, 0.0);
        assert!(
            (e[0] - 0.56).abs() < 0.02 && (e[1] - 0.20).abs() < 0.02,
            "{e:?}"
        );
        let k = effort_shares(0.8, 1.0, 0.59, 0.6, 0.35, 0.6, 0.02, 0.2, 0.0);
        assert!((k[0] - 0.72).abs() < 0.03, "KPI-heavy day 0 {k:?}");
        assert!((e.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hours_curve_is_pencavel() {
        assert_eq!(effective_hours(40.0), 40.0);
        assert_eq!(effective_hours(49.0), 49.0);
        assert!((effective_hours(63.0) - 56.0).abs() < 1e-12);
        assert_eq!(effective_hours(70.0), 56.0);
        // Marginal output falls to zero at 63 h.
        assert!(effective_hours(62.9) < effective_hours(63.0));
    }

    #[test]
    fn capability_steady_states_match_the_spec() {
        let (balanced, tau) = capability_dynamics(0.20, 0.0);
        assert!(
            (balanced - 0.86).abs() < 0.01 && (tau - 107.5).abs() < 1.0,
            "{balanced} {tau}"
        );
        let (kpi, _) = capability_dynamics(0.14, 0.2);
        assert!((kpi - 0.62).abs() < 0.03, "{kpi}");
    }

    #[test]
    fn quit_hazard_is_near_twelve_percent_a_year_with_balanced_coaching() {
        // Reference state with the balanced preset's coaching time (0.30): about 12% a year.
        let c = Coefficients::default();
        let yearly =
            1.0 - (-quit_hazard(0.54, 0.6, 0.57, false, 1.0, 0.3, &c) * DAYS_PER_YEAR).exp();
        assert!((yearly - 0.125).abs() < 0.01, "{yearly}");
    }

    #[test]
    fn manager_quit_hazard_is_about_sixteen_percent_a_year() {
        let c = Coefficients::default();
        let yearly = 1.0 - (-manager_quit_hazard(1.0, 1.0, &c) * DAYS_PER_YEAR).exp();
        assert!((yearly - 0.161).abs() < 0.002, "{yearly}");
        assert_eq!(manager_quit_hazard(1.3, 0.0, &c), 0.0);
    }

    #[test]
    fn gaming_propensity_matches_calibration() {
        let balanced = gaming_propensity(0.35, 1.0, 0.0, 0.59, 0.6, 0.10, 0.6);
        let kpi = gaming_propensity(0.8, 1.0, 0.0, 0.59, 0.6, 0.05, 0.6);
        assert!(
            balanced < 0.01 && (0.01..0.06).contains(&kpi),
            "{balanced} {kpi}"
        );
    }

    #[test]
    fn a_detection_makes_audits_feel_certain_for_a_while() {
        assert!((perceived_audit(0.1, 0.0, 90.0) - 1.0).abs() < 1e-12);
        let after_tau = 0.1 + 0.9 * (-1.0_f64).exp();
        assert!((perceived_audit(0.1, 90.0, 90.0) - after_tau).abs() < 1e-12);
        assert_eq!(perceived_audit(0.1, f64::INFINITY, 90.0), 0.1);
        // Switched off: the policy's audit probability, also at the moment of detection.
        assert_eq!(perceived_audit(0.1, 0.0, 0.0), 0.1);
    }

    #[test]
    fn development_levels() {
        assert_eq!(development_level(0.8, 0.7), 3);
        assert_eq!(development_level(0.3, 0.6), 0);
        assert_eq!(development_level(0.5, 0.4), 1);
        assert_eq!(development_level(0.68, 0.5), 2);
    }
}

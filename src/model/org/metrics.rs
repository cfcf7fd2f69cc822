//! The metrics the management model records: weekly on the grid and at the horizon.

use crate::model::MetricSpec;

const fn m(
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
    }
}

/// Series metrics, recorded at every grid point (and, with [`EXTRA_OUTCOMES`], at the horizon).
pub const SERIES: [MetricSpec; 42] = [
    m("true_value_rate", "True value rate", "S per working day", "Value customers actually got over the trailing 21 working days, per day, net of defect harm (S = one annual salary)."),
    m("true_value_cumulative", "True value (cumulative)", "S", "Value delivered to customers since day 0, net of defect harm."),
    m("j_true", "Net true value J_true", "S", "True value net of wages and hiring costs since day 0, without terminal value (MODEL-SPEC C.6)."),
    m("results_index", "Results index", "S per person-year", "True value rate per present team member, per year: the results axis of the trade-off chart."),
    m("relationships_index", "Relationships index", "index 0-1", "Mean of trust in the manager, relatedness, psychological safety and cross-team relationship capital: the relationships axis."),
    m("reported_output", "Reported output", "items per week", "Planned items reported done per week over the trailing 21 days (y1, the same definition under every policy), false 'done' included."),
    m("reported_kpi", "Reported KPI attainment", "share of target", "Each team's reported KPI over its target at its last review (each policy's own KPI set), team mean."),
    m("kpi_truth_gap", "KPI-truth gap", "(implied - true) / true", "(KPI-implied value - true value) / true value, cumulative: how far what the dashboard implies (unbiased a-priori estimates of reported items) runs ahead of what customers got; 0 = the KPI tells the truth."),
    m("items_closed_cumulative", "Items reported done (cumulative)", "items", "Planned items reported done since day 0 (y1), false 'done' included."),
    m("size_completed_cumulative", "Planned work truly completed (cumulative)", "person-days", "Size-weighted planned throughput: size of planned items truly completed since day 0."),
    m("engagement_mean", "Engagement", "index 0-1", "Mean latent engagement g of team members."),
    m("engaged_share", "Engaged", "share of staff", "Share of members with g >= 0.65 (Gallup 'engaged')."),
    m("disengaged_share", "Actively disengaged", "share of staff", "Share of members with g < 0.35 (Gallup 'actively disengaged')."),
    m("autonomous_motivation", "Autonomous motivation", "index 0-1", "Mean autonomous (task) motivation iota."),
    m("need_autonomy", "Autonomy", "index 0-1", "Mean satisfaction of the need for autonomy A (motivation factor: self-determination)."),
    m("need_efficacy", "Self-efficacy", "index 0-1", "Mean self-efficacy S, mestringstro (motivation factor: mastery belief)."),
    m("need_relatedness", "Relatedness", "index 0-1", "Mean relatedness R (motivation factor: belonging)."),
    m("role_clarity", "Role clarity", "index 0-1", "Mean role and goal clarity C (motivation factor: clear goals)."),
    m("usefulness", "Usefulness of the work", "index 0-1", "Mean perceived usefulness U (motivation factor: meaningful, prosocial work)."),
    m("development", "Development opportunity", "index 0-1", "Mean perceived development opportunity Dev (motivation factor: growth)."),
    m("trust", "Trust in the manager", "index 0-1", "Mean trust tau of members in their manager."),
    m("psychological_safety", "Psychological safety", "index 0-1", "Mean team psychological safety psi."),
    m("exhaustion_mean", "Exhaustion", "index 0-1", "Mean exhaustion x."),
    m("high_exhaustion_share", "Exhaustion 0.5 or more", "share of staff", "Share of members with x >= 0.5 (compare Gallup's 23% burned out very often or always)."),
    m("burnout_share", "Burnout prevalence", "share of staff", "Share of members in the burnout state."),
    m("hours", "Hours worked", "h per week", "Mean weekly hours of present members."),
    m("competence", "Competence", "index 0-1", "Mean task competence c."),
    m("capability", "Capability stock", "index 0-1", "Mean capability stock K (1 - technical debt) of teams."),
    m("vision", "Shared vision", "index 0-1", "Mean team vision clarity v."),
    m("alignment", "Alignment", "index 0-1", "Mean alignment a of team output with the true value direction."),
    m("quits_cumulative", "Quits (cumulative)", "people", "Voluntary exits since day 0."),
    m("hiring_cost_cumulative", "Hiring cost (cumulative)", "S", "Direct hiring costs since day 0 (0.2 S per hire)."),
    m("defects_cumulative", "Escaped defects (cumulative)", "items", "Defects that escaped into use since day 0."),
    m("false_done_cumulative", "False 'done' (cumulative)", "items", "Items reported done before they were (premature closure, gaming channel G1)."),
    m("gaming_detected_cumulative", "Gaming detected (cumulative)", "acts", "Gaming acts found by audits since day 0."),
    m("experiments_cumulative", "Experiments run (cumulative)", "experiments", "Experiments started since day 0."),
    m("help_acceptance", "Help accepted", "share of requests", "Share of cross-team help requests accepted since day 0."),
    m("effort_measured", "Effort on measured delivery", "share of time", "Mean effort share M on planned, measured delivery."),
    m("effort_quality", "Effort on quality", "share of time", "Mean effort share Q on quality, maintenance and rework."),
    m("effort_help", "Effort on help", "share of time", "Mean effort share H on help and relationships."),
    m("effort_explore", "Effort on exploration", "share of time", "Mean effort share X on exploration and experiments."),
    m("gaming_propensity", "Gaming propensity", "probability", "Mean gaming propensity pi_G of members."),
];

/// Outcomes recorded only at the horizon, after the series values.
pub const EXTRA_OUTCOMES: [MetricSpec; 27] = [
    m("terminal_value", "Terminal value", "S", "125 working days of the organization's capacity to deliver true value at the horizon (MODEL-SPEC C.6)."),
    m("j_true_with_tv", "Net true value with terminal value", "S", "J_true plus terminal value: the objective a policy should be judged on."),
    m("turnover_annual", "Annual voluntary turnover", "share of positions per year", "Quits per position per year over the horizon."),
    m("misreports_cumulative", "Threshold misreports", "reviews", "Reviews at which a near miss was reported as meeting the target (gaming channel G3)."),
    m("reported_gaps_just_above", "Reported just above target", "reviews", "Reviews from day 125 whose reported gap to target is in [0, 0.02)."),
    m("reported_gaps_just_below", "Reported just below target", "reviews", "Reviews from day 125 whose reported gap to target is in [-0.02, 0)."),
    m("true_gaps_just_above", "Truly just above target", "reviews", "Reviews from day 125 whose un-gamed gap to target is in [0, 0.02)."),
    m("true_gaps_just_below", "Truly just below target", "reviews", "Reviews from day 125 whose un-gamed gap to target is in [-0.02, 0)."),
    m("items_closed_q1", "Items reported done, first quarter", "items", "Planned items reported done in days 0-63 (y1), false 'done' included."),
    m("size_completed_q1", "Planned work completed, first quarter", "person-days", "Size-weighted planned throughput in days 0-63."),
    m("true_value_q1", "True value, first quarter", "S", "Value delivered to customers in days 0-63, net of defect harm."),
    m("engagement_q1", "Engagement at day 63", "index 0-1", "Mean engagement at the end of the first quarter."),
    m("decoupling_early_n", "Early windows", "team-windows", "Review windows up to day 125 (after the baseline quarter): count, for the KPI-value correlation of SF-06."),
    m("decoupling_early_sum_items", "Early windows: sum of items", "items", "Sum over early windows of items reported done."),
    m("decoupling_early_sum_value", "Early windows: sum of true value", "S", "Sum over early windows of true value delivered."),
    m("decoupling_early_sum_items_sq", "Early windows: sum of items squared", "items^2", "Sum of squares of items reported done per early window."),
    m("decoupling_early_sum_value_sq", "Early windows: sum of true value squared", "S^2", "Sum of squares of true value per early window."),
    m("decoupling_early_sum_product", "Early windows: sum of products", "items x S", "Sum over early windows of items times true value."),
    m("decoupling_late_n", "Late windows", "team-windows", "Review windows from day 375: count."),
    m("decoupling_late_sum_items", "Late windows: sum of items", "items", "Sum over late windows of items reported done."),
    m("decoupling_late_sum_value", "Late windows: sum of true value", "S", "Sum over late windows of true value delivered."),
    m("decoupling_late_sum_items_sq", "Late windows: sum of items squared", "items^2", "Sum of squares of items reported done per late window."),
    m("decoupling_late_sum_value_sq", "Late windows: sum of true value squared", "S^2", "Sum of squares of true value per late window."),
    m("decoupling_late_sum_product", "Late windows: sum of products", "items x S", "Sum over late windows of items times true value."),
    m("attainment_spread_year1", "Year 1: spread of attainment across teams", "share of target", "SD across teams of each team's mean reported attainment (reported KPI over target) at its reviews after the baseline quarter, up to day 250."),
    m("attainment_spread_year2", "Year 2: spread of attainment across teams", "share of target", "SD across teams of each team's mean reported attainment at its reviews after day 250."),
    m("teams_misreporting_share", "Team-years with a misreport", "share of team-years", "Share of team-years (whole years inside the horizon) with at least one threshold misreport (G3): a near miss reported as meeting the target, which an audit would catch."),
];

/// Index of a series metric by name (panics on an unknown name: a programming error).
pub const fn index(name: &str) -> usize {
    let mut i = 0;
    while i < SERIES.len() {
        if str_eq(SERIES[i].name, name) {
            return i;
        }
        i += 1;
    }
    panic!("unknown metric");
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

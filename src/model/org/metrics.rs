//! The metrics the management model records: weekly on the grid and at the horizon.

use crate::model::MetricSpec;

/// [`MetricSpec::new`], short for the tables below.
const fn m(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    description: &'static str,
) -> MetricSpec {
    MetricSpec::new(name, label, unit, description)
}

/// Series metrics, recorded at every grid point (and, with [`EXTRA_OUTCOMES`], at the horizon).
pub const SERIES: [MetricSpec; 46] = [
    m("true_value_rate", "True value rate", "S per working day", "Value customers actually got over the trailing 21 working days, per day, net of defect harm (S = one annual salary)."),
    m("true_value_cumulative", "True value (cumulative)", "S", "Value delivered to customers since day 0, net of defect harm."),
    m("j_true", "Net true value J_true", "S", "True value net of wages and hiring costs since day 0, without terminal value (MODEL-SPEC C.6)."),
    m("results_index", "Results index", "S per person-year", "True value rate per present team member, per year: the results axis of the trade-off chart."),
    m("relationships_index", "Relationships index", "index 0-1", "Mean of trust in the manager, relatedness, psychological safety and cross-team relationship capital: the relationships axis."),
    m("reported_output", "Reported output", "items per week", "Planned items reported done per week over the trailing 21 days (y1, the same definition under every policy), false 'done' included."),
    m("reported_kpi", "Reported KPI attainment", "share of target", "Each team's reported KPI over its target at its last review (each policy's own KPI set), team mean."),
    m("kpi_truth_gap", "KPI-truth gap", "(implied - true) / true", "(KPI-implied value - true value) / true value since day 63, where the KPI is read at the first quarter's true value per unit of reported output: how far the dashboard has drifted ahead of what customers got since the baseline; 0 = the KPI still tells the truth it told in the first quarter. Empty before day 126.").undefined_because("the first quarter sets the KPI's value rate, and the gap needs a full quarter after it"),
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
    m("process_improvement", "Process improvement", "multiplier", "Mean team process-improvement multiplier Pi from successful experiments (R12); it multiplies every member's work rate (R5) and starts at 1."),
    m("staffed_share", "Positions filled", "share of positions", "Share of member positions filled (vacancies after quits lower it), averaged over the grid interval that ends at the grid day."),
    m("incident_share", "On incidents", "share of staff", "Share of present members working on an incident (unplanned work that pre-empts everything, E2), averaged over the grid interval that ends at the grid day (present person-days on incidents / present person-days)."),
    m("vision", "Shared vision", "index 0-1", "Mean team vision clarity v."),
    m("alignment", "Alignment", "index 0-1", "Mean alignment a of team output with the true value direction."),
    m("quits_cumulative", "Quits (cumulative)", "people", "Voluntary exits of team members since day 0."),
    m("manager_quits_cumulative", "Manager quits (cumulative)", "people", "Managers who left since day 0 (R15, manager exit; none unless the scenario sets manager_quit_factor above 0)."),
    m("hiring_cost_cumulative", "Hiring cost (cumulative)", "S", "Direct hiring costs since day 0 (0.2 S per member hire, 0.3 S per manager hire)."),
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
pub const EXTRA_OUTCOMES: [MetricSpec; 47] = [
    m("terminal_value", "Terminal value", "S", "125 working days of the organization's capacity at the horizon, on its state only: R5 work rates of staff not on notice at 40 h and one item in progress, and of managers in post at a 0.30 individual-contributor share, at 0.008 S per person-day (MODEL-SPEC C.6)."),
    m("manager_output_cumulative", "Managers' own work (cumulative)", "S", "Value of the managers' individual-contributor work since day 0, part of the true value: each manager's t_IC share of a 45 h week at R5's work rate, scaled by their effectiveness (vacancy, notice, ramp) and valued at the team's alignment."),
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
    m("decoupling_early_n", "Early windows", "team-windows", "Review windows up to day 125 (baseline reviews included, each covering the days since the previous review): count, for the KPI-value correlation of SF-06."),
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
    m("replacement_cost_mean", "Replacement cost per leaver", "S per leaver", "Mean cost of replacing a member who quit: output lost in the notice period, the vacancy and the replacement's onboarding ramp, valued at the team's realised true value per present person-day, plus the direct hiring cost (SF-11). Leavers are the quits up to the horizon."),
    m("replacement_cost_notice", "Replacement cost: notice", "S", "Sum over leavers of the output lost in the notice period (half effort, no new planned items), valued at the team's realised true value per present person-day."),
    m("replacement_cost_vacancy", "Replacement cost: vacancy", "S", "Sum over leavers of the output lost while the position was vacant (the time to fill as drawn, also past the horizon), at the team's realised true value per present person-day."),
    m("replacement_cost_ramp", "Replacement cost: ramp", "S", "Sum over leavers of their replacement's onboarding shortfall, the integral of 1 - ramp over the replacement's tenure (the remainder after the horizon in closed form), at the team's realised true value per present person-day."),
    m("replacement_cost_hiring", "Replacement cost: hiring", "S", "Direct hiring cost of the leavers' replacements, 0.2 S each (hires falling after the horizon included)."),
    m("realised_value_per_person_day", "Realised value per present person-day", "S per person-day", "True value delivered net of the harm of repaired defects, per person-day of present members, over the horizon: the rate at which lost person-days are valued."),
    m("burned_out_quit_exposure", "Exposure to quitting, burned out", "person-days", "Person-days present and not on notice in the burnout state (SF-12 quit-hazard ratio)."),
    m("other_quit_exposure", "Exposure to quitting, not burned out", "person-days", "Person-days present and not on notice outside the burnout state."),
    m("burned_out_quits", "Notices given while burned out", "people", "Resignation notices given in the burnout state."),
    m("other_quits", "Notices given while not burned out", "people", "Resignation notices given outside the burnout state."),
    m("burned_out_sick_exposure", "Exposure to sickness, burned out", "person-days", "Person-days present and not absent in the burnout state: at risk of starting a sickness absence (SF-12 sick-day ratio)."),
    m("other_sick_exposure", "Exposure to sickness, not burned out", "person-days", "Person-days present and not absent outside the burnout state."),
    m("burned_out_sick_spells", "Sickness absences begun while burned out", "spells", "Sickness absences (E14) that began in the burnout state; burnout leave excluded."),
    m("other_sick_spells", "Sickness absences begun while not burned out", "spells", "Sickness absences (E14) that began outside the burnout state."),
    m("burned_out_sick_days", "Sick days while burned out", "person-days", "Days absent through sickness (E14) in the burnout state; burnout leave excluded."),
    m("other_sick_days", "Sick days while not burned out", "person-days", "Days absent through sickness (E14) outside the burnout state."),
    m("burned_out_present_days", "Present days, burned out", "person-days", "Person-days present (absences included) in the burnout state."),
    m("other_present_days", "Present days, not burned out", "person-days", "Person-days present (absences included) outside the burnout state."),
    m("burnout_leave_days", "Burnout leave", "person-days", "Days absent on the leave that begins with 30% of burnout onsets."),
];

/// Per-team outcomes, recorded after [`EXTRA_OUTCOMES`] for teams 1, 2, ... in this order
/// (names get the team number as a suffix, e.g. `team_engagement_3`): the engagement gradient
/// of SF-11 pools them across replications.
pub const TEAM_OUTCOMES: [MetricSpec; 4] = [
    m("team_engagement", "Team engagement", "index 0-1", "Time average of the team's mean engagement g over present members, sampled at every weekly team update."),
    m("team_quits", "Team quits", "people", "Voluntary exits from the team up to the horizon."),
    m("team_person_years", "Team exposure", "person-years", "Person-years present in the team up to the horizon (vacancies excluded): the denominator of the team's turnover rate."),
    m("team_true_value", "Team true value", "S", "True value the team members' planned work delivered up to the horizon (aligned, discounted for delay, C.6), net of the harm of its repaired defects; wages, open defects and terminal value are counted only organization-wide."),
];

/// Per-team time series, recorded after [`SERIES`] for teams 1, 2, ... in this order (names
/// get the team number as a suffix, e.g. `team_engagement_mean_3`), when a scenario's teams
/// differ and there are at most [`MAX_TEAMS_WITH_SERIES`] of them.
pub const TEAM_SERIES: [MetricSpec; 3] = [
    m("team_engagement_mean", "Team engagement", "index 0-1", "Mean latent engagement g of the team's present members."),
    m("team_trust", "Team trust in the manager", "index 0-1", "Mean trust of the team's present members in their manager."),
    m("team_true_value_cumulative", "Team true value (cumulative)", "S", "True value the team members' planned work delivered since day 0, net of the harm of its repaired defects (as the outcome team_true_value)."),
];

/// Most teams for which a run records [`TEAM_SERIES`]: beyond it the time series would grow
/// with the organization, and the per-team outcomes remain.
pub const MAX_TEAMS_WITH_SERIES: usize = 12;

/// The per-team outcomes of `teams` teams, team by team in [`TEAM_OUTCOMES`] order.
pub fn team_outcomes(teams: usize) -> Vec<MetricSpec> {
    numbered_per_team(&TEAM_OUTCOMES, teams)
}

/// The per-team series of `teams` teams, team by team in [`TEAM_SERIES`] order.
pub fn team_series(teams: usize) -> Vec<MetricSpec> {
    numbered_per_team(&TEAM_SERIES, teams)
}

fn numbered_per_team(specs: &'static [MetricSpec], teams: usize) -> Vec<MetricSpec> {
    (0..teams)
        .flat_map(|k| {
            specs.iter().map(move |spec| {
                let (name, label) = team_names(spec, k + 1);
                MetricSpec {
                    name,
                    label,
                    ..*spec
                }
            })
        })
        .collect()
}

/// Name and label of a per-team metric `spec` of team number `team` (counting from 1), e.g.
/// `team_quits_3` and "Team quits, team 3". [`MetricSpec`] holds `&'static str`, so each name
/// is built once per process and kept: the memory held is bounded by the largest organization
/// run.
fn team_names(spec: &'static MetricSpec, team: usize) -> (&'static str, &'static str) {
    use std::collections::HashMap;
    use std::sync::Mutex;
    type Names = HashMap<(&'static str, usize), (&'static str, &'static str)>;
    static NAMES: Mutex<Option<Names>> = Mutex::new(None);
    let mut names = NAMES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *names
        .get_or_insert_with(HashMap::new)
        .entry((spec.name, team))
        .or_insert_with(|| {
            (
                Box::leak(format!("{}_{team}", spec.name).into_boxed_str()),
                Box::leak(format!("{}, team {team}", spec.label).into_boxed_str()),
            )
        })
}

/// Index of an outcome of [`EXTRA_OUTCOMES`] among all outcomes, i.e. after the series
/// metrics (panics on an unknown name: a programming error). The model evaluates it in const
/// context (`const { outcome_index("...") }`), so a misspelt name fails the build.
pub const fn outcome_index(name: &str) -> usize {
    let mut i = 0;
    while i < EXTRA_OUTCOMES.len() {
        if str_eq(EXTRA_OUTCOMES[i].name, name) {
            return SERIES.len() + i;
        }
        i += 1;
    }
    panic!("unknown outcome");
}

/// Index of a series metric by name (panics on an unknown name: a programming error). The model
/// evaluates it in const context, like [`outcome_index`].
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

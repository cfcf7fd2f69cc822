//! Organizations whose teams differ (`[[organization.team]]`): each team's size and starting
//! state reach the model, teams given alike as tables run exactly as the `teams` shorthand,
//! and the run reports outcomes per team.

use std::path::Path;

use orgsim::model::org::metrics::{EXTRA_OUTCOMES, SERIES, TEAM_OUTCOMES};
use orgsim::model::{self, Record};
use orgsim::montecarlo;
use orgsim::scenario::{self, Scenario};
use orgsim::stats::Welford;

use crate::common::orgsim_ok;

const HEAD: &str = "name = \"teams\"\nhorizon_days = 250\n";
const BALANCED: &str = "[[policies]]\nname = \"balanced\"\npreset = \"balanced\"\n";

fn parse(seed: u64, replications: u64, organization: &str) -> Scenario {
    let text = format!(
        "{HEAD}seed = {seed}\nreplications = {replications}\n[output]\ngrid_days = 25\n\
         [organization]\n{organization}\n{BALANCED}"
    );
    scenario::parse(Path::new("teams.toml"), &text).expect("test scenario is valid")
}

fn records(scenario: &Scenario) -> Vec<Record> {
    let sim = model::build(scenario);
    montecarlo::collect_records(sim.as_ref(), 0, scenario.seed, 0..scenario.replications)
}

/// Per replication, per-team outcome `metric` (a [`TEAM_OUTCOMES`] name) of team `team`
/// (numbered from 1).
fn team_outcome(records: &[Record], metric: &str, team: usize) -> Vec<f64> {
    let j = TEAM_OUTCOMES
        .iter()
        .position(|m| m.name == metric)
        .expect("a per-team outcome");
    let at = SERIES.len() + EXTRA_OUTCOMES.len() + TEAM_OUTCOMES.len() * (team - 1) + j;
    records.iter().map(|r| r.outcomes[at]).collect()
}

/// 95% interval of the paired difference a − b across replications.
fn paired(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let mut w = Welford::default();
    for (x, y) in a.iter().zip(b) {
        w.push(x - y);
    }
    let (lo, hi) = w.ci95();
    (w.mean(), lo, hi)
}

#[test]
fn teams_given_as_alike_tables_run_exactly_as_the_shorthand() {
    // Not the defaults, so a parser that ignored the tables would not pass.
    let shorthand = parse(
        5,
        6,
        "teams = 4\nteam_size = 5\ninitial_competence_mean = 0.5\n\
         initial_motivation_mean = 0.7\ninitial_trust = 0.4",
    );
    let tables = parse(
        5,
        6,
        "team_size = 5\ninitial_trust = 0.4\n[[organization.team]]\ncount = 4\n\
         competence_mean = 0.5\nmotivation_mean = 0.7",
    );
    let spelt_out = parse(
        5,
        6,
        &(1..=4)
            .map(|k| {
                format!(
                    "[[organization.team]]\nname = \"team {k}\"\nsize = 5\ncompetence_mean = 0.5\n\
                     motivation_mean = 0.7\ntrust = 0.4\n"
                )
            })
            .collect::<String>(),
    );
    assert_eq!(shorthand.to_resolved_toml(), tables.to_resolved_toml());
    assert_eq!(shorthand.to_resolved_toml(), spelt_out.to_resolved_toml());
    assert!(shorthand
        .to_resolved_toml()
        .contains("teams = 4\nteam_size = 5\n"));
    let a = records(&shorthand);
    for other in [&tables, &spelt_out] {
        let b = records(other);
        let bits = |r: &Record| -> Vec<u64> {
            r.outcomes
                .iter()
                .chain(&r.series)
                .map(|x| x.to_bits())
                .collect()
        };
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(bits(x), bits(y));
        }
    }
}

/// Each team's starting state acts through its own mechanism. Six teams in one organization
/// under the balanced preset (seed 12, 80 replications, 250 days); team 1 has the defaults
/// and each other team differs in one thing. The first managers' skill is set (0, and 2 for
/// "well led") rather than drawn, so it does not blur the other comparisons. Differences are paired within a replication
/// (the teams share the organization's disturbances), and each 95% interval must exclude 0.
#[test]
fn a_teams_starting_state_carries_through_its_mechanism() {
    let scenario = parse(
        12,
        80,
        "[[organization.team]]\nname = \"default\"\nmanager_skill = 0.0\n\
         [[organization.team]]\nname = \"skilled\"\ncompetence_mean = 0.85\nmanager_skill = 0.0\n\
         [[organization.team]]\nname = \"committed\"\nmotivation_mean = 0.85\nmanager_skill = 0.0\n\
         [[organization.team]]\nname = \"well led\"\nmanager_skill = 2.0\n\
         [[organization.team]]\nname = \"small\"\nsize = 3\nmanager_skill = 0.0\n\
         [[organization.team]]\nname = \"distrustful\"\ntrust = 0.2\nmanager_skill = 0.0\n",
    );
    let r = records(&scenario);
    let value = |k| team_outcome(&r, "team_true_value", k);
    let engagement = |k| team_outcome(&r, "team_engagement", k);

    // R5: output rises with competence (0.3 + 0.7c).
    let (d, lo, hi) = paired(&value(2), &value(1));
    println!("skilled - default, true value: {d:+.3} S ({lo:+.3} to {hi:+.3})");
    assert!(lo > 0.0);
    // R3: engagement rises with autonomous motivation (1.6ι in g*).
    let (d, lo, hi) = paired(&engagement(3), &engagement(1));
    println!("committed - default, engagement: {d:+.4} ({lo:+.4} to {hi:+.4})");
    assert!(lo > 0.0);
    // R3: engagement rises with the manager's skill (β_q·q_j).
    let (d, lo, hi) = paired(&engagement(4), &engagement(1));
    println!("well led - default, engagement: {d:+.4} ({lo:+.4} to {hi:+.4})");
    assert!(lo > 0.0);
    // Starting trust reaches the people: at day 0 the organization's mean trust is the
    // members' mean of their teams' settings (0.2 for 7 members, 0.6 for 28, and 0.6 for the
    // 3 of "small"). Its effect on the team's outcomes fades as trust recovers under this
    // policy (90 d up): the two-year engagement difference is -0.002 (-0.015 to +0.011), so it
    // is not asserted.
    let expected = (7.0 * 0.2 + 31.0 * 0.6) / 38.0;
    for record in &r {
        let day0 = record.series[SERIES.iter().position(|m| m.name == "trust").unwrap()];
        assert!((day0 - expected).abs() < 1e-12, "{day0} vs {expected}");
    }
    // A team of 3 has at most 3 positions' exposure, and it is staffed most of the time.
    let years = 250.0 / 250.0;
    for (k, size) in [(1, 7.0), (5, 3.0)] {
        let exposure = team_outcome(&r, "team_person_years", k);
        let mean = exposure.iter().sum::<f64>() / exposure.len() as f64;
        println!("team {k}: {mean:.3} person-years of {size}");
        assert!(exposure.iter().all(|&x| x <= size * years + 1e-9));
        assert!(mean > 0.8 * size * years);
    }
}

#[test]
fn a_run_prints_outcomes_per_team_when_teams_differ() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEAD}seed = 3\nreplications = 4\n[organization]\n\
         [[organization.team]]\nname = \"platform\"\ncount = 2\ncompetence_mean = 0.7\n\
         [[organization.team]]\nname = \"new product\"\nsize = 4\n{BALANCED}"
    );
    std::fs::write(dir.path().join("t.toml"), text).unwrap();
    let out = orgsim_ok(dir.path(), &["run", "t.toml", "--no-charts"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("By team"), "{stdout}");
    for row in ["platform 1 (7)", "platform 2 (7)", "new product (4)"] {
        assert!(stdout.contains(row), "{row}: {stdout}");
    }
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("output/teams/summary.json")).unwrap(),
    )
    .unwrap();
    let teams = summary["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 3);
    assert_eq!(teams[2]["name"], "new product");
    assert_eq!(teams[2]["size"], 4);
    assert!(teams[2]["manager_skill"].is_null());
}

/// One `[[organization.team]]` table of the round-trip property, as TOML.
fn team_table() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let name = proptest::option::of(prop_oneof![
        Just("platform".to_string()),
        Just("team 2".to_string()),
        Just("équipe \"ops\" / α".to_string()),
        Just("platform 1".to_string()),
        "[a-z]{1,8}",
        "[a-z]{55,60}",
    ]);
    (
        name,
        proptest::option::of(1u64..4),
        proptest::option::of(1u64..12),
        proptest::option::of(0.05f64..0.95),
        proptest::option::of(0.05f64..0.95),
        proptest::option::of(0.0f64..1.0),
        proptest::option::of(-3.0f64..3.0),
    )
        .prop_map(
            |(name, count, size, competence, motivation, trust, skill)| {
                let mut t = String::from("[[organization.team]]\n");
                let mut key = |k: &str, v: Option<String>| {
                    if let Some(v) = v {
                        t.push_str(&format!("{k} = {v}\n"));
                    }
                };
                key("name", name.map(|n| format!("{n:?}")));
                key("count", count.map(|c| c.to_string()));
                key("size", size.map(|s| s.to_string()));
                key("competence_mean", competence.map(|x| format!("{x:?}")));
                key("motivation_mean", motivation.map(|x| format!("{x:?}")));
                key("trust", trust.map(|x| format!("{x:?}")));
                key("manager_skill", skill.map(|x| format!("{x:?}")));
                t
            },
        )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever teams a valid scenario describes (alike or not, named or numbered, with
    /// organization-wide defaults or without), its resolved form parses to the same scenario,
    /// and resolving that again gives the same text.
    #[test]
    fn resolved_organization_parses_back_to_the_same_scenario(
        tables in proptest::collection::vec(team_table(), 0..5),
        team_size in proptest::option::of(1u64..10),
        teams in proptest::option::of(1u64..8),
        motivation in proptest::option::of(0.05f64..0.95),
    ) {
        let mut organization = String::new();
        if let Some(n) = team_size {
            organization.push_str(&format!("team_size = {n}\n"));
        }
        if let Some(m) = motivation {
            organization.push_str(&format!("initial_motivation_mean = {m:?}\n"));
        }
        if tables.is_empty() {
            if let Some(n) = teams {
                organization.push_str(&format!("teams = {n}\n"));
            }
        }
        organization.push_str(&tables.concat());
        let text = format!(
            "{HEAD}seed = 1\nreplications = 2\n[organization]\n{organization}\n{BALANCED}"
        );
        // Name collisions (e.g. "platform" twice, or a table named "team 2" before an unnamed
        // second table) and names that `count` numbers past 60 characters are rejected;
        // everything else must round-trip.
        match scenario::parse(Path::new("p.toml"), &text) {
            Ok(first) => {
                let resolved = first.to_resolved_toml();
                let again = scenario::parse(Path::new("resolved.toml"), &resolved)
                    .unwrap_or_else(|e| panic!("{e:?}\n{resolved}"));
                proptest::prop_assert_eq!(&again, &first);
                proptest::prop_assert_eq!(again.to_resolved_toml(), resolved);
            }
            Err(e) => {
                let message = format!("{e:?}");
                proptest::prop_assert!(
                    message.contains("is defined twice") || message.contains("are too long"),
                    "{message}\n{text}"
                );
                proptest::prop_assert!(tables.iter().any(|t| t.contains("name = ")), "{text}");
            }
        }
    }
}

/// Mean of `metric` on grid day `day` under `policy`, from `timeseries.csv`.
fn series_mean(folder: &Path, policy: &str, day: &str, metric: &str) -> f64 {
    let text = std::fs::read_to_string(folder.join("timeseries.csv")).unwrap();
    let prefix = format!("{policy},{day},{metric},");
    let line = text
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no row {prefix}"));
    line[prefix.len()..]
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn teams_that_differ_get_time_series_and_charts_by_team() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEAD}seed = 4\nreplications = 5\n[organization]\n\
         [[organization.team]]\nname = \"platform\"\ncount = 2\ncompetence_mean = 0.7\n\
         [[organization.team]]\nname = \"new product\"\nsize = 4\ntrust = 0.3\n{BALANCED}"
    );
    std::fs::write(dir.path().join("t.toml"), text).unwrap();
    orgsim_ok(dir.path(), &["run", "t.toml", "--quiet"]);
    let folder = dir.path().join("output/teams");

    // The new product team starts with its own trust, exactly.
    let trust = series_mean(&folder, "balanced", "0", "team_trust_3");
    assert!((trust - 0.3).abs() < 1e-12, "day-0 trust {trust}");
    // At the horizon each team's cumulative true value is its outcome: the same replications'
    // values, averaged in the same order.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("summary.json")).unwrap()).unwrap();
    for team in 1..=3 {
        let outcome = summary["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["metric"] == format!("team_true_value_{team}").as_str())
            .unwrap()["mean"]
            .as_f64()
            .unwrap();
        let series = series_mean(
            &folder,
            "balanced",
            "250",
            &format!("team_true_value_cumulative_{team}"),
        );
        assert_eq!(series, outcome, "team {team}");
        assert!(series > 0.0);
    }
    for family in ["engagement_mean", "trust", "true_value_cumulative"] {
        let chart = folder.join(format!("charts/teams_{family}.png"));
        crate::charts::assert_png_ok(&chart, 1600, 1000);
    }
}

#[test]
fn series_by_team_only_for_a_few_teams_that_differ() {
    let names = |organization: &str| -> Vec<String> {
        let sim = model::build(&parse(1, 1, organization));
        sim.series_metrics()
            .iter()
            .map(|m| m.name.to_string())
            .filter(|n| n.starts_with("team_"))
            .collect()
    };
    assert!(names("teams = 3").is_empty(), "alike teams");
    let differ = "[[organization.team]]\ncount = 2\n[[organization.team]]\nsize = 3\n";
    assert_eq!(
        names(differ),
        (1..=3)
            .flat_map(|k| {
                ["engagement_mean", "trust", "true_value_cumulative"]
                    .map(|family| format!("team_{family}_{k}"))
            })
            .collect::<Vec<_>>()
    );
    let many = "[[organization.team]]\ncount = 12\n[[organization.team]]\nsize = 3\n";
    assert!(names(many).is_empty(), "13 teams: outcomes only");
}

//! The `[coefficients]` table: the calibrated coefficients of docs/MODEL.md section 4 as
//! scenario data. Written out at their defaults they change nothing; one changed value changes
//! the run; and the resolved scenario, which writes the full table, reproduces a run that set
//! them.

use std::path::Path;

use crate::common::{assert_same_files, orgsim_ok};

const SCENARIO: &str = "name = \"coef\"\nseed = 11\nreplications = 16\nhorizon_days = 250\n\
                        [organization]\nteams = 3\nteam_size = 6\n\
                        [[policies]]\nname = \"kpi-heavy\"\npreset = \"kpi-heavy\"\n\
                        [[policies]]\nname = \"balanced\"\npreset = \"balanced\"\n";

/// Every key at its calibrated value (docs/MODEL.md section 4).
const DEFAULTS: &str = "[coefficients]\n\
                        autonomy_intercept = 1.2\nefficacy_intercept = -0.5\n\
                        relatedness_intercept = -1.5\nclarity_intercept = -1.0\n\
                        usefulness_intercept = -1.0\ndevelopment_intercept = -1.0\n\
                        motivation_intercept = -2.0\nengagement_intercept = -2.7\n\
                        engagement_offset_sd = 0.4\nmanager_skill_effect = 0.45\n\
                        trust_intercept = -1.0\nexhaustion_intercept = 0.22\n\
                        hours_gap_gain = 5.0\nrush_shortcut_weight = 1.0\n\
                        goal_erosion = 0.3\npressure_tau_days = 30.0\ndeterrence_days = 90.0\n\
                        quit_base_hazard = 0.0007\nquit_engagement_gradient = 1.0\n\
                        quit_trust_gradient = 0.75\nmanager_upskilling = 0.0002\n";

/// The run's result files and the resolved scenario.
const OUTPUTS: [&str; 4] = [
    "summary.json",
    "timeseries.csv",
    "replications.csv",
    "scenario.resolved.toml",
];

/// Writes `text` as `<out>.toml` in `dir`, runs it into `dir/<out>` and returns the folder.
fn run_text(dir: &Path, out: &str, text: &str) -> std::path::PathBuf {
    let file = dir.join(format!("{out}.toml"));
    std::fs::write(&file, text).unwrap();
    run_file(dir, out, &file)
}

fn run_file(dir: &Path, out: &str, file: &Path) -> std::path::PathBuf {
    orgsim_ok(
        dir,
        &[
            "run",
            file.to_str().unwrap(),
            "--out",
            out,
            "--quiet",
            "--no-charts",
        ],
    );
    dir.join(out)
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap()
}

/// The mean of `metric` for `policy` in summary.json.
fn mean(dir: &Path, policy: &str, metric: &str) -> f64 {
    let summary: serde_json::Value = serde_json::from_slice(&read(dir, "summary.json")).unwrap();
    summary["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["policy"] == policy && o["metric"] == metric)
        .and_then(|o| o["mean"].as_f64())
        .unwrap_or_else(|| panic!("{policy} {metric} in summary.json"))
}

#[test]
fn explicit_defaults_change_nothing_and_one_changed_value_changes_turnover() {
    let dir = tempfile::tempdir().unwrap();
    let none = run_text(dir.path(), "none", SCENARIO);
    let defaults = run_text(dir.path(), "defaults", &format!("{SCENARIO}{DEFAULTS}"));
    assert_same_files(&none, &defaults, &OUTPUTS);
    let steeper = run_text(
        dir.path(),
        "steeper",
        &format!("{SCENARIO}[coefficients]\nquit_engagement_gradient = 2.0\n"),
    );
    // MODEL-SPEC's β_g = 2.0: KPI-heavy's engagement falls far below the reference 0.54, so a
    // steeper gradient raises its turnover.
    let before = mean(&none, "kpi-heavy", "turnover_annual");
    let after = mean(&steeper, "kpi-heavy", "turnover_annual");
    assert!(after > before * 1.1, "turnover {before} -> {after}");
    let resolved = String::from_utf8(read(&steeper, "scenario.resolved.toml")).unwrap();
    assert!(
        resolved.contains("quit_engagement_gradient = 2.0"),
        "{resolved}"
    );
}

/// R9's shortcut rate sc = mean π_G + w·rush: with MODEL-SPEC's rule (w = 1) a KPI-heavy team
/// behind target rushes at κ·P ≥ 0.8 and its capability stock decays toward about 0.36; at the
/// weight that reproduces MODEL-SPEC's illustration (sc ≈ 0.2, w about 0.25) it settles near
/// 0.6. Same seed (11) and 16 replications of 3 teams for 250 days, so the replications are
/// paired. Measured: 0.35 → 0.61 (SD across replications 0.04 and 0.03), so the threshold of
/// +0.1 sits far outside the sampling noise of the mean (about 0.01) and far inside the effect.
#[test]
fn a_lower_rush_weight_spares_the_capability_stock() {
    let dir = tempfile::tempdir().unwrap();
    let rule = run_text(dir.path(), "rule", SCENARIO);
    let lighter = run_text(
        dir.path(),
        "lighter",
        &format!("{SCENARIO}[coefficients]\nrush_shortcut_weight = 0.25\n"),
    );
    let before = mean(&rule, "kpi-heavy", "capability");
    let after = mean(&lighter, "kpi-heavy", "capability");
    assert!(after > before + 0.1, "capability {before} -> {after}");
}

#[test]
fn resolved_scenario_with_coefficients_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let first = run_text(
        dir.path(),
        "first",
        &format!(
            "{SCENARIO}[coefficients]\ngoal_erosion = 0.1\nengagement_intercept = -1.7\n\
             pressure_tau_days = 45\nmanager_upskilling = 0.0008\n"
        ),
    );
    let again = run_file(dir.path(), "again", &first.join("scenario.resolved.toml"));
    assert_same_files(&first, &again, &OUTPUTS);
    let resolved = String::from_utf8(read(&first, "scenario.resolved.toml")).unwrap();
    for line in [
        "[coefficients]",
        "goal_erosion = 0.1",
        "engagement_intercept = -1.7",
        "pressure_tau_days = 45.0",
        "manager_upskilling = 0.0008",
        "quit_base_hazard = 0.0007",
    ] {
        assert!(resolved.lines().any(|l| l == line), "{line} in {resolved}");
    }
}

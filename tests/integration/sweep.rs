//! `[sweep]`: a grid of values for chosen keys, each point a complete run. Each point's folder
//! must be what `orgsim run` writes for that point's resolved scenario, whatever the thread
//! count; the tables across points must hold every point; bad sweeps are refused with exit 2.

use std::path::Path;

use crate::common::{assert_same_files, orgsim, orgsim_ok, stderr};

const SWEEP: &str = r#"name = "sw"
seed = 17
replications = 6
horizon_days = 120

[organization]
teams = 2
team_size = 4

[[policies]]
name = "balanced"
preset = "balanced"

[[policies]]
name = "kpi-heavy"
preset = "kpi-heavy"

[sweep]
levers.review_period_days = [10, 63]
coefficients.goal_erosion = [0.1, 0.3, 0.6]
"#;

fn write(dir: &Path, text: &str) {
    std::fs::write(dir.join("sw.toml"), text).unwrap();
}

#[test]
fn each_point_is_the_run_of_its_resolved_scenario() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SWEEP);
    orgsim_ok(
        dir.path(),
        &[
            "run",
            "sw.toml",
            "--out",
            "a",
            "-q",
            "--no-charts",
            "--threads",
            "2",
        ],
    );
    let a = dir.path().join("a");
    let points: Vec<_> = (0..6).map(|i| format!("points/p{i:02}")).collect();
    for point in &points {
        assert!(a.join(point).join("summary.json").is_file(), "{point}");
    }
    // The fifth point (review every 63 days, goal erosion 0.3), run alone on one thread.
    let resolved = std::fs::read_to_string(a.join("points/p04/scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("goal_erosion = 0.3"), "{resolved}");
    assert!(resolved.contains("review_period_days = 63.0"), "{resolved}");
    assert!(!resolved.contains("sweep"), "{resolved}");
    orgsim_ok(
        dir.path(),
        &[
            "run",
            "a/points/p04/scenario.resolved.toml",
            "--out",
            "alone",
            "-q",
            "--no-charts",
            "--threads",
            "1",
        ],
    );
    let files = [
        "replications.csv",
        "summary.json",
        "timeseries.csv",
        "scenario.resolved.toml",
    ];
    assert_same_files(&a.join("points/p04"), &dir.path().join("alone"), &files);
    // And the whole sweep again on one thread.
    orgsim_ok(
        dir.path(),
        &[
            "run",
            "sw.toml",
            "--out",
            "b",
            "-q",
            "--no-charts",
            "--threads",
            "1",
        ],
    );
    let b = dir.path().join("b");
    assert_same_files(&a, &b, &["sweep.csv", "replications.csv"]);
    for point in &points {
        assert_same_files(&a.join(point), &b.join(point), &files);
    }
}

#[test]
fn the_tables_across_points_hold_every_point_policy_and_replication() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SWEEP);
    orgsim_ok(dir.path(), &["run", "sw.toml", "-q", "--no-charts"]);
    let out = dir.path().join("output/sw");
    let table = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..5],
        [
            "point",
            "levers.review_period_days",
            "coefficients.goal_erosion",
            "policy",
            "metric"
        ]
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("points/p00/summary.json")).unwrap())
            .unwrap();
    let metrics = summary["outcome_metrics"].as_array().unwrap().len();
    assert_eq!(rows.len(), 6 * 2 * metrics);
    // Grid order: the first key varies slowest.
    let first = |point: &str| rows.iter().find(|r| r[0] == point).unwrap().clone();
    assert_eq!(&first("p00")[1..3], ["10", "0.1"]);
    assert_eq!(&first("p02")[1..3], ["10", "0.6"]);
    assert_eq!(&first("p03")[1..3], ["63", "0.1"]);
    // Each row's mean is the point's own summary.json value.
    let p03: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("points/p03/summary.json")).unwrap())
            .unwrap();
    let mean = p03["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["policy"] == "kpi-heavy" && o["metric"] == "engagement_mean")
        .unwrap()["mean"]
        .as_f64()
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r[0] == "p03" && r[3] == "kpi-heavy" && r[4] == "engagement_mean")
        .unwrap();
    assert_eq!(row[6].parse::<f64>().unwrap(), mean);
    assert_eq!(row[15], "balanced", "paired against the first policy");
    // replications.csv: one header, then every point's rows with the point in front.
    let replications = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    assert_eq!(replications.matches("point,").count(), 1);
    assert_eq!(replications.lines().count(), 1 + 6 * 2 * 6);
    assert!(replications
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("p00,10,0.1,balanced,0,"));
    let sweep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(sweep["points"].as_array().unwrap().len(), 6);
    assert_eq!(sweep["points"][4]["folder"], "points/p04");
    assert_eq!(
        sweep["points"][4]["values"]["coefficients.goal_erosion"],
        0.3
    );
}

/// Runs `validate` and `run` on a sweep with `entry` in place of the file's `[sweep]` body;
/// both must exit with 2, one line, no output folder. Returns `validate`'s error.
fn refused(entry: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let text = SWEEP.split("[sweep]").next().unwrap().to_string() + "[sweep]\n" + entry + "\n";
    write(dir.path(), &text);
    let mut errors = Vec::new();
    for command in ["validate", "run"] {
        let output = orgsim(
            dir.path(),
            &[command, "sw.toml", "-q"][..if command == "run" { 3 } else { 2 }],
        );
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!err.contains("panicked"), "{err}");
        errors.push(err);
    }
    assert!(!dir.path().join("output").exists());
    errors.swap_remove(0)
}

#[test]
fn a_misspelt_swept_key_is_located_with_a_suggestion() {
    let err = refused("levers.kapa = [0.2, 0.5]");
    assert!(err.contains("sw.toml:19:16:"), "{err}");
    assert!(err.contains("key `sweep.levers.kapa[0]`"), "{err}");
    assert!(err.contains("did you mean `kappa`?"), "{err}");
}

#[test]
fn a_bad_value_is_named_by_its_place_in_the_sweep() {
    let err = refused("coefficients.goal_erosion = [0.1, 0.3, 2.0]");
    assert!(err.contains("sw.toml:19:40:"), "{err}");
    assert!(
        err.contains("key `sweep.coefficients.goal_erosion[2]`"),
        "{err}"
    );
    assert!(err.contains("out of range"), "{err}");
}

#[test]
fn sweeps_that_cannot_run_are_refused() {
    for (entry, says) in [
        ("levers.kappa = 0.5", "a single value, not a list"),
        ("levers.kappa = []", "no values to sweep"),
        ("seed = [1, 2]", "`seed` cannot be swept"),
        ("organization.team = [1]", "cannot be swept"),
        ("levers.kappa = [[0.2]]", "numbers, booleans or strings"),
        ("", "the sweep lists no keys"),
    ] {
        let err = refused(entry);
        assert!(err.contains(says), "{entry}: {err}");
    }
    let many = (0..4)
        .map(|i| {
            format!(
                "disturbances.{} = [{}]",
                [
                    "surges_per_year",
                    "incidents_per_week",
                    "reorgs_per_year",
                    "sick_episodes_per_year"
                ][i],
                ["1"; 6].join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let err = refused(&many);
    assert!(err.contains("too many points"), "{err}");
}

#[test]
fn a_sweep_folder_is_not_merged_as_a_shard() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SWEEP);
    orgsim_ok(
        dir.path(),
        &["run", "sw.toml", "--out", "a", "-q", "--no-charts"],
    );
    let output = orgsim(dir.path(), &["merge", "a", "--out", "m", "-q"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("merge each point's shards"),
        "{}",
        stderr(&output)
    );
    // A point's folder is an ordinary results folder: it merges on its own.
    orgsim_ok(
        dir.path(),
        &["merge", "a/points/p01", "--out", "m", "-q", "--no-charts"],
    );
    assert_same_files(
        &dir.path().join("a/points/p01"),
        &dir.path().join("m"),
        &["summary.json"],
    );
}

#[test]
fn a_sweep_with_charts_draws_the_chart_across_points_and_plot_redraws_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SWEEP);
    orgsim_ok(
        dir.path(),
        &["run", "sw.toml", "--out", "a", "-q", "--threads", "2"],
    );
    let chart = dir.path().join("a/charts/sweep_j_true_with_tv.png");
    crate::charts::assert_png_ok(&chart, 1600, 1000);
    assert!(dir
        .path()
        .join("a/points/p00/charts/dashboard.png")
        .is_file());
    std::fs::remove_file(&chart).unwrap();
    orgsim_ok(dir.path(), &["plot", "a"]);
    crate::charts::assert_png_ok(&chart, 1600, 1000);
}

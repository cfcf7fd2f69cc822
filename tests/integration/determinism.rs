//! Determinism is a contract: the same scenario and seed give byte-identical output files
//! (apart from the wall-clock fields of run.json) for any thread count and across runs.

use std::path::Path;

use crate::common::{assert_same_files, orgsim_ok, scenario};

const FILES: [&str; 4] = [
    "summary.json",
    "timeseries.csv",
    "replications.csv",
    "scenario.resolved.toml",
];

fn run(dir: &Path, out: &str, threads: &str, file: &Path) {
    run_replications(dir, out, threads, file, "150");
}

fn run_replications(dir: &Path, out: &str, threads: &str, file: &Path, replications: &str) {
    orgsim_ok(
        dir,
        &[
            "run",
            file.to_str().unwrap(),
            "--threads",
            threads,
            "--out",
            out,
            "--quiet",
            "--replications",
            replications,
        ],
    );
}

/// run.json without its wall-clock fields.
fn run_json_without_wall_clock(dir: &Path) -> serde_json::Value {
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
    let object = value.as_object_mut().unwrap();
    for field in ["started_unix_seconds", "wall_seconds", "threads"] {
        assert!(object.remove(field).is_some(), "run.json has {field}");
    }
    value
}

fn assert_same_outputs(a: &Path, b: &Path) {
    assert_same_files(a, b, &FILES);
    assert_eq!(
        run_json_without_wall_clock(a),
        run_json_without_wall_clock(b)
    );
}

#[test]
fn output_is_identical_for_one_and_two_threads_and_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario("mmc-reference.toml");
    run(dir.path(), "one", "1", &file);
    run(dir.path(), "two", "2", &file);
    run(dir.path(), "two-again", "2", &file);
    run(dir.path(), "three", "3", &file);
    assert_same_outputs(&dir.path().join("one"), &dir.path().join("two"));
    assert_same_outputs(&dir.path().join("two"), &dir.path().join("two-again"));
    assert_same_outputs(&dir.path().join("one"), &dir.path().join("three"));
}

#[test]
fn resolved_scenario_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "first", "2", &scenario("mmc-reference.toml"));
    let resolved = dir.path().join("first/scenario.resolved.toml");
    run(dir.path(), "again", "2", &resolved);
    assert_same_files(&dir.path().join("first"), &dir.path().join("again"), &FILES);
}

#[test]
fn a_single_replication_can_be_rerun_from_its_index() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario("mmc-reference.toml");
    run(dir.path(), "all", "2", &file);
    orgsim_ok(
        dir.path(),
        &[
            "run",
            file.to_str().unwrap(),
            "--first-replication",
            "37",
            "--replications",
            "1",
            "--out",
            "one",
            "--quiet",
        ],
    );
    let all = std::fs::read_to_string(dir.path().join("all/replications.csv")).unwrap();
    let one = std::fs::read_to_string(dir.path().join("one/replications.csv")).unwrap();
    let row = one.lines().nth(1).unwrap();
    assert!(row.starts_with("reference,37,"), "{row}");
    assert!(
        all.lines().any(|line| line == row),
        "replication 37 reproduced exactly"
    );
}

#[test]
fn management_model_output_is_identical_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario("kpi-vs-balanced.toml");
    for (out, threads) in [("one", "1"), ("two", "2")] {
        run_replications(dir.path(), out, threads, &file, "24");
    }
    assert_same_outputs(&dir.path().join("one"), &dir.path().join("two"));
    // `orgsim plot` redraws the very same files from the saved results.
    let charts = dir.path().join("one/charts");
    let before: Vec<(std::ffi::OsString, Vec<u8>)> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name(), std::fs::read(e.path()).unwrap()))
        .collect();
    assert!(before.len() >= 6, "run drew the charts");
    orgsim_ok(dir.path(), &["plot", "one"]);
    for (name, bytes) in &before {
        assert!(
            std::fs::read(charts.join(name)).unwrap() == *bytes,
            "{name:?} redrawn differently"
        );
    }
    // The charts are drawn from the saved results, so they are identical too.
    for chart in [
        "tradeoff.png",
        "dashboard.png",
        "distributions.png",
        "fan_engagement_mean.png",
    ] {
        assert!(
            std::fs::read(dir.path().join("one/charts").join(chart)).unwrap()
                == std::fs::read(dir.path().join("two/charts").join(chart)).unwrap(),
            "{chart} differs"
        );
    }
}

#[test]
fn manager_exits_keep_output_identical_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("managers.toml");
    std::fs::write(
        &file,
        "name = \"managers\"\nseed = 7\nreplications = 24\nhorizon_days = 500\n\
         [organization]\nteams = 6\nteam_size = 7\n\
         [disturbances]\nmanager_quit_factor = 3\n\
         [[policies]]\nname = \"kpi-heavy\"\npreset = \"kpi-heavy\"\n\
         [[policies]]\nname = \"balanced\"\npreset = \"balanced\"\n",
    )
    .unwrap();
    for (out, threads) in [("one", "1"), ("two", "2")] {
        run_replications(dir.path(), out, threads, &file, "24");
    }
    assert_same_outputs(&dir.path().join("one"), &dir.path().join("two"));
    let replications = std::fs::read_to_string(dir.path().join("one/replications.csv")).unwrap();
    let header: Vec<&str> = replications.lines().next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "manager_quits_cumulative")
        .unwrap();
    let exits: f64 = replications
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(column).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(exits > 0.0, "managers left");
}

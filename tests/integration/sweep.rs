//! `[sweep]`: a grid of values for chosen keys, each point a complete run. Each point's folder
//! must be what `orgsim run` writes for that point's resolved scenario, whatever the thread
//! count; the tables across points must hold every point; bad sweeps are refused with exit 2.

use std::path::Path;

use crate::common::{assert_same_files, orgsim, orgsim_ok, stderr};
use crate::merge::{merge_refused, merge_refused_at, run_shard};

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

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `sweep.json` without the fields that say when, on how many threads and from which shards
/// it was written.
fn sweep_json_content(folder: &Path) -> serde_json::Value {
    let mut value = json(&folder.join("sweep.json"));
    let object = value.as_object_mut().unwrap();
    for field in [
        "started_unix_seconds",
        "wall_seconds",
        "threads",
        "merged_from",
    ] {
        object.remove(field);
    }
    value
}

/// The folders and ranges a merged folder's provenance file lists under `merged_from`.
fn merged_from(path: &Path) -> Vec<(String, u64, u64)> {
    json(path)["merged_from"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["folder"].as_str().unwrap().to_string(),
                s["first_replication"].as_u64().unwrap(),
                s["replications"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Each point's lines of a sweep's printed output.
fn point_lines(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.starts_with("  p"))
        .map(str::to_string)
        .collect()
}

#[test]
fn sweep_shards_in_any_order_and_thread_count_merge_into_the_single_sweeps_files() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, SWEEP);
    let single = orgsim_ok(
        dir,
        &[
            "run",
            "sw.toml",
            "--replications",
            "9",
            "--threads",
            "2",
            "--out",
            "full",
            "--no-charts",
        ],
    );
    run_shard(dir, "sw.toml", "a", 0, 4, "1", &[]);
    run_shard(dir, "sw.toml", "b", 4, 2, "2", &[]);
    run_shard(dir, "sw.toml", "c", 6, 3, "1", &[]);
    let merge = orgsim_ok(dir, &["merge", "c", "a", "b", "--out", "m", "--no-charts"]);
    let (full, m) = (dir.join("full"), dir.join("m"));
    assert_same_files(&full, &m, &["sweep.csv", "replications.csv"]);
    let exact = ["replications.csv", "summary.json", "scenario.resolved.toml"];
    let points: Vec<String> = (0..6).map(|i| format!("points/p{i:02}")).collect();
    for point in &points {
        assert_same_files(&full.join(point), &m.join(point), &exact);
    }
    assert_eq!(sweep_json_content(&m), sweep_json_content(&full));

    // Provenance: the sweep folders in replication order; each point's own shards.
    let shards = |suffix: &str| {
        [("a", 0, 4), ("b", 4, 2), ("c", 6, 3)]
            .map(|(s, first, count)| (format!("{s}{suffix}"), first, count))
            .to_vec()
    };
    assert_eq!(merged_from(&m.join("sweep.json")), shards(""));
    assert_eq!(json(&m.join("sweep.json"))["first_replication"], 0);
    assert_eq!(
        merged_from(&m.join("points/p05/run.json")),
        shards("/points/p05")
    );

    // Printed: the sweep's lines as the single run printed them, and what was joined.
    let lines = point_lines(&merge);
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(lines, point_lines(&single));
    let printed = String::from_utf8_lossy(&merge.stdout);
    assert!(
        printed.contains("(3 shards joined: 6 points x 2 policies x 9 replications, 0 to 8)"),
        "{printed}"
    );

    // A merged sweep merges again, and one sweep folder merges into its own tables; charts
    // are drawn unless --no-charts.
    orgsim_ok(
        dir,
        &["merge", "-q", "--no-charts", "a", "b", "--out", "ab"],
    );
    orgsim_ok(dir, &["merge", "-q", "ab", "c", "--out", "again"]);
    assert_same_files(
        &full,
        &dir.join("again"),
        &["sweep.csv", "replications.csv"],
    );
    crate::charts::assert_png_ok(
        &dir.join("again/charts/sweep_j_true_with_tv.png"),
        1600,
        1000,
    );
    assert!(dir.join("again/points/p03/charts/dashboard.png").is_file());
    orgsim_ok(dir, &["merge", "-q", "--no-charts", "c", "--out", "one"]);
    assert_same_files(
        &dir.join("c"),
        &dir.join("one"),
        &["sweep.csv", "replications.csv"],
    );
}

#[test]
fn sweep_shards_that_do_not_belong_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write(dir, SWEEP);
    std::fs::create_dir(dir.join("shards")).unwrap();
    run_shard(dir, "sw.toml", "shards/a", 0, 3, "1", &[]);
    run_shard(dir, "sw.toml", "shards/b", 3, 2, "2", &[]);
    run_shard(dir, "sw.toml", "overlap", 2, 2, "1", &[]);
    let erosion = "coefficients.goal_erosion = [0.1, 0.3, 0.6]";
    for (name, line) in [
        ("keys", "disturbances.market_shifts_per_year = [0, 1, 3]"),
        ("values", "coefficients.goal_erosion = [0.1, 0.3, 0.5]"),
        ("points", "coefficients.goal_erosion = [0.1, 0.3]"),
    ] {
        let file = format!("{name}.toml");
        std::fs::write(dir.join(&file), SWEEP.replace(erosion, line)).unwrap();
        run_shard(dir, &file, name, 3, 2, "1", &[]);
    }
    // Refused with exit code 2 and nothing written, saying `says`.
    let refused = |args: &[&str], says: &str| {
        let err = merge_refused(dir, args, "m");
        assert!(err.contains(says), "{err}");
    };

    // Sweep folders and single runs' folders do not mix, whichever comes first.
    refused(
        &["shards/a", "shards/b/points/p01"],
        "shards/b/points/p01: not the folder of a sweep (no sweep.json), but shards/a is",
    );
    refused(
        &["shards/b/points/p01", "shards/a"],
        concat!(
            "shards/a: the folder of a sweep (it holds sweep.json), ",
            "but shards/b/points/p01 holds one run's results"
        ),
    );

    // Other keys, other values, another grid; overlapping ranges.
    let different = "ran different sweeps; first difference in sweep.json:";
    refused(
        &["shards/a", "keys"],
        &format!(
            "shards/a and keys {different} swept key 2 is `coefficients.goal_erosion` against \
             `disturbances.market_shifts_per_year`"
        ),
    );
    refused(
        &["values", "shards/a"],
        &format!(
            "shards/a and values {different} points/p02: `coefficients.goal_erosion = 0.6` \
             against `coefficients.goal_erosion = 0.5`"
        ),
    );
    refused(&["shards/a", "points"], "6 points against 4");
    refused(
        &["shards/a", "overlap"],
        "shards/a (replications 0 to 2) and overlap (replications 2 to 3) overlap",
    );

    // The output folder: never a shard, above one or inside one (a point's folder included),
    // even with --force; the shards are left as they were.
    let before = std::fs::read(dir.join("shards/a/points/p00/replications.csv")).unwrap();
    let args = ["shards/a", "shards/b", "--force"];
    for (out, says) in [
        ("shards/b", "is the shard shards/b"),
        ("shards", "holds the shard shards/a"),
        ("shards/a/points/p00/m", "lies inside the shard shards/a"),
    ] {
        let err = merge_refused_at(dir, &args, out);
        assert!(
            err.contains(&format!("the output folder {out} {says};")),
            "{err}"
        );
    }
    assert!(!dir.join("shards/a/points/p00/m").exists());
    assert_eq!(
        std::fs::read(dir.join("shards/a/points/p00/replications.csv")).unwrap(),
        before
    );

    // A point's own checks name its folder: an edited value, a range its sweep.json does not
    // say.
    let path = dir.join("shards/b/points/p03/replications.csv");
    let original = std::fs::read_to_string(&path).unwrap();
    let last = original.lines().last().unwrap();
    let (rest, value) = last.rsplit_once(',').unwrap();
    let edited = format!("{rest},{}", value.parse::<f64>().unwrap_or(0.0) + 1.0);
    std::fs::write(&path, original.replace(last, &edited)).unwrap();
    refused(
        &["shards/a", "shards/b"],
        "shards/b/points/p03/summary.json: does not match the folder's replications.csv",
    );
    std::fs::write(&path, &original).unwrap();
    let path = dir.join("shards/b/sweep.json");
    let original = std::fs::read_to_string(&path).unwrap();
    assert!(original.contains("\"replications\": 2,"), "{original}");
    std::fs::write(
        &path,
        original.replace("\"replications\": 2,", "\"replications\": 3,"),
    )
    .unwrap();
    refused(
        &["shards/a", "shards/b"],
        concat!(
            "shards/b/points/p00/run.json: replications 3 to 4, ",
            "where shards/b/sweep.json says 3 to 5"
        ),
    );
    std::fs::write(&path, &original).unwrap();
    orgsim_ok(
        dir,
        &[
            "merge",
            "-q",
            "--no-charts",
            "shards/a",
            "shards/b",
            "--out",
            "m",
        ],
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

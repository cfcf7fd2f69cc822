//! `orgsim merge`: shards of one run (disjoint replication ranges, any thread counts) join into
//! the files a single run over all of them writes, and shards that do not belong together are
//! refused with a clear error (exit code 2) that writes nothing.

use std::fs;
use std::path::Path;

use crate::common::{assert_same_files, orgsim, orgsim_ok, scenario, stderr};

/// Runs the flagship scenario's replications `first..first + count` into `out`.
fn shard(dir: &Path, out: &str, first: u64, count: u64, threads: &str, extra: &[&str]) {
    let flagship = scenario("kpi-vs-balanced.toml");
    run_shard(
        dir,
        flagship.to_str().unwrap(),
        out,
        first,
        count,
        threads,
        extra,
    );
}

/// Runs the scenario (or sweep) in `file` over replications `first..first + count` on
/// `threads` threads into `out`, without charts.
pub(crate) fn run_shard(
    dir: &Path,
    file: &str,
    out: &str,
    first: u64,
    count: u64,
    threads: &str,
    extra: &[&str],
) {
    let (first, count) = (first.to_string(), count.to_string());
    let mut args = vec![
        "run",
        file,
        "--first-replication",
        &first,
        "--replications",
        &count,
        "--threads",
        threads,
        "--out",
        out,
        "--quiet",
        "--no-charts",
    ];
    args.extend(extra);
    orgsim_ok(dir, &args);
}

fn merge_ok(dir: &Path, args: &[&str]) {
    let mut all = vec!["merge", "--quiet", "--no-charts"];
    all.extend(args);
    orgsim_ok(dir, &all);
}

/// `merge args` fails with exit code 2 and one line of error, without a panic and without
/// writing `out`; returns the error.
pub(crate) fn merge_refused(dir: &Path, args: &[&str], out: &str) -> String {
    let err = merge_refused_at(dir, args, out);
    assert!(!dir.join(out).exists(), "a refused merge writes nothing");
    err
}

/// `merge args --out out` fails with exit code 2 and one line of error, without a panic;
/// `out` may exist. Returns the error.
pub(crate) fn merge_refused_at(dir: &Path, args: &[&str], out: &str) -> String {
    let mut all = vec!["merge", "--quiet", "--no-charts", "--out", out];
    all.extend(args);
    let output = orgsim(dir, &all);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.starts_with("error: ") && err.lines().count() == 1,
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// `timeseries.csv` rows: (policy, day, metric, n) and the six numbers.
type SeriesRows = Vec<([String; 4], [f64; 6])>;

fn series(folder: &Path) -> SeriesRows {
    let mut reader = csv::Reader::from_path(folder.join("timeseries.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["policy", "day", "metric", "mean", "p05", "p25", "p50", "p75", "p95", "n"]
    );
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let number = |i: usize| record[i].parse::<f64>().unwrap_or(f64::NAN);
            (
                [0, 1, 2, 9].map(|i| record[i].to_string()),
                [3, 4, 5, 6, 7, 8].map(number),
            )
        })
        .collect()
}

#[test]
fn shards_in_any_order_and_thread_count_merge_into_the_single_runs_files() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    shard(dir, "full", 0, 24, "2", &[]);
    shard(dir, "a", 0, 7, "1", &[]);
    shard(dir, "b", 7, 9, "2", &[]);
    shard(dir, "c", 16, 8, "1", &[]);
    merge_ok(dir, &["c", "a", "b", "--out", "merged"]);
    let exact = ["summary.json", "replications.csv", "scenario.resolved.toml"];
    assert_same_files(&dir.join("full"), &dir.join("merged"), &exact);

    // timeseries.csv: the same rows and counts; means equal to rounding; each quantile that
    // of the shards' mixture, so between the shards' own estimates.
    let full = series(&dir.join("full"));
    let merged = series(&dir.join("merged"));
    let parts = ["a", "b", "c"].map(|s| series(&dir.join(s)));
    assert_eq!(full.len(), merged.len());
    let mut compared = 0;
    for (i, ((key, whole), (merged_key, joined))) in full.iter().zip(&merged).enumerate() {
        assert_eq!(key, merged_key, "row {i}");
        if key[3] == "0" {
            assert!(
                joined.iter().all(|x| x.is_nan()),
                "{key:?}: no value, none merged"
            );
            continue;
        }
        let scale = whole[0].abs().max(1e-9);
        assert!(
            (whole[0] - joined[0]).abs() <= 1e-12 * scale,
            "{key:?}: mean {} against {}",
            joined[0],
            whole[0]
        );
        for (q, &value) in joined.iter().enumerate().skip(1) {
            let own: Vec<f64> = parts
                .iter()
                .filter(|part| part[i].0[3] != "0")
                .map(|part| {
                    // Each shard's estimates sorted, as the merge reads them.
                    let mut estimates = [1, 2, 3, 4, 5].map(|k| part[i].1[k]);
                    estimates.sort_by(f64::total_cmp);
                    estimates[q - 1]
                })
                .collect();
            let (lo, hi) = own
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            let slack = 1e-12 * value.abs().max(1.0);
            assert!(
                value >= lo - slack && value <= hi + slack,
                "{key:?}: quantile {q}: {value} outside the shards' {lo} to {hi}"
            );
        }
        compared += 1;
    }
    assert!(compared > 1000, "compared {compared} cells");

    // run.json lists the shards in replication order; a merged folder merges again.
    let run: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("merged/run.json")).unwrap()).unwrap();
    let shards = run["merged_from"].as_array().unwrap();
    let ranges: Vec<(&str, u64, u64)> = shards
        .iter()
        .map(|s| {
            (
                s["folder"].as_str().unwrap(),
                s["first_replication"].as_u64().unwrap(),
                s["replications"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranges, [("a", 0, 7), ("b", 7, 9), ("c", 16, 8)]);
    assert_eq!(run["replications"], 24);
    merge_ok(dir, &["a", "b", "--out", "ab"]);
    merge_ok(dir, &["ab", "c", "--out", "again"]);
    assert_same_files(&dir.join("full"), &dir.join("again"), &exact);
}

#[test]
fn one_shard_merges_into_its_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    shard(dir, "s", 5, 6, "2", &[]);
    merge_ok(dir, &["s", "--out", "m"]);
    assert_same_files(
        &dir.join("s"),
        &dir.join("m"),
        &[
            "summary.json",
            "timeseries.csv",
            "replications.csv",
            "scenario.resolved.toml",
        ],
    );
}

#[test]
fn shards_that_do_not_belong_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    shard(dir, "a", 0, 4, "1", &[]);
    shard(dir, "b", 4, 3, "1", &[]);
    shard(dir, "overlap", 3, 2, "1", &[]);
    shard(dir, "gap", 8, 2, "1", &[]);
    shard(dir, "seed", 4, 3, "1", &["--seed", "5"]);

    let err = merge_refused(dir, &["a", "overlap"], "m");
    assert!(
        err.contains("a (replications 0 to 3) and overlap (replications 3 to 4) overlap"),
        "{err}"
    );
    let err = merge_refused(dir, &["a", "a"], "m");
    assert!(err.contains("overlap"), "{err}");
    let err = merge_refused(dir, &["gap", "b", "a"], "m");
    assert!(err.contains("replication 7 is in no shard"), "{err}");
    let err = merge_refused(dir, &["a", "seed"], "m");
    assert!(err.contains("a and seed ran different scenarios"), "{err}");
    assert!(
        err.contains("`seed = 20261123` against `seed = 5`"),
        "{err}"
    );

    // Not results, or results from another scenario.
    let other = scenario("turnover.toml");
    orgsim_ok(
        dir,
        &[
            "run",
            other.to_str().unwrap(),
            "--first-replication",
            "4",
            "--replications",
            "2",
            "--out",
            "turnover",
            "--quiet",
            "--no-charts",
        ],
    );
    let err = merge_refused(dir, &["a", "turnover"], "m");
    assert!(
        err.contains(r#"`name = "kpi-vs-balanced"` against `name = "turnover"`"#),
        "{err}"
    );
    let err = merge_refused(dir, &["a", "missing"], "m");
    assert!(err.contains("missing: no such folder"), "{err}");
    fs::create_dir(dir.join("empty")).unwrap();
    let err = merge_refused(dir, &["a", "empty"], "m");
    assert!(
        err.contains("empty: no run.json: not a results folder"),
        "{err}"
    );

    // The output folder: never a shard, never earlier results without --force.
    let before = fs::read(dir.join("a/summary.json")).unwrap();
    let output = orgsim(
        dir,
        &[
            "merge",
            "-q",
            "--no-charts",
            "a",
            "b",
            "--out",
            "a",
            "--force",
        ],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("the output folder a is the shard a"), "{err}");
    assert_eq!(fs::read(dir.join("a/summary.json")).unwrap(), before);
    let before = fs::read(dir.join("b/summary.json")).unwrap();
    let output = orgsim(dir, &["merge", "-q", "--no-charts", "a", "--out", "b"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(fs::read(dir.join("b/summary.json")).unwrap(), before);
}

#[test]
fn damaged_shard_files_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    shard(dir, "a", 0, 3, "1", &[]);
    shard(dir, "b", 3, 3, "1", &[]);

    // A value that is not a number, on line 4 of replications.csv.
    let path = dir.join("b/replications.csv");
    let original = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let cells: Vec<&str> = lines[3].split(',').collect();
    lines[3] = [&cells[..3], &["oops"], &cells[4..]].concat().join(",");
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let err = merge_refused(dir, &["a", "b"], "m");
    assert!(err.contains("replications.csv: line 4: column `"), "{err}");
    assert!(err.contains("`oops` is not a number"), "{err}");

    // A row whose seed is not its replication's.
    let cells: Vec<&str> = original.lines().nth(3).unwrap().split(',').collect();
    let tampered = original.replacen(
        &cells[..3].join(","),
        &format!("{},{},{}", cells[0], cells[1], "12345"),
        1,
    );
    fs::write(&path, tampered).unwrap();
    let err = merge_refused(dir, &["a", "b"], "m");
    assert!(
        err.contains("line 4: seed `12345` is not replication 4's seed"),
        "{err}"
    );
    fs::write(&path, &original).unwrap();

    // A time series from before the `n` column.
    let path = dir.join("b/timeseries.csv");
    let text = fs::read_to_string(&path).unwrap();
    let old: String = text
        .lines()
        .map(|line| line.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    fs::write(&path, old).unwrap();
    let err = merge_refused(dir, &["a", "b"], "m");
    assert!(
        err.contains("timeseries.csv: line 1: no `n` column"),
        "{err}"
    );
}

/// Shards of one replication each: every merged quantile at the horizon is an order statistic
/// of the replications' values (the shards' mixture is the sample itself), read from
/// `replications.csv`, where the horizon value of each series metric is an outcome.
#[test]
fn one_replication_shards_merge_to_the_samples_order_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let names: Vec<String> = (0..5).map(|k| format!("s{k}")).collect();
    for (k, name) in names.iter().enumerate() {
        shard(dir, name, k as u64, 1, "1", &[]);
    }
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend(["--out", "merged"]);
    merge_ok(dir, &args);
    let mut reader = csv::Reader::from_path(dir.join("merged/replications.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = header.iter().position(|h| h == "engagement_mean").unwrap();
    let mut values: Vec<f64> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[0] == "balanced")
        .map(|r| r[column].parse().unwrap())
        .collect();
    values.sort_by(f64::total_cmp);
    let merged = series(&dir.join("merged"));
    let (_, row) = merged
        .iter()
        .find(|(key, _)| key[0] == "balanced" && key[1] == "500" && key[2] == "engagement_mean")
        .unwrap();
    // The p quantile is the ceil(5p)-th smallest of the five: 1st, 2nd, 3rd, 4th, 5th.
    assert_eq!(row[1..], values[..], "quantiles against the sorted sample");
}

#[test]
fn edited_shards_and_an_output_that_would_replace_shards_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    fs::create_dir(dir.join("shards")).unwrap();
    shard(dir, "shards/a", 0, 3, "1", &[]);
    shard(dir, "shards/b", 3, 3, "2", &[]);
    let args = ["shards/a", "shards/b"];

    // An output folder above the shards, even with --force, or inside one.
    let before = fs::read(dir.join("shards/a/replications.csv")).unwrap();
    let mut forced = args.to_vec();
    forced.push("--force");
    let err = merge_refused_at(dir, &forced, "shards");
    assert!(err.contains("holds the shard shards/a"), "{err}");
    let err = merge_refused_at(dir, &args, "shards/b/merged");
    assert!(err.contains("lies inside the shard shards/b"), "{err}");
    assert!(!dir.join("shards/b/merged").exists());
    assert_eq!(
        fs::read(dir.join("shards/a/replications.csv")).unwrap(),
        before
    );

    // A value edited into another valid number: the shard's summary.json no longer matches.
    let path = dir.join("shards/b/replications.csv");
    let original = fs::read_to_string(&path).unwrap();
    let last = original.lines().last().unwrap();
    let (rest, value) = last.rsplit_once(',').unwrap();
    let edited = format!("{rest},{}", value.parse::<f64>().unwrap_or(0.0) + 1.0);
    fs::write(&path, original.replace(last, &edited)).unwrap();
    let err = merge_refused(dir, &args, "m");
    assert!(
        err.contains("shards/b/summary.json: does not match the folder's replications.csv"),
        "{err}"
    );
    // A number not in orgsim's form would not merge byte for byte.
    let cells: Vec<&str> = last.split(',').collect();
    let padded = format!("{},{}0", cells[..4].join(","), cells[4..].join(","));
    assert!(
        cells[3].contains('.'),
        "a fractional first outcome: {}",
        cells[3]
    );
    fs::write(&path, original.replace(last, &padded)).unwrap();
    let err = merge_refused(dir, &args, "m");
    assert!(err.contains("is not a number as orgsim writes it"), "{err}");
    fs::write(&path, &original).unwrap();

    // A count larger than the shard's replications.
    let path = dir.join("shards/b/timeseries.csv");
    let original = fs::read_to_string(&path).unwrap();
    let second = original.lines().nth(2).unwrap();
    let (rest, _) = second.rsplit_once(',').unwrap();
    fs::write(&path, original.replacen(second, &format!("{rest},1000"), 1)).unwrap();
    let err = merge_refused(dir, &args, "m");
    assert!(err.contains("timeseries.csv: line 3: column `n`"), "{err}");
    fs::write(&path, &original).unwrap();

    // Another orgsim version, and a range past the last replication index.
    let path = dir.join("shards/b/run.json");
    let original = fs::read_to_string(&path).unwrap();
    let version = format!("\"orgsim_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    fs::write(
        &path,
        original.replace(&version, "\"orgsim_version\": \"0.0.1\""),
    )
    .unwrap();
    let err = merge_refused(dir, &args, "m");
    assert!(err.contains("written by orgsim 0.0.1"), "{err}");
    let huge = original.replace(
        "\"first_replication\": 3",
        "\"first_replication\": 18446744073709551615",
    );
    assert_ne!(huge, original);
    fs::write(&path, huge).unwrap();
    let err = merge_refused(dir, &args, "m");
    assert!(err.contains("past the last replication index"), "{err}");
    fs::write(&path, &original).unwrap();
    merge_ok(dir, &["shards/a", "shards/b", "--out", "m"]);
}

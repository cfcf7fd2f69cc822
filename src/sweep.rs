//! Running a sweep: every point of the grid as a complete results folder under `points/`, and
//! the tidy tables across points at the top of the output folder.
//!
//! ```text
//! output/<name>/
//!   sweep.json          the keys, each point's folder and values, and the run's provenance
//!   sweep.csv           one row per point x policy x outcome: summary and paired difference
//!   replications.csv    every point's replications, with the point and its values in front
//!   points/p00/ ...     one results folder per point, as `orgsim run` writes for one scenario
//! ```
//!
//! Points run one after another, each on every thread, with the scenario's master seed: a
//! point's folder is byte-identical to `orgsim run` of that point's `scenario.resolved.toml`
//! (apart from the wall-clock fields of `run.json`), whatever the thread count.
//!
//! `orgsim merge` joins the output folders of one sweep run in shards (disjoint replication
//! ranges) into this folder ([`merge`]): each point's shards merge as a single run's, and the
//! tables across points are built from the merged points as a run builds them.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::cli::{self, MergeArgs, Provenance, RunConfig};
use crate::model::Simulation;
use crate::output::{self, format_number, MergedShard, Staging, SummaryFile};
use crate::scenario::sweep::value_text;
use crate::scenario::Sweep;
use crate::Error;

/// `sweep.json`.
#[derive(Serialize)]
struct SweepFile<'a> {
    orgsim_version: &'a str,
    scenario: &'a str,
    scenario_file: String,
    seed: u64,
    first_replication: u64,
    replications: u64,
    threads: usize,
    started_unix_seconds: u64,
    wall_seconds: f64,
    keys: &'a [String],
    points: Vec<SweepPoint>,
    /// For a folder written by `orgsim merge`: the sweep folders it joined, in replication
    /// order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    merged_from: Vec<MergedShard>,
}

#[derive(Serialize)]
struct SweepPoint {
    folder: String,
    values: toml::Table,
}

/// Writes `sweep.json` of `sweep`, its replications starting at `first_replication`, into the
/// staging folder.
fn write_sweep_file(
    staging: &Staging,
    sweep: &Sweep,
    first_replication: u64,
    provenance: Provenance,
) -> Result<(), Error> {
    let first = &sweep.points[0].scenario;
    let file = SweepFile {
        orgsim_version: env!("CARGO_PKG_VERSION"),
        scenario: &first.name,
        scenario_file: provenance.scenario_file,
        seed: first.seed,
        first_replication,
        replications: first.replications,
        threads: provenance.threads,
        started_unix_seconds: provenance.started_unix,
        wall_seconds: provenance.started.elapsed().as_secs_f64(),
        keys: &sweep.keys,
        points: sweep
            .points
            .iter()
            .enumerate()
            .map(|(index, point)| SweepPoint {
                folder: format!("points/{}", sweep.label(index)),
                values: sweep
                    .keys
                    .iter()
                    .cloned()
                    .zip(point.values.iter().cloned())
                    .collect(),
            })
            .collect(),
        merged_from: provenance.merged_from,
    };
    staging.write(
        "sweep.json",
        &serde_json::to_vec_pretty(&file).expect("sweep file serializes"),
    )?;
    Ok(())
}

/// Runs every point of `sweep` into `config.out`; returns the output folder.
pub fn execute(config: &RunConfig, sweep: &Sweep) -> Result<PathBuf, Error> {
    let (started, started_unix) = (Instant::now(), cli::unix_now());
    let staging = Staging::begin(&config.out, config.force)?;
    let total = sweep.points.len() as u64 * config.plan.replications;
    let bar = cli::progress_bar(total, config.quiet);
    let models = models(sweep);
    let lines = write_points(&staging, sweep, &models, |index, dir, sim, names| {
        cli::run_into(dir, config, &sweep.points[index].scenario, sim, names, &bar)
    })?;
    bar.finish_and_clear();
    write_sweep_file(
        &staging,
        sweep,
        config.plan.first_replication,
        Provenance {
            scenario_file: config.scenario_file.display().to_string(),
            threads: config.plan.threads,
            started,
            started_unix,
            merged_from: Vec::new(),
        },
    )?;
    let folder = staging.commit()?;
    if !config.quiet {
        print_points(sweep, &lines);
        println!(
            "wrote {} ({} points, {:.1} s on {} threads)",
            folder.display(),
            sweep.points.len(),
            started.elapsed().as_secs_f64(),
            config.plan.threads
        );
    }
    if config.charts {
        draw_charts(&folder, sweep, config.quiet);
    }
    Ok(folder)
}

/// `orgsim merge` of sweep folders: each point's shards merged into `points/pNN` as a single
/// run's folder, and the tables across points built from them as [`execute`] builds them, so
/// that the folder is the one a single run of the sweep over the whole range writes (but for
/// the time series' quantiles and the provenance). Returns the merged folder.
pub fn merge(args: &MergeArgs) -> Result<PathBuf, Error> {
    let (started, started_unix) = (Instant::now(), cli::unix_now());
    let shards = crate::merge::SweepShards::open(&args.shards)?;
    let sweep = shards.sweep();
    let plan = *shards.plan();
    let out = args.output.folder(&sweep.points[0].scenario);
    shards.check_output(&out)?;
    let models = models(sweep);
    // Everything is read and checked before the output folder is touched. Each point merges
    // again when it is written, so that one point's merged time series is held at a time (a
    // point's can run to megabytes, and a sweep to a thousand points).
    for (point, model) in shards.points().iter().zip(&models) {
        point.merge(model.sim.as_ref())?;
    }
    let staging = Staging::begin(&out, args.output.force)?;
    let lines = write_points(&staging, sweep, &models, |index, dir, sim, names| {
        let point = &shards.points()[index];
        let merged = point.merge(sim)?;
        cli::write_merged(dir, point, sim, names, &merged, started, started_unix)
    })?;
    let merged_from = shards.provenance();
    let joined = merged_from.len();
    write_sweep_file(
        &staging,
        sweep,
        plan.first_replication,
        Provenance {
            scenario_file: shards.scenario_file().to_string(),
            threads: plan.threads,
            started,
            started_unix,
            merged_from,
        },
    )?;
    let folder = staging.commit()?;
    if !args.output.quiet {
        print_points(sweep, &lines);
        println!(
            "wrote {} ({joined} shards joined: {} points x {} policies x {} replications, {} to \
             {})",
            folder.display(),
            sweep.points.len(),
            models[0].names.len(),
            plan.replications,
            plan.first_replication,
            plan.first_replication + plan.replications - 1
        );
    }
    if !args.output.no_charts {
        draw_charts(&folder, sweep, args.output.quiet);
    }
    Ok(folder)
}

/// One point's model and its policy names.
struct Model {
    sim: Box<dyn Simulation>,
    names: Vec<String>,
}

/// The model of each point of `sweep`.
fn models(sweep: &Sweep) -> Vec<Model> {
    sweep
        .points
        .iter()
        .map(|point| {
            let sim = crate::model::build(&point.scenario);
            let names = sim.policy_names();
            Model { sim, names }
        })
        .collect()
}

/// Writes every point's results folder, `points/pNN` in the staging folder, with
/// `write_point(index, folder, sim, policy names)` (the folder exists and is empty), then the
/// tables across points from those folders: `sweep.csv` and `replications.csv`. Returns each
/// point's printed line.
fn write_points<'a, F>(
    staging: &Staging,
    sweep: &Sweep,
    models: &'a [Model],
    mut write_point: F,
) -> Result<Vec<String>, Error>
where
    F: FnMut(usize, &Path, &'a dyn Simulation, &'a [String]) -> Result<SummaryFile<'a>, Error>,
{
    let points_dir = staging.path("points");
    std::fs::create_dir(&points_dir).map_err(output::io_error(&points_dir))?;
    let mut table = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(sweep.keys.iter().cloned());
    header.extend(
        [
            "policy",
            "metric",
            "n",
            "mean",
            "sd",
            "ci95_low",
            "ci95_high",
            "p05",
            "p25",
            "p50",
            "p75",
            "p95",
            "baseline",
            "difference",
            "difference_ci95_low",
            "difference_ci95_high",
        ]
        .map(String::from),
    );
    table.write_record(&header).map_err(csv_error)?;
    let replications_path = staging.path("replications.csv");
    let mut replications = std::io::BufWriter::new(
        std::fs::File::create(&replications_path).map_err(output::io_error(&replications_path))?,
    );
    let mut lines = Vec::new();
    for (index, (point, model)) in sweep.points.iter().zip(models).enumerate() {
        let label = sweep.label(index);
        let dir = points_dir.join(&label);
        std::fs::create_dir(&dir).map_err(output::io_error(&dir))?;
        let summary = write_point(index, &dir, model.sim.as_ref(), &model.names)?;
        let values: Vec<String> = point.values.iter().map(value_text).collect();
        write_summary_rows(&mut table, &label, &values, &summary)?;
        append_replications(
            &mut replications,
            &dir.join("replications.csv"),
            &label,
            &values,
            sweep,
            index == 0,
        )?;
        lines.push(headline(sweep, index, &summary, model.sim.as_ref()));
    }
    replications
        .flush()
        .map_err(output::io_error(&replications_path))?;
    drop(replications);
    let table = table
        .into_inner()
        .map_err(|e| csv_error(e.into_error().into()))?;
    staging.write("sweep.csv", &table)?;
    Ok(lines)
}

/// Prints the sweep's first line and each point's line.
fn print_points(sweep: &Sweep, lines: &[String]) {
    let first = &sweep.points[0].scenario;
    println!(
        "{}: sweep of {} points ({}), {} replications per policy",
        first.name,
        sweep.points.len(),
        sweep.keys.join(" x "),
        first.replications
    );
    for line in lines {
        println!("{line}");
    }
}

/// Draws each point's charts and the charts across points of the sweep in `folder`.
fn draw_charts(folder: &Path, sweep: &Sweep, quiet: bool) {
    for index in 0..sweep.points.len() {
        let dir = folder.join("points").join(sweep.label(index));
        cli::draw_charts_after_run(&dir, true);
    }
    if !quiet {
        println!("drew each point's charts in points/<point>/charts");
    }
    // The sweep's own folder: `charts::draw_all` draws its charts across the points.
    cli::draw_charts_after_run(folder, quiet);
}

/// The outcome a sweep's printed lines show: the net true value with terminal value when the
/// model has it, else the model's first headline outcome.
const SWEEP_HEADLINE: &str = "j_true_with_tv";

/// One printed line per point: its values, and the headline outcome's paired difference of
/// each policy against the first (or, with one policy, its mean), with 95% CIs.
fn headline(
    sweep: &Sweep,
    index: usize,
    summary: &SummaryFile<'_>,
    sim: &dyn Simulation,
) -> String {
    let mut line = format!("  {}  {}", sweep.label(index), sweep.describe(index));
    let metrics = sim.headline_metrics();
    let Some(metric) = metrics
        .iter()
        .find(|m| **m == SWEEP_HEADLINE)
        .or(metrics.first())
    else {
        return line;
    };
    line.push_str(&format!("  | {metric}:"));
    if summary.comparisons.is_empty() {
        for row in summary.outcomes.iter().filter(|r| r.metric == *metric) {
            let s = &row.summary;
            line.push_str(&format!(
                " {} {:.4} ({:.4} to {:.4})",
                row.policy, s.mean, s.ci95_low, s.ci95_high
            ));
        }
    }
    for c in summary.comparisons.iter().filter(|c| c.metric == *metric) {
        line.push_str(&format!(
            " {} - {} {:+.4} ({:+.4} to {:+.4})",
            c.policy, c.baseline, c.mean_difference, c.ci95_low, c.ci95_high
        ));
    }
    line
}

fn write_summary_rows(
    table: &mut csv::Writer<Vec<u8>>,
    label: &str,
    values: &[String],
    summary: &SummaryFile<'_>,
) -> Result<(), Error> {
    for row in &summary.outcomes {
        let s = &row.summary;
        let mut record: Vec<String> = vec![label.to_string()];
        record.extend(values.iter().cloned());
        record.push(row.policy.to_string());
        record.push(row.metric.to_string());
        record.push(s.n.to_string());
        for x in [
            s.mean,
            s.sd,
            s.ci95_low,
            s.ci95_high,
            s.p05,
            s.p25,
            s.p50,
            s.p75,
            s.p95,
        ] {
            record.push(format_number(x));
        }
        match summary
            .comparisons
            .iter()
            .find(|c| c.metric == row.metric && c.policy == row.policy)
        {
            Some(c) => {
                record.push(c.baseline.to_string());
                for x in [c.mean_difference, c.ci95_low, c.ci95_high] {
                    record.push(format_number(x));
                }
            }
            None => record.extend(std::iter::repeat_n(String::new(), 4)),
        }
        table.write_record(&record).map_err(csv_error)?;
    }
    Ok(())
}

/// Appends a point's `replications.csv` to the sweep's, with `point` and the swept values in
/// front of each row (the header once).
fn append_replications(
    out: &mut impl Write,
    file: &Path,
    label: &str,
    values: &[String],
    sweep: &Sweep,
    header: bool,
) -> Result<(), Error> {
    let prefix = |cells: Vec<String>| -> Result<String, Error> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b','))
            .from_writer(Vec::new());
        w.write_record(&cells).map_err(csv_error)?;
        let bytes = w
            .into_inner()
            .map_err(|e| csv_error(e.into_error().into()))?;
        Ok(String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8"))
    };
    let reader =
        std::io::BufReader::new(std::fs::File::open(file).map_err(output::io_error(file))?);
    let mut cells = vec![label.to_string()];
    cells.extend(values.iter().cloned());
    let row_prefix = prefix(cells)?;
    let mut names = vec!["point".to_string()];
    names.extend(sweep.keys.iter().cloned());
    let header_prefix = prefix(names)?;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(output::io_error(file))?;
        let written = match (i, header) {
            (0, false) => continue,
            (0, true) => writeln!(out, "{header_prefix}{line}"),
            _ => writeln!(out, "{row_prefix}{line}"),
        };
        written.map_err(output::io_error(file))?;
    }
    Ok(())
}

/// A CSV error while building a table in memory (only a formatting failure can cause one).
fn csv_error(error: csv::Error) -> Error {
    Error::Output(output::OutputError::Io {
        path: PathBuf::from("sweep.csv"),
        reason: error.to_string(),
    })
}

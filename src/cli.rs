//! The command line: clap's raw flags, resolved into a run configuration, and the commands.
//!
//! `main.rs` only parses, calls [`execute`] and maps the error to an exit code.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::model::Simulation;
use crate::montecarlo::{self, RunPlan};
use crate::output::{self, ReplicationWriter, RunFile, Staging};
use crate::scenario::{self, ModelConfig, Scenario};
use crate::Error;

/// orgsim: a discrete-event Monte Carlo simulator of teams under different management styles.
#[derive(Debug, Parser)]
#[command(name = "orgsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every replication of every policy in a scenario and write the results.
    Run(RunArgs),
    /// Check scenario files without running them and print each one's plan.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the policy presets with every lever's value.
    Presets,
    /// Redraw every chart from a results folder without re-running.
    Plot(PlotArgs),
    /// Join the results of one scenario (or sweep) run in shards (disjoint replication ranges)
    /// into one folder, as a single run over all of them would have written it.
    Merge(MergeArgs),
}

/// Flags of `orgsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Results folders written by `orgsim run --first-replication K --replications N`, in any
    /// order; together they must cover one unbroken range of replications. Either all of them
    /// are a sweep's folders (with `sweep.json`) or none.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Flags of `orgsim plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Results folder written by `orgsim run`; charts go to its `charts/` folder.
    pub dir: PathBuf,
    /// Image format: png or svg.
    #[arg(long, default_value = "png", value_parser = ["png", "svg"])]
    pub format: String,
    /// Image size WIDTHxHEIGHT [pixels].
    #[arg(long, default_value = "1600x1000")]
    pub size: String,
    /// Series metrics for fan charts, comma-separated [default: the key metrics present].
    #[arg(long, value_delimiter = ',')]
    pub metrics: Option<Vec<String>>,
    /// Draw only these policies, comma-separated (e.g. two for a slide), into
    /// `charts/<a>+<b>/`; colours stay those of the full set, and paired differences are
    /// against the first of them in the scenario's order [default: all policies].
    #[arg(long, value_delimiter = ',')]
    pub policies: Option<Vec<String>>,
}

/// Flags of `orgsim run`; each overrides the scenario file.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Worker threads [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Replications per policy.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub replications: Option<u64>,
    /// Index of the first replication: re-run one future with `--first-replication K
    /// --replications 1`, or shard a sweep across machines (`orgsim merge` joins the shards).
    #[arg(long, default_value_t = 0)]
    pub first_replication: u64,
    /// Master seed.
    #[arg(long)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Where a command writes its results folder, and what it prints and draws.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output folder [default: output/<scenario-name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the results already in the output folder (never a folder that holds the
    /// shards being merged).
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not draw charts (`orgsim plot` draws them later).
    #[arg(long)]
    pub no_charts: bool,
}

impl OutputArgs {
    /// The output folder for `scenario`: `--out`, else `output/<scenario name>`.
    pub fn folder(&self, scenario: &Scenario) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| scenario::default_output_dir(scenario))
    }
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run(&args).map(|_| ()),
        Command::Validate { files } => validate(&files),
        Command::Presets => {
            print!("{}", crate::policy::presets_table());
            Ok(())
        }
        Command::Plot(args) => plot(&args).map(|_| ()),
        Command::Merge(args) => merge(&args).map(|_| ()),
    }
}

/// A fully resolved `orgsim run`.
pub struct RunConfig {
    pub scenario: Scenario,
    pub scenario_file: PathBuf,
    pub plan: RunPlan,
    pub out: PathBuf,
    pub force: bool,
    pub quiet: bool,
    pub charts: bool,
}

impl RunConfig {
    /// Loads the scenario and applies the command-line overrides.
    pub fn resolve(args: &RunArgs) -> Result<Self, Error> {
        let mut scenario = scenario::load(&args.file)?;
        apply_overrides(&mut scenario, args);
        Self::with_scenario(args, scenario)
    }

    /// The configuration for `scenario`, already loaded and overridden.
    fn with_scenario(args: &RunArgs, scenario: Scenario) -> Result<Self, Error> {
        if args
            .first_replication
            .checked_add(scenario.replications)
            .is_none()
        {
            return Err(Error::Usage(format!(
                "--first-replication {} plus {} replications is past the last replication index",
                args.first_replication, scenario.replications
            )));
        }
        let threads = match args.threads {
            Some(n) => n as usize,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let out = args.output.folder(&scenario);
        Ok(RunConfig {
            plan: RunPlan {
                seed: scenario.seed,
                first_replication: args.first_replication,
                replications: scenario.replications,
                threads,
            },
            scenario,
            scenario_file: args.file.clone(),
            out,
            force: args.output.force,
            quiet: args.output.quiet,
            charts: !args.output.no_charts,
        })
    }
}

/// The `--replications` and `--seed` flags, applied to a scenario.
fn apply_overrides(scenario: &mut Scenario, args: &RunArgs) {
    if let Some(replications) = args.replications {
        scenario.replications = replications;
    }
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
}

/// `orgsim run`: returns the output folder.
pub fn run(args: &RunArgs) -> Result<PathBuf, Error> {
    match scenario::load_any(&args.file)? {
        scenario::Loaded::One(mut scenario) => {
            apply_overrides(&mut scenario, args);
            execute_run(&RunConfig::with_scenario(args, scenario)?)
        }
        scenario::Loaded::Sweep(mut sweep) => {
            for point in &mut sweep.points {
                apply_overrides(&mut point.scenario, args);
            }
            let first = sweep.points[0].scenario.clone();
            crate::sweep::execute(&RunConfig::with_scenario(args, first)?, &sweep)
        }
    }
}

/// Runs `config`'s scenario with `plan` and writes a complete results folder into `dir`
/// (an existing, empty folder); returns the summary, for printing.
pub(crate) fn run_into<'a>(
    dir: &Path,
    config: &RunConfig,
    scenario: &'a Scenario,
    sim: &'a dyn Simulation,
    names: &'a [String],
    bar: &indicatif::ProgressBar,
) -> Result<output::SummaryFile<'a>, Error> {
    let (started, started_unix) = (Instant::now(), unix_now());
    let plan = RunPlan {
        seed: scenario.seed,
        replications: scenario.replications,
        ..config.plan
    };
    let mut rows = ReplicationWriter::create(dir.join("replications.csv"), sim)?;
    let aggregate = montecarlo::run(
        sim,
        &plan,
        |result| {
            rows.write(result)
                .map_err(|e| montecarlo::RunError::Observer(e.to_string()))
        },
        &|done| bar.inc(done),
    )?;
    rows.finish()?;
    write_results(
        dir,
        scenario,
        sim,
        names,
        &plan,
        &aggregate,
        &output::timeseries_csv(sim, names, &aggregate),
        Provenance {
            scenario_file: config.scenario_file.display().to_string(),
            threads: plan.threads,
            started,
            started_unix,
            merged_from: Vec::new(),
        },
    )
}

/// Runs a resolved configuration and writes its output folder.
pub fn execute_run(config: &RunConfig) -> Result<PathBuf, Error> {
    let started = Instant::now();
    let scenario = &config.scenario;
    let plan = config.plan;
    let staging = Staging::begin(&config.out, config.force)?;
    let sim = crate::model::build(scenario);
    let names = sim.policy_names();

    let bar = progress_bar(plan.replications, config.quiet);
    let summary = run_into(staging.dir(), config, scenario, sim.as_ref(), &names, &bar)?;
    bar.finish_and_clear();
    let folder = staging.commit()?;
    if !config.quiet {
        print_headline(scenario, sim.as_ref(), &summary);
        println!(
            "wrote {} ({} policies x {} replications, {:.1} s on {} threads)",
            folder.display(),
            names.len(),
            plan.replications,
            started.elapsed().as_secs_f64(),
            plan.threads
        );
    }
    if config.charts {
        draw_charts_after_run(&folder, config.quiet);
    }
    Ok(folder)
}

/// `orgsim merge`: returns the merged folder. Sweep folders merge as a sweep
/// ([`crate::sweep::merge`]).
pub fn merge(args: &MergeArgs) -> Result<PathBuf, Error> {
    if crate::merge::are_sweeps(&args.shards)? {
        return crate::sweep::merge(args);
    }
    let (started, started_unix) = (Instant::now(), unix_now());
    let shards = crate::merge::Shards::open(&args.shards)?;
    let scenario = shards.scenario();
    let plan = *shards.plan();
    let out = args.output.folder(scenario);
    shards.check_output(&out)?;
    let sim = crate::model::build(scenario);
    let names = sim.policy_names();
    // Everything is read and checked before the output folder is touched.
    let merged = shards.merge(sim.as_ref())?;
    let staging = Staging::begin(&out, args.output.force)?;
    let summary = write_merged(
        staging.dir(),
        &shards,
        sim.as_ref(),
        &names,
        &merged,
        started,
        started_unix,
    )?;
    let folder = staging.commit()?;
    if !args.output.quiet {
        print_headline(scenario, sim.as_ref(), &summary);
        println!(
            "wrote {} ({} shards joined: {} policies x {} replications, {} to {})",
            folder.display(),
            shards.provenance().len(),
            names.len(),
            plan.replications,
            plan.first_replication,
            plan.first_replication + plan.replications - 1
        );
    }
    if !args.output.no_charts {
        draw_charts_after_run(&folder, args.output.quiet);
    }
    Ok(folder)
}

/// Writes the merged results folder of `shards` into `dir` (an existing, empty folder): the
/// joined `replications.csv`, then the files of [`write_results`] from `merged`, with `run.json`
/// listing the shards under `merged_from`. Returns the summary, for printing.
pub(crate) fn write_merged<'a>(
    dir: &Path,
    shards: &'a crate::merge::Shards,
    sim: &'a dyn Simulation,
    names: &'a [String],
    merged: &crate::merge::Merged,
    started: Instant,
    started_unix: u64,
) -> Result<output::SummaryFile<'a>, Error> {
    shards.write_replications(&dir.join("replications.csv"))?;
    write_results(
        dir,
        shards.scenario(),
        sim,
        names,
        shards.plan(),
        &merged.aggregate,
        &merged.timeseries,
        Provenance {
            scenario_file: shards.scenario_file().to_string(),
            threads: shards.plan().threads,
            started,
            started_unix,
            merged_from: shards.provenance(),
        },
    )
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Where a results folder came from, for `run.json` (and a sweep's `sweep.json`).
pub(crate) struct Provenance {
    /// The scenario file as given on the command line.
    pub(crate) scenario_file: String,
    pub(crate) threads: usize,
    /// When the command started, for `wall_seconds`.
    pub(crate) started: Instant,
    pub(crate) started_unix: u64,
    /// The shards a merged folder joined, in replication order; empty for a run.
    pub(crate) merged_from: Vec<output::MergedShard>,
}

/// Writes a results folder's files besides `replications.csv` (which the caller streams):
/// `summary.json`, `timeseries.csv`, `scenario.resolved.toml` and `run.json`. Returns the
/// summary, for printing.
#[allow(clippy::too_many_arguments)]
fn write_results<'a>(
    dir: &Path,
    scenario: &'a Scenario,
    sim: &'a dyn Simulation,
    names: &'a [String],
    plan: &RunPlan,
    aggregate: &montecarlo::Aggregate,
    timeseries: &[u8],
    provenance: Provenance,
) -> Result<output::SummaryFile<'a>, Error> {
    let summary = output::summary_file(scenario, plan, sim, names, aggregate);
    let summary_json = serde_json::to_vec_pretty(&summary).expect("summary serializes");
    let write = |file: &str, bytes: &[u8]| {
        let path = dir.join(file);
        std::fs::write(&path, bytes).map_err(output::io_error(&path))
    };
    write("summary.json", &summary_json)?;
    write("timeseries.csv", timeseries)?;
    let resolved = scenario.to_resolved_toml();
    write("scenario.resolved.toml", resolved.as_bytes())?;
    let run_file = RunFile {
        orgsim_version: env!("CARGO_PKG_VERSION"),
        scenario: &scenario.name,
        scenario_file: provenance.scenario_file,
        scenario_sha256: output::sha256_hex(resolved.as_bytes()),
        seed: plan.seed,
        first_replication: plan.first_replication,
        replications: plan.replications,
        threads: provenance.threads,
        started_unix_seconds: provenance.started_unix,
        wall_seconds: provenance.started.elapsed().as_secs_f64(),
        merged_from: provenance.merged_from,
    };
    write(
        "run.json",
        &serde_json::to_vec_pretty(&run_file).expect("run file serializes"),
    )?;
    Ok(summary)
}

/// Draws the default charts of a finished run. The results are already safe on disk, so a
/// failure here is a warning, not a failed run: `orgsim plot` can redraw them.
pub(crate) fn draw_charts_after_run(folder: &Path, quiet: bool) {
    match crate::charts::draw_all(folder, &crate::charts::PlotOptions::default()) {
        Ok(files) if !quiet => println!(
            "drew {} charts in {}",
            files.len(),
            crate::charts::data::charts_dir(folder).display()
        ),
        Ok(_) => {}
        Err(error) => eprintln!(
            "warning: charts not drawn: {error}; redraw them with `orgsim plot {}`",
            folder.display()
        ),
    }
}

/// `orgsim plot`: redraws the charts of a results folder; returns the files written.
pub fn plot(args: &PlotArgs) -> Result<Vec<PathBuf>, Error> {
    let (width, height) = crate::charts::parse_size(&args.size)?;
    let options = crate::charts::PlotOptions {
        format: args.format.parse()?,
        width,
        height,
        metrics: args.metrics.clone(),
        policies: args.policies.clone(),
    };
    let files = crate::charts::draw_all(&args.dir, &options)?;
    for file in &files {
        println!("{}", file.display());
    }
    Ok(files)
}

pub(crate) fn progress_bar(replications: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(replications);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} replications (ETA {eta})",
        )
        .expect("template is valid"),
    );
    bar
}

/// Prints each outcome's mean and 95% CI per policy.
pub(crate) fn print_headline(
    scenario: &Scenario,
    sim: &dyn Simulation,
    summary: &output::SummaryFile<'_>,
) {
    println!(
        "{}: {} replications per policy, {} working days",
        scenario.name, summary.replications, scenario.horizon_days
    );
    let baseline = summary.policies.first().map(String::as_str).unwrap_or("");
    let headline = sim.headline_metrics();
    for spec in headline
        .iter()
        .filter_map(|name| sim.outcome_metrics().iter().find(|m| m.name == *name))
    {
        println!("  {} [{}]", spec.label, spec.unit);
        for row in summary.outcomes.iter().filter(|r| r.metric == spec.name) {
            print!(
                "    {:<22} {:>11.4}  (95% CI {:.4} to {:.4})",
                row.policy, row.summary.mean, row.summary.ci95_low, row.summary.ci95_high
            );
            match summary
                .comparisons
                .iter()
                .find(|c| c.metric == spec.name && c.policy == row.policy)
            {
                Some(c) => println!(
                    "   vs {baseline}: {:+.4} ({:+.4} to {:+.4})",
                    c.mean_difference, c.ci95_low, c.ci95_high
                ),
                None => println!(),
            }
        }
    }
    if let ModelConfig::Organization { organization, .. } = &scenario.model {
        if !organization.teams_alike() {
            print_teams(summary);
        }
    }
    if headline.len() < sim.outcome_metrics().len() {
        println!(
            "  (all {} outcomes are in summary.json)",
            sim.outcome_metrics().len()
        );
    }
}

/// Most teams the printed summary lists; `summary.json` has them all.
const MAX_TEAM_ROWS: usize = 30;

/// Per team and policy: mean engagement and true value delivered (the `team_*` outcomes), for
/// organizations whose teams differ; the first [`MAX_TEAM_ROWS`] teams.
fn print_teams(summary: &output::SummaryFile<'_>) {
    let means: HashMap<(&str, &str), f64> = summary
        .outcomes
        .iter()
        .map(|r| ((r.policy, r.metric), r.summary.mean))
        .collect();
    let mean = |policy: &str, metric: &str| means.get(&(policy, metric)).copied();
    let shown = &summary.teams[..summary.teams.len().min(MAX_TEAM_ROWS)];
    let labels: Vec<String> = shown
        .iter()
        .map(|t| format!("{} ({})", t.spec.name, t.spec.size))
        .collect();
    let cells: Vec<Vec<String>> = shown
        .iter()
        .map(|team| {
            let engagement = format!("team_engagement_{}", team.number);
            let value = format!("team_true_value_{}", team.number);
            summary
                .policies
                .iter()
                .map(|p| match (mean(p, &engagement), mean(p, &value)) {
                    (Some(g), Some(v)) => format!("{g:.3} / {v:.2}"),
                    _ => "-".to_string(),
                })
                .collect()
        })
        .collect();
    // Widths in characters, as `format!` pads.
    let first = labels
        .iter()
        .map(|l| l.chars().count())
        .fold("team (members)".len(), usize::max);
    let columns: Vec<usize> = summary
        .policies
        .iter()
        .enumerate()
        .map(|(j, p)| {
            cells
                .iter()
                .map(|row| row[j].len())
                .fold(p.chars().count(), usize::max)
        })
        .collect();
    println!("  By team: engagement, time average [index 0-1] / true value delivered [S]");
    print!("    {:<first$}", "team (members)");
    for (policy, w) in summary.policies.iter().zip(&columns) {
        print!("  {policy:>w$}");
    }
    println!();
    for (label, row) in labels.iter().zip(&cells) {
        print!("    {label:<first$}");
        for (cell, w) in row.iter().zip(&columns) {
            print!("  {cell:>w$}");
        }
        println!();
    }
    if summary.teams.len() > shown.len() {
        println!(
            "    ... {} more teams in summary.json",
            summary.teams.len() - shown.len()
        );
    }
}

/// `orgsim validate`: checks every file, prints one plan line each, fails if any is invalid.
pub fn validate(files: &[PathBuf]) -> Result<(), Error> {
    if let [file] = files {
        let loaded = scenario::load_any(file)?;
        println!("{}: ok: {}", file.display(), loaded_plan_line(&loaded));
        return Ok(());
    }
    let mut invalid = 0;
    for file in files {
        match scenario::load_any(file) {
            Ok(loaded) => println!("{}: ok: {}", file.display(), loaded_plan_line(&loaded)),
            Err(error) => {
                eprintln!("error: {error}");
                invalid += 1;
            }
        }
    }
    if invalid > 0 {
        return Err(Error::Usage(format!(
            "{invalid} of {} scenario files are invalid",
            files.len()
        )));
    }
    Ok(())
}

/// [`plan_line`] of a scenario, or of a sweep's first point with the number of points.
fn loaded_plan_line(loaded: &scenario::Loaded) -> String {
    match loaded {
        scenario::Loaded::One(scenario) => plan_line(scenario),
        scenario::Loaded::Sweep(sweep) => format!(
            "sweep of {} point{} ({}); each point: {}",
            sweep.points.len(),
            if sweep.points.len() == 1 { "" } else { "s" },
            sweep.keys.join(" x "),
            plan_line(&sweep.points[0].scenario)
        ),
    }
}

/// One line: policies x replications, simulated days, and an estimated run time from a pilot
/// replication of each policy.
pub fn plan_line(scenario: &Scenario) -> String {
    let policies = scenario.policy_names().len();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let events = scenario.expected_events_per_replication();
    let estimate = if events <= 2e7 {
        let sim = crate::model::build(scenario);
        let started = Instant::now();
        let streams = crate::random::Streams::new(scenario.seed, 0);
        for policy in 0..policies {
            let mut record = sim.new_record();
            sim.run_replication(policy, &streams, &mut record);
        }
        let per_replication = started.elapsed().as_secs_f64();
        let seconds = per_replication * scenario.replications as f64 / threads as f64;
        format!("{} on {threads} threads", human_duration(seconds))
    } else {
        format!("about {events:.1e} events per replication; no run-time estimate")
    };
    format!(
        "{policies} {} x {} replications, {} simulated days, {estimate}",
        if policies == 1 { "policy" } else { "policies" },
        scenario.replications,
        scenario.horizon_days
    )
}

fn human_duration(seconds: f64) -> String {
    if seconds < 1.0 {
        "under a second".to_string()
    } else if seconds < 120.0 {
        format!("about {seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("about {:.0} min", seconds / 60.0)
    } else {
        format!("about {:.1} h", seconds / 3600.0)
    }
}

//! orgsim: a discrete-event, parallel Monte Carlo simulator of teams under different management
//! styles.
//!
//! The crate is layered so that each part knows only the one below it:
//! - [`engine`]: simulation time, the event calendar, lazy relaxation of continuous states;
//! - [`random`]: portable random streams derived per (seed, replication, source, entity);
//! - [`model`]: what happens inside one replication (the queueing core, the management model);
//! - [`policy`]: management levers and presets, as data;
//! - [`scenario`]: TOML scenario files, parsed then validated into domain types;
//! - [`montecarlo`]: replications in parallel, folded in job order into [`stats`];
//! - [`output`]: the result files, written atomically;
//! - [`merge`]: result folders (or sweep folders) of disjoint replication ranges joined into one;
//! - [`charts`]: PNG and SVG figures drawn from saved results;
//! - [`cli`]: the command line.

pub mod charts;
pub mod cli;
pub mod engine;
pub mod merge;
pub mod model;
pub mod montecarlo;
pub mod output;
pub mod policy;
pub mod random;
pub mod scenario;
pub mod stats;
pub mod sweep;

/// Every failure of a command, with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario file is missing, unreadable or invalid (exit code 2).
    #[error(transparent)]
    Scenario(#[from] scenario::ScenarioError),
    /// Results could not be written, or would overwrite earlier results (exit code 1 or 2).
    #[error(transparent)]
    Output(#[from] output::OutputError),
    /// The run itself failed (exit code 1).
    #[error(transparent)]
    Run(#[from] montecarlo::RunError),
    /// Charts could not be drawn (exit code 1), or the results folder is missing or invalid
    /// (exit code 2).
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    /// Result folders that cannot be merged (exit code 2).
    #[error(transparent)]
    Merge(#[from] merge::MergeError),
    /// The command line asks for something impossible (exit code 2).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The documented exit code: 1 when a run failed, 2 for bad input or usage.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Scenario(_)
            | Error::Merge(_)
            | Error::Usage(_)
            | Error::Output(output::OutputError::Exists(_))
            | Error::Output(output::OutputError::NotAFolder(_)) => 2,
            Error::Chart(error) if error.is_input_error() => 2,
            Error::Output(_) | Error::Run(_) | Error::Chart(_) => 1,
        }
    }
}

//! orgsim's integration tests, in one test binary (one link, one parallel test run).
//!
//! Modules: command-line behaviour and bad input, charts, the `[coefficients]` table,
//! determinism of output files, merging shards of a run,
//! queueing validation of the engine against closed forms, and the stylized facts with their
//! claims tested together (Holm–Bonferroni).

mod bad_input;
mod charts;
mod claims;
mod coefficients;
mod common;
mod determinism;
mod merge;
mod queueing;
mod scenarios;
mod stylized_facts;
mod sweep;
mod teams;

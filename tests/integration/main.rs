//! orgsim's integration tests, in one test binary (one link, one parallel test run).
//!
//! Modules: command-line behaviour and bad input, determinism of output files, queueing
//! validation of the engine against closed forms.

mod bad_input;
mod common;
mod determinism;
mod queueing;
mod stylized_facts;

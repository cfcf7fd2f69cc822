//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where `scenarios/` lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario file.
pub fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// Runs the orgsim binary with `args` in `dir`.
pub fn orgsim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the orgsim binary starts")
}

/// The process's stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the orgsim binary with `args` in `dir` and asserts that it succeeded.
pub fn orgsim_ok(dir: &Path, args: &[&str]) -> Output {
    let output = orgsim(dir, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    output
}

/// Asserts that each of `files` has the same bytes in folders `a` and `b`.
pub fn assert_same_files(a: &Path, b: &Path, files: &[&str]) {
    for file in files {
        let left = std::fs::read(a.join(file)).unwrap();
        let right = std::fs::read(b.join(file)).unwrap();
        assert!(
            left == right,
            "{file} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

//! Errors for scenario files: every one names the file and, where the text has one, the line,
//! column and key, says what was expected and, for a misspelt key, the nearest valid key.

use std::fmt;
use std::path::{Path, PathBuf};

/// A scenario file that could not be read, parsed or validated.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be opened or read (missing, a directory, unreadable, not UTF-8).
    #[error("{}: cannot read scenario file: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    /// The file holds nothing but whitespace and comments.
    #[error(
        "{}: the file is empty; a scenario needs at least `name`, `seed`, `replications`, \
         `horizon_days` and a model section (`[queue]` or `[organization]`)",
        path.display()
    )]
    Empty { path: PathBuf },
    /// The file is not valid TOML or does not fit the schema or its ranges.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

/// A located complaint about a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The scenario file.
    pub path: PathBuf,
    /// 1-based line and column of the offending text, when it has a place in the file.
    pub location: Option<(usize, usize)>,
    /// Dotted key path, e.g. `policies[1].levers.kappa`.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What would have been accepted.
    pub expected: Option<String>,
    /// The nearest valid key, for an unknown key.
    pub suggestion: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(expected) = &self.expected {
            write!(f, "; expected {expected}")?;
        }
        if let Some(suggestion) = &self.suggestion {
            write!(f, " (did you mean `{suggestion}`?)")?;
        }
        Ok(())
    }
}

/// A validation failure before it is placed in a file: the key path and what was wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub key: String,
    pub message: String,
    pub expected: String,
}

impl Invalid {
    /// A complaint about `key`.
    pub fn new(
        key: impl Into<String>,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Invalid {
            key: key.into(),
            message: message.into(),
            expected: expected.into(),
        }
    }

    /// Places the complaint in `path`, locating `key` in `source` when it appears there.
    pub fn in_file(self, path: &Path, source: &str) -> ScenarioError {
        let location = super::locate::locate_key(source, &self.key);
        ScenarioError::Invalid(Box::new(Diagnostic {
            path: path.to_path_buf(),
            location,
            key: Some(self.key),
            message: self.message,
            expected: Some(self.expected),
            suggestion: None,
        }))
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(word, candidate), candidate))
        .filter(|&(distance, candidate)| distance <= 2.max(candidate.len() / 3))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

//! `[sweep]`: vary chosen keys of a scenario over a grid of values. Each point of the grid is a
//! complete scenario (the file with that point's values written in), validated like any other
//! and run with the same master seed, so replication r of every point draws the same random
//! numbers: differences between points are paired, as differences between policies are.
//!
//! ```toml
//! [sweep]
//! levers.kappa = [0.2, 0.5, 0.8]               # every policy's lever
//! coefficients.goal_erosion = [0.1, 0.3]        # 3 x 2 = 6 points
//! ```

use std::path::Path;

use super::error::{nearest, Diagnostic, Invalid, ScenarioError};
use super::raw::{self, RawScenario};
use super::{locate, Scenario};

/// Most points one sweep may have.
pub const MAX_SWEEP_POINTS: usize = 1_000;

/// What a sweep key may start with: a top-level key, or a section and one of its keys
/// (`levers.X` sets lever X of every policy).
pub const SWEEP_ROOTS: [&str; 5] = [
    "horizon_days",
    "organization",
    "disturbances",
    "coefficients",
    "levers",
];

/// A scenario file as loaded: one scenario, or a sweep of them.
// One per loaded file, so the size difference costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Loaded {
    One(Scenario),
    Sweep(Sweep),
}

/// The points of a sweep, in grid order: the first key varies slowest.
#[derive(Debug)]
pub struct Sweep {
    /// The swept keys in file order, e.g. `levers.kappa`.
    pub keys: Vec<String>,
    /// Each key's values, as written.
    pub values: Vec<Vec<toml::Value>>,
    pub points: Vec<Point>,
}

/// One point: its values (one per key) and the scenario they make.
#[derive(Debug)]
pub struct Point {
    pub values: Vec<toml::Value>,
    pub scenario: Scenario,
}

impl Sweep {
    /// Folder name of point `index`: `p00`, `p01`, ... (see [`point_label`]).
    pub fn label(&self, index: usize) -> String {
        point_label(index, self.points.len())
    }

    /// `key = value, ...` of point `index`, for messages and chart captions.
    pub fn describe(&self, index: usize) -> String {
        assignments_text(
            self.keys
                .iter()
                .map(String::as_str)
                .zip(&self.points[index].values),
        )
    }
}

/// Folder name of point `index` of a sweep of `points` points: `p00`, `p01`, ... (zero-padded
/// to the widest index, at least two digits).
pub fn point_label(index: usize, points: usize) -> String {
    let width = (points.saturating_sub(1).max(1).ilog10() + 1).max(2) as usize;
    format!("p{index:0width$}")
}

/// `key = value, key = value`.
fn assignments_text<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a toml::Value)>) -> String {
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k} = {}", value_text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A swept value as text, as a CSV cell: numbers in shortest form, strings unquoted.
pub fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(x) => format!("{x}"),
        other => other.to_string(),
    }
}

/// Validates a deserialized scenario; a `[sweep]` table expands into its points.
pub(super) fn resolve(
    path: &Path,
    text: &str,
    mut raw: RawScenario,
) -> Result<Loaded, ScenarioError> {
    let Some(table) = raw.sweep.take() else {
        return raw
            .validate()
            .map(Loaded::One)
            .map_err(|invalid| invalid.in_file(path, text));
    };
    expand(path, text, raw, &table).map(Loaded::Sweep)
}

fn expand(
    path: &Path,
    text: &str,
    base: RawScenario,
    table: &toml::Table,
) -> Result<Sweep, ScenarioError> {
    let mut leaves = Vec::new();
    flatten("", table, &mut leaves).map_err(|invalid| invalid.in_file(path, text))?;
    if leaves.is_empty() {
        return Err(Invalid::new(
            "sweep",
            "the sweep lists no keys",
            "at least one key with an array of values, e.g. `levers.kappa = [0.2, 0.5, 0.8]`",
        )
        .in_file(path, text));
    }
    // File order, which `toml::Table` (sorted) does not keep.
    leaves.sort_by_key(|(key, _)| locate::locate_key(text, &format!("sweep.{key}")));
    for (key, _) in &leaves {
        check_target(key, &base).map_err(|invalid| invalid.in_file(path, text))?;
    }
    let total = leaves
        .iter()
        .try_fold(1usize, |n, (_, values)| n.checked_mul(values.len()))
        .filter(|&n| n <= MAX_SWEEP_POINTS);
    let Some(total) = total else {
        return Err(Invalid::new(
            "sweep",
            "the grid has too many points",
            format!("at most {MAX_SWEEP_POINTS} points (the product of the numbers of values)"),
        )
        .in_file(path, text));
    };
    let base = toml::Value::try_from(&base).expect("a deserialized scenario serializes");
    let build = |assignments: &[(&str, &toml::Value)], location: Option<(usize, usize)>| {
        let mut doc = base.clone();
        for (key, value) in assignments {
            set(&mut doc, key, value);
        }
        let raw = raw::deserialize_value(path, doc, location)?;
        raw.validate().map_err(|invalid| {
            Box::new(Diagnostic {
                path: path.to_path_buf(),
                location,
                key: Some(invalid.key),
                message: invalid.message,
                expected: Some(invalid.expected),
                suggestion: None,
            })
        })
    };
    // Each value on its own first, so that a bad value is named by its place in the sweep.
    for (key, values) in &leaves {
        for (j, value) in values.iter().enumerate() {
            let entry = format!("sweep.{key}[{j}]");
            let location = locate::locate_key(text, &entry);
            build(&[(key, value)], location).map_err(|mut diagnostic| {
                diagnostic.key = Some(entry);
                ScenarioError::Invalid(diagnostic)
            })?;
        }
    }
    let mut points = Vec::with_capacity(total);
    for index in 0..total {
        let mut rest = index;
        let mut chosen = vec![0; leaves.len()];
        for (k, (_, values)) in leaves.iter().enumerate().rev() {
            chosen[k] = rest % values.len();
            rest /= values.len();
        }
        let assignments: Vec<(&str, &toml::Value)> = leaves
            .iter()
            .zip(&chosen)
            .map(|((key, values), &j)| (key.as_str(), &values[j]))
            .collect();
        let scenario =
            build(&assignments, locate::locate_key(text, "sweep")).map_err(|mut diagnostic| {
                let point = assignments_text(assignments.iter().copied());
                diagnostic.message = format!("at the sweep point {point}: {}", diagnostic.message);
                ScenarioError::Invalid(diagnostic)
            })?;
        points.push(Point {
            values: assignments.iter().map(|(_, v)| (*v).clone()).collect(),
            scenario,
        });
    }
    Ok(Sweep {
        keys: leaves.iter().map(|(k, _)| k.clone()).collect(),
        values: leaves.into_iter().map(|(_, v)| v).collect(),
        points,
    })
}

/// Collects the sweep's `key = [values]` entries, nested tables joined with dots.
fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut Vec<(String, Vec<toml::Value>)>,
) -> Result<(), Invalid> {
    for (name, value) in table {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&key, inner, out)?,
            toml::Value::Array(values) => {
                if values.is_empty() {
                    return Err(Invalid::new(
                        format!("sweep.{key}"),
                        "no values to sweep",
                        "a non-empty array, e.g. [0.2, 0.5, 0.8]",
                    ));
                }
                if values
                    .iter()
                    .any(|v| matches!(v, toml::Value::Array(_) | toml::Value::Table(_)))
                {
                    return Err(Invalid::new(
                        format!("sweep.{key}"),
                        "a swept value is an array or a table",
                        "numbers, booleans or strings",
                    ));
                }
                out.push((key, values.clone()));
            }
            _ => {
                return Err(Invalid::new(
                    format!("sweep.{key}"),
                    "a single value, not a list to sweep",
                    format!("an array of values, e.g. `{key} = [0.2, 0.5, 0.8]`"),
                ))
            }
        }
    }
    Ok(())
}

/// A sweep key must name one setting: `horizon_days`, or `<section>.<key>` for the
/// organization, disturbances, coefficients or every policy's levers.
fn check_target(key: &str, base: &RawScenario) -> Result<(), Invalid> {
    let entry = format!("sweep.{key}");
    let (root, rest) = match key.split_once('.') {
        Some((root, rest)) => (root, Some(rest)),
        None => (key, None),
    };
    if !SWEEP_ROOTS.contains(&root) {
        let mut invalid = Invalid::new(
            entry,
            format!("`{root}` cannot be swept"),
            format!(
                "a key starting with one of {}",
                SWEEP_ROOTS.map(|r| format!("`{r}`")).join(", ")
            ),
        );
        if let Some(near) = nearest(root, SWEEP_ROOTS) {
            invalid
                .expected
                .push_str(&format!(" (did you mean `{near}`?)"));
        }
        return Err(invalid);
    }
    let expected = match (root, rest) {
        ("horizon_days", None) => return Ok(()),
        ("horizon_days", Some(_)) => "`horizon_days` on its own",
        (_, None) => "a key of the section, e.g. `levers.kappa` or `coefficients.goal_erosion`",
        ("organization", Some("team")) => {
            "an organization-wide key (teams given as `[[organization.team]]` tables cannot be swept)"
        }
        (_, Some(rest)) if rest.contains('.') => "one key of the section, not a nested one",
        ("levers", Some(_)) if base.policies.is_empty() => {
            "`[[policies]]` tables: `levers.X` sets lever X of every policy, and this scenario lists none"
        }
        _ => return Ok(()),
    };
    Err(Invalid::new(entry, "not a key a sweep can vary", expected))
}

/// Sets `key` to `value` in a scenario document (`levers.X` in every policy).
fn set(doc: &mut toml::Value, key: &str, value: &toml::Value) {
    let table = doc.as_table_mut().expect("a scenario is a table");
    match key.split_once('.') {
        None => {
            table.insert(key.to_string(), value.clone());
        }
        Some(("levers", lever)) => {
            if let Some(toml::Value::Array(policies)) = table.get_mut("policies") {
                for policy in policies.iter_mut().filter_map(toml::Value::as_table_mut) {
                    let levers = policy
                        .entry("levers")
                        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                    if let Some(levers) = levers.as_table_mut() {
                        levers.insert(lever.to_string(), value.clone());
                    }
                }
            }
        }
        Some((section, field)) => {
            let section = table
                .entry(section)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let Some(section) = section.as_table_mut() {
                section.insert(field.to_string(), value.clone());
            }
        }
    }
}

//! Charts across a sweep's points: for each headline outcome, its mean with 95% CI against the
//! first swept key's values, one line per policy, one small panel per combination of the other
//! keys' values. Read from `sweep.json` and `sweep.csv` at the top of a sweep's output folder,
//! with labels, units and colours from the first point's results; written to
//! `<sweep>/charts/sweep_<metric>.<ext>`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::data::Results;
use super::{draw, ChartError, PlotOptions};
use crate::output;

/// The outcomes drawn for a sweep, in order; those absent from `sweep.csv` are skipped.
pub const SWEEP_METRICS: [&str; 3] = ["j_true_with_tv", "engagement_mean", "true_value_cumulative"];

/// Most panels a sweep chart draws; with more combinations of the other keys it shows the
/// first one only.
pub const MAX_PANELS: usize = 9;

/// Whether `dir` is a sweep's output folder (it holds `sweep.json`).
pub fn is_sweep(dir: &Path) -> bool {
    dir.join("sweep.json").is_file()
}

/// `sweep.json`, the fields the charts use.
#[derive(Deserialize)]
struct SweepFile {
    scenario: String,
    replications: u64,
    keys: Vec<String>,
    points: Vec<PointFile>,
}

#[derive(Deserialize)]
struct PointFile {
    folder: String,
}

/// One row of `sweep.csv`, the fields the charts use.
struct Row {
    values: Vec<String>,
    policy: String,
    metric: String,
    mean: f64,
    low: f64,
    high: f64,
}

/// A policy's mean and 95% CI at one x position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// One panel: the other keys' values in its caption, per policy an estimate per x position.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// E.g. "disturbances.market_shifts_per_year = 1"; `None` for a one-key sweep.
    pub caption: Option<String>,
    /// `lines[policy][x]`.
    pub lines: Vec<Vec<Option<Estimate>>>,
}

/// Everything one sweep chart draws.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepChart {
    pub metric: String,
    /// The metric's label, with its unit in brackets when known.
    pub label: String,
    /// The metric's unit, "" when unknown.
    pub unit: String,
    /// The first swept key: the x axis.
    pub x_key: String,
    /// Where each of the first key's values sits on the x axis: the values themselves when all
    /// are numbers, else 0, 1, 2, ...
    pub x: Vec<f64>,
    /// The values as written in `sweep.csv`, for category labels.
    pub x_text: Vec<String>,
    /// Whether the x axis is numeric.
    pub numeric: bool,
    pub policies: Vec<String>,
    pub panels: Vec<Panel>,
    /// Said under the panels when some combinations are not drawn.
    pub note: Option<String>,
    /// The provenance line.
    pub footer: String,
}

/// Draws the sweep charts of the sweep in `dir` into `<dir>/charts/`; returns the files written.
pub fn draw_sweep(dir: &Path, options: &PlotOptions) -> Result<Vec<PathBuf>, ChartError> {
    super::register_font()?;
    if options.policies.is_some() {
        return Err(ChartError::Options(
            "--policies is not available for a sweep's charts; plot a point's folder (points/pNN) instead"
                .into(),
        ));
    }
    let json_path = dir.join("sweep.json");
    let text = std::fs::read_to_string(&json_path).map_err(|e| ChartError::Read {
        path: json_path.clone(),
        reason: e.to_string(),
    })?;
    let file: SweepFile = serde_json::from_str(&text).map_err(|e| ChartError::Invalid {
        path: json_path.clone(),
        line: e.line() as u64,
        reason: e.to_string(),
    })?;
    let first = file.points.first().ok_or_else(|| ChartError::Invalid {
        path: json_path.clone(),
        line: 0,
        reason: "lists no points".into(),
    })?;
    let results = Results::load(&dir.join(&first.folder))?;
    let rows = read_rows(&dir.join("sweep.csv"), file.keys.len())?;
    let metrics: Vec<String> = match &options.metrics {
        Some(names) => {
            for name in names {
                if !rows.iter().any(|r| &r.metric == name) {
                    return Err(ChartError::UnknownMetric {
                        name: name.clone(),
                        available: distinct(rows.iter().map(|r| r.metric.clone())).join(", "),
                    });
                }
            }
            names.clone()
        }
        None => SWEEP_METRICS
            .iter()
            .filter(|m| rows.iter().any(|r| r.metric == **m))
            .map(|m| m.to_string())
            .collect(),
    };
    let footer = format!(
        "scenario {} \u{b7} seed {} \u{b7} {} replications per policy at each point \u{b7} 95% CIs; points share random numbers (paired) \u{b7} orgsim {}",
        file.scenario, results.summary.seed, file.replications, results.summary.orgsim_version
    );
    let mut written = Vec::new();
    for metric in metrics {
        let (label, unit) = match results.outcome_metric(&metric) {
            Some(info) if !info.unit.is_empty() => {
                (format!("{} [{}]", info.label, info.unit), info.unit.clone())
            }
            Some(info) => (info.label.clone(), String::new()),
            None => (metric.clone(), String::new()),
        };
        let chart = prepare(&file.keys, &rows, &metric, (label, unit), footer.clone());
        let bytes = super::render_painting(
            &draw::SweepPainting {
                results: &results,
                chart: &chart,
            },
            &format!("sweep_{metric}"),
            options,
        )?;
        let path = super::data::charts_dir(dir)
            .join(format!("sweep_{metric}.{}", options.format.extension()));
        output::write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

fn read_rows(path: &Path, keys: usize) -> Result<Vec<Row>, ChartError> {
    let file = std::fs::File::open(path).map_err(|e| ChartError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut reader = csv::Reader::from_reader(file);
    let invalid = |line: u64, reason: String| ChartError::Invalid {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let header = reader
        .headers()
        .map_err(|e| invalid(1, e.to_string()))?
        .clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| invalid(1, format!("no column `{name}`")))
    };
    let (policy, metric, mean, low, high) = (
        column("policy")?,
        column("metric")?,
        column("mean")?,
        column("ci95_low")?,
        column("ci95_high")?,
    );
    let number = |text: &str| text.trim().parse::<f64>().unwrap_or(f64::NAN);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| invalid(0, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() < header.len() {
            return Err(invalid(line, "too few cells".into()));
        }
        rows.push(Row {
            values: (1..=keys).map(|k| record[k].to_string()).collect(),
            policy: record[policy].to_string(),
            metric: record[metric].to_string(),
            mean: number(&record[mean]),
            low: number(&record[low]),
            high: number(&record[high]),
        });
    }
    Ok(rows)
}

/// The distinct items, in order of first appearance.
fn distinct(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Arranges the rows of `metric` for drawing.
/// `label` is the metric's label and unit, as the title and the y axis show them.
fn prepare(
    keys: &[String],
    rows: &[Row],
    metric: &str,
    (label, unit): (String, String),
    footer: String,
) -> SweepChart {
    let rows: Vec<&Row> = rows.iter().filter(|r| r.metric == metric).collect();
    let policies = distinct(rows.iter().map(|r| r.policy.clone()));
    let x_text = distinct(rows.iter().map(|r| r.values[0].clone()));
    let parsed: Vec<Option<f64>> = x_text
        .iter()
        .map(|t| t.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect();
    let numeric = parsed.iter().all(Option::is_some);
    let x: Vec<f64> = if numeric {
        parsed.into_iter().flatten().collect()
    } else {
        (0..x_text.len()).map(|i| i as f64).collect()
    };
    // Each row by (policy, first key's value, the other keys' values).
    let estimates: HashMap<(&str, &str, &[String]), Estimate> = rows
        .iter()
        .map(|r| {
            let estimate = Estimate {
                mean: r.mean,
                low: r.low,
                high: r.high,
            };
            (
                (r.policy.as_str(), r.values[0].as_str(), &r.values[1..]),
                estimate,
            )
        })
        .collect();
    let mut combinations: Vec<&[String]> = Vec::new();
    for r in &rows {
        if !combinations.contains(&&r.values[1..]) {
            combinations.push(&r.values[1..]);
        }
    }
    let note = (combinations.len() > MAX_PANELS).then(|| {
        format!(
            "Only {} shown: the other swept keys take {} combinations, more than {} panels",
            caption(&keys[1..], combinations[0]),
            combinations.len(),
            MAX_PANELS
        )
    });
    if note.is_some() {
        combinations.truncate(1);
    }
    let panels = combinations
        .iter()
        .map(|&c| Panel {
            caption: (keys.len() > 1 || note.is_some()).then(|| caption(&keys[1..], c)),
            lines: policies
                .iter()
                .map(|p| {
                    x_text
                        .iter()
                        .map(|xv| estimates.get(&(p.as_str(), xv.as_str(), c)).copied())
                        .collect()
                })
                .collect(),
        })
        .collect();
    SweepChart {
        metric: metric.to_string(),
        label,
        unit,
        x_key: keys.first().cloned().unwrap_or_default(),
        x,
        x_text,
        numeric,
        policies,
        panels,
        note,
        footer,
    }
}

/// "key = value, key = value".
fn caption(keys: &[String], values: &[String]) -> String {
    keys.iter()
        .zip(values)
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: &[&str], policy: &str, mean: f64) -> Row {
        Row {
            values: values.iter().map(|v| v.to_string()).collect(),
            policy: policy.into(),
            metric: "m".into(),
            mean,
            low: mean - 1.0,
            high: mean + 1.0,
        }
    }

    #[test]
    fn rows_become_panels_by_the_other_keys() {
        let keys = vec!["a".to_string(), "b".to_string()];
        let mut rows = Vec::new();
        for (i, a) in ["0.5", "1", "2"].iter().enumerate() {
            for b in ["x", "y"] {
                for p in ["p", "q"] {
                    rows.push(row(&[a, b], p, i as f64));
                }
            }
        }
        let chart = prepare(
            &keys,
            &rows,
            "m",
            ("M".into(), String::new()),
            String::new(),
        );
        assert!(chart.numeric);
        assert_eq!(chart.x, vec![0.5, 1.0, 2.0]);
        assert_eq!(chart.policies, vec!["p", "q"]);
        assert_eq!(chart.panels.len(), 2);
        assert_eq!(chart.panels[1].caption.as_deref(), Some("b = y"));
        assert_eq!(chart.panels[0].lines[1][2].unwrap().mean, 2.0);
        assert!(chart.note.is_none());
    }

    #[test]
    fn text_values_are_categories_and_too_many_panels_show_one() {
        let keys = vec!["a".to_string(), "b".to_string()];
        let mut rows = Vec::new();
        for a in ["low", "high"] {
            for b in 0..12 {
                rows.push(row(&[a, &b.to_string()], "p", 1.0));
            }
        }
        let chart = prepare(
            &keys,
            &rows,
            "m",
            ("M".into(), String::new()),
            String::new(),
        );
        assert!(!chart.numeric);
        assert_eq!(chart.x, vec![0.0, 1.0]);
        assert_eq!(chart.panels.len(), 1);
        assert!(chart.note.as_deref().unwrap().contains("b = 0"));
    }
}

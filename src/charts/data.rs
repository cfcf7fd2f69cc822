//! Loading a run's saved results (`summary.json`, `timeseries.csv`, `replications.csv`) for the
//! charts, without the model that produced them.
//!
//! Missing numbers (JSON `null`, empty CSV cells) load as NaN; the preparation functions skip
//! them. Rows naming a policy absent from `summary.json` are an error: the files do not belong
//! together.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use super::prepare::{BivariateMoments, TRADEOFF_X, TRADEOFF_Y};
use super::ChartError;

/// Everything a run saved that the charts read.
#[derive(Clone, Debug)]
pub struct Results {
    /// `summary.json`.
    pub summary: Summary,
    /// `timeseries.csv`, one row per policy × grid day × series metric.
    pub series: Vec<SeriesRow>,
    /// `replications.csv`.
    pub replications: ReplicationTable,
    /// Each policy's colour index: its position among all the run's policies, so that a
    /// selection of policies keeps the colours of the full set.
    pub colours: Vec<usize>,
}

/// `summary.json`, the fields the charts use.
#[derive(Clone, Debug, Deserialize)]
pub struct Summary {
    pub scenario: String,
    #[serde(default)]
    pub description: String,
    pub orgsim_version: String,
    pub seed: u64,
    #[serde(default)]
    pub first_replication: u64,
    /// Replications per policy.
    pub replications: u64,
    /// Simulated horizon [working days].
    pub horizon_days: f64,
    /// Policy names in scenario order; a policy's index picks its colour.
    pub policies: Vec<String>,
    /// The organization's teams (management model), by number.
    #[serde(default)]
    pub teams: Vec<TeamInfo>,
    pub outcome_metrics: Vec<MetricInfo>,
    pub series_metrics: Vec<MetricInfo>,
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    #[serde(default)]
    pub comparisons: Vec<Comparison>,
}

/// A team of the organization: its number (per-team metrics end in it) and name.
#[derive(Clone, Debug, Deserialize)]
pub struct TeamInfo {
    pub number: usize,
    pub name: String,
}

/// One policy's summary of one outcome metric at the horizon.
#[derive(Clone, Debug, Deserialize)]
pub struct Outcome {
    pub policy: String,
    pub metric: String,
    #[serde(deserialize_with = "nullable")]
    pub mean: f64,
    #[serde(deserialize_with = "nullable")]
    pub ci95_low: f64,
    #[serde(deserialize_with = "nullable")]
    pub ci95_high: f64,
}

/// A metric's name, label and unit, as the model declared it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct MetricInfo {
    pub name: String,
    pub label: String,
    pub unit: String,
    #[serde(default)]
    pub description: String,
    /// Why the metric has no value at the start of a run, when the model says so; empty
    /// otherwise (and in results written before the model said so).
    #[serde(default)]
    pub undefined_reason: String,
}

/// A paired difference `policy − baseline` of one outcome metric at the horizon.
#[derive(Clone, Debug, Deserialize)]
pub struct Comparison {
    pub policy: String,
    pub baseline: String,
    pub metric: String,
    #[serde(deserialize_with = "nullable")]
    pub mean_difference: f64,
    #[serde(deserialize_with = "nullable")]
    pub ci95_low: f64,
    #[serde(deserialize_with = "nullable")]
    pub ci95_high: f64,
}

fn nullable<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
}

/// One row of `timeseries.csv`: the distribution over replications of one metric of one policy
/// on one grid day.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesRow {
    /// Index into [`Summary::policies`].
    pub policy: usize,
    /// Grid day [working days since the start].
    pub day: f64,
    pub metric: String,
    pub mean: f64,
    /// Quantiles over replications: 5%, 25%, 50%, 75%, 95%.
    pub quantiles: [f64; 5],
}

/// Most rows kept per policy for dots and box plots. Larger runs are thinned by a fixed stride
/// (every k-th replication), so chart memory does not grow with the number of replications.
pub const MAX_ROWS_PER_POLICY: u64 = 4_000;

/// `replications.csv`: one row per policy × replication, one column per outcome metric; for
/// runs of more than [`MAX_ROWS_PER_POLICY`] replications, every k-th row of each policy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplicationTable {
    /// Outcome metric names, in column order.
    pub metrics: Vec<String>,
    /// Policy index of each row.
    pub policy: Vec<usize>,
    /// Outcome values, row-major: `values[row][metric]`.
    pub values: Vec<Vec<f64>>,
    /// Moments of the trade-off pair (relationships index, results index) over every row of
    /// each policy, thinned or not.
    pub tradeoff: Vec<BivariateMoments>,
}

impl ReplicationTable {
    /// The values of `metric` for `policy`, in file order (NaN kept).
    pub fn column(&self, policy: usize, metric: &str) -> Option<Vec<f64>> {
        let m = self.metrics.iter().position(|name| name == metric)?;
        Some(
            self.policy
                .iter()
                .zip(&self.values)
                .filter(|(p, _)| **p == policy)
                .map(|(_, row)| row[m])
                .collect(),
        )
    }

    /// Whether the table has a column for `metric`.
    pub fn has(&self, metric: &str) -> bool {
        self.metrics.iter().any(|name| name == metric)
    }
}

impl Results {
    /// Loads the three files from a results folder written by `orgsim run`.
    pub fn load(dir: &Path) -> Result<Results, ChartError> {
        let summary_path = dir.join("summary.json");
        if !dir.is_dir() || !summary_path.is_file() {
            return Err(ChartError::NotResults(dir.to_path_buf()));
        }
        let text = read(&summary_path)?;
        let summary: Summary = serde_json::from_str(&text).map_err(|e| ChartError::Invalid {
            path: summary_path.clone(),
            line: e.line() as u64,
            reason: e.to_string(),
        })?;
        if summary.policies.is_empty() {
            return Err(invalid(&summary_path, 0, "lists no policies".into()));
        }
        let series = parse_series(&dir.join("timeseries.csv"), &summary.policies)?;
        let replications = parse_replications(
            &dir.join("replications.csv"),
            &summary.policies,
            summary.replications,
        )?;
        Ok(Results {
            colours: (0..summary.policies.len()).collect(),
            summary,
            series,
            replications,
        })
    }

    /// The results of the named policies only, in the run's order, with their colours. The
    /// paired differences are against the first selected policy: taken from `summary.json`
    /// when it holds them, else computed from the replications (paired by replication; for
    /// runs thinned to [`MAX_ROWS_PER_POLICY`] rows, from the kept rows).
    pub fn select(&self, names: &[String]) -> Result<Results, ChartError> {
        let all = &self.summary.policies;
        for name in names {
            if !all.contains(name) {
                return Err(ChartError::Options(format!(
                    "no policy `{name}` in these results; policies: {}",
                    all.join(", ")
                )));
            }
        }
        let kept: Vec<usize> = (0..all.len())
            .filter(|&p| names.contains(&all[p]))
            .collect();
        if kept.is_empty() {
            return Err(ChartError::Options("--policies names no policy".into()));
        }
        let new_index = |p: usize| kept.iter().position(|&k| k == p);
        let mut summary = self.summary.clone();
        summary.policies = kept.iter().map(|&p| all[p].clone()).collect();
        summary
            .outcomes
            .retain(|o| summary.policies.contains(&o.policy));
        let baseline = summary.policies[0].clone();
        let saved: std::collections::HashMap<(&str, &str, &str), &Comparison> = self
            .summary
            .comparisons
            .iter()
            .map(|c| {
                (
                    (c.policy.as_str(), c.baseline.as_str(), c.metric.as_str()),
                    c,
                )
            })
            .collect();
        summary.comparisons.clear();
        for policy in &summary.policies[1..] {
            for metric in &self.replications.metrics {
                let key = (policy.as_str(), baseline.as_str(), metric.as_str());
                let comparison = match saved.get(&key) {
                    Some(c) => (*c).clone(),
                    None => self.paired_difference(policy, &baseline, metric),
                };
                summary.comparisons.push(comparison);
            }
        }
        let series = self
            .series
            .iter()
            .filter_map(|row| {
                new_index(row.policy).map(|policy| SeriesRow {
                    policy,
                    ..row.clone()
                })
            })
            .collect();
        let table = &self.replications;
        let rows: Vec<usize> = (0..table.policy.len())
            .filter(|&r| new_index(table.policy[r]).is_some())
            .collect();
        let replications = ReplicationTable {
            metrics: table.metrics.clone(),
            policy: rows
                .iter()
                .filter_map(|&r| new_index(table.policy[r]))
                .collect(),
            values: rows.iter().map(|&r| table.values[r].clone()).collect(),
            tradeoff: kept
                .iter()
                .filter_map(|&p| table.tradeoff.get(p).copied())
                .collect(),
        };
        Ok(Results {
            summary,
            series,
            replications,
            colours: kept.iter().map(|&p| self.colours[p]).collect(),
        })
    }

    /// The paired difference `policy − baseline` of `metric` over the replication rows, with
    /// its 95% Student-t interval (NaN where fewer than two pairs are finite).
    fn paired_difference(&self, policy: &str, baseline: &str, metric: &str) -> Comparison {
        let index = |name: &str| self.summary.policies.iter().position(|p| p == name);
        let column = |name: &str| {
            index(name)
                .and_then(|p| self.replications.column(p, metric))
                .unwrap_or_default()
        };
        let mut differences = crate::stats::Welford::default();
        for (a, b) in column(policy).iter().zip(column(baseline)) {
            if a.is_finite() && b.is_finite() {
                differences.push(a - b);
            }
        }
        let (ci95_low, ci95_high) = if differences.count() > 1 {
            differences.ci95()
        } else {
            (f64::NAN, f64::NAN)
        };
        Comparison {
            policy: policy.to_string(),
            baseline: baseline.to_string(),
            metric: metric.to_string(),
            mean_difference: if differences.count() > 0 {
                differences.mean()
            } else {
                f64::NAN
            },
            ci95_low,
            ci95_high,
        }
    }

    /// The series metric named `name`, if the run recorded it.
    pub fn series_metric(&self, name: &str) -> Option<&MetricInfo> {
        self.summary.series_metrics.iter().find(|m| m.name == name)
    }

    /// The outcome metric named `name`, if the run recorded it.
    pub fn outcome_metric(&self, name: &str) -> Option<&MetricInfo> {
        self.summary.outcome_metrics.iter().find(|m| m.name == name)
    }
}

fn read(path: &Path) -> Result<String, ChartError> {
    fs::read_to_string(path).map_err(|e| ChartError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

fn invalid(path: &Path, line: u64, reason: String) -> ChartError {
    ChartError::Invalid {
        path: path.to_path_buf(),
        line,
        reason,
    }
}

fn reader(path: &Path) -> Result<csv::Reader<fs::File>, ChartError> {
    let file = fs::File::open(path).map_err(|e| ChartError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    Ok(csv::Reader::from_reader(file))
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

fn policy_index(
    path: &Path,
    line: u64,
    policies: &[String],
    name: &str,
) -> Result<usize, ChartError> {
    policies.iter().position(|p| p == name).ok_or_else(|| {
        invalid(
            path,
            line,
            format!("policy `{name}` is not listed in summary.json"),
        )
    })
}

fn number(path: &Path, line: u64, column: &str, cell: &str) -> Result<f64, ChartError> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(f64::NAN);
    }
    cell.parse().map_err(|_| {
        invalid(
            path,
            line,
            format!("column `{column}`: `{cell}` is not a number"),
        )
    })
}

fn parse_series(path: &Path, policies: &[String]) -> Result<Vec<SeriesRow>, ChartError> {
    const COLUMNS: [&str; 9] = [
        "policy", "day", "metric", "mean", "p05", "p25", "p50", "p75", "p95",
    ];
    let mut reader = reader(path)?;
    let header = reader
        .headers()
        .map_err(|e| invalid(path, 1, e.to_string()))?
        .clone();
    let mut index = [0usize; 9];
    for (slot, name) in index.iter_mut().zip(COLUMNS) {
        *slot = header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| invalid(path, 1, format!("missing column `{name}`")))?;
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| invalid(path, 0, e.to_string()))?;
        let line = line_of(&record);
        let cell = |i: usize| record.get(index[i]).unwrap_or("");
        let num = |i: usize| number(path, line, COLUMNS[i], cell(i));
        rows.push(SeriesRow {
            policy: policy_index(path, line, policies, cell(0))?,
            day: num(1)?,
            metric: cell(2).to_string(),
            mean: num(3)?,
            quantiles: [num(4)?, num(5)?, num(6)?, num(7)?, num(8)?],
        });
    }
    Ok(rows)
}

fn parse_replications(
    path: &Path,
    policies: &[String],
    replications: u64,
) -> Result<ReplicationTable, ChartError> {
    let stride = replications.div_ceil(MAX_ROWS_PER_POLICY).max(1);
    let mut seen = vec![0u64; policies.len()];
    let mut reader = reader(path)?;
    let header = reader
        .headers()
        .map_err(|e| invalid(path, 1, e.to_string()))?
        .clone();
    if header.get(0) != Some("policy")
        || header.get(1) != Some("replication")
        || header.get(2) != Some("seed")
    {
        return Err(invalid(
            path,
            1,
            "expected the header to start with `policy,replication,seed`".into(),
        ));
    }
    let metrics: Vec<String> = header.iter().skip(3).map(str::to_string).collect();
    let tradeoff_columns = (
        metrics.iter().position(|m| m == TRADEOFF_X),
        metrics.iter().position(|m| m == TRADEOFF_Y),
    );
    let mut table = ReplicationTable {
        metrics,
        tradeoff: vec![BivariateMoments::default(); policies.len()],
        ..ReplicationTable::default()
    };
    for record in reader.records() {
        let record = record.map_err(|e| invalid(path, 0, e.to_string()))?;
        let line = line_of(&record);
        let policy = policy_index(path, line, policies, record.get(0).unwrap_or(""))?;
        if let (Some(x), Some(y)) = tradeoff_columns {
            let value = |m: usize| {
                number(
                    path,
                    line,
                    &table.metrics[m],
                    record.get(m + 3).unwrap_or(""),
                )
            };
            table.tradeoff[policy].push(value(x)?, value(y)?);
        }
        seen[policy] += 1;
        if (seen[policy] - 1) % stride != 0 {
            continue;
        }
        table.policy.push(policy);
        let row = table
            .metrics
            .iter()
            .enumerate()
            .map(|(m, name)| number(path, line, name, record.get(m + 3).unwrap_or("")))
            .collect::<Result<Vec<f64>, _>>()?;
        table.values.push(row);
    }
    Ok(table)
}

/// The chart folder inside a results folder.
pub fn charts_dir(results_dir: &Path) -> PathBuf {
    results_dir.join("charts")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        fs::write(dir.join(name), text).unwrap();
    }

    const SUMMARY: &str = r#"{"scenario":"s","orgsim_version":"0.1.0","seed":7,"replications":2,
        "horizon_days":10,"policies":["a","b"],
        "outcome_metrics":[{"name":"x","label":"X","unit":"u"}],
        "series_metrics":[{"name":"y","label":"Y","unit":"v"}],
        "comparisons":[{"policy":"b","baseline":"a","metric":"x","mean_difference":null,
        "ci95_low":-1,"ci95_high":1}]}"#;

    #[test]
    fn loads_missing_values_as_nan() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "summary.json", SUMMARY);
        write(
            dir.path(),
            "timeseries.csv",
            "policy,day,metric,mean,p05,p25,p50,p75,p95\nb,5,y,1,,0,1,2,3\n",
        );
        write(
            dir.path(),
            "replications.csv",
            "policy,replication,seed,x\na,0,1,2.5\nb,0,1,\n",
        );
        let results = Results::load(dir.path()).unwrap();
        assert!(results.summary.comparisons[0].mean_difference.is_nan());
        assert_eq!(results.series[0].policy, 1);
        assert!(results.series[0].quantiles[0].is_nan());
        assert_eq!(results.replications.column(0, "x"), Some(vec![2.5]));
        assert!(results.replications.column(1, "x").unwrap()[0].is_nan());
    }

    #[test]
    fn names_the_file_and_line_of_a_bad_cell() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "summary.json", SUMMARY);
        write(
            dir.path(),
            "timeseries.csv",
            "policy,day,metric,mean,p05,p25,p50,p75,p95\na,5,y,oops,0,0,1,2,3\n",
        );
        write(
            dir.path(),
            "replications.csv",
            "policy,replication,seed,x\n",
        );
        let error = Results::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("timeseries.csv:2"), "{error}");
        assert!(error.contains("oops"), "{error}");
    }

    #[test]
    fn refuses_a_folder_without_results() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Results::load(dir.path()),
            Err(ChartError::NotResults(_))
        ));
    }
}

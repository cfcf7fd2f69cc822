//! The charts drawn from saved results.
//!
//! Chart tests use a synthetic management fixture (`tests/fixtures/management/`, produced by
//! [`fixture`]) and a real M/M/c run, check every file decodes at the requested size and is not
//! blank, and compare one SVG against a golden file with a numeric tolerance.

mod fixture;

use std::fs;
use std::path::{Path, PathBuf};

use orgsim::charts::{self, Format, PlotOptions};

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Copies the committed management fixture into a fresh temporary folder.
fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["summary.json", "timeseries.csv", "replications.csv"] {
        fs::copy(
            manifest_path("tests/fixtures/management").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    dir
}

/// Decodes a PNG file: (width, height, RGB or RGBA bytes, bytes per pixel).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).unwrap();
    buffer.truncate(info.buffer_size());
    (info.width, info.height, buffer, info.color_type.samples())
}

/// Variance of the grey level over all pixels [grey levels squared].
fn grey_variance(pixels: &[u8], samples: usize) -> f64 {
    let greys: Vec<f64> = pixels
        .chunks(samples)
        .map(|px| (f64::from(px[0]) + f64::from(px[1]) + f64::from(px[2])) / 3.0)
        .collect();
    let mean = greys.iter().sum::<f64>() / greys.len() as f64;
    greys.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / greys.len() as f64
}

pub(crate) fn assert_png_ok(path: &Path, width: u32, height: u32) {
    let (w, h, pixels, samples) = decode_png(path);
    assert_eq!((w, h), (width, height), "{}", path.display());
    let variance = grey_variance(&pixels, samples);
    assert!(
        variance > 50.0,
        "{} looks blank (grey variance {variance:.1})",
        path.display()
    );
}

fn names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn management_fixture_is_up_to_date() {
    let committed = manifest_path("tests/fixtures/management");
    if std::env::var_os("ORGSIM_UPDATE_FIXTURE").is_some() {
        fixture::generate(&committed, &fixture::MANAGEMENT);
    }
    let fresh = tempfile::tempdir().unwrap();
    fixture::generate(fresh.path(), &fixture::MANAGEMENT);
    for name in ["summary.json", "timeseries.csv", "replications.csv"] {
        let expected = fs::read(committed.join(name))
            .expect("fixture exists; ORGSIM_UPDATE_FIXTURE=1 writes it");
        assert!(
            expected == fs::read(fresh.path().join(name)).unwrap(),
            "{name} differs from its generator"
        );
    }
}

#[test]
fn every_chart_of_the_fixture_decodes_at_its_size_and_is_not_blank() {
    let dir = fixture_copy();
    let files = charts::draw_all(dir.path(), &PlotOptions::default()).unwrap();
    assert_eq!(
        names(&files),
        [
            "tradeoff.png",
            "fan_engagement_mean.png",
            "fan_true_value_rate.png",
            "fan_reported_output.png",
            "fan_kpi_truth_gap.png",
            "fan_trust.png",
            "fan_burnout_share.png",
            "fan_quits_cumulative.png",
            "distributions.png",
            "dashboard.png",
        ]
    );
    for file in &files {
        assert_eq!(file.parent().unwrap(), dir.path().join("charts"));
        assert_png_ok(file, 1600, 1000);
    }
    // No temporary files are left beside the charts.
    let entries = fs::read_dir(dir.path().join("charts")).unwrap().count();
    assert_eq!(entries, files.len());
}

#[test]
fn chosen_metrics_size_and_svg_format_are_honoured() {
    let dir = fixture_copy();
    let options = PlotOptions {
        format: Format::Svg,
        width: 800,
        height: 500,
        metrics: Some(vec!["trust".into(), "results_index".into()]),
        policies: None,
    };
    let files = charts::draw_all(dir.path(), &options).unwrap();
    assert_eq!(
        names(&files),
        [
            "tradeoff.svg",
            "fan_trust.svg",
            "fan_results_index.svg",
            "distributions.svg",
            "dashboard.svg"
        ]
    );
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        assert!(
            text.starts_with("<svg")
                && text.contains(r#"width="800""#)
                && text.contains(r#"height="500""#)
        );
        assert!(
            text.contains("orgsim 0.1.0"),
            "provenance footer in {}",
            file.display()
        );
    }
    let png = PlotOptions {
        width: 640,
        height: 400,
        ..PlotOptions::default()
    };
    for file in charts::draw_all(dir.path(), &png).unwrap() {
        assert_png_ok(&file, 640, 400);
    }
}

#[test]
fn a_queue_run_draws_charts_without_the_tradeoff() {
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("mmc");
    let args = orgsim::cli::RunArgs {
        file: manifest_path("scenarios/mmc-reference.toml"),
        threads: Some(1),
        replications: Some(8),
        first_replication: 0,
        seed: None,
        output: orgsim::cli::OutputArgs {
            out: Some(folder.clone()),
            force: false,
            quiet: true,
            no_charts: false,
        },
    };
    orgsim::cli::run(&args).unwrap();
    let mut drawn: Vec<String> = fs::read_dir(folder.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    drawn.sort();
    assert_eq!(
        drawn,
        [
            "dashboard.png",
            "distributions.png",
            "fan_number_in_system.png",
            "fan_queue_length.png",
            "fan_tasks_completed_cumulative.png",
        ]
    );
    for name in &drawn {
        assert_png_ok(&folder.join("charts").join(name), 1600, 1000);
    }
}

#[test]
fn no_charts_flag_skips_drawing() {
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("mmc");
    let args = orgsim::cli::RunArgs {
        file: manifest_path("scenarios/mmc-reference.toml"),
        threads: Some(1),
        replications: Some(2),
        first_replication: 0,
        seed: None,
        output: orgsim::cli::OutputArgs {
            out: Some(folder.clone()),
            force: false,
            quiet: true,
            no_charts: true,
        },
    };
    orgsim::cli::run(&args).unwrap();
    assert!(folder.join("summary.json").is_file());
    assert!(!folder.join("charts").exists());
}

#[test]
fn plot_errors_map_to_exit_codes() {
    let empty = tempfile::tempdir().unwrap();
    let plot = |dir: &Path, metrics: Option<Vec<String>>, size: &str| {
        orgsim::cli::plot(&orgsim::cli::PlotArgs {
            dir: dir.to_path_buf(),
            format: "png".into(),
            size: size.into(),
            metrics,
            policies: None,
        })
    };
    let missing = plot(&empty.path().join("nowhere"), None, "1600x1000").unwrap_err();
    assert_eq!(missing.exit_code(), 2, "{missing}");
    let fixture = fixture_copy();
    let unknown = plot(fixture.path(), Some(vec!["happiness".into()]), "1600x1000").unwrap_err();
    assert_eq!(unknown.exit_code(), 2);
    assert!(
        unknown.to_string().contains("happiness") && unknown.to_string().contains("trust"),
        "{unknown}"
    );
    let bad_size = plot(fixture.path(), None, "huge").unwrap_err();
    assert_eq!(bad_size.exit_code(), 2);
    fs::write(fixture.path().join("timeseries.csv"), "policy,day\n").unwrap();
    let broken = plot(fixture.path(), None, "1600x1000").unwrap_err();
    assert_eq!(broken.exit_code(), 2);
    assert!(broken.to_string().contains("timeseries.csv"), "{broken}");
}

/// Splits SVG text into its skeleton and the numbers inside its tags (coordinates, sizes,
/// colours' components). Numbers in text content (tick labels, seeds, counts) stay in the
/// skeleton, so they must match exactly.
fn split_numbers(text: &str) -> (String, Vec<f64>) {
    let mut skeleton = String::new();
    let mut numbers = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, skeleton: &mut String, numbers: &mut Vec<f64>| {
        if !current.is_empty() {
            match current.parse::<f64>() {
                Ok(x) => {
                    numbers.push(x);
                    skeleton.push('#');
                }
                Err(_) => skeleton.push_str(current),
            }
            current.clear();
        }
    };
    let mut in_tag = false;
    for c in text.chars() {
        if in_tag && (c.is_ascii_digit() || c == '.' || (c == '-' && current.is_empty())) {
            current.push(c);
        } else {
            flush(&mut current, &mut skeleton, &mut numbers);
            skeleton.push(c);
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ => {}
            }
        }
    }
    flush(&mut current, &mut skeleton, &mut numbers);
    (skeleton, numbers)
}

/// The dashboard of a tiny fixed dataset, as SVG, matches `tests/golden/dashboard.svg`: its
/// text exactly, and up to 1.5 px (or units) per number inside a tag. Regenerate with
/// `ORGSIM_UPDATE_GOLDEN=1`.
#[test]
fn dashboard_svg_matches_golden() {
    let dir = tempfile::tempdir().unwrap();
    fixture::generate(dir.path(), &fixture::TINY);
    let results = charts::Results::load(dir.path()).unwrap();
    let options = PlotOptions {
        format: Format::Svg,
        width: 800,
        height: 500,
        metrics: None,
        policies: None,
    };
    let svg =
        String::from_utf8(charts::render(&results, &charts::Chart::Dashboard, &options).unwrap())
            .unwrap();
    let golden = manifest_path("tests/golden/dashboard.svg");
    if std::env::var_os("ORGSIM_UPDATE_GOLDEN").is_some() {
        fs::write(&golden, &svg).unwrap();
    }
    let expected =
        fs::read_to_string(&golden).expect("golden exists; ORGSIM_UPDATE_GOLDEN=1 writes it");
    let (skeleton, numbers) = split_numbers(&svg);
    let (expected_skeleton, expected_numbers) = split_numbers(&expected);
    assert!(
        skeleton == expected_skeleton,
        "the SVG's structure or text changed; ORGSIM_UPDATE_GOLDEN=1 regenerates it"
    );
    assert_eq!(numbers.len(), expected_numbers.len());
    for (i, (a, b)) in numbers.iter().zip(&expected_numbers).enumerate() {
        assert!((a - b).abs() <= 1.5, "number {i}: {a} vs golden {b}");
    }
}

#[test]
fn missing_values_and_empty_replications_still_draw() {
    let dir = fixture_copy();
    let series = fs::read_to_string(dir.path().join("timeseries.csv")).unwrap();
    // Blank out every quantile of trust, and keep only the header of replications.csv.
    let blanked: String = series
        .lines()
        .map(
            |line| match line.split(',').collect::<Vec<_>>().as_slice() {
                [policy, day, "trust", ..] => format!("{policy},{day},trust,,,,,,\n"),
                _ => format!("{line}\n"),
            },
        )
        .collect();
    fs::write(dir.path().join("timeseries.csv"), blanked).unwrap();
    let replications = fs::read_to_string(dir.path().join("replications.csv")).unwrap();
    let header = replications.lines().next().unwrap();
    fs::write(dir.path().join("replications.csv"), format!("{header}\n")).unwrap();
    let files = charts::draw_all(dir.path(), &PlotOptions::default()).unwrap();
    assert!(names(&files).contains(&"fan_trust.png".to_string()));
    for file in &files {
        assert_png_ok(file, 1600, 1000);
    }
}

/// The text of an SVG's `<text>` elements, joined by spaces, so a note wrapped over lines reads
/// as one.
fn svg_text(svg: &str) -> String {
    svg.split("<text")
        .skip(1)
        .filter_map(|element| element.split_once('>'))
        .filter_map(|(_, rest)| rest.split_once("</text>"))
        .map(|(text, _)| text.trim())
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&apos;", "'")
}

/// A metric without values for its first grid days (as the KPI-truth gap has none before its
/// baseline is measured) gets a shaded start that says so, with the reason the model gives:
/// in the span itself when the note fits there, else in the legend, and in the dashboard's
/// text when its small panel has no room. A metric with values from day 0 gets no note.
#[test]
fn an_empty_start_says_why() {
    let dir = fixture_copy();
    let summary_path = dir.path().join("summary.json");
    let mut summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&summary_path).unwrap()).unwrap();
    for metric in summary["series_metrics"].as_array_mut().unwrap() {
        if metric["name"] == "kpi_truth_gap" {
            metric["undefined_reason"] = "the baseline is still being measured".into();
        }
    }
    fs::write(&summary_path, summary.to_string()).unwrap();
    let series = fs::read_to_string(dir.path().join("timeseries.csv")).unwrap();
    let blank_before = |first_day: f64| -> charts::Results {
        let blanked: String = series
            .lines()
            .map(
                |line| match line.split(',').collect::<Vec<_>>().as_slice() {
                    [policy, day, "kpi_truth_gap", ..]
                        if day.parse::<f64>().unwrap() < first_day =>
                    {
                        format!("{policy},{day},kpi_truth_gap,,,,,,\n")
                    }
                    _ => format!("{line}\n"),
                },
            )
            .collect();
        fs::write(dir.path().join("timeseries.csv"), blanked).unwrap();
        charts::Results::load(dir.path()).unwrap()
    };
    let svg = |results: &charts::Results, chart: charts::Chart| {
        let options = PlotOptions {
            format: Format::Svg,
            ..PlotOptions::default()
        };
        svg_text(&String::from_utf8(charts::render(results, &chart, &options).unwrap()).unwrap())
    };
    let gap = || charts::Chart::Fan("kpi_truth_gap".into());

    let results = blank_before(130.0);
    let fan = svg(&results, gap());
    assert!(
        fan.contains("No value before day 130: the baseline is still being measured"),
        "{fan}"
    );
    let dashboard = svg(&results, charts::Chart::Dashboard);
    assert!(
        dashboard.contains("Grey: no value yet (KPI\u{2013}truth gap before day 130)."),
        "{dashboard}"
    );
    assert!(!svg(&results, charts::Chart::Fan("trust".into())).contains("No value"));

    // Three empty grid days leave too narrow a span for the note: the legend says it.
    let results = blank_before(15.0);
    let fan = svg(&results, gap());
    let legend = fan.split("middle 90%").nth(1).unwrap();
    assert!(
        legend.contains("No value before day 15: the baseline is still being measured"),
        "{fan}"
    );

    // Only day 0 empty, as for a rate over a trailing window: nothing to explain.
    let results = blank_before(5.0);
    assert!(!svg(&results, gap()).contains("No value"));
}

/// The trade-off's mean paths are labelled "start", Q1, each year, and at the end with the
/// horizon's day, which the key spells out: over 500 days the last quarter labelled (Q4, one
/// year) is not mistaken for the end. A horizon shorter than a year has no Q4, and one off
/// the 63-day grid ends at its own day.
#[test]
fn the_tradeoff_labels_the_end_of_each_path_with_its_day() {
    let tradeoff_text = |horizon_days: usize| {
        let dir = tempfile::tempdir().unwrap();
        fixture::generate(
            dir.path(),
            &fixture::FixtureSpec {
                horizon_days,
                ..fixture::MANAGEMENT
            },
        );
        let results = charts::Results::load(dir.path()).unwrap();
        let options = PlotOptions {
            format: Format::Svg,
            ..PlotOptions::default()
        };
        let svg = charts::render(&results, &charts::Chart::Tradeoff, &options).unwrap();
        svg_text(&String::from_utf8(svg).unwrap()).replace('\u{a0}', " ")
    };
    let words = |text: &str, word: &str| text.split(' ').filter(|w| *w == word).count();
    // The labels on the plot: after the title and footer, before the legend.
    let plot_labels = |text: &str| -> String {
        let body = text.split("orgsim 0.1.0").nth(1).unwrap();
        body.split("Management style").next().unwrap().to_string()
    };

    let two_years = tradeoff_text(500);
    assert!(
        two_years.contains(
            "mean path from the start (policy already in force) to day 500, by quarter: Q1 = day 63, Q4 = day 252 (1 year)"
        ),
        "{two_years}"
    );
    let labels = plot_labels(&two_years);
    assert!(labels.contains("day 500"), "{labels}");
    assert_eq!(words(&labels, "day"), 2, "one end label per path: {labels}");
    assert_eq!(
        words(&labels, "start"),
        1,
        "the paths start together: {labels}"
    );
    assert_eq!(words(&labels, "Q1"), 2, "{labels}");
    assert_eq!(words(&labels, "Q4"), 2, "{labels}");

    let short = tradeoff_text(200);
    assert!(
        short.contains("mean path from the start (policy already in force) to day 200, by quarter: Q1 = day 63"),
        "{short}"
    );
    let labels = plot_labels(&short);
    assert!(
        labels.contains("day 200") && !labels.contains("Q4"),
        "{labels}"
    );
}

/// `orgsim plot --policies`: a selection of a run's policies is drawn into its own folder,
/// keeps each policy's colour from the full set, and compares against the first selected
/// policy with paired differences computed from the replications when `summary.json` does not
/// hold them. Unknown names are an input error.
#[test]
fn a_selection_of_policies_draws_into_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("three.toml");
    fs::write(
        &scenario,
        "name = \"three\"\nseed = 3\nreplications = 12\nhorizon_days = 80\n\
         [organization]\nteams = 2\nteam_size = 4\n\
         [[policies]]\nname = \"a\"\npreset = \"balanced\"\n\
         [[policies]]\nname = \"b\"\npreset = \"kpi-heavy\"\n\
         [[policies]]\nname = \"c\"\npreset = \"balanced\"\n[policies.levers]\nkappa = 0.6\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    crate::common::orgsim_ok(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--no-charts",
        ],
    );
    let results = charts::Results::load(&out).unwrap();
    let chosen = results.select(&["c".into(), "b".into()]).unwrap();
    assert_eq!(chosen.summary.policies, ["b", "c"], "the run's order");
    assert_eq!(chosen.colours, [1, 2], "colours of the full set");
    // c − b, paired by replication, from the replications table.
    let comparison = chosen
        .summary
        .comparisons
        .iter()
        .find(|c| c.metric == "true_value_cumulative")
        .unwrap();
    assert_eq!(
        (comparison.policy.as_str(), comparison.baseline.as_str()),
        ("c", "b")
    );
    let b = results
        .replications
        .column(1, "true_value_cumulative")
        .unwrap();
    let c = results
        .replications
        .column(2, "true_value_cumulative")
        .unwrap();
    let mean = c.iter().zip(&b).map(|(c, b)| c - b).sum::<f64>() / b.len() as f64;
    assert!((comparison.mean_difference - mean).abs() < 1e-12);
    assert!(comparison.ci95_low < mean && mean < comparison.ci95_high);
    // Against the run's own baseline the saved comparison is used as it is.
    let with_baseline = results.select(&["a".into(), "c".into()]).unwrap();
    let saved = results
        .summary
        .comparisons
        .iter()
        .find(|c| c.policy == "c" && c.metric == "true_value_cumulative")
        .unwrap();
    let kept = with_baseline
        .summary
        .comparisons
        .iter()
        .find(|c| c.metric == "true_value_cumulative")
        .unwrap();
    assert_eq!(kept.mean_difference, saved.mean_difference);

    let files = orgsim::cli::plot(&orgsim::cli::PlotArgs {
        dir: out.clone(),
        format: "png".into(),
        size: "800x500".into(),
        metrics: None,
        policies: Some(vec!["c".into(), "b".into()]),
    })
    .unwrap();
    assert!(files
        .iter()
        .all(|f| f.starts_with(out.join("charts").join("b+c"))));
    for file in &files {
        assert_png_ok(file, 800, 500);
    }
    assert!(
        !out.join("charts").join("dashboard.png").exists(),
        "full set untouched"
    );
    let unknown = orgsim::cli::plot(&orgsim::cli::PlotArgs {
        dir: out,
        format: "png".into(),
        size: "800x500".into(),
        metrics: None,
        policies: Some(vec!["z".into()]),
    })
    .unwrap_err();
    assert_eq!(unknown.exit_code(), 2);
    assert!(unknown.to_string().contains("`z`") && unknown.to_string().contains("a, b, c"));
}

//! Charts of a run's saved results, ready for a workshop slide: the results × relationships
//! trade-off, fan charts of key metrics over time, box plots of the horizon outcomes, and a
//! one-slide dashboard. Every image carries a provenance footer (scenario, seed, replications,
//! orgsim version).
//!
//! Charts read only the files a run writes ([`data`]), prepare the numbers in plain functions
//! ([`prepare`]), and draw through plotters on any backend ([`draw`]): PNG via an in-memory
//! bitmap encoded with `png`, or SVG. Text uses the DejaVu Sans font embedded in the binary, so
//! rendering needs no system fonts. Files are written atomically into `<results>/charts/`.

pub mod data;
pub mod draw;
pub mod palette;
pub mod prepare;
pub mod sweep;
pub mod text;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

use plotters::prelude::*;

use crate::output::{self, OutputError};
pub use data::Results;

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/LICENSE-DejaVu`).
pub(crate) static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The font family every chart asks for. Registering the embedded font under the generic name
/// makes SVG files fall back to the viewer's own sans-serif font.
pub const FONT_FAMILY: &str = "sans-serif";

/// Errors while drawing charts.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The folder is not a results folder (exit code 2).
    #[error(
        "{}: not a results folder (expected summary.json, timeseries.csv and replications.csv written by `orgsim run`)",
        .0.display()
    )]
    NotResults(PathBuf),
    /// A results file could not be read (exit code 2).
    #[error("{}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    /// A results file is malformed (exit code 2). `line` is 0 when unknown.
    #[error("{}:{line}: {reason}", path.display())]
    Invalid {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    /// `--metrics` names a metric the results do not hold (exit code 2).
    #[error("no series metric `{name}` in these results; available: {available}")]
    UnknownMetric { name: String, available: String },
    /// The options ask for something impossible (exit code 2).
    #[error("{0}")]
    Options(String),
    /// The embedded font could not be registered (exit code 1).
    #[error("the embedded chart font could not be loaded")]
    Font,
    /// Drawing failed (exit code 1).
    #[error("drawing {chart}: {reason}")]
    Draw { chart: String, reason: String },
    /// A chart file could not be written (exit code 1).
    #[error(transparent)]
    Write(#[from] OutputError),
}

impl ChartError {
    /// Whether the error lies in the input (results folder or options) rather than in drawing
    /// or writing: exit code 2 rather than 1.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            ChartError::NotResults(_)
                | ChartError::Read { .. }
                | ChartError::Invalid { .. }
                | ChartError::UnknownMetric { .. }
                | ChartError::Options(_)
        )
    }
}

/// Image file format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Png,
    Svg,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

impl FromStr for Format {
    type Err = ChartError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "png" => Ok(Format::Png),
            "svg" => Ok(Format::Svg),
            _ => Err(ChartError::Options(format!(
                "unknown format `{text}`; expected png or svg"
            ))),
        }
    }
}

/// Largest accepted width or height [px]; a 8000 × 8000 bitmap takes 192 MB.
pub const MAX_SIDE: u32 = 8000;
/// Smallest accepted width or height [px]; below it text cannot fit.
pub const MIN_SIDE: u32 = 200;

/// What to draw and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlotOptions {
    pub format: Format,
    /// Image width [px], 200 to 8000.
    pub width: u32,
    /// Image height [px], 200 to 8000.
    pub height: u32,
    /// Series metrics for fan charts; `None` draws the defaults present in the results.
    pub metrics: Option<Vec<String>>,
    /// Policies to draw; `None` draws all. A selection is drawn into its own folder,
    /// `charts/<a>+<b>/`, so the full set stays as it was.
    pub policies: Option<Vec<String>>,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            format: Format::Png,
            width: 1600,
            height: 1000,
            metrics: None,
            policies: None,
        }
    }
}

/// Parses an image size written `WIDTHxHEIGHT` in pixels, e.g. `1600x1000`.
pub fn parse_size(text: &str) -> Result<(u32, u32), ChartError> {
    let bad = || {
        ChartError::Options(format!(
            "size `{text}`: expected WIDTHxHEIGHT in pixels, e.g. 1600x1000"
        ))
    };
    let (w, h) = text
        .to_ascii_lowercase()
        .split_once('x')
        .ok_or_else(bad)
        .map(|(w, h)| (w.trim().to_string(), h.trim().to_string()))?;
    let (w, h): (u32, u32) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    for side in [w, h] {
        if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
            return Err(ChartError::Options(format!(
                "size `{text}`: each side must be {MIN_SIDE} to {MAX_SIDE} pixels"
            )));
        }
    }
    Ok((w, h))
}

/// One chart a results folder can produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chart {
    /// `tradeoff`: results × relationships at the horizon, with the quarterly mean paths.
    Tradeoff,
    /// `fan_<metric>`: one series metric over time.
    Fan(String),
    /// `teams_<family>`: one small fan panel per team for a per-team series family (e.g.
    /// `engagement_mean` for `team_engagement_mean_1`, `_2`, ...), in team order.
    Teams(String),
    /// `distributions`: box plots of the key horizon outcomes.
    Distributions,
    /// `dashboard`: the one-slide composite.
    Dashboard,
}

impl Chart {
    /// The file stem.
    pub fn file_stem(&self) -> String {
        match self {
            Chart::Tradeoff => "tradeoff".into(),
            Chart::Fan(metric) => format!("fan_{metric}"),
            Chart::Teams(family) => format!("teams_{family}"),
            Chart::Distributions => "distributions".into(),
            Chart::Dashboard => "dashboard".into(),
        }
    }
}

/// Registers the embedded font with plotters (once per process).
pub fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

/// The charts to draw for `results`: the trade-off if the results hold both its metrics, one
/// fan per chosen series metric, one chart of small fans by team per per-team series family
/// (runs of teams that differ), the distributions and the dashboard.
pub fn plan(results: &Results, options: &PlotOptions) -> Result<Vec<Chart>, ChartError> {
    let fans =
        prepare::fan_metrics(&results.summary, options.metrics.as_deref()).map_err(|name| {
            ChartError::UnknownMetric {
                name,
                available: results
                    .summary
                    .series_metrics
                    .iter()
                    .map(|m| m.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })?;
    let mut charts = Vec::new();
    if prepare::has_tradeoff(results) {
        charts.push(Chart::Tradeoff);
    }
    charts.extend(fans.into_iter().map(Chart::Fan));
    charts.extend(
        prepare::team_families(&results.summary)
            .into_iter()
            .map(Chart::Teams),
    );
    if !results.replications.metrics.is_empty() {
        charts.push(Chart::Distributions);
    }
    charts.push(Chart::Dashboard);
    Ok(charts)
}

/// Draws every chart of the results in `results_dir` into `<results_dir>/charts/` (or, for a
/// selection of policies, `<results_dir>/charts/<a>+<b>/`), replacing files of the same name.
/// Returns the files written, in drawing order.
/// A sweep's output folder gets its sweep charts ([`sweep::draw_sweep`]).
pub fn draw_all(results_dir: &Path, options: &PlotOptions) -> Result<Vec<PathBuf>, ChartError> {
    register_font()?;
    if sweep::is_sweep(results_dir) && !results_dir.join("summary.json").is_file() {
        return sweep::draw_sweep(results_dir, options);
    }
    let mut results = Results::load(results_dir)?;
    let mut out = data::charts_dir(results_dir);
    if let Some(names) = &options.policies {
        results = results.select(names)?;
        out = out.join(results.summary.policies.join("+"));
    }
    let mut written = Vec::new();
    for chart in plan(&results, options)? {
        let bytes = render(&results, &chart, options)?;
        let path = out.join(format!(
            "{}.{}",
            chart.file_stem(),
            options.format.extension()
        ));
        output::write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Renders one chart to the bytes of a PNG or SVG file.
pub fn render(
    results: &Results,
    chart: &Chart,
    options: &PlotOptions,
) -> Result<Vec<u8>, ChartError> {
    let figure = draw::Figure::new(
        results,
        options.width,
        options.height,
        options.metrics.as_deref(),
    );
    render_painting(
        &draw::ChartPainting {
            figure: &figure,
            chart,
        },
        &chart.file_stem(),
        options,
    )
}

/// Renders a painting to the bytes of a PNG or SVG file; `name` names it in errors.
pub(crate) fn render_painting(
    painting: &impl draw::Painting,
    name: &str,
    options: &PlotOptions,
) -> Result<Vec<u8>, ChartError> {
    register_font()?;
    let (width, height) = (options.width, options.height);
    let failed = |reason: String| ChartError::Draw {
        chart: name.to_string(),
        reason,
    };
    match options.format {
        Format::Png => {
            let mut pixels = vec![0u8; width as usize * height as usize * 3];
            {
                let bitmap = BitMapBackend::with_buffer(&mut pixels, (width, height));
                let root = text::GlyphBackend::new(bitmap, FONT)
                    .ok_or(ChartError::Font)?
                    .into_drawing_area();
                painting.paint(&root).map_err(|e| failed(e.to_string()))?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            encode_png(&pixels, width, height).map_err(|e| failed(e.to_string()))
        }
        Format::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
                painting.paint(&root).map_err(|e| failed(e.to_string()))?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            Ok(text.into_bytes())
        }
    }
}

/// Encodes 8-bit RGB pixels, row-major, as a PNG file.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_are_bounded() {
        assert_eq!(parse_size("1600x1000").unwrap(), (1600, 1000));
        assert_eq!(parse_size("800X600").unwrap(), (800, 600));
        assert!(parse_size("1600").is_err());
        assert!(parse_size("10x10").is_err());
        assert!(parse_size("99999x1000").is_err());
    }

    #[test]
    fn formats_parse() {
        assert_eq!("SVG".parse::<Format>().unwrap(), Format::Svg);
        assert!("jpg".parse::<Format>().is_err());
    }

    #[test]
    fn embedded_font_registers() {
        register_font().unwrap();
        register_font().unwrap();
    }
}

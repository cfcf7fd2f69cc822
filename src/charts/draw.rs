//! Drawing the charts on any plotters backend (bitmap, SVG, or a memory buffer in tests).
//!
//! Every function here takes prepared numbers from [`super::prepare`] and a drawing area; none
//! reads files or computes statistics beyond placing things. Legends sit in a reserved margin
//! right of the plot so they never cover data. Lengths are pixels at the 1600 × 1000 reference
//! size, scaled by [`TypeScale`].

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::palette::{policy_color, TypeScale, GRID, INK, MUTED, NO_VALUE_SHADE};
use super::prepare::{
    self, LabelLayout, LabelRequest, ScreenBox, TimeUnit, QUARTER_DAYS, TRADEOFF_X, TRADEOFF_Y,
};
use super::{Chart, Results, FONT_FAMILY};

mod sweep;

/// The result of drawing on backend `DB`.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

type Cartesian<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Everything shared by the charts of one results folder at one image size.
pub struct Figure<'a> {
    pub results: &'a Results,
    pub scale: TypeScale,
    pub time: TimeUnit,
    /// The provenance line printed at the bottom of every image.
    pub footer: String,
    /// Fan chart metrics, in order (the dashboard shows the first ones).
    pub fans: Vec<String>,
}

impl<'a> Figure<'a> {
    /// Prepares the shared parts for an image of `width` × `height` px.
    pub fn new(results: &'a Results, width: u32, height: u32, metrics: Option<&[String]>) -> Self {
        Figure {
            results,
            scale: TypeScale::for_size(width, height),
            time: TimeUnit::for_horizon(results.summary.horizon_days),
            footer: prepare::provenance(&results.summary),
            fans: prepare::fan_metrics(&results.summary, metrics).unwrap_or_default(),
        }
    }

    fn horizon(&self) -> f64 {
        self.results.summary.horizon_days
    }

    fn policies(&self) -> &[String] {
        &self.results.summary.policies
    }

    /// The colour of policy `p` (its colour in the run's full set of policies).
    fn color(&self, p: usize) -> RGBColor {
        policy_color(self.results.colours.get(p).copied().unwrap_or(p))
    }
}

/// Something drawn on the whole of an image, on any backend.
pub trait Painting {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// One chart of a results folder.
pub struct ChartPainting<'a> {
    pub figure: &'a Figure<'a>,
    pub chart: &'a Chart,
}

impl Painting for ChartPainting<'_> {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        chart(root, self.figure, self.chart)
    }
}

/// One chart across a sweep's points; `results` are the first point's, for the policies'
/// colours and the type sizes.
pub struct SweepPainting<'a> {
    pub results: &'a Results,
    pub chart: &'a super::sweep::SweepChart,
}

impl Painting for SweepPainting<'_> {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let (width, height) = root.dim_in_pixel();
        let mut fig = Figure::new(self.results, width, height, None);
        fig.footer = self.chart.footer.clone();
        sweep::sweep(root, &fig, self.chart)
    }
}

/// Text in the embedded font, `size` px, in `color`.
fn text_style(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&color)
}

fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Draws `chart` on the whole of `root`: background, title, the chart, provenance footer.
pub fn chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fig: &Figure,
    chart: &Chart,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let horizon = prepare::format_value(fig.horizon());
    let title = match chart {
        Chart::Tradeoff => format!("Results vs relationships at day {horizon}, and the path there"),
        Chart::Fan(metric) => match fig.results.series_metric(metric) {
            Some(info) => format!("{} over time", info.label),
            None => metric.clone(),
        },
        Chart::Teams(family) => format!(
            "{} by team over time",
            prepare::team_family_label(&fig.results.summary, family)
        ),
        Chart::Distributions => format!("Outcomes at day {horizon}, across replications"),
        Chart::Dashboard if fig.policies().len() > 1 => format!(
            "{}: styles compared over {horizon} working days",
            fig.results.summary.scenario
        ),
        Chart::Dashboard => format!("{}: {horizon} working days", fig.results.summary.scenario),
    };
    let body = frame(root, fig, &title)?;
    match chart {
        Chart::Tradeoff => tradeoff(&body, fig, true).map(|_| ()),
        // A chart of its own explains an empty start itself.
        Chart::Fan(metric) => fan(&body, fig, metric, FanMode::Full, None).map(|_| ()),
        Chart::Teams(family) => teams(&body, fig, family),
        Chart::Distributions => distributions(&body, fig),
        Chart::Dashboard => dashboard(&body, fig),
    }
}

/// Draws the title and the footer; returns the area between them.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fig: &Figure,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let s = fig.scale;
    let (_, height) = root.dim_in_pixel();
    let title_height = (s.title * 1.8) as u32;
    let footer_height = (s.footer * 2.2) as u32;
    let (top, rest) = root.split_vertically(title_height);
    let (body, bottom) = rest.split_vertically(height.saturating_sub(title_height + footer_height));
    let pad = s.px(24.0) as i32;
    top.draw(&Text::new(
        title.to_string(),
        (pad, (title_height / 2) as i32),
        anchored(text_style(s.title, INK), HPos::Left, VPos::Center),
    ))?;
    bottom.draw(&Text::new(
        fig.footer.clone(),
        (pad, (footer_height / 2) as i32),
        anchored(text_style(s.footer, MUTED), HPos::Left, VPos::Center),
    ))?;
    Ok(body)
}

/// A swatch in a legend.
enum Swatch {
    /// A thick line in a policy colour.
    Line(RGBColor),
    /// A small square in a policy colour.
    Square(RGBColor),
    /// A faint dot.
    Dot,
    /// A filled ellipse with an outline.
    Ring,
    /// A line with an arrowhead.
    Arrow,
    /// A band at the given opacity.
    Band(f64),
    /// The light shade over a span without values.
    Shade,
    /// A box plot glyph.
    BoxGlyph,
    /// A white dot with an outline (the mean on a box plot).
    MeanDot,
    /// A dot on a vertical bar with caps (a mean and its confidence interval).
    ErrorBar,
    /// No swatch: a heading.
    Heading,
}

/// Draws legend rows top-down from the top left of `area`, wrapping long texts.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    items: &[(Swatch, String)],
) -> DrawResult<DB> {
    let s = fig.scale;
    let size = s.tick;
    let (width, _) = area.dim_in_pixel();
    let swatch_width = s.px(44.0) as i32;
    let gap = s.px(10.0) as i32;
    let x0 = s.px(8.0) as i32;
    let line_height = (size * 1.3) as i32;
    let mut y = s.px(40.0) as i32;
    for (swatch, text) in items {
        let indent = if matches!(swatch, Swatch::Heading) {
            0
        } else {
            swatch_width + gap
        };
        let style = text_style(size, INK);
        let lines = wrap(area, text, &style, width as i32 - x0 - indent - gap)?;
        if matches!(swatch, Swatch::Heading) && y > s.px(40.0) as i32 {
            y += line_height / 2;
        }
        let cy = y + line_height / 2;
        draw_swatch(area, fig, swatch, (x0, cy), swatch_width)?;
        for line in &lines {
            area.draw(&Text::new(
                line.clone(),
                (x0 + indent, y + line_height / 2),
                anchored(style.clone(), HPos::Left, VPos::Center),
            ))?;
            y += line_height;
        }
        y += line_height / 4;
    }
    Ok(())
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    swatch: &Swatch,
    (x, cy): (i32, i32),
    width: i32,
) -> DrawResult<DB> {
    let s = fig.scale;
    let h = s.px(9.0) as i32;
    let grey = MUTED;
    match swatch {
        Swatch::Line(color) => area.draw(&PathElement::new(
            vec![(x, cy), (x + width, cy)],
            color.stroke_width(s.px(5.0)),
        ))?,
        Swatch::Square(color) => area.draw(&Rectangle::new(
            [(x + width / 2 - h, cy - h), (x + width / 2 + h, cy + h)],
            color.filled(),
        ))?,
        Swatch::Dot => {
            for dx in [-12.0, 0.0, 12.0] {
                let offset = (dx * s.factor) as i32;
                area.draw(&Circle::new(
                    (x + width / 2 + offset, cy),
                    s.px(4.0),
                    grey.mix(0.4).filled(),
                ))?;
            }
        }
        Swatch::Ring => {
            let e = prepare::Ellipse {
                center: (f64::from(x + width / 2), f64::from(cy)),
                semi_axes: (f64::from(width) / 2.0, f64::from(h)),
                angle: 0.0,
            };
            let points: Vec<(i32, i32)> = e
                .outline(40)
                .into_iter()
                .map(|(a, b)| (a as i32, b as i32))
                .collect();
            area.draw(&Polygon::new(points.clone(), grey.mix(0.2)))?;
            let mut closed = points;
            closed.push(closed[0]);
            area.draw(&PathElement::new(closed, grey.stroke_width(s.px(2.0))))?;
            area.draw(&Circle::new((x + width / 2, cy), s.px(6.0), grey.filled()))?;
        }
        Swatch::Arrow => {
            let tip = (x + width, cy);
            area.draw(&PathElement::new(
                vec![(x, cy), tip],
                grey.stroke_width(s.px(3.5)),
            ))?;
            let l = s.px(14.0) as i32;
            area.draw(&Polygon::new(
                vec![tip, (tip.0 - l, cy - l / 2), (tip.0 - l, cy + l / 2)],
                grey.filled(),
            ))?;
            area.draw(&Circle::new((x, cy), s.px(5.0), grey.filled()))?;
        }
        Swatch::Band(opacity) => {
            area.draw(&Rectangle::new(
                [(x, cy - h), (x + width, cy + h)],
                grey.mix(*opacity).filled(),
            ))?;
        }
        Swatch::Shade => {
            area.draw(&Rectangle::new(
                [(x, cy - h), (x + width, cy + h)],
                NO_VALUE_SHADE.filled(),
            ))?;
        }
        Swatch::BoxGlyph => {
            area.draw(&Rectangle::new(
                [(x + 6, cy - h), (x + width - 6, cy + h)],
                grey.mix(0.25).filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x + 6, cy - h), (x + width - 6, cy + h)],
                grey.stroke_width(s.px(2.0)),
            ))?;
            area.draw(&PathElement::new(
                vec![(x + width / 2, cy - h), (x + width / 2, cy + h)],
                INK.stroke_width(s.px(4.0)),
            ))?;
        }
        Swatch::MeanDot => {
            area.draw(&Circle::new((x + width / 2, cy), s.px(6.0), WHITE.filled()))?;
            area.draw(&Circle::new(
                (x + width / 2, cy),
                s.px(6.0),
                INK.stroke_width(s.px(2.0)),
            ))?;
        }
        Swatch::ErrorBar => {
            let (cx, half, cap) = (x + width / 2, s.px(13.0) as i32, s.px(8.0) as i32);
            let stroke = grey.stroke_width(s.px(3.0));
            area.draw(&PathElement::new(
                vec![(cx, cy - half), (cx, cy + half)],
                stroke,
            ))?;
            for end in [cy - half, cy + half] {
                area.draw(&PathElement::new(
                    vec![(cx - cap, end), (cx + cap, end)],
                    stroke,
                ))?;
            }
            area.draw(&Circle::new((cx, cy), s.px(5.0), grey.filled()))?;
        }
        Swatch::Heading => {}
    }
    Ok(())
}

/// Splits `text` into lines no wider than `max_width` px, at spaces.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_width: i32,
) -> Result<Vec<String>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && area.estimate_text_size(&candidate, style)?.0 as i32 > max_width {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    Ok(lines)
}

/// Splits off the legend margin on the right: (plot, legend).
fn with_legend_margin<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let (width, _) = area.dim_in_pixel();
    let legend_width = fig.scale.px(330.0).min(width / 3);
    area.split_horizontally(width - legend_width)
}

fn policy_items(fig: &Figure, swatch: fn(RGBColor) -> Swatch) -> Vec<(Swatch, String)> {
    let mut items = vec![(Swatch::Heading, "Management style".to_string())];
    items.extend(
        fig.policies()
            .iter()
            .enumerate()
            .map(|(p, name)| (swatch(fig.color(p)), name.clone())),
    );
    items
}

/// Axes with light grid, units in the descriptions and evenly formatted ticks.
struct Axes<'t> {
    x: (f64, f64),
    y: (f64, f64),
    x_desc: String,
    y_desc: String,
    caption: Option<String>,
    scale: TypeScale,
    x_labels: usize,
    y_labels: usize,
    x_formatter: Option<&'t dyn Fn(&f64) -> String>,
    /// Vertical grid lines (off for categorical x axes).
    x_mesh: bool,
}

/// Decimals for the tick labels of an axis: enough to tell apart the very ticks plotters will
/// draw for this range and label count (its step may be finer than the nominal one).
fn axis_decimals(lo: f64, hi: f64, labels: usize) -> usize {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return prepare::tick_decimals(lo, hi, labels);
    }
    let range: RangedCoordf64 = (lo..hi).into();
    let ticks = range.key_points(labels);
    prepare::decimals_to_tell_apart(&ticks).max(prepare::tick_decimals(lo, hi, labels))
}

impl<'t> Axes<'t> {
    fn build<'a, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
    ) -> Result<Cartesian<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
        let s = self.scale;
        let y_decimals = axis_decimals(self.y.0, self.y.1, self.y_labels);
        // The y label area fits the widest tick label plus the axis description, no more, so
        // the description stays close to its ticks.
        let tick_style = text_style(s.tick, INK);
        let mut widest = 0;
        for v in [self.y.0, self.y.1, (self.y.0 + self.y.1) / 2.0] {
            widest = widest.max(
                area.estimate_text_size(&prepare::format_tick(v, y_decimals), &tick_style)?
                    .0,
            );
        }
        let y_desc_width = if self.y_desc.is_empty() {
            0.0
        } else {
            s.axis * 1.5
        };
        let x_desc_height = if self.x_desc.is_empty() {
            0.0
        } else {
            s.axis * 1.5
        };
        let mut builder = ChartBuilder::on(area);
        builder
            .margin(s.px(16.0))
            .margin_right(s.px(28.0))
            .x_label_area_size((s.tick * 1.8 + x_desc_height) as u32)
            .y_label_area_size(widest + s.px(18.0) + y_desc_width as u32);
        if let Some(caption) = &self.caption {
            builder.caption(caption, text_style(s.axis, INK));
        }
        let mut chart = builder.build_cartesian_2d(self.x.0..self.x.1, self.y.0..self.y.1)?;
        let x_decimals = axis_decimals(self.x.0, self.x.1, self.x_labels);
        let x_default = move |v: &f64| prepare::format_tick(*v, x_decimals);
        let y_format = move |v: &f64| prepare::format_tick(*v, y_decimals);
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(self.x_desc.clone())
            .y_desc(self.y_desc.clone())
            .axis_desc_style(text_style(s.axis, INK))
            .label_style(text_style(s.tick, INK))
            .x_labels(self.x_labels)
            .y_labels(self.y_labels)
            .y_label_formatter(&y_format)
            .bold_line_style(GRID.stroke_width(s.px(1.0)))
            .light_line_style(WHITE.mix(0.0))
            .axis_style(INK.stroke_width(s.px(1.5)))
            .set_all_tick_mark_size(s.px(6.0));
        match self.x_formatter {
            Some(formatter) => mesh.x_label_formatter(formatter),
            None => mesh.x_label_formatter(&x_default),
        };
        if !self.x_mesh {
            mesh.disable_x_mesh();
        }
        mesh.draw()?;
        Ok(chart)
    }
}

/// Pixels per data unit on each axis of a built chart.
fn pixels_per_unit<DB: DrawingBackend>(
    chart: &Cartesian<DB>,
    x: (f64, f64),
    y: (f64, f64),
) -> (f64, f64) {
    let (w, h) = chart.plotting_area().dim_in_pixel();
    (f64::from(w) / (x.1 - x.0), f64::from(h) / (y.1 - y.0))
}

/// The trade-off plane: one faint dot per replication at the horizon, each policy's mean with
/// its 95% confidence ellipse, and its mean path quarter by quarter with arrowheads, labelled
/// at the start, Q1, each year and the end. Returns the quarters that get labels (e.g. 1 and 4),
/// for a key elsewhere.
fn tradeoff<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    with_legend: bool,
) -> Result<Vec<usize>, DrawingAreaErrorKind<DB::ErrorType>> {
    let s = fig.scale;
    let results = fig.results;
    let (plot, legend_area) = if with_legend {
        let (plot, legend_area) = with_legend_margin(area, fig);
        (plot, Some(legend_area))
    } else {
        (area.clone(), None)
    };
    struct PolicyLayer {
        dots: Vec<(f64, f64)>,
        ellipse: Option<prepare::Ellipse>,
        path: Vec<prepare::PathPoint>,
    }
    let layers: Vec<PolicyLayer> = (0..fig.policies().len())
        .map(|p| {
            let xs = results
                .replications
                .column(p, TRADEOFF_X)
                .unwrap_or_default();
            let ys = results
                .replications
                .column(p, TRADEOFF_Y)
                .unwrap_or_default();
            let x_series = prepare::mean_series(&results.series, p, TRADEOFF_X);
            let y_series = prepare::mean_series(&results.series, p, TRADEOFF_Y);
            PolicyLayer {
                dots: xs
                    .iter()
                    .zip(&ys)
                    .map(|(x, y)| (*x, *y))
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .collect(),
                ellipse: results
                    .replications
                    .tradeoff
                    .get(p)
                    .and_then(prepare::BivariateMoments::mean_confidence_ellipse),
                path: prepare::quarter_path(&x_series, &y_series, fig.horizon(), QUARTER_DAYS),
            }
        })
        .collect();
    let all_points = || {
        layers.iter().flat_map(|l| {
            l.dots
                .iter()
                .copied()
                .chain(l.path.iter().map(|p| (p.x, p.y)))
                .chain(l.ellipse.map(|e| e.outline(24)).unwrap_or_default())
        })
    };
    let x = prepare::padded_range(all_points().map(|p| p.0), 0.06).unwrap_or((0.0, 1.0));
    let y = prepare::padded_range(all_points().map(|p| p.1), 0.06).unwrap_or((0.0, 1.0));
    let label = |name: &str| match results.outcome_metric(name) {
        Some(info) => format!("{} [{}]", info.label, info.unit),
        None => name.to_string(),
    };
    let axes = Axes {
        x,
        y,
        x_desc: label(TRADEOFF_X),
        y_desc: label(TRADEOFF_Y),
        caption: None,
        scale: s,
        x_labels: 8,
        y_labels: 8,
        x_formatter: None,
        x_mesh: true,
    };
    let mut chart = axes.build(&plot)?;
    let ppu = pixels_per_unit(&chart, x, y);
    let screen = |p: (f64, f64)| (p.0 * ppu.0, p.1 * ppu.1);
    // Everything drawn over the dots is also marked in the layout, which keeps the labels
    // off it and inside the plot (so off the legend beside it).
    let mut layout = LabelLayout::new(
        ScreenBox {
            left: x.0 * ppu.0,
            bottom: y.0 * ppu.1,
            right: x.1 * ppu.0,
            top: y.1 * ppu.1,
        },
        f64::from(s.px(14.0)),
    );
    for (p, layer) in layers.iter().enumerate() {
        let color = fig.color(p);
        chart.draw_series(
            layer
                .dots
                .iter()
                .map(|&d| Circle::new(d, s.px(4.0), color.mix(0.28).filled())),
        )?;
    }
    for (p, layer) in layers.iter().enumerate() {
        let color = fig.color(p);
        let width = s.px(3.5);
        if layer.path.len() >= 2 {
            let points: Vec<(f64, f64)> = layer.path.iter().map(|q| (q.x, q.y)).collect();
            let on_screen: Vec<(f64, f64)> = points.iter().map(|&q| screen(q)).collect();
            layout.avoid_line(&on_screen, f64::from(width) / 2.0);
            chart.draw_series(std::iter::once(PathElement::new(
                points,
                color.stroke_width(width),
            )))?;
        }
        for pair in layer.path.windows(2) {
            let (from, to) = ((pair[0].x, pair[0].y), (pair[1].x, pair[1].y));
            let length = ((to.0 - from.0) * ppu.0).hypot((to.1 - from.1) * ppu.1);
            if length > f64::from(s.px(24.0)) {
                if let Some(head) = prepare::arrowhead(from, to, f64::from(s.px(18.0)), ppu) {
                    layout.avoid_area(head.iter().map(|&q| screen(q)).collect());
                    chart.draw_series(std::iter::once(Polygon::new(
                        head.to_vec(),
                        color.filled(),
                    )))?;
                }
            }
        }
        if let Some(start) = layer.path.first() {
            layout.avoid_dot(screen((start.x, start.y)), f64::from(s.px(6.0)));
            chart.draw_series(std::iter::once(Circle::new(
                (start.x, start.y),
                s.px(6.0),
                color.filled(),
            )))?;
        }
        if let Some(e) = layer.ellipse {
            let outline = e.outline(72);
            layout.avoid_area(outline.iter().map(|&q| screen(q)).collect());
            layout.avoid_dot(screen(e.center), f64::from(s.px(8.0)));
            chart.draw_series(std::iter::once(Polygon::new(
                outline.clone(),
                color.mix(0.22),
            )))?;
            let mut closed = outline;
            closed.push(closed[0]);
            chart.draw_series(std::iter::once(PathElement::new(
                closed,
                color.stroke_width(s.px(2.5)),
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                e.center,
                s.px(8.0),
                WHITE.filled(),
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                e.center,
                s.px(6.0),
                color.filled(),
            )))?;
        }
    }
    // Labels last, above everything. What gets one: where each path ends, with its day (the
    // ellipse there is the horizon, not the last quarter labelled), "start", then Q1 and each
    // year, whose stops get a small ring. Paths that pass a stop together share its label.
    struct PathLabel {
        text: String,
        at: (f64, f64),
        around: Vec<(f64, f64)>,
        toward: (f64, f64),
        required: bool,
    }
    let mut seen: Vec<(String, (f64, f64))> = Vec::new();
    let mut already_labelled = |text: &str, pixel: (f64, f64)| {
        let near = seen.iter().any(|(t, p)| {
            t == text && (p.0 - pixel.0).hypot(p.1 - pixel.1) < f64::from(s.px(30.0))
        });
        seen.push((text.to_string(), pixel));
        near
    };
    let mut wanted: Vec<PathLabel> = Vec::new();
    let mut quarters: Vec<usize> = Vec::new();
    for layer in &layers {
        let path: Vec<(f64, f64)> = layer.path.iter().map(|q| screen((q.x, q.y))).collect();
        let (at, around, day) = match (layer.ellipse, layer.path.last()) {
            (Some(e), _) => (
                screen(e.center),
                e.outline(72).into_iter().map(screen).collect(),
                fig.horizon(),
            ),
            (None, Some(last)) => (screen((last.x, last.y)), Vec::new(), last.day),
            (None, None) => continue,
        };
        let text = prepare::end_label(day);
        if !already_labelled(&text, at) {
            wanted.push(PathLabel {
                text,
                at,
                around,
                toward: prepare::arrival(&path, f64::from(s.px(40.0))),
                required: true,
            });
        }
    }
    for (p, layer) in layers.iter().enumerate() {
        let path = &layer.path;
        for (i, point) in path.iter().enumerate() {
            let here = (point.x, point.y);
            let start = i == 0;
            let text = if start {
                "start".to_string()
            } else if i + 1 == path.len() {
                // The end has its day.
                continue;
            } else {
                match prepare::labelled_stop(point, fig.horizon()) {
                    Some(text) => text,
                    None => continue,
                }
            };
            if !start {
                quarters.push(point.quarter);
                layout.avoid_dot(screen(here), f64::from(s.px(5.0)));
                chart.draw_series(std::iter::once(Circle::new(
                    here,
                    s.px(5.0),
                    WHITE.filled(),
                )))?;
                chart.draw_series(std::iter::once(Circle::new(
                    here,
                    s.px(5.0),
                    fig.color(p).stroke_width(s.px(2.5)),
                )))?;
            }
            if already_labelled(&text, screen(here)) {
                continue;
            }
            let before = i.checked_sub(1).map(|j| (path[j].x, path[j].y));
            let after = path.get(i + 1).map(|q| (q.x, q.y));
            wanted.push(PathLabel {
                text,
                at: screen(here),
                around: Vec::new(),
                toward: prepare::label_offset(before, here, after, ppu, 1.0),
                required: start,
            });
        }
    }
    // Each is placed clear of the marks and of the labels before it, nearer its own point than
    // any other labelled one; Q1 and the years are left out where they find no room.
    let label_style = text_style(s.tick, INK);
    let pad = f64::from(s.px(3.0));
    for label in &wanted {
        layout.name(label.at);
    }
    let mut labels: Vec<(String, ScreenBox)> = Vec::new();
    for label in wanted {
        let (w, h) = plot.estimate_text_size(&label.text, &label_style)?;
        let request = LabelRequest {
            at: label.at,
            around: &label.around,
            toward: label.toward,
            size: (f64::from(w) + 2.0 * pad, f64::from(h) + 2.0 * pad),
            required: label.required,
        };
        if let Some(b) = layout.place(&request) {
            labels.push((label.text, b));
        }
    }
    for (text, b) in labels {
        // A light backing keeps the text readable over the dots.
        chart.draw_series(std::iter::once(Rectangle::new(
            [
                (b.left / ppu.0, b.top / ppu.1),
                (b.right / ppu.0, b.bottom / ppu.1),
            ],
            WHITE.mix(0.8).filled(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            text,
            ((b.left + pad) / ppu.0, (b.top - pad) / ppu.1),
            anchored(label_style.clone(), HPos::Left, VPos::Top),
        )))?;
    }
    quarters.sort_unstable();
    quarters.dedup();
    if let Some(legend_area) = legend_area {
        let horizon = prepare::format_value(fig.horizon());
        let mut items = policy_items(fig, Swatch::Line);
        items.push((Swatch::Heading, "Key".into()));
        items.push((Swatch::Dot, format!("one replication at day {horizon}")));
        items.push((
            Swatch::Ring,
            format!("mean at day {horizon}, 95% confidence ellipse"),
        ));
        items.push((Swatch::Arrow, prepare::path_key(fig.horizon(), &quarters)));
        legend(&legend_area, fig, &items)?;
    }
    Ok(quarters)
}

/// The time axis: days converted to the figure's unit, integer ticks.
fn time_axis(fig: &Figure) -> ((f64, f64), usize) {
    let end = fig.horizon() / fig.time.days();
    let ticks = match fig.time {
        TimeUnit::WorkingDays => 8,
        _ => (end.floor() as usize + 1).clamp(2, 13),
    };
    ((0.0, end.max(1e-9)), ticks)
}

/// How much of a fan chart to draw.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FanMode {
    /// A chart of its own, with a legend.
    Full,
    /// The large panel of a dashboard: no legend, slightly smaller type.
    Large,
    /// A small multiple: the label as caption, the unit on the axis, smaller type.
    Small,
}

/// The legend of fan charts: the policies' colours, then what the line and bands show.
fn fan_key(fig: &Figure) -> Vec<(Swatch, String)> {
    let mut items = policy_items(fig, Swatch::Line);
    items.push((
        Swatch::Heading,
        format!("Across {} replications", fig.results.summary.replications),
    ));
    items.push((Swatch::Line(MUTED), "median".into()));
    items.push((Swatch::Band(0.45), "middle 50%".into()));
    items.push((Swatch::Band(0.18), "middle 90%".into()));
    items
}

/// A small panel among others that share its y axis, under its own caption (a team's name).
struct SharedPanel<'a> {
    caption: &'a str,
    y: (f64, f64),
}

/// A fan chart: per policy, the median over replications with its 50% and 90% bands. A
/// start where no policy has a value is shaded and says why; if that note does not fit there
/// (in a small panel), returns what to say elsewhere, e.g. "KPI-truth gap before day 130".
/// `shared` gives a small panel its caption and y range instead of the metric's own.
fn fan<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    metric: &str,
    mode: FanMode,
    shared: Option<&SharedPanel>,
) -> Result<Option<String>, DrawingAreaErrorKind<DB::ErrorType>> {
    let small = mode == FanMode::Small;
    let s = match mode {
        FanMode::Full => fig.scale,
        FanMode::Large => fig.scale.shrink(0.9),
        FanMode::Small => fig.scale.shrink(0.8),
    };
    let results = fig.results;
    let (plot, legend_area) = if mode == FanMode::Full {
        let (plot, legend_area) = with_legend_margin(area, fig);
        (plot, Some(legend_area))
    } else {
        (area.clone(), None)
    };
    let unit = fig.time.days();
    let fans: Vec<Vec<prepare::Band>> = (0..fig.policies().len())
        .map(|p| prepare::fan_bands(&results.series, p, metric))
        .collect();
    let y = shared.map_or_else(
        || {
            prepare::padded_range(fans.iter().flatten().flat_map(|b| [b.p05, b.p95]), 0.05)
                .unwrap_or((0.0, 1.0))
        },
        |panel| panel.y,
    );
    let (x, x_labels) = time_axis(fig);
    let info = results.series_metric(metric);
    let (label, unit_text) = info.map_or((metric.to_string(), String::new()), |i| {
        (i.label.clone(), i.unit.clone())
    });
    let x_format = |v: &f64| format!("{v:.0}");
    let axes = Axes {
        x,
        y,
        x_desc: if small {
            short_time_label(fig.time).into()
        } else {
            fig.time.axis_label().into()
        },
        y_desc: if small {
            unit_text.clone()
        } else {
            format!("{label} [{unit_text}]")
        },
        caption: small.then(|| shared.map_or_else(|| label.clone(), |p| p.caption.to_string())),
        scale: s,
        x_labels,
        y_labels: if small { 5 } else { 8 },
        x_formatter: (fig.time != TimeUnit::WorkingDays)
            .then_some(&x_format as &dyn Fn(&f64) -> String),
        x_mesh: true,
    };
    let mut chart = axes.build(&plot)?;
    // A start without values is shaded and explained in place, else in the legend or by the
    // caller.
    let mut unexplained = None;
    if let Some(span) = prepare::empty_start(&results.series, metric) {
        let reason = info.map_or("", |i| i.undefined_reason.as_str());
        let notes = prepare::empty_start_notes(&span, reason);
        let x = (span.from / unit, span.until / unit);
        if !empty_start(&plot, &chart, s, (x, y), &notes)? {
            unexplained = Some((span, notes));
        }
    }
    for (p, bands) in fans.iter().enumerate() {
        if bands.is_empty() {
            continue;
        }
        let color = fig.color(p);
        let outer: Vec<(f64, f64)> = bands
            .iter()
            .map(|b| (b.day / unit, b.p95))
            .chain(bands.iter().rev().map(|b| (b.day / unit, b.p05)))
            .collect();
        let inner: Vec<(f64, f64)> = bands
            .iter()
            .map(|b| (b.day / unit, b.p75))
            .chain(bands.iter().rev().map(|b| (b.day / unit, b.p25)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(outer, color.mix(0.13))))?;
        chart.draw_series(std::iter::once(Polygon::new(inner, color.mix(0.28))))?;
    }
    // Medians on top, each over a thin white halo so it stays distinct where bands overlap.
    for (p, bands) in fans.iter().enumerate() {
        let median: Vec<(f64, f64)> = bands.iter().map(|b| (b.day / unit, b.p50)).collect();
        chart.draw_series([
            PathElement::new(median.clone(), WHITE.stroke_width(s.px(7.0))),
            PathElement::new(median, fig.color(p).stroke_width(s.px(3.5))),
        ])?;
    }
    if let Some(legend_area) = legend_area {
        let mut items = fan_key(fig);
        if let Some((_, notes)) = unexplained.take() {
            items.push((Swatch::Shade, notes[0].clone()));
        }
        legend(&legend_area, fig, &items)?;
    }
    Ok(unexplained.map(|(span, _)| format!("{label} {}", prepare::empty_start_days(&span))))
}

/// Small fans of one per-team series family, one panel per team on a shared y axis so that
/// teams compare at a glance, with the policies' legend beside them.
fn teams<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    family: &str,
) -> DrawResult<DB> {
    let results = fig.results;
    let panels = prepare::team_panels(&results.summary, family);
    let (plot, legend_area) = with_legend_margin(area, fig);
    let policies = fig.policies().len();
    let y = prepare::padded_range(
        panels.iter().flat_map(|(metric, _)| {
            (0..policies)
                .flat_map(|p| prepare::fan_bands(&results.series, p, metric))
                .flat_map(|b| [b.p05, b.p95])
        }),
        0.05,
    )
    .unwrap_or((0.0, 1.0));
    let columns = match panels.len() {
        0..=1 => 1,
        2..=4 => 2,
        5..=9 => 3,
        _ => 4,
    };
    let rows = panels.len().div_ceil(columns).max(1);
    let mut unexplained = None;
    for (panel, (metric, team)) in plot.split_evenly((rows, columns)).iter().zip(&panels) {
        let shared = SharedPanel { caption: team, y };
        let note = fan(panel, fig, metric, FanMode::Small, Some(&shared))?;
        unexplained = unexplained.or(note);
    }
    let mut items = fan_key(fig);
    if let Some(note) = unexplained {
        items.push((Swatch::Shade, format!("No value: {note}")));
    }
    legend(&legend_area, fig, &items)
}

/// The most lines a note over an empty start may take; a longer one is a thin column of words.
const MAX_NOTE_LINES: i32 = 6;

/// Shades the start of a fan chart where no policy has a value (`span`: its x range and the
/// chart's y range, in axis units) and writes in it the first of `notes` that fits. Returns
/// whether one fitted; if none did, the caller says it elsewhere.
fn empty_start<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    chart: &Cartesian<DB>,
    s: TypeScale,
    (x, y): ((f64, f64), (f64, f64)),
    notes: &[String],
) -> Result<bool, DrawingAreaErrorKind<DB::ErrorType>> {
    let base = plot.get_base_pixel();
    let (left, top) = chart.backend_coord(&(x.0, y.1));
    let (right, bottom) = chart.backend_coord(&(x.1, y.0));
    let (left, top, right, bottom) = (left - base.0, top - base.1, right - base.0, bottom - base.1);
    plot.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        NO_VALUE_SHADE.filled(),
    ))?;
    let pad = s.px(12.0) as i32;
    let style = text_style(s.tick, MUTED);
    let line_height = (s.tick * 1.3) as i32;
    let max_width = right - left - 2 * pad;
    let max_lines = ((bottom - top - 2 * pad) / line_height.max(1)).min(MAX_NOTE_LINES);
    for note in notes {
        let lines = wrap(plot, note, &style, max_width)?;
        let mut fits = max_width > 0 && lines.len() as i32 <= max_lines;
        for line in &lines {
            fits &= plot.estimate_text_size(line, &style)?.0 as i32 <= max_width;
        }
        if !fits {
            continue;
        }
        for (k, line) in (0..).zip(lines) {
            plot.draw(&Text::new(
                line,
                (left + pad, top + pad + k * line_height + line_height / 2),
                anchored(style.clone(), HPos::Left, VPos::Center),
            ))?;
        }
        return Ok(true);
    }
    Ok(false)
}

fn short_time_label(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::WorkingDays => "working days",
        TimeUnit::Months => "months",
        TimeUnit::Quarters => "quarters",
    }
}

/// Box plots of the key horizon outcomes, one small multiple per outcome.
fn distributions<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
) -> DrawResult<DB> {
    let metrics = prepare::distribution_metrics(fig.results);
    let (plot, legend_area) = with_legend_margin(area, fig);
    let columns = metrics.len().clamp(1, 4);
    let rows = metrics.len().div_ceil(columns).max(1);
    let panels = plot.split_evenly((rows, columns));
    for (panel, metric) in panels.iter().zip(&metrics) {
        box_panel(panel, fig, metric)?;
    }
    let mut items = policy_items(fig, Swatch::Square);
    items.push((
        Swatch::Heading,
        format!("Across {} replications", fig.results.summary.replications),
    ));
    items.push((Swatch::BoxGlyph, "middle 50%, line at the median".into()));
    items.push((
        Swatch::Line(MUTED),
        "whiskers: within 1.5 × box height".into(),
    ));
    items.push((Swatch::MeanDot, "mean".into()));
    legend(&legend_area, fig, &items)
}

fn box_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    metric: &str,
) -> DrawResult<DB> {
    let s = fig.scale.shrink(0.8);
    let policies = fig.policies();
    let stats: Vec<Option<prepare::BoxStats>> = (0..policies.len())
        .map(|p| {
            fig.results
                .replications
                .column(p, metric)
                .and_then(|v| prepare::box_stats(&v))
        })
        .collect();
    let y = prepare::padded_range(
        stats.iter().flatten().flat_map(|b| {
            [b.whisker_low, b.whisker_high]
                .into_iter()
                .chain(b.outliers.iter().copied())
        }),
        0.08,
    )
    .unwrap_or((0.0, 1.0));
    let (label, unit) = fig
        .results
        .outcome_metric(metric)
        .map_or((metric.to_string(), String::new()), |i| {
            (i.label.clone(), i.unit.clone())
        });
    let n = policies.len() as f64;
    let no_labels = |_: &f64| String::new();
    let axes = Axes {
        x: (-0.5, n - 0.5),
        y,
        x_desc: String::new(),
        y_desc: unit,
        caption: Some(label),
        scale: s,
        x_labels: 1,
        y_labels: 6,
        x_formatter: Some(&no_labels),
        x_mesh: false,
    };
    let mut chart = axes.build(area)?;
    let half = 0.28;
    let stroke = s.px(2.5);
    for (p, stat) in stats.iter().enumerate() {
        let Some(b) = stat else { continue };
        let color = fig.color(p);
        let x = p as f64;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - half, b.q1), (x + half, b.q3)],
            color.mix(0.3).filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - half, b.q1), (x + half, b.q3)],
            color.stroke_width(stroke),
        )))?;
        chart.draw_series([
            PathElement::new(
                vec![(x, b.q3), (x, b.whisker_high)],
                color.stroke_width(stroke),
            ),
            PathElement::new(
                vec![(x, b.q1), (x, b.whisker_low)],
                color.stroke_width(stroke),
            ),
            PathElement::new(
                vec![
                    (x - half / 2.0, b.whisker_high),
                    (x + half / 2.0, b.whisker_high),
                ],
                color.stroke_width(stroke),
            ),
            PathElement::new(
                vec![
                    (x - half / 2.0, b.whisker_low),
                    (x + half / 2.0, b.whisker_low),
                ],
                color.stroke_width(stroke),
            ),
            PathElement::new(
                vec![(x - half, b.median), (x + half, b.median)],
                INK.stroke_width(s.px(4.5)),
            ),
        ])?;
        chart.draw_series(
            b.outliers
                .iter()
                .map(|&o| Circle::new((x, o), s.px(5.0), color.stroke_width(s.px(2.0)))),
        )?;
        chart.draw_series([
            Circle::new((x, b.mean), s.px(7.0), WHITE.filled()),
            Circle::new((x, b.mean), s.px(7.0), INK.stroke_width(s.px(2.0))),
        ])?;
    }
    // Policy names under their boxes when they all fit; the legend names them otherwise.
    let style = anchored(text_style(s.tick, INK), HPos::Center, VPos::Top);
    let slot = f64::from(chart.plotting_area().dim_in_pixel().0) / n;
    let mut fits = true;
    for name in policies {
        fits &= f64::from(area.estimate_text_size(name, &style)?.0) < slot * 0.92;
    }
    if fits {
        slot_labels(area, &chart, policies, y.0, &style, s)?;
    }
    Ok(())
}

/// Writes `labels[i]` under slot i (x = i) of `plane`, just below the axis at `y_bottom`.
fn slot_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plane: &Cartesian<'_, DB>,
    labels: &[String],
    y_bottom: f64,
    style: &TextStyle<'static>,
    s: super::palette::TypeScale,
) -> DrawResult<DB> {
    let base = area.get_base_pixel();
    for (i, label) in labels.iter().enumerate() {
        let (px, py) = plane.backend_coord(&(i as f64, y_bottom));
        area.draw(&Text::new(
            label.clone(),
            (px - base.0, py - base.1 + s.px(10.0) as i32),
            style.clone(),
        ))?;
    }
    Ok(())
}

/// The one-slide composite: the trade-off (or the first fan) large, four small fans, and a text
/// panel with the headline differences.
fn dashboard<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, fig: &Figure) -> DrawResult<DB> {
    let (width, height) = area.dim_in_pixel();
    let (left, right) = area.split_horizontally((f64::from(width) * 0.55) as u32);
    let has_tradeoff = prepare::has_tradeoff(fig.results);
    let mut fans = fig.fans.iter();
    // Empty starts of fans too small to explain them in place, for the text panel.
    let mut unexplained = Vec::new();
    let mut quarters = None;
    if has_tradeoff {
        quarters = Some(tradeoff(&left, fig, false)?);
    } else if let Some(first) = fans.next() {
        unexplained.extend(fan(&left, fig, first, FanMode::Large, None)?);
    }
    let small: Vec<&String> = fans.take(4).collect();
    let (grid, text) = if small.is_empty() {
        (None, right)
    } else {
        let (grid, text) = right.split_vertically((f64::from(height) * 0.6) as u32);
        (Some(grid), text)
    };
    if let Some(grid) = grid {
        let rows = small.len().div_ceil(2);
        for (panel, metric) in grid.split_evenly((rows, 2)).iter().zip(small) {
            unexplained.extend(fan(panel, fig, metric, FanMode::Small, None)?);
        }
    }
    text_panel(&text, fig, quarters.as_deref(), &unexplained)
}

/// The dashboard's text: policy colours, what the panels show (with `quarters`, those labelled
/// on the trade-off, `None` without one; with `unexplained`, the fans' empty starts their
/// panels had no room to explain, e.g. "KPI-truth gap before day 130"), and the headline
/// differences.
fn text_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    quarters: Option<&[usize]>,
    unexplained: &[String],
) -> DrawResult<DB> {
    let s = fig.scale;
    let summary = &fig.results.summary;
    let (width, height) = area.dim_in_pixel();
    let size = s.tick * 0.9;
    let line_height = (size * 1.35) as i32;
    let x0 = s.px(16.0) as i32;
    let max_width = width as i32 - 2 * x0;
    let mut y = s.px(12.0) as i32;
    // Policy colours, inline.
    let mut x = x0;
    let style = anchored(text_style(size, INK), HPos::Left, VPos::Center);
    let square = s.px(9.0) as i32;
    for (p, name) in summary.policies.iter().enumerate() {
        let name_width = area.estimate_text_size(name, &style)?.0 as i32;
        if x > x0 && x + 3 * square + name_width > x0 + max_width {
            x = x0;
            y += line_height;
        }
        let cy = y + line_height / 2;
        area.draw(&Rectangle::new(
            [(x, cy - square), (x + 2 * square, cy + square)],
            fig.color(p).filled(),
        ))?;
        area.draw(&Text::new(
            name.clone(),
            (x + 3 * square, cy),
            style.clone(),
        ))?;
        x += 3 * square + name_width + 2 * square;
    }
    y += line_height;
    let horizon = prepare::format_value(summary.horizon_days);
    // Replications and horizon are in the footer, under every chart.
    let mut lines: Vec<(RGBColor, String)> = Vec::new();
    if let Some(quarters) = quarters {
        lines.push((
            MUTED,
            if quarters.is_empty() {
                "Left: dots are replications at the horizon, rings the 95% confidence ellipse of \
                 the mean, arrows the mean path from a start with each policy already in force."
                    .into()
            } else {
                format!(
                    "Left: dots are replications at the horizon, rings the 95% confidence ellipse \
                     of the mean, arrows the mean path from a start with each policy already in \
                     force, by quarter: {}.",
                    prepare::quarter_names(quarters)
                )
            },
        ));
    }
    let mut fans = String::from(
        "Fans: line at the median, dark band the middle 50%, light band the middle 90% of \
         replications.",
    );
    if !unexplained.is_empty() {
        fans.push_str(&format!(
            " Grey: no value yet ({}).",
            unexplained.join("; ")
        ));
    }
    lines.push((MUTED, fans));
    let mut heads = prepare::headlines(summary, 6);
    let several_pairs = heads.iter().any(|h| h.pair != heads[0].pair);
    if several_pairs {
        // Lines that name their policy are longer and may wrap: fewer of them fit.
        heads.truncate(4);
    }
    if let Some(first) = heads.first() {
        // One header; with several policies against the baseline, each line names its policy.
        lines.push((
            INK,
            if several_pairs {
                format!(
                    "Paired differences against {}, 95% CI (at day {horizon} unless stated):",
                    summary.policies[0]
                )
            } else {
                format!(
                    "Paired difference, {} (at day {horizon} unless stated):",
                    first.pair
                )
            },
        ));
    }
    for head in &heads {
        let text = if several_pairs {
            format!(
                "\u{2022} {}: {}",
                summary.policies[head.policy],
                head.text.replace("95% CI ", "")
            )
        } else {
            format!("\u{2022} {}", head.text)
        };
        lines.push((fig.color(head.policy), text));
    }
    if heads.is_empty() {
        lines.push((
            INK,
            format!("Outcomes at day {horizon}, {} (mean):", summary.policies[0]),
        ));
        for line in prepare::outcome_lines(summary, 6) {
            lines.push((fig.color(0), format!("\u{2022} {line}")));
        }
    }
    let bullet_style = anchored(text_style(size, INK), HPos::Left, VPos::Center);
    let indent = area.estimate_text_size("\u{2022}  ", &bullet_style)?.0 as i32;
    for (color, line) in lines {
        let muted = color == MUTED;
        let style = anchored(
            text_style(size, if muted { MUTED } else { INK }),
            HPos::Left,
            VPos::Center,
        );
        // A bullet is a dot in its policy's colour; its continuation lines are indented.
        let (text, bullet) = match line.strip_prefix("\u{2022} ") {
            Some(rest) => (rest.to_string(), true),
            None => (line, false),
        };
        let shift = if bullet { indent } else { 0 };
        for (k, wrapped) in wrap(area, &text, &style, max_width - shift)?
            .into_iter()
            .enumerate()
        {
            if y + line_height > height as i32 {
                return Ok(());
            }
            let cy = y + line_height / 2;
            if bullet && k == 0 {
                area.draw(&Circle::new(
                    (x0 + indent / 3, cy),
                    s.px(6.0),
                    color.filled(),
                ))?;
            }
            area.draw(&Text::new(wrapped, (x0 + shift, cy), style.clone()))?;
            y += line_height;
        }
    }
    Ok(())
}

//! Data preparation for the charts: plain functions from loaded results to the numbers drawn,
//! and where the trade-off's path labels go, testable without plotters.
//!
//! Days are working days throughout; long horizons are shown in months (21 working days) or
//! quarters (63 working days) by [`TimeUnit`].

use super::data::{Results, SeriesRow, Summary};
use crate::stats::interpolated_quantile;

/// Chi-square quantile with 2 degrees of freedom at 0.95: −2 ln 0.05. Scales a covariance into
/// a 95% confidence ellipse.
pub const CHI2_2DOF_95: f64 = 5.991_464_547_107_979;

/// Working days in a month (a year of 252 working days / 12).
pub const MONTH_DAYS: f64 = 21.0;
/// Working days in a quarter.
pub const QUARTER_DAYS: f64 = 63.0;

/// Outcome metric on the trade-off chart's x axis.
pub const TRADEOFF_X: &str = "relationships_index";
/// Outcome metric on the trade-off chart's y axis.
pub const TRADEOFF_Y: &str = "results_index";

/// Fan charts drawn when none are requested, in this order; missing ones are skipped.
pub const DEFAULT_FAN_METRICS: [&str; 7] = [
    "engagement_mean",
    "true_value_rate",
    "reported_output",
    "kpi_truth_gap",
    "trust",
    "burnout_share",
    "quits_cumulative",
];

/// Outcomes shown as box plots and in the dashboard headline, when present.
pub const KEY_OUTCOMES: [&str; 7] = [
    "results_index",
    "relationships_index",
    "true_value_cumulative",
    "engagement_mean",
    "burnout_share",
    "quits_cumulative",
    "reported_output",
];

/// Outcomes of the dashboard headline, when present: the early comparison first (the first
/// quarter, when measured output can run ahead), then the horizon.
pub const HEADLINE_OUTCOMES: [&str; 7] = [
    "items_closed_q1",
    "true_value_cumulative",
    "results_index",
    "relationships_index",
    "engagement_mean",
    "burnout_share",
    "quits_cumulative",
];

/// The most small multiples on one distributions chart.
pub const MAX_DISTRIBUTION_PANELS: usize = 8;

/// One grid day of a fan chart: the distribution over replications of one policy's metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Band {
    /// [working days]
    pub day: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// The fan (median, 50% and 90% bands) of `metric` for `policy`, sorted by day. Grid days with
/// any missing quantile are left out, so a band never dips to zero on a missing value.
pub fn fan_bands(rows: &[SeriesRow], policy: usize, metric: &str) -> Vec<Band> {
    let mut bands: Vec<Band> = rows
        .iter()
        .filter(|r| r.policy == policy && r.metric == metric && r.day.is_finite())
        .filter(|r| r.quantiles.iter().all(|q| q.is_finite()))
        .map(|r| {
            let [p05, p25, p50, p75, p95] = r.quantiles;
            Band {
                day: r.day,
                p05,
                p25,
                p50,
                p75,
                p95,
            }
        })
        .collect();
    bands.sort_by(|a, b| a.day.total_cmp(&b.day));
    bands
}

/// The mean over replications of `metric` for `policy` by day, sorted by day, NaN left out.
pub fn mean_series(rows: &[SeriesRow], policy: usize, metric: &str) -> Vec<(f64, f64)> {
    let mut series: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| {
            r.policy == policy && r.metric == metric && r.day.is_finite() && r.mean.is_finite()
        })
        .map(|r| (r.day, r.mean))
        .collect();
    series.sort_by(|a, b| a.0.total_cmp(&b.0));
    series
}

/// The start of a fan chart's time axis where no policy has a value: every replication of
/// every policy is missing there (a gap against a baseline before the baseline exists), so the
/// chart is empty.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmptyStart {
    /// The first grid day [working days].
    pub from: f64,
    /// The first grid day with a value; the last grid day when none has one [working days].
    pub until: f64,
    /// Whether the metric has a value later in the run.
    pub ends: bool,
}

/// The leading grid days on which no policy has a value of `metric` (a value as [`fan_bands`]
/// draws it: all quantiles finite), when there are at least two of them. A single empty first
/// day is left alone: a rate over a trailing window has no value on day 0, and its fan simply
/// starts a grid step later.
pub fn empty_start(rows: &[SeriesRow], metric: &str) -> Option<EmptyStart> {
    let mut days: Vec<(f64, bool)> = rows
        .iter()
        .filter(|r| r.metric == metric && r.day.is_finite())
        .map(|r| (r.day, r.quantiles.iter().all(|q| q.is_finite())))
        .collect();
    days.sort_by(|a, b| a.0.total_cmp(&b.0));
    // One entry per grid day: whether any policy has a value on it.
    let mut grid: Vec<(f64, bool)> = Vec::new();
    for (day, value) in days {
        match grid.last_mut() {
            Some(last) if last.0 == day => last.1 |= value,
            _ => grid.push((day, value)),
        }
    }
    let empty = grid.iter().take_while(|(_, value)| !value).count();
    if empty < 2 {
        return None;
    }
    let ends = empty < grid.len();
    Some(EmptyStart {
        from: grid[0].0,
        until: grid[if ends { empty } else { empty - 1 }].0,
        ends,
    })
}

/// When an empty start has no value, for a sentence: "before day 130", or "up to day 80" when
/// the run has no value at all. The day is the grid's, so it may fall a few days after the day
/// the metric's definition starts.
pub fn empty_start_days(span: &EmptyStart) -> String {
    let day = format_value(span.until);
    if span.ends {
        format!("before day {day}")
    } else {
        format!("up to day {day}")
    }
}

/// What a fan chart says over its empty start, longest first, so the drawing can take the first
/// that fits: "No value before day 130: `reason`", then "No value before day 130".
pub fn empty_start_notes(span: &EmptyStart, reason: &str) -> Vec<String> {
    let short = format!("No value {}", empty_start_days(span));
    let reason = reason.trim();
    if reason.is_empty() {
        vec![short]
    } else {
        vec![format!("{short}: {reason}"), short]
    }
}

/// Linear interpolation of a day-sorted series at `day`; `None` outside its days.
pub fn interpolate(series: &[(f64, f64)], day: f64) -> Option<f64> {
    let after = series.iter().position(|(d, _)| *d >= day)?;
    let (d1, v1) = series[after];
    if d1 == day {
        return Some(v1);
    }
    let (d0, v0) = *series.get(after.checked_sub(1)?)?;
    Some(v0 + (v1 - v0) * (day - d0) / (d1 - d0))
}

/// One stop of a policy's path through the trade-off plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathPoint {
    /// [working days]
    pub day: f64,
    /// Completed quarters at this stop (0 at the start); the last stop, at the horizon, may
    /// fall mid-quarter and carries the number of the quarter it ends in.
    pub quarter: usize,
    pub x: f64,
    pub y: f64,
}

/// A policy's mean position quarter by quarter: the start (day 0, or the first day both series
/// are defined if that is within the first quarter), `step`, 2 `step`, ... up to the horizon,
/// plus the horizon itself when it is not a quarter boundary. Stops outside either series are
/// left out.
pub fn quarter_path(x: &[(f64, f64)], y: &[(f64, f64)], horizon: f64, step: f64) -> Vec<PathPoint> {
    let mut days: Vec<(f64, usize)> = Vec::new();
    let mut k = 0usize;
    while (k as f64) * step <= horizon + 1e-9 {
        days.push((k as f64 * step, k));
        k += 1;
    }
    if let Some(&(last, _)) = days.last() {
        if horizon - last > 1e-9 {
            days.push((horizon, k));
        }
    }
    // The start stop is the first day both series have a value: a trailing-window metric (the
    // results index is a 21-day value rate) is undefined on day 0 itself.
    if let (Some(&(x0, _)), Some(&(y0, _))) = (x.first(), y.first()) {
        let first = x0.max(y0);
        if let Some(start) = days.first_mut() {
            if first > start.0 && first < step {
                start.0 = first;
            }
        }
    }
    days.into_iter()
        .filter_map(|(day, quarter)| {
            Some(PathPoint {
                day,
                quarter,
                x: interpolate(x, day)?,
                y: interpolate(y, day)?,
            })
        })
        .collect()
}

/// Which stops of a path get a quarter label: the first quarter and every fourth (each year),
/// so a two-year path carries Q1 and Q4. The stop at the horizon gets none: the path's end is
/// labelled with its day instead ([`end_label`]), so a horizon that falls on a quarter
/// boundary is not mistaken for an earlier one.
pub fn labelled_stop(point: &PathPoint, horizon: f64) -> Option<String> {
    let boundary = (point.day - point.quarter as f64 * QUARTER_DAYS).abs() < 1e-9
        && point.day < horizon - 1e-9;
    if boundary && (point.quarter == 1 || (point.quarter > 0 && point.quarter % 4 == 0)) {
        Some(format!("Q{}", point.quarter))
    } else {
        None
    }
}

/// The label at the end of a path, the day it reaches: "day 500".
pub fn end_label(day: f64) -> String {
    format!("day {}", format_value(day))
}

/// What the quarter labels of the mean paths mean, for a key: "Q1 = day 63, Q4 = day 252
/// (1 year)". `quarters` are the quarters labelled, ascending. No-break spaces hold each
/// "Q4 = day 252" together where a legend wraps the line.
pub fn quarter_names(quarters: &[usize]) -> String {
    quarters
        .iter()
        .map(|&q| {
            let name = format!("Q{q} = day {}", format_value(q as f64 * QUARTER_DAYS))
                .replace(' ', "\u{a0}");
            match (q % 4, q / 4) {
                (0, 1) => format!("{name} (1\u{a0}year)"),
                (0, years) => format!("{name} ({years}\u{a0}years)"),
                _ => name,
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The key's line for the mean paths: where they end and what their quarter labels mean, e.g.
/// "mean path from the start (policy already in force) to day 500, by quarter: Q1 = day 63,
/// Q4 = day 252 (1 year)"
/// (with no-break spaces, as [`quarter_names`]).
pub fn path_key(end_day: f64, quarters: &[usize]) -> String {
    let end = end_label(end_day).replace(' ', "\u{a0}");
    if quarters.is_empty() {
        format!("mean path from the start (policy already in force) to {end}")
    } else {
        format!(
            "mean path from the start (policy already in force) to {end}, by quarter: {}",
            quarter_names(quarters)
        )
    }
}

/// Where a stop's label goes: an offset of `distance` pixels (x right, y up) perpendicular to
/// the path at the stop, on its right-hand side in reading terms (positive x; upwards when the
/// path runs level), so the label sits beside the path rather than on it. `before` and
/// `after` are the neighbouring stops, `pixels_per_unit` the scales of the axes.
pub fn label_offset(
    before: Option<(f64, f64)>,
    here: (f64, f64),
    after: Option<(f64, f64)>,
    pixels_per_unit: (f64, f64),
    distance: f64,
) -> (f64, f64) {
    let (from, to) = (before.unwrap_or(here), after.unwrap_or(here));
    let (dx, dy) = (
        (to.0 - from.0) * pixels_per_unit.0,
        (to.1 - from.1) * pixels_per_unit.1,
    );
    let norm = dx.hypot(dy);
    if norm.is_nan() || norm <= 1e-9 {
        return (
            distance * std::f64::consts::FRAC_1_SQRT_2,
            distance * std::f64::consts::FRAC_1_SQRT_2,
        );
    }
    let (mut nx, mut ny) = (-dy / norm, dx / norm);
    if nx < -1e-9 || (nx.abs() <= 1e-9 && ny < 0.0) {
        (nx, ny) = (-nx, -ny);
    }
    (nx * distance, ny * distance)
}

/// The direction a path arrives at its end, on screen [px, y up]: from the last stop at least
/// `min_length` px before the end, so a final short step does not decide it. (0, 0) for a path
/// of one stop.
pub fn arrival(path: &[(f64, f64)], min_length: f64) -> (f64, f64) {
    let Some((&end, before)) = path.split_last() else {
        return (0.0, 0.0);
    };
    let from = before
        .iter()
        .rev()
        .find(|p| (end.0 - p.0).hypot(end.1 - p.1) >= min_length)
        .or(before.first())
        .copied()
        .unwrap_or(end);
    (end.0 - from.0, end.1 - from.1)
}

/// A rectangle on screen [px], x to the right and y upwards: data coordinates times pixels
/// per unit, the frame of [`label_offset`]'s offsets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenBox {
    pub left: f64,
    pub bottom: f64,
    pub right: f64,
    pub top: f64,
}

impl ScreenBox {
    fn grown(self, margin: f64) -> ScreenBox {
        ScreenBox {
            left: self.left - margin,
            bottom: self.bottom - margin,
            right: self.right + margin,
            top: self.top + margin,
        }
    }

    fn overlaps(&self, other: &ScreenBox) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.bottom < other.top
            && other.bottom < self.top
    }

    fn within(&self, outer: &ScreenBox) -> bool {
        self.left >= outer.left
            && self.right <= outer.right
            && self.bottom >= outer.bottom
            && self.top <= outer.top
    }

    /// The distance from `p` to the nearest point of the box (0 inside).
    fn distance_to(&self, p: (f64, f64)) -> f64 {
        let dx = (self.left - p.0).max(p.0 - self.right).max(0.0);
        let dy = (self.bottom - p.1).max(p.1 - self.top).max(0.0);
        dx.hypot(dy)
    }

    /// The distance from the segment `p`–`q` to the box (0 where it passes through): when
    /// apart, the nearest points are an end of the segment or a corner of the box.
    fn distance_to_segment(&self, p: (f64, f64), q: (f64, f64)) -> f64 {
        if self.meets_segment(p, q) {
            return 0.0;
        }
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let length2 = dx * dx + dy * dy;
        let corners = &self.corners_and_centre()[..4];
        corners
            .iter()
            .map(|c| {
                let t = if length2 > 0.0 {
                    (((c.0 - p.0) * dx + (c.1 - p.1) * dy) / length2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                (c.0 - p.0 - t * dx).hypot(c.1 - p.1 - t * dy)
            })
            .fold(self.distance_to(p).min(self.distance_to(q)), f64::min)
    }

    fn corners_and_centre(&self) -> [(f64, f64); 5] {
        [
            (self.left, self.bottom),
            (self.right, self.bottom),
            (self.right, self.top),
            (self.left, self.top),
            (
                (self.left + self.right) / 2.0,
                (self.bottom + self.top) / 2.0,
            ),
        ]
    }

    /// Whether the segment from `p` to `q` passes through the box (Liang–Barsky clipping).
    fn meets_segment(&self, p: (f64, f64), q: (f64, f64)) -> bool {
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let (mut enter, mut leave) = (0.0f64, 1.0f64);
        for (step, room) in [
            (-dx, p.0 - self.left),
            (dx, self.right - p.0),
            (-dy, p.1 - self.bottom),
            (dy, self.top - p.1),
        ] {
            if step == 0.0 {
                if room < 0.0 {
                    return false;
                }
            } else if step < 0.0 {
                enter = enter.max(room / step);
            } else {
                leave = leave.min(room / step);
            }
        }
        enter <= leave
    }
}

/// A label's box of `size` (width, height) [px] `offset` away from `anchor` [px]: its side
/// facing the anchor sits at the offset, so a label to the right starts there, one to the
/// left ends there, and one above or below is centred on it.
fn label_box(anchor: (f64, f64), offset: (f64, f64), size: (f64, f64)) -> ScreenBox {
    let threshold = 0.3 * offset.0.hypot(offset.1);
    let (x, y) = (anchor.0 + offset.0, anchor.1 + offset.1);
    let left = if offset.0 > threshold {
        x
    } else if offset.0 < -threshold {
        x - size.0
    } else {
        x - size.0 / 2.0
    };
    let bottom = if offset.1 > threshold {
        y
    } else if offset.1 < -threshold {
        y - size.1
    } else {
        y - size.1 / 2.0
    };
    ScreenBox {
        left,
        bottom,
        right: left + size.0,
        top: bottom + size.1,
    }
}

/// Point in polygon, by counting crossings of a ray to the right.
fn inside_polygon(point: (f64, f64), polygon: &[(f64, f64)]) -> bool {
    let mut inside = false;
    for (i, &a) in polygon.iter().enumerate() {
        let b = polygon[(i + 1) % polygon.len()];
        if (a.1 > point.1) != (b.1 > point.1)
            && point.0 < a.0 + (point.1 - a.1) * (b.0 - a.0) / (b.1 - a.1)
        {
            inside = !inside;
        }
    }
    inside
}

/// One label to place with [`LabelLayout::place`]; lengths in px, on screen (y up).
pub struct LabelRequest<'a> {
    /// The point labelled.
    pub at: (f64, f64),
    /// An outline around `at` that the label stays outside of (the confidence ellipse at a
    /// path's end); empty for a bare point.
    pub around: &'a [(f64, f64)],
    /// The preferred direction from `at`, e.g. from [`label_offset`]; any length.
    pub toward: (f64, f64),
    /// The label's width and height, padding included.
    pub size: (f64, f64),
    /// Drawn even where every place touches something (then where it touches least); an
    /// optional label is left out instead.
    pub required: bool,
}

/// Labels of one chart placed one by one so that none covers another, a line, a marked
/// area or the plot's edge, and each sits nearer the point it names than any other point
/// named on the chart. Each label tries its preferred side first, then directions ever
/// further round from it, then the same a little further out.
pub struct LabelLayout {
    bounds: ScreenBox,
    distance: f64,
    /// Every point that gets a label [px].
    named: Vec<(f64, f64)>,
    /// Lines to keep clear of [px].
    lines: Vec<Stroke>,
    /// Filled outlines to keep clear of [px].
    areas: Vec<Vec<(f64, f64)>>,
    placed: Vec<ScreenBox>,
}

/// A straight stroke on screen [px]; a dot is a stroke of no length.
struct Stroke {
    from: (f64, f64),
    to: (f64, f64),
    half_width: f64,
}

/// Directions tried around a label's anchor, each way from the preferred one.
const LABEL_DIRECTIONS: usize = 12;
/// Rings of candidate places, each a label's height further out.
const LABEL_RINGS: usize = 4;

impl LabelLayout {
    /// Labels inside `bounds` [px], each `distance` [px] from what it labels and from
    /// anything else.
    pub fn new(bounds: ScreenBox, distance: f64) -> Self {
        LabelLayout {
            bounds,
            distance,
            named: Vec::new(),
            lines: Vec::new(),
            areas: Vec::new(),
            placed: Vec::new(),
        }
    }

    /// Notes that `point` will get a label, so no other label sits nearer to it than to its
    /// own point. Call for every label before placing the first.
    pub fn name(&mut self, point: (f64, f64)) {
        self.named.push(point);
    }

    /// Keeps labels off the polyline through `points`, drawn `half_width` px either side.
    pub fn avoid_line(&mut self, points: &[(f64, f64)], half_width: f64) {
        for pair in points.windows(2) {
            self.lines.push(Stroke {
                from: pair[0],
                to: pair[1],
                half_width,
            });
        }
    }

    /// Keeps labels off a dot of `radius` px at `centre`.
    pub fn avoid_dot(&mut self, centre: (f64, f64), radius: f64) {
        self.lines.push(Stroke {
            from: centre,
            to: centre,
            half_width: radius,
        });
    }

    /// Keeps labels off the filled polygon `outline`.
    pub fn avoid_area(&mut self, outline: Vec<(f64, f64)>) {
        if outline.len() >= 3 {
            self.areas.push(outline);
        }
    }

    /// How many marks and labels `b`, the label of `own`, touches (its clearance included),
    /// and how many other named points lie about as near to it as `own` does.
    fn collisions(&self, b: &ScreenBox, own: (f64, f64)) -> usize {
        let clear = b.grown(self.distance / 2.0);
        let own_distance = b.distance_to(own);
        let misleading = self
            .named
            .iter()
            .filter(|&&p| (p.0 - own.0).hypot(p.1 - own.1) > 1e-6)
            .filter(|&&p| b.distance_to(p) < own_distance + self.distance)
            .count();
        let lines = self
            .lines
            .iter()
            .filter(|line| {
                b.distance_to_segment(line.from, line.to) < line.half_width + self.distance / 2.0
            })
            .count();
        let areas = self
            .areas
            .iter()
            .filter(|outline| {
                outline.iter().any(|&p| clear.meets_segment(p, p))
                    || clear
                        .corners_and_centre()
                        .iter()
                        .any(|&c| inside_polygon(c, outline))
            })
            .count();
        let labels = self.placed.iter().filter(|p| clear.overlaps(p)).count();
        lines + areas + labels + misleading
    }

    /// Places `label` and returns its box, or `None` for an optional label with no free place
    /// (and for any label when the plot is too small to hold it).
    pub fn place(&mut self, label: &LabelRequest) -> Option<ScreenBox> {
        let norm = label.toward.0.hypot(label.toward.1);
        let preferred = if norm.is_finite() && norm > 1e-9 {
            label.toward.1.atan2(label.toward.0)
        } else {
            std::f64::consts::FRAC_PI_4
        };
        let step = std::f64::consts::TAU / LABEL_DIRECTIONS as f64;
        let mut best: Option<(usize, ScreenBox)> = None;
        for ring in 0..LABEL_RINGS {
            for turn in 0..LABEL_DIRECTIONS {
                // 0, +1, −1, +2, −2, ... steps round from the preferred direction.
                let k = turn.div_ceil(2);
                let sign = if turn % 2 == 1 { 1.0 } else { -1.0 };
                let angle = preferred + sign * k as f64 * step;
                let unit = (angle.cos(), angle.sin());
                // Beyond the outline around the anchor in this direction, if any.
                let reach = label
                    .around
                    .iter()
                    .map(|p| (p.0 - label.at.0) * unit.0 + (p.1 - label.at.1) * unit.1)
                    .fold(0.0f64, f64::max);
                let distance = reach + self.distance + ring as f64 * label.size.1;
                let b = label_box(label.at, (unit.0 * distance, unit.1 * distance), label.size);
                if !b.within(&self.bounds) {
                    continue;
                }
                let collisions = self.collisions(&b, label.at);
                if collisions == 0 {
                    self.placed.push(b);
                    return Some(b);
                }
                if best.is_none_or(|(least, _)| collisions < least) {
                    best = Some((collisions, b));
                }
            }
        }
        let (_, b) = best.filter(|_| label.required)?;
        self.placed.push(b);
        Some(b)
    }
}

/// An ellipse in data coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    pub center: (f64, f64),
    /// Semi-axis lengths along the rotated axes (major first).
    pub semi_axes: (f64, f64),
    /// Rotation of the major axis from the x axis [radians].
    pub angle: f64,
}

impl Ellipse {
    /// `segments` points around the outline (the first is not repeated at the end).
    pub fn outline(&self, segments: usize) -> Vec<(f64, f64)> {
        let (sin, cos) = self.angle.sin_cos();
        (0..segments)
            .map(|i| {
                let t = std::f64::consts::TAU * i as f64 / segments as f64;
                let (u, v) = (self.semi_axes.0 * t.cos(), self.semi_axes.1 * t.sin());
                (
                    self.center.0 + u * cos - v * sin,
                    self.center.1 + u * sin + v * cos,
                )
            })
            .collect()
    }
}

/// The ellipse {p : (p − center)ᵀ covariance⁻¹ (p − center) = `chi2`} of a 2 × 2 covariance
/// `[[var_x, cov_xy], [cov_xy, var_y]]`, from its eigen-decomposition.
pub fn ellipse_from_covariance(
    center: (f64, f64),
    covariance: [[f64; 2]; 2],
    chi2: f64,
) -> Ellipse {
    let (a, b, c) = (covariance[0][0], covariance[0][1], covariance[1][1]);
    let half_trace = (a + c) / 2.0;
    let spread = (((a - c) / 2.0).powi(2) + b * b).sqrt();
    let (major, minor) = (half_trace + spread, (half_trace - spread).max(0.0));
    Ellipse {
        center,
        semi_axes: ((chi2 * major).sqrt(), (chi2 * minor).sqrt()),
        angle: 0.5 * (2.0 * b).atan2(a - c),
    }
}

/// Streaming mean and covariance of (x, y) pairs (Welford's update in two dimensions), so the
/// confidence ellipse of a run uses every replication in O(1) memory. Non-finite pairs are
/// skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BivariateMoments {
    n: f64,
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    sxy: f64,
    syy: f64,
}

impl BivariateMoments {
    /// Adds one pair.
    pub fn push(&mut self, x: f64, y: f64) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        self.n += 1.0;
        let dx = x - self.mean_x;
        self.mean_x += dx / self.n;
        let dy = y - self.mean_y;
        self.mean_y += dy / self.n;
        self.sxx += dx * (x - self.mean_x);
        self.sxy += dx * (y - self.mean_y);
        self.syy += dy * (y - self.mean_y);
    }

    /// The 95% confidence ellipse of the mean; `None` with fewer than two pairs.
    pub fn mean_confidence_ellipse(&self) -> Option<Ellipse> {
        if self.n < 2.0 {
            return None;
        }
        let scale = 1.0 / ((self.n - 1.0) * self.n);
        Some(ellipse_from_covariance(
            (self.mean_x, self.mean_y),
            [
                [self.sxx * scale, self.sxy * scale],
                [self.sxy * scale, self.syy * scale],
            ],
            CHI2_2DOF_95,
        ))
    }
}

/// The triangle of an arrowhead with its tip at `tip`, pointing away from `from`, `length`
/// pixels long, in data coordinates given `pixels_per_unit` (x, y) so it keeps its shape on
/// axes of different scales. `None` when the two points coincide on screen.
pub fn arrowhead(
    from: (f64, f64),
    tip: (f64, f64),
    length: f64,
    pixels_per_unit: (f64, f64),
) -> Option<[(f64, f64); 3]> {
    let (sx, sy) = pixels_per_unit;
    let (dx, dy) = ((tip.0 - from.0) * sx, (tip.1 - from.1) * sy);
    let norm = dx.hypot(dy);
    if norm.is_nan() || norm <= 1e-6 {
        return None;
    }
    let (ux, uy) = (dx / norm, dy / norm);
    let (bx, by) = (-ux * length, -uy * length);
    let (wx, wy) = (-uy * length * 0.45, ux * length * 0.45);
    let back = |ox: f64, oy: f64| (tip.0 + ox / sx, tip.1 + oy / sy);
    Some([tip, back(bx + wx, by + wy), back(bx - wx, by - wy)])
}

/// Box-plot statistics of one sample (Tukey's: whiskers reach the most extreme values within
/// 1.5 IQR of the quartiles).
#[derive(Clone, Debug, PartialEq)]
pub struct BoxStats {
    /// Finite values used.
    pub n: usize,
    pub mean: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub whisker_low: f64,
    pub whisker_high: f64,
    /// Values beyond the whiskers.
    pub outliers: Vec<f64>,
}

/// Box-plot statistics of `values`, NaN ignored; `None` if no value is finite.
pub fn box_stats(values: &[f64]) -> Option<BoxStats> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let (q1, median, q3) = (
        interpolated_quantile(&sorted, 0.25),
        interpolated_quantile(&sorted, 0.5),
        interpolated_quantile(&sorted, 0.75),
    );
    let fence = 1.5 * (q3 - q1);
    let inside = |v: &&f64| **v >= q1 - fence && **v <= q3 + fence;
    let whisker_low = sorted.iter().find(inside).copied().unwrap_or(q1);
    let whisker_high = sorted.iter().rev().find(inside).copied().unwrap_or(q3);
    Some(BoxStats {
        n: sorted.len(),
        mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
        q1,
        median,
        q3,
        whisker_low,
        whisker_high,
        outliers: sorted
            .iter()
            .copied()
            .filter(|v| *v < whisker_low || *v > whisker_high)
            .collect(),
    })
}

/// How the time axis is labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    WorkingDays,
    Months,
    Quarters,
}

impl TimeUnit {
    /// Working days up to 6 months (126), months up to a year (252), quarters beyond.
    pub fn for_horizon(horizon_days: f64) -> TimeUnit {
        if horizon_days <= 126.0 {
            TimeUnit::WorkingDays
        } else if horizon_days <= 252.0 {
            TimeUnit::Months
        } else {
            TimeUnit::Quarters
        }
    }

    /// Working days per unit.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::WorkingDays => 1.0,
            TimeUnit::Months => MONTH_DAYS,
            TimeUnit::Quarters => QUARTER_DAYS,
        }
    }

    /// The axis description.
    pub fn axis_label(self) -> &'static str {
        match self {
            TimeUnit::WorkingDays => "Time [working days]",
            TimeUnit::Months => "Time [months of 21 working days]",
            TimeUnit::Quarters => "Time [quarters of 63 working days]",
        }
    }
}

/// The finite minimum and maximum of `values`, widened by `pad` (share of the span) on each
/// side; a zero span is widened to ±1 around the value, or ±10% of it. `None` if nothing is
/// finite.
pub fn padded_range(values: impl IntoIterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let half = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return Some((lo - half, hi + half));
    }
    Some((lo - span * pad, hi + span * pad))
}

/// The fan charts to draw: the requested series metrics (unknown names are returned as the
/// error), or the defaults present in the results, or all series metrics if none of the
/// defaults is present.
pub fn fan_metrics(summary: &Summary, requested: Option<&[String]>) -> Result<Vec<String>, String> {
    let known = |name: &str| summary.series_metrics.iter().any(|m| m.name == name);
    if let Some(requested) = requested {
        if let Some(unknown) = requested.iter().find(|name| !known(name)) {
            return Err(unknown.clone());
        }
        return Ok(requested.to_vec());
    }
    let defaults: Vec<String> = DEFAULT_FAN_METRICS
        .iter()
        .filter(|n| known(n))
        .map(|n| n.to_string())
        .collect();
    if defaults.is_empty() {
        Ok(summary
            .series_metrics
            .iter()
            .map(|m| m.name.clone())
            .collect())
    } else {
        Ok(defaults)
    }
}

/// The per-team series families of a run, in the order the run lists them: `engagement_mean`
/// when it has `team_engagement_mean_1`, `team_engagement_mean_2`, ...
pub fn team_families(summary: &Summary) -> Vec<String> {
    let mut families: Vec<String> = Vec::new();
    for metric in &summary.series_metrics {
        if let Some((family, _)) = team_metric(&metric.name) {
            if !families.iter().any(|f| f == family) {
                families.push(family.to_string());
            }
        }
    }
    families
}

/// The family and team number of a per-team series name: `team_trust_3` gives ("trust", 3).
pub fn team_metric(name: &str) -> Option<(&str, usize)> {
    let rest = name.strip_prefix("team_")?;
    let (family, number) = rest.rsplit_once('_')?;
    let number = number.parse().ok().filter(|&k| k > 0)?;
    Some((family, number))
}

/// What a per-team family measures, for a title: "Engagement" for `engagement_mean`, from its
/// metrics' label ("Team engagement, team 1"), or the family's name.
pub fn team_family_label(summary: &Summary, family: &str) -> String {
    let label = summary
        .series_metrics
        .iter()
        .find(|m| team_metric(&m.name).is_some_and(|(f, _)| f == family))
        .map(|m| {
            m.label
                .rsplit_once(", team ")
                .map_or(m.label.as_str(), |(l, _)| l)
        });
    let label = label.unwrap_or(family);
    let label = label.strip_prefix("Team ").unwrap_or(label);
    let mut chars = label.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The series of one per-team family, in team order, each with its team's name (from
/// `summary.json`'s `teams` list; "team k" when it has none).
pub fn team_panels(summary: &Summary, family: &str) -> Vec<(String, String)> {
    let mut panels: Vec<(usize, String)> = summary
        .series_metrics
        .iter()
        .filter_map(|m| match team_metric(&m.name) {
            Some((f, k)) if f == family => Some((k, m.name.clone())),
            _ => None,
        })
        .collect();
    panels.sort_by_key(|(k, _)| *k);
    panels
        .into_iter()
        .map(|(k, name)| {
            let team = summary
                .teams
                .iter()
                .find(|t| t.number == k)
                .map_or_else(|| format!("team {k}"), |t| t.name.clone());
            (name, team)
        })
        .collect()
}

/// The outcomes shown as box plots: the key outcomes present in replications.csv, or else the
/// first outcome columns; at most [`MAX_DISTRIBUTION_PANELS`].
pub fn distribution_metrics(results: &Results) -> Vec<String> {
    let table = &results.replications;
    let key: Vec<String> = KEY_OUTCOMES
        .iter()
        .filter(|n| table.has(n))
        .map(|n| n.to_string())
        .collect();
    let chosen = if key.is_empty() {
        table.metrics.clone()
    } else {
        key
    };
    chosen.into_iter().take(MAX_DISTRIBUTION_PANELS).collect()
}

/// Whether the results hold what the trade-off chart needs: both outcomes in replications.csv
/// and both series in timeseries.csv.
pub fn has_tradeoff(results: &Results) -> bool {
    [TRADEOFF_X, TRADEOFF_Y]
        .iter()
        .all(|m| results.replications.has(m) && results.series_metric(m).is_some())
}

/// Decimals for tick labels on an axis from `lo` to `hi` with at most about `ticks` ticks:
/// those of the "nice" step (1, 2 or 5 × 10^k) plotters will pick, the same on every tick.
pub fn tick_decimals(lo: f64, hi: f64, ticks: usize) -> usize {
    let raw = (hi - lo).abs() / ticks.max(1) as f64;
    if raw.is_nan() || raw <= 0.0 || raw.is_infinite() {
        return 0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power);
    (-nice.log10().floor()).clamp(0.0, 6.0) as usize
}

/// The fewest decimals (at most 6) that write every value exactly, to within a millionth of
/// the smallest gap between them, so tick labels never repeat.
pub fn decimals_to_tell_apart(values: &[f64]) -> usize {
    let gap = values
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .filter(|g| *g > 0.0)
        .fold(f64::INFINITY, f64::min);
    if !gap.is_finite() {
        return 0;
    }
    (0..=6)
        .find(|&d| {
            let scale = 10f64.powi(d);
            values
                .iter()
                .all(|v| ((v * scale).round() / scale - v).abs() <= gap * 1e-6)
        })
        .unwrap_or(6) as usize
}

/// A tick label with `decimals` decimals, never "-0".
pub fn format_tick(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text[1..].to_string()
    } else {
        text
    }
}

/// A number for a slide: three significant digits, no exponent between 1e-3 and 1e6.
pub fn format_value(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i32;
    if !(-3..6).contains(&magnitude) {
        return format!("{x:.2e}");
    }
    let decimals = (2 - magnitude).max(0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A signed difference for a slide, with a true minus sign.
pub fn format_signed(x: f64) -> String {
    if x.is_finite() {
        with_sign(x, format_value(x.abs()))
    } else {
        format_value(x)
    }
}

/// `text`, the magnitude of `x`, with a true minus sign or a plus sign in front.
fn with_sign(x: f64, text: String) -> String {
    if x < 0.0 {
        format!("\u{2212}{text}")
    } else {
        format!("+{text}")
    }
}

/// A signed estimate and its interval for a slide, all three with the same decimals: those
/// of two significant digits of the interval's half-width, but no more than three significant
/// digits of the estimate need (so "−0.00048 (−0.00115 to +0.00019)" rather than a mix of
/// exponents, and "+0.488 (+0.487 to +0.489)" rather than four decimals). Falls back to
/// [`format_signed`] without a finite interval.
pub fn format_estimate(mean: f64, low: f64, high: f64) -> [String; 3] {
    let half = (high - low) / 2.0;
    if !(mean.is_finite() && half.is_finite() && half > 0.0) {
        return [mean, low, high].map(format_signed);
    }
    let mut decimals = 1 - half.log10().floor() as i32;
    if mean != 0.0 {
        decimals = decimals.min(2 - mean.abs().log10().floor() as i32);
    }
    let decimals = decimals.clamp(0, 12) as usize;
    [mean, low, high].map(|x| {
        let text = format!("{:.decimals$}", x.abs());
        // A magnitude that rounds to zero gets no sign.
        if text.chars().all(|c| c == '0' || c == '.') {
            text
        } else {
            with_sign(x, text)
        }
    })
}

/// One headline line of the dashboard: a policy's paired difference from the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    /// Index of the policy (for its colour).
    pub policy: usize,
    /// "policy − baseline".
    pub pair: String,
    /// "label [unit]: +d (95% CI lo to hi)".
    pub text: String,
}

/// The dashboard headlines: for each headline outcome (in [`HEADLINE_OUTCOMES`] order, else
/// all outcome metrics) and each comparison, "label [unit]: +d (95% CI lo to hi)"; at most
/// `max` lines.
pub fn headlines(summary: &Summary, max: usize) -> Vec<Headline> {
    // With several policies against one baseline, each metric takes a line per policy: lead
    // with the horizon rather than the first quarter.
    let policies_compared = summary.policies.len().saturating_sub(1);
    let mut order: Vec<&str> = HEADLINE_OUTCOMES
        .iter()
        .copied()
        .filter(|m| policies_compared <= 1 || !m.ends_with("_q1"))
        .filter(|m| summary.comparisons.iter().any(|c| c.metric == *m))
        .collect();
    if order.is_empty() {
        order = summary
            .outcome_metrics
            .iter()
            .map(|m| m.name.as_str())
            .collect();
    }
    let mut lines = Vec::new();
    for metric in order {
        let Some(info) = summary.outcome_metrics.iter().find(|m| m.name == metric) else {
            continue;
        };
        for c in summary.comparisons.iter().filter(|c| c.metric == metric) {
            let Some(policy) = summary.policies.iter().position(|p| *p == c.policy) else {
                continue;
            };
            let [mean, low, high] = format_estimate(c.mean_difference, c.ci95_low, c.ci95_high);
            lines.push(Headline {
                policy,
                pair: format!("{} \u{2212} {}", c.policy, c.baseline),
                text: format!(
                    "{} [{}]: {mean} (95% CI {low} to {high})",
                    info.label, info.unit
                ),
            });
        }
    }
    lines.truncate(max);
    lines
}

/// For a single policy: "label [unit]: mean (95% CI lo to hi)" of the first `max` outcome
/// metrics (key outcomes first).
pub fn outcome_lines(summary: &Summary, max: usize) -> Vec<String> {
    let mut order: Vec<&str> = KEY_OUTCOMES
        .iter()
        .copied()
        .filter(|m| summary.outcome_metrics.iter().any(|o| o.name == *m))
        .collect();
    order.extend(
        summary
            .outcome_metrics
            .iter()
            .map(|m| m.name.as_str())
            .filter(|m| !KEY_OUTCOMES.contains(m)),
    );
    order
        .into_iter()
        .filter_map(|metric| {
            let info = summary.outcome_metrics.iter().find(|m| m.name == metric)?;
            let row = summary
                .outcomes
                .iter()
                .find(|o| o.metric == metric && o.policy == summary.policies[0])?;
            Some(format!(
                "{} [{}]: {} (95% CI {} to {})",
                info.label,
                info.unit,
                format_value(row.mean),
                format_value(row.ci95_low),
                format_value(row.ci95_high)
            ))
        })
        .take(max)
        .collect()
}

/// The provenance footer: scenario, seed, replications, orgsim version.
pub fn provenance(summary: &Summary) -> String {
    format!(
        "scenario {} \u{b7} seed {} \u{b7} {} replications per policy (from {}) \u{b7} horizon {} working days \u{b7} orgsim {}",
        summary.scenario,
        summary.seed,
        summary.replications,
        summary.first_replication,
        format_value(summary.horizon_days),
        summary.orgsim_version
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 95% confidence ellipse of the mean of paired observations (x, y), through
    /// [`BivariateMoments`]; pairs with a NaN are dropped, `None` under 2 pairs.
    fn mean_confidence_ellipse(xs: &[f64], ys: &[f64]) -> Option<Ellipse> {
        let mut moments = BivariateMoments::default();
        xs.iter().zip(ys).for_each(|(x, y)| moments.push(*x, *y));
        moments.mean_confidence_ellipse()
    }

    fn row(policy: usize, day: f64, metric: &str, q: [f64; 5]) -> SeriesRow {
        SeriesRow {
            policy,
            day,
            metric: metric.into(),
            mean: q[2],
            quantiles: q,
        }
    }

    #[test]
    fn per_team_series_are_found_by_family_in_team_order_with_their_names() {
        assert_eq!(team_metric("team_trust_3"), Some(("trust", 3)));
        assert_eq!(
            team_metric("team_engagement_mean_12"),
            Some(("engagement_mean", 12))
        );
        for name in [
            "trust",
            "team_trust",
            "team_trust_0",
            "team_trust_x",
            "teams_trust_1",
        ] {
            assert_eq!(team_metric(name), None, "{name}");
        }
        let summary: Summary = serde_json::from_str(
            r#"{"scenario": "s", "orgsim_version": "0", "seed": 1, "replications": 2,
                "horizon_days": 10, "policies": ["a"],
                "teams": [{"number": 1, "name": "platform"}, {"number": 2, "name": "new"}],
                "outcome_metrics": [],
                "series_metrics": [
                    {"name": "trust", "label": "Trust", "unit": ""},
                    {"name": "team_trust_2", "label": "Team trust in the manager, team 2", "unit": ""},
                    {"name": "team_trust_1", "label": "Team trust in the manager, team 1", "unit": ""},
                    {"name": "team_value_1", "label": "Team value, team 1", "unit": ""},
                    {"name": "team_trust_3", "label": "Team trust in the manager, team 3", "unit": ""}
                ]}"#,
        )
        .unwrap();
        assert_eq!(team_families(&summary), ["trust", "value"]);
        assert_eq!(
            team_panels(&summary, "trust"),
            [
                ("team_trust_1".to_string(), "platform".to_string()),
                ("team_trust_2".to_string(), "new".to_string()),
                ("team_trust_3".to_string(), "team 3".to_string()),
            ]
        );
        assert_eq!(team_family_label(&summary, "trust"), "Trust in the manager");
        assert_eq!(team_family_label(&summary, "other"), "Other");
    }

    #[test]
    fn fan_bands_sort_by_day_and_skip_missing_quantiles() {
        let rows = vec![
            row(0, 10.0, "m", [1.0, 2.0, 3.0, 4.0, 5.0]),
            row(0, 5.0, "m", [0.5, 1.0, 1.5, 2.0, 2.5]),
            row(0, 15.0, "m", [f64::NAN, 2.0, 3.0, 4.0, 5.0]),
            row(1, 5.0, "m", [9.0; 5]),
            row(0, 5.0, "other", [9.0; 5]),
        ];
        let bands = fan_bands(&rows, 0, "m");
        assert_eq!(bands.len(), 2);
        assert_eq!(
            bands[0],
            Band {
                day: 5.0,
                p05: 0.5,
                p25: 1.0,
                p50: 1.5,
                p75: 2.0,
                p95: 2.5
            }
        );
        assert_eq!((bands[1].day, bands[1].p25, bands[1].p75), (10.0, 2.0, 4.0));
    }

    #[test]
    fn empty_start_spans_the_grid_days_no_policy_has_a_value() {
        let gap = [f64::NAN; 5];
        let rows = vec![
            row(0, 10.0, "m", [1.0; 5]),
            row(0, 0.0, "m", gap),
            row(0, 5.0, "m", gap),
            row(1, 0.0, "m", gap),
            // A policy with a value earlier shortens the span.
            row(1, 5.0, "m", [1.0, 2.0, 3.0, 4.0, 5.0]),
            // Partly missing quantiles are not a value, as in `fan_bands`.
            row(1, 2.5, "m", [f64::NAN, 2.0, 3.0, 4.0, 5.0]),
            row(0, 0.0, "other", [1.0; 5]),
            // A single empty first day is left alone.
            row(0, 0.0, "rate", gap),
            row(0, 5.0, "rate", [1.0; 5]),
        ];
        assert_eq!(
            empty_start(&rows, "m"),
            Some(EmptyStart {
                from: 0.0,
                until: 5.0,
                ends: true
            })
        );
        assert_eq!(empty_start(&rows, "other"), None, "a value on day 0");
        assert_eq!(empty_start(&rows, "rate"), None, "only day 0 is empty");
        assert_eq!(empty_start(&rows, "absent"), None);
        let never = vec![row(0, 0.0, "m", gap), row(0, 80.0, "m", gap)];
        assert_eq!(
            empty_start(&never, "m"),
            Some(EmptyStart {
                from: 0.0,
                until: 80.0,
                ends: false
            })
        );
    }

    #[test]
    fn empty_start_notes_give_the_day_and_the_reason() {
        let span = EmptyStart {
            from: 0.0,
            until: 130.0,
            ends: true,
        };
        assert_eq!(
            empty_start_notes(&span, "the first quarter sets the rate"),
            [
                "No value before day 130: the first quarter sets the rate",
                "No value before day 130"
            ]
        );
        assert_eq!(empty_start_notes(&span, " "), ["No value before day 130"]);
        let never = EmptyStart {
            ends: false,
            ..span
        };
        assert_eq!(empty_start_notes(&never, ""), ["No value up to day 130"]);
    }

    #[test]
    fn ellipse_of_a_diagonal_covariance_is_axis_aligned() {
        let e = ellipse_from_covariance((1.0, 2.0), [[4.0, 0.0], [0.0, 1.0]], CHI2_2DOF_95);
        assert!((e.semi_axes.0 - (4.0 * CHI2_2DOF_95).sqrt()).abs() < 1e-12);
        assert!((e.semi_axes.1 - CHI2_2DOF_95.sqrt()).abs() < 1e-12);
        assert!(e.angle.abs() < 1e-12);
    }

    #[test]
    fn ellipse_outline_lies_on_the_mahalanobis_contour() {
        let cov = [[2.0, 1.2], [1.2, 1.0]];
        let e = ellipse_from_covariance((3.0, -1.0), cov, CHI2_2DOF_95);
        let det = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0];
        let inv = [
            [cov[1][1] / det, -cov[0][1] / det],
            [-cov[1][0] / det, cov[0][0] / det],
        ];
        for (x, y) in e.outline(36) {
            let (dx, dy) = (x - 3.0, y + 1.0);
            let d2 =
                dx * (inv[0][0] * dx + inv[0][1] * dy) + dy * (inv[1][0] * dx + inv[1][1] * dy);
            assert!((d2 - CHI2_2DOF_95).abs() < 1e-9, "{d2}");
        }
        assert!(
            e.angle > 0.0,
            "positive correlation tilts the major axis up"
        );
    }

    #[test]
    fn mean_ellipse_shrinks_with_n() {
        let xs = [0.0, 1.0, 2.0, 3.0];
        let ys = [0.0, -1.0, 1.0, 0.0];
        let e = mean_confidence_ellipse(&xs, &ys).unwrap();
        assert_eq!(e.center, (1.5, 0.0));
        // var x = 5/3, var y = 2/3, cov = 1/3; divided by n = 4.
        let expected = ellipse_from_covariance(
            (1.5, 0.0),
            [[5.0 / 12.0, 1.0 / 12.0], [1.0 / 12.0, 2.0 / 12.0]],
            CHI2_2DOF_95,
        );
        assert!((e.semi_axes.0 - expected.semi_axes.0).abs() < 1e-12);
        assert!((e.semi_axes.1 - expected.semi_axes.1).abs() < 1e-12);
        assert!(mean_confidence_ellipse(&[1.0, f64::NAN], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn quarter_path_interpolates_the_weekly_grid_and_ends_at_the_horizon() {
        let x: Vec<(f64, f64)> = (0..=100)
            .map(|k| (k as f64 * 5.0, k as f64 * 5.0))
            .collect();
        let y: Vec<(f64, f64)> = (0..=100).map(|k| (k as f64 * 5.0, 1.0)).collect();
        let path = quarter_path(&x, &y, 500.0, QUARTER_DAYS);
        let days: Vec<f64> = path.iter().map(|p| p.day).collect();
        assert_eq!(
            days,
            vec![0.0, 63.0, 126.0, 189.0, 252.0, 315.0, 378.0, 441.0, 500.0]
        );
        assert!(
            (path[1].x - 63.0).abs() < 1e-12,
            "63 lies between grid days 60 and 65"
        );
        assert_eq!(path.last().unwrap().quarter, 8);
        let labels: Vec<String> = path
            .iter()
            .filter_map(|p| labelled_stop(p, 500.0))
            .collect();
        assert_eq!(labels, vec!["Q1", "Q4"]);
        let beyond = quarter_path(&x, &y, 504.0, QUARTER_DAYS);
        assert_eq!(
            beyond.len(),
            8,
            "a stop beyond the series (day 504) is left out"
        );
    }

    #[test]
    fn quarter_path_on_a_quarter_boundary_has_no_extra_stop() {
        let x = vec![(0.0, 0.0), (126.0, 1.0)];
        let path = quarter_path(&x, &x, 126.0, QUARTER_DAYS);
        assert_eq!(path.len(), 3);
        assert_eq!(interpolate(&x, 200.0), None);
    }

    #[test]
    fn labels_sit_beside_the_path() {
        // Path going straight up: label to the right.
        let (dx, dy) = label_offset(
            Some((0.0, 0.0)),
            (0.0, 1.0),
            Some((0.0, 2.0)),
            (1.0, 1.0),
            10.0,
        );
        assert!((dx - 10.0).abs() < 1e-12 && dy.abs() < 1e-12);
        // Path going left: label above.
        let (dx, dy) = label_offset(Some((2.0, 0.0)), (1.0, 0.0), None, (1.0, 1.0), 10.0);
        assert!(dx.abs() < 1e-12 && (dy - 10.0).abs() < 1e-12);
        // Diagonal up-right on a stretched axis: perpendicular in pixels.
        let (dx, dy) = label_offset(
            Some((0.0, 0.0)),
            (1.0, 0.01),
            Some((2.0, 0.02)),
            (100.0, 10000.0),
            10.0,
        );
        assert!((dx * 100.0 + dy * 100.0).abs() < 1e-9 && dx > 0.0);
    }

    #[test]
    fn the_horizon_stop_is_named_by_its_day_not_its_quarter() {
        let x: Vec<(f64, f64)> = (0..=140).map(|k| (k as f64 * 5.0, k as f64)).collect();
        let labels = |horizon: f64| -> Vec<String> {
            quarter_path(&x, &x, horizon, QUARTER_DAYS)
                .iter()
                .filter_map(|p| labelled_stop(p, horizon))
                .collect()
        };
        assert_eq!(labels(500.0), ["Q1", "Q4"]);
        assert_eq!(labels(200.0), ["Q1"], "no Q4 before a year");
        assert_eq!(labels(40.0), Vec::<String>::new());
        assert_eq!(
            labels(252.0),
            ["Q1"],
            "day 252 is the end, labelled by its day"
        );
        assert_eq!(labels(600.0), ["Q1", "Q4", "Q8"]);
        assert_eq!(end_label(500.0), "day 500");
    }

    #[test]
    fn the_path_key_names_the_end_and_each_labelled_quarter() {
        let plain = |text: String| text.replace('\u{a0}', " ");
        assert_eq!(
            plain(path_key(500.0, &[1, 4])),
            "mean path from the start (policy already in force) to day 500, by quarter: Q1 = day 63, Q4 = day 252 (1 year)"
        );
        assert_eq!(
            plain(path_key(200.0, &[1])),
            "mean path from the start (policy already in force) to day 200, by quarter: Q1 = day 63"
        );
        assert_eq!(
            plain(path_key(40.0, &[])),
            "mean path from the start (policy already in force) to day 40"
        );
        assert_eq!(
            plain(quarter_names(&[1, 4, 8])),
            "Q1 = day 63, Q4 = day 252 (1 year), Q8 = day 504 (2 years)"
        );
        // A legend wraps only between the names.
        assert_eq!(
            path_key(500.0, &[1, 4]).split(' ').collect::<Vec<_>>()[12..],
            [
                "quarter:",
                "Q1\u{a0}=\u{a0}day\u{a0}63,",
                "Q4\u{a0}=\u{a0}day\u{a0}252",
                "(1\u{a0}year)"
            ]
        );
    }

    #[test]
    fn a_path_arrives_from_its_last_distant_stop() {
        let path = [(0.0, 0.0), (100.0, 0.0), (100.0, 50.0), (98.0, 52.0)];
        // The last step (2, 2) is shorter than 20 px: the direction is from (100, 0).
        assert_eq!(arrival(&path, 20.0), (-2.0, 52.0));
        assert_eq!(arrival(&path[..1], 20.0), (0.0, 0.0));
        assert_eq!(arrival(&[], 20.0), (0.0, 0.0));
    }

    fn plot_box() -> ScreenBox {
        ScreenBox {
            left: 0.0,
            bottom: 0.0,
            right: 400.0,
            top: 300.0,
        }
    }

    fn request(at: (f64, f64), toward: (f64, f64), required: bool) -> LabelRequest<'static> {
        LabelRequest {
            at,
            around: &[],
            toward,
            size: (40.0, 20.0),
            required,
        }
    }

    #[test]
    fn a_label_takes_its_preferred_side_when_it_is_free() {
        let mut layout = LabelLayout::new(plot_box(), 10.0);
        let b = layout
            .place(&request((100.0, 100.0), (1.0, 0.0), false))
            .unwrap();
        assert_eq!(
            b,
            ScreenBox {
                left: 110.0,
                bottom: 90.0,
                right: 150.0,
                top: 110.0
            }
        );
        // Above: centred over the point.
        let b = layout
            .place(&request((300.0, 100.0), (0.0, 1.0), false))
            .unwrap();
        assert_eq!((b.left, b.bottom), (280.0, 110.0));
    }

    #[test]
    fn labels_keep_off_lines_areas_each_other_and_the_edges() {
        let mut layout = LabelLayout::new(plot_box(), 10.0);
        // A line straight through the preferred side.
        layout.avoid_line(&[(100.0, 100.0), (300.0, 100.0)], 2.0);
        let ellipse: Vec<(f64, f64)> = Ellipse {
            center: (100.0, 200.0),
            semi_axes: (30.0, 15.0),
            angle: 0.0,
        }
        .outline(48);
        layout.avoid_area(ellipse.clone());
        let first = layout
            .place(&request((100.0, 100.0), (1.0, 0.0), true))
            .unwrap();
        assert!(!first
            .grown(4.0)
            .meets_segment((100.0, 100.0), (300.0, 100.0)));
        // The same point again: the second label keeps off the first.
        let second = layout
            .place(&request((100.0, 100.0), (1.0, 0.0), true))
            .unwrap();
        assert!(!second.overlaps(&first));
        // The end of a path inside an ellipse is labelled outside it.
        let end = layout
            .place(&LabelRequest {
                at: (100.0, 200.0),
                around: &ellipse,
                toward: (1.0, 0.0),
                size: (60.0, 20.0),
                required: true,
            })
            .unwrap();
        assert!(end.left >= 130.0, "{end:?}");
        // In a corner, the label turns inwards.
        let corner = layout
            .place(&request((395.0, 295.0), (1.0, 1.0), true))
            .unwrap();
        assert!(corner.within(&plot_box()));
        for b in [first, second, end, corner] {
            assert!(b.within(&plot_box()));
        }
    }

    #[test]
    fn a_label_sits_nearer_its_own_point_than_any_other_named_one() {
        let mut layout = LabelLayout::new(plot_box(), 10.0);
        let (own, other) = ((100.0, 100.0), (150.0, 100.0));
        layout.name(own);
        layout.name(other);
        // Right of `own` is towards `other`: the label goes elsewhere.
        let b = layout.place(&request(own, (1.0, 0.0), true)).unwrap();
        assert!(b.distance_to(own) + 5.0 <= b.distance_to(other), "{b:?}");
    }

    #[test]
    fn an_optional_label_without_room_is_left_out() {
        let tiny = ScreenBox {
            left: 0.0,
            bottom: 0.0,
            right: 60.0,
            top: 40.0,
        };
        let mut layout = LabelLayout::new(tiny, 10.0);
        layout.avoid_area(vec![(0.0, 0.0), (60.0, 0.0), (60.0, 40.0), (0.0, 40.0)]);
        assert!(layout
            .place(&request((5.0, 5.0), (1.0, 1.0), false))
            .is_none());
        // A required one goes where it touches least, still inside the plot.
        let b = layout
            .place(&request((5.0, 5.0), (1.0, 1.0), true))
            .unwrap();
        assert!(b.within(&tiny));
        // Nothing fits a plot smaller than the label.
        let mut none = LabelLayout::new(
            ScreenBox {
                left: 0.0,
                bottom: 0.0,
                right: 30.0,
                top: 10.0,
            },
            10.0,
        );
        assert!(none.place(&request((5.0, 5.0), (1.0, 0.0), true)).is_none());
    }

    #[test]
    fn arrowhead_keeps_its_pixel_length_on_unequal_axes() {
        let head = arrowhead((0.0, 0.0), (1.0, 0.0), 10.0, (100.0, 1000.0)).unwrap();
        assert_eq!(head[0], (1.0, 0.0));
        assert!((head[1].0 - 0.9).abs() < 1e-12 && (head[2].0 - 0.9).abs() < 1e-12);
        assert!((head[1].1 - 0.0045).abs() < 1e-12 && (head[2].1 + 0.0045).abs() < 1e-12);
        assert!(arrowhead((1.0, 1.0), (1.0, 1.0), 10.0, (1.0, 1.0)).is_none());
    }

    #[test]
    fn box_stats_match_type_7_quartiles_and_tukey_whiskers() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 100.0, f64::NAN];
        let s = box_stats(&values).unwrap();
        assert_eq!(s.n, 9);
        assert_eq!((s.q1, s.median, s.q3), (3.0, 5.0, 7.0));
        assert_eq!((s.whisker_low, s.whisker_high), (1.0, 8.0));
        assert_eq!(s.outliers, vec![100.0]);
        assert!(box_stats(&[f64::NAN]).is_none());
        let one = box_stats(&[2.0]).unwrap();
        assert_eq!(
            (one.q1, one.median, one.q3, one.whisker_low),
            (2.0, 2.0, 2.0, 2.0)
        );
    }

    #[test]
    fn time_unit_follows_the_horizon() {
        assert_eq!(TimeUnit::for_horizon(60.0), TimeUnit::WorkingDays);
        assert_eq!(TimeUnit::for_horizon(250.0), TimeUnit::Months);
        assert_eq!(TimeUnit::for_horizon(500.0), TimeUnit::Quarters);
    }

    #[test]
    fn padded_range_handles_flat_and_empty_data() {
        assert_eq!(padded_range([1.0, 3.0, f64::NAN], 0.5), Some((0.0, 4.0)));
        assert_eq!(padded_range([0.0, 0.0], 0.1), Some((-1.0, 1.0)));
        assert_eq!(padded_range([f64::NAN], 0.1), None);
    }

    #[test]
    fn tick_labels_tell_the_ticks_apart() {
        assert_eq!(decimals_to_tell_apart(&[0.1, 0.15, 0.2, 0.25]), 2);
        assert_eq!(decimals_to_tell_apart(&[10.0, 15.0, 20.0]), 0);
        assert_eq!(decimals_to_tell_apart(&[0.0, 0.5, 1.0]), 1);
        assert_eq!(decimals_to_tell_apart(&[]), 0);
    }

    #[test]
    fn tick_labels_have_enough_decimals() {
        assert_eq!(tick_decimals(0.3, 0.7, 8), 2);
        assert_eq!(tick_decimals(0.0, 0.5, 6), 1);
        assert_eq!(tick_decimals(9.6, 15.6, 6), 0);
        assert_eq!(tick_decimals(0.0, 500.0, 8), 0);
        assert_eq!(tick_decimals(1.0, 1.0, 8), 0);
        assert_eq!(format_tick(-0.0001, 2), "0.00");
        assert_eq!(format_tick(0.35, 2), "0.35");
    }

    #[test]
    fn numbers_read_well_on_a_slide() {
        assert_eq!(format_value(0.123456), "0.123");
        assert_eq!(format_value(12.0), "12");
        assert_eq!(format_value(1234.6), "1235");
        assert_eq!(format_signed(-0.05), "\u{2212}0.05");
        assert_eq!(
            format_estimate(-0.000482, -0.00115, 0.000191),
            ["\u{2212}0.00048", "\u{2212}0.00115", "+0.00019"].map(String::from)
        );
        assert_eq!(
            format_estimate(0.991, 0.0205, 1.96),
            ["+0.99", "+0.02", "+1.96"].map(String::from)
        );
        assert_eq!(
            format_estimate(-12.345, -12.56, -12.13),
            ["\u{2212}12.3", "\u{2212}12.6", "\u{2212}12.1"].map(String::from)
        );
        assert_eq!(
            format_estimate(0.48812, 0.48691, 0.48931),
            ["+0.488", "+0.487", "+0.489"].map(String::from)
        );
        assert_eq!(
            format_estimate(-123.45, -124.26, -122.64),
            ["\u{2212}123", "\u{2212}124", "\u{2212}123"].map(String::from)
        );
        assert_eq!(format_estimate(0.5, f64::NAN, f64::NAN)[0], "+0.5");
        assert_eq!(format_signed(0.5), "+0.5");
        assert_eq!(format_value(f64::NAN), "n/a");
    }

    #[test]
    fn quarter_path_starts_where_both_series_begin() {
        let x: Vec<(f64, f64)> = (0..=20).map(|d| (d as f64 * 5.0, 1.0)).collect();
        // A trailing-window metric: undefined on day 0, defined from day 5.
        let y: Vec<(f64, f64)> = (1..=20).map(|d| (d as f64 * 5.0, 2.0)).collect();
        let path = quarter_path(&x, &y, 100.0, 63.0);
        assert_eq!(path[0].day, 5.0);
        assert_eq!(path[0].quarter, 0);
        assert_eq!(path[1].day, 63.0);
    }
}

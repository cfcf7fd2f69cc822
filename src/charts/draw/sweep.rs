//! The chart across a sweep's points: per panel, each policy's mean with its 95% CI against
//! the first swept key, on one y axis shared by all panels.

use super::*;
use crate::charts::sweep::{Panel, SweepChart};

/// Draws `chart` on the whole of `root`: title, panels, the policies' legend, footer.
pub(super) fn sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fig: &Figure,
    chart: &SweepChart,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let s = fig.scale;
    let body = frame(root, fig, &format!("{} across the sweep", chart.label))?;
    let (plot, legend_area) = with_legend_margin(&body, fig);
    let plot = match &chart.note {
        Some(note) => {
            let (_, height) = plot.dim_in_pixel();
            let note_height = (s.tick * 2.0) as u32;
            let (panels, strip) = plot.split_vertically(height.saturating_sub(note_height));
            strip.draw(&Text::new(
                note.clone(),
                (s.px(24.0) as i32, (note_height / 2) as i32),
                anchored(text_style(s.tick, MUTED), HPos::Left, VPos::Center),
            ))?;
            panels
        }
        None => plot,
    };
    let y = prepare::padded_range(
        chart
            .panels
            .iter()
            .flat_map(|p| p.lines.iter().flatten().flatten())
            .flat_map(|e| [e.low, e.high, e.mean]),
        0.08,
    )
    .unwrap_or((0.0, 1.0));
    let (rows, columns) = match chart.panels.len() {
        0 | 1 => (1, 1),
        2 => (1, 2),
        3 | 4 => (2, 2),
        5 | 6 => (2, 3),
        _ => (3, 3),
    };
    let small = chart.panels.len() > 1;
    for (area, panel) in plot.split_evenly((rows, columns)).iter().zip(&chart.panels) {
        sweep_panel(area, fig, chart, panel, y, small)?;
    }
    let mut items = policy_items(fig, Swatch::Line);
    items.push((Swatch::Heading, "At each point".into()));
    items.push((
        Swatch::ErrorBar,
        "mean, with its 95% confidence interval".into(),
    ));
    legend(&legend_area, fig, &items)
}

/// One panel: error bars and mean lines per policy, set a few pixels apart so that equal
/// values stay visible.
fn sweep_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    chart: &SweepChart,
    panel: &Panel,
    y: (f64, f64),
    small: bool,
) -> DrawResult<DB> {
    let s = if small {
        fig.scale.shrink(0.8)
    } else {
        fig.scale
    };
    let n = chart.x.len();
    let x = if chart.numeric {
        prepare::padded_range(chart.x.iter().copied(), 0.08).unwrap_or((0.0, 1.0))
    } else {
        (-0.5, n as f64 - 0.5)
    };
    let no_labels = |_: &f64| String::new();
    let axes = Axes {
        x,
        y,
        x_desc: chart.x_key.clone(),
        y_desc: if small {
            chart.unit.clone()
        } else {
            chart.label.clone()
        },
        caption: panel.caption.clone(),
        scale: s,
        x_labels: if chart.numeric { 6 } else { 1 },
        y_labels: if small { 5 } else { 8 },
        x_formatter: (!chart.numeric).then_some(&no_labels as &dyn Fn(&f64) -> String),
        x_mesh: chart.numeric,
    };
    let mut plane = axes.build(area)?;
    let ppu = pixels_per_unit(&plane, x, y);
    let count = panel.lines.len();
    let spacing = f64::from(s.px(8.0)) / ppu.0;
    let stroke = s.px(3.0);
    let cap = f64::from(s.px(9.0)) / ppu.0;
    let colour = |p: usize| {
        let index = fig
            .policies()
            .iter()
            .position(|name| *name == chart.policies[p])
            .unwrap_or(p);
        fig.color(index)
    };
    let shifted = |p: usize| {
        let offset = (p as f64 - (count as f64 - 1.0) / 2.0) * spacing;
        panel.lines[p]
            .iter()
            .zip(&chart.x)
            .filter_map(move |(e, &xv)| e.map(|e| (xv + offset, e)))
            .filter(|(_, e)| e.mean.is_finite())
    };
    for p in 0..count {
        let color = colour(p);
        for (xv, e) in shifted(p).filter(|(_, e)| e.low.is_finite() && e.high.is_finite()) {
            plane.draw_series([
                PathElement::new(vec![(xv, e.low), (xv, e.high)], color.stroke_width(stroke)),
                PathElement::new(
                    vec![(xv - cap, e.low), (xv + cap, e.low)],
                    color.stroke_width(stroke),
                ),
                PathElement::new(
                    vec![(xv - cap, e.high), (xv + cap, e.high)],
                    color.stroke_width(stroke),
                ),
            ])?;
        }
    }
    // Mean lines over a white halo, so each stays distinct where they cross the bars.
    for p in 0..count {
        let color = colour(p);
        let means: Vec<(f64, f64)> = shifted(p).map(|(xv, e)| (xv, e.mean)).collect();
        plane.draw_series([
            PathElement::new(means.clone(), WHITE.stroke_width(s.px(8.0))),
            PathElement::new(means.clone(), color.stroke_width(s.px(4.0))),
        ])?;
        plane.draw_series(means.iter().flat_map(|&m| {
            [
                Circle::new(m, s.px(7.0), WHITE.filled()),
                Circle::new(m, s.px(5.0), color.filled()),
            ]
        }))?;
    }
    if !chart.numeric {
        let style = anchored(text_style(s.tick, INK), HPos::Center, VPos::Top);
        slot_labels(area, &plane, &chart.x_text, y.0, &style, s)?;
    }
    Ok(())
}

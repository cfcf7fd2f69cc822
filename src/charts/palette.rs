//! Colours and type sizes shared by every chart.
//!
//! Policies take the Okabe–Ito colour-blind-safe palette by their index in `summary.json`, so
//! the same policy has the same colour in every chart of a run. Type sizes are stated for a
//! 1600 × 1000 px image and scale with the image.

use plotters::style::{RGBAColor, RGBColor};

/// Okabe & Ito (2008), "Color Universal Design", without black (kept for text and axes) and
/// ordered so that the first two policies (the usual comparison) are blue and vermillion.
pub const OKABE_ITO: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
];

/// Text and axes.
pub const INK: RGBColor = RGBColor(33, 33, 33);
/// Secondary text (footer, annotations).
pub const MUTED: RGBColor = RGBColor(100, 100, 100);
/// Light grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);
/// The light shade over a span of a chart without values.
pub const NO_VALUE_SHADE: RGBAColor = RGBAColor(100, 100, 100, 0.1);

/// The colour of policy number `index` (0-based, scenario order); wraps after seven policies.
pub fn policy_color(index: usize) -> RGBColor {
    OKABE_ITO[index % OKABE_ITO.len()]
}

/// Font sizes [px] for an image, scaled from the reference 1600 × 1000 px design.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TypeScale {
    /// Chart title (40 px at the reference size).
    pub title: f64,
    /// Axis descriptions and panel titles (28 px).
    pub axis: f64,
    /// Tick labels and legend entries (22 px).
    pub tick: f64,
    /// Provenance footer (18 px).
    pub footer: f64,
    /// Multiplier applied to line widths and marker sizes (1 at the reference size).
    pub factor: f64,
}

impl TypeScale {
    /// Sizes for an image of `width` × `height` px: the reference sizes times
    /// min(width / 1600, height / 1000), never below 0.5 so small previews stay legible.
    pub fn for_size(width: u32, height: u32) -> Self {
        let factor = (f64::from(width) / 1600.0)
            .min(f64::from(height) / 1000.0)
            .max(0.5);
        TypeScale {
            title: 40.0 * factor,
            axis: 28.0 * factor,
            tick: 22.0 * factor,
            footer: 18.0 * factor,
            factor,
        }
    }

    /// A smaller scale for small multiples, `ratio` of this one (e.g. 0.8).
    pub fn shrink(self, ratio: f64) -> Self {
        TypeScale {
            title: self.title * ratio,
            axis: self.axis * ratio,
            tick: self.tick * ratio,
            footer: self.footer * ratio,
            factor: self.factor * ratio,
        }
    }

    /// A length [px] at the reference size, scaled.
    pub fn px(self, reference: f64) -> u32 {
        (reference * self.factor).round().max(1.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_colors_are_distinct_and_wrap() {
        for a in 0..OKABE_ITO.len() {
            for b in a + 1..OKABE_ITO.len() {
                assert_ne!(policy_color(a), policy_color(b));
            }
        }
        assert_eq!(policy_color(7), policy_color(0));
    }

    #[test]
    fn type_scale_matches_reference_and_scales() {
        let reference = TypeScale::for_size(1600, 1000);
        assert_eq!(
            (reference.title, reference.axis, reference.tick),
            (40.0, 28.0, 22.0)
        );
        let half = TypeScale::for_size(800, 500);
        assert_eq!(half.title, 20.0);
        let tiny = TypeScale::for_size(100, 100);
        assert_eq!(tiny.factor, 0.5);
    }
}

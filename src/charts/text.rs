//! Text on bitmaps with correct letter spacing.
//!
//! plotters 0.3.7 draws ab_glyph text by putting each glyph's bounding box at the pen position,
//! dropping the glyph's left side bearing, so letters sit unevenly ("tim e"). [`GlyphBackend`]
//! wraps a backend and draws text itself with ab_glyph: each glyph at its pen position (with
//! kerning and sub-pixel placement), its bearing kept. Layout boxes, anchors, rotation and the
//! baseline are those plotters uses, so measured layouts do not move. Everything else passes
//! straight through to the wrapped backend.

use ab_glyph::{point, Font, FontRef, ScaleFont};
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// A backend whose text is drawn by ab_glyph from one embedded font.
pub struct GlyphBackend<B> {
    inner: B,
    font: FontRef<'static>,
}

impl<B: DrawingBackend> GlyphBackend<B> {
    /// Wraps `inner`; `None` if `font` is not a valid TrueType/OpenType font.
    pub fn new(inner: B, font: &'static [u8]) -> Option<Self> {
        Some(GlyphBackend {
            inner,
            font: FontRef::try_from_slice(font).ok()?,
        })
    }
}

type DrawResult<E> = Result<(), DrawingErrorKind<E>>;

impl<B: DrawingBackend> DrawingBackend for GlyphBackend<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> DrawResult<B::ErrorType> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> DrawResult<B::ErrorType> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> DrawResult<B::ErrorType> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> DrawResult<B::ErrorType> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> DrawResult<B::ErrorType> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> DrawResult<B::ErrorType> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> DrawResult<B::ErrorType> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> DrawResult<B::ErrorType> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> DrawResult<B::ErrorType> {
        self.inner.blit_bitmap(pos, (iw, ih), src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        self.inner.estimate_text_size(text, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> DrawResult<B::ErrorType> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let (w, h) = self.get_size();
        let size = style.size() as f32;
        let font = self.font.clone();
        let scaled = font.as_scaled(size);
        let mut pen = 0f32;
        let mut previous = None;
        let mut pixels = Vec::new();
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(previous) = previous {
                pen += scaled.kern(previous, id);
            }
            // plotters puts the baseline half the size below the top of the layout box.
            let glyph = id.with_scale_and_position(size, point(pen, size / 2.0));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                pixels.clear();
                outline.draw(|x, y, coverage| {
                    pixels.push((
                        bounds.min.x as i32 + x as i32,
                        bounds.min.y as i32 + y as i32,
                        coverage,
                    ))
                });
                for &(x, y, coverage) in &pixels {
                    let (x, y) = transform.transform(x + dx - min_x, y + dy - min_y);
                    let (x, y) = (pos.0 + x, pos.1 + y);
                    if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h && coverage > 0.0 {
                        let alpha = color.alpha * f64::from(coverage.min(1.0));
                        self.inner.draw_pixel(
                            (x, y),
                            BackendColor {
                                alpha,
                                rgb: color.rgb,
                            },
                        )?;
                    }
                }
            }
            pen += scaled.h_advance(id);
            previous = Some(id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;
    use plotters::style::text_anchor::Pos;

    /// The first column with ink in an RGB buffer of width `w`.
    fn first_inked_column(buffer: &[u8], w: usize) -> Option<usize> {
        (0..w).find(|x| buffer.chunks(w * 3).any(|row| row[x * 3] < 128))
    }

    #[test]
    fn glyphs_keep_their_left_side_bearing() {
        crate::charts::register_font().unwrap();
        let (w, h) = (200usize, 200usize);
        let mut buffer = vec![255u8; w * h * 3];
        {
            let backend = BitMapBackend::with_buffer(&mut buffer, (w as u32, h as u32));
            let root = GlyphBackend::new(backend, crate::charts::FONT)
                .unwrap()
                .into_drawing_area();
            let style = (crate::charts::FONT_FAMILY, 100.0)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&Text::new("l", (10, 40), style)).unwrap();
            root.present().unwrap();
        }
        let font = FontRef::try_from_slice(crate::charts::FONT).unwrap();
        let scaled = font.as_scaled(100.0);
        let bearing = scaled.h_side_bearing(scaled.glyph_id('l'));
        assert!(
            bearing > 5.0,
            "DejaVu's l has a visible bearing ({bearing})"
        );
        let first = first_inked_column(&buffer, w).expect("the letter is drawn") as f32;
        assert!(
            (first - (10.0 + bearing)).abs() <= 1.5,
            "ink starts at {first}, expected {}",
            10.0 + bearing
        );
    }
}

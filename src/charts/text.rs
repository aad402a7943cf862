//! A bitmap backend wrapper that draws text with correct glyph placement.
//!
//! plotters 0.3.7 draws `ab_glyph` text placing each glyph's bounding box at the pen position, ignoring
//! the left side bearing, so narrow glyphs such as 目 are followed by a visible gap (“目 标”). This
//! wrapper delegates everything to the inner backend except `draw_text`, which rasterises the shipped
//! font itself and places each glyph at pen position + bearing. Layout (text width) is unchanged: it
//! already used the advances correctly.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, ScaleFont};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

use super::FONT_BYTES;

fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

static RECORDER: std::sync::Mutex<Option<Vec<String>>> = std::sync::Mutex::new(None);

/// Start (or stop) recording every string drawn on PNG charts, for glyph-coverage tests.
pub fn record_text(on: bool) {
    if let Ok(mut r) = RECORDER.lock() {
        *r = on.then(Vec::new);
    }
}

/// The strings drawn since recording started.
pub fn recorded_text() -> Vec<String> {
    RECORDER
        .lock()
        .ok()
        .and_then(|r| r.clone())
        .unwrap_or_default()
}

/// Wraps a drawing backend; only text drawing differs.
pub struct GlyphFix<B>(pub B);

impl<B: DrawingBackend> DrawingBackend for GlyphFix<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if let Ok(mut r) = RECORDER.lock()
            && let Some(v) = r.as_mut()
        {
            v.push(text.to_string());
        }
        let color = style.color();
        let Some(font) = font() else {
            return self.0.draw_text(text, style, pos);
        };
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
        let trans = style.transform();
        let (w, h) = self.get_size();
        let size = style.size() as f32;
        let scaled = font.as_scaled(size);
        let mut pen = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            prev = Some(id);
            if let Some(outline) = scaled.outline_glyph(scaled.scaled_glyph(c)) {
                let rect = outline.px_bounds();
                let x0 = (pen + rect.min.x).round() as i32;
                let y0 = (size / 2.0 + rect.min.y) as i32;
                let mut pixels = Vec::new();
                outline.draw(|x, y, coverage| pixels.push((x as i32, y as i32, coverage)));
                for (x, y, coverage) in pixels {
                    if coverage <= 0.0 {
                        continue;
                    }
                    let (tx, ty) = trans.transform(x0 + x + dx - min_x, y0 + y + dy - min_y);
                    let (px, py) = (pos.0 + tx, pos.1 + ty);
                    if px >= 0 && px < w as i32 && py >= 0 && py < h as i32 {
                        let c = BackendColor {
                            alpha: color.alpha * f64::from(coverage.min(1.0)),
                            rgb: color.rgb,
                        };
                        self.0.draw_pixel((px, py), c)?;
                    }
                }
            }
            pen += scaled.h_advance(id);
        }
        Ok(())
    }
}

//! Charts a planner can paste into a report: fan charts, the target scorecard, scenario comparison, the
//! required-driver curve and the backtest chart — PNG or SVG, in Chinese or English.
//!
//! Text is drawn by plotters' `ab_glyph` backend with the WenQuanYi Micro Hei font shipped in
//! `src/charts/fonts` (Apache-2.0; licence file beside it), registered at first use under every family
//! name the charts use. No system font or fontconfig is consulted, so a chart is identical on any machine
//! and Chinese never turns into boxes; [`missing_glyphs`] checks that every string has a glyph. PNG text
//! goes through a small backend wrapper that places glyphs with their side bearings (plotters 0.3.7 does
//! not). SVG keeps text as `<text>` elements with the family `sans-serif`: a viewer renders them with its
//! own fonts.

mod text;

pub use text::{record_text, recorded_text};

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font, text_anchor};

use crate::error::{Error, Result};
use crate::forecast::Dist;
use crate::targets::MetEvent;

/// The CJK font shipped with the project.
pub static FONT_BYTES: &[u8] = include_bytes!("fonts/wqy-microhei.ttc");
const FAMILY: &str = "sans-serif";

/// Register the shipped font once (idempotent). Fails only if the font file is corrupt.
pub fn init_fonts() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        ["sans-serif", "serif", "monospace"].iter().all(|family| {
            [FontStyle::Normal, FontStyle::Bold]
                .iter()
                .all(|style| register_font(family, *style, FONT_BYTES).is_ok())
        })
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Render(
            "the shipped chart font could not be loaded".into(),
        ))
    }
}

/// Characters of `text` that the shipped font has no glyph for (they would render as boxes).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let Ok(font) = FontRef::try_from_slice(FONT_BYTES) else {
        return text.chars().collect();
    };
    text.chars()
        .filter(|c| !c.is_whitespace() && font.glyph_id(*c).0 == 0)
        .collect()
}

/// Language of titles, labels and legends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Chinese (default).
    Zh,
    /// English.
    En,
}

/// Image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG bitmap.
    Png,
    /// SVG vector image.
    Svg,
}

impl Format {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Size, resolution, language and format of a chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Dots per inch: text and lines are scaled by `dpi / 96`.
    pub dpi: f64,
    /// Language.
    pub lang: Lang,
    /// Format.
    pub format: Format,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            width: 1600,
            height: 1000,
            dpi: 96.0,
            lang: Lang::Zh,
            format: Format::Png,
        }
    }
}

impl Style {
    fn px(&self, points: f64) -> u32 {
        (points * self.dpi / 96.0 * f64::from(self.width) / 1600.0)
            .round()
            .max(1.0) as u32
    }

    fn font(&self, points: f64) -> TextStyle<'static> {
        (FAMILY, self.px(points)).into_font().into()
    }

    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Format a number for reading: 5.5, 4,500, -0.3.
pub fn fmt_num(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && s.chars().any(|c| c != '0' && c != '.') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// The series legend of a chart, in the house style, at `position`.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    s: &Style,
    position: SeriesLabelPosition,
) -> Draw<DB> {
    chart
        .configure_series_labels()
        .label_font(s.font(20.0))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .position(position)
        .draw()
}

type Draw<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Render with the backend of the style's format into a temporary file, then rename into place.
macro_rules! render {
    ($path:expr, $style:expr, $draw:ident, $($arg:expr),*) => {{
        init_fonts()?;
        let style: &Style = $style;
        // A device or pipe (`--output /dev/null`) is rendered into a private temporary file and copied
        // into; a regular file (through any links) is replaced by renaming.
        let (path, in_place) = match crate::atomic::destination($path) {
            crate::atomic::Destination::InPlace(p) => (p, true),
            crate::atomic::Destination::Replace(p) => (p, false),
        };
        let path: &Path = &path;
        let (tmp, _guard) = if in_place {
            let guard = tempfile::Builder::new()
                .prefix(".chart.")
                .suffix(&format!(".{}", style.format.ext()))
                .tempfile()
                .map_err(|e| Error::Render(format!("chart {}: {e}", path.display())))?
                .into_temp_path();
            (guard.to_path_buf(), Some(guard))
        } else {
            (temp_path(path, style.format), None)
        };
        crate::outfiles::track(&tmp, true);
        let result: std::result::Result<(), String> = match style.format {
            Format::Png => {
                let root = text::GlyphFix(BitMapBackend::new(&tmp, (style.width, style.height))).into_drawing_area();
                $draw(&root, style, $($arg),*).and_then(|_| root.present()).map_err(|e| e.to_string())
            }
            Format::Svg => {
                let root = SVGBackend::new(&tmp, (style.width, style.height)).into_drawing_area();
                $draw(&root, style, $($arg),*).and_then(|_| root.present()).map_err(|e| e.to_string())
            }
        };
        let renamed = result.and_then(|_| {
            if in_place {
                std::fs::File::open(&tmp)
                    .and_then(|mut from| {
                        std::io::copy(&mut from, &mut crate::atomic::open_in_place(path)?)
                    })
                    .map(|_| ())
            } else {
                std::fs::rename(&tmp, path)
            }
            .map_err(|e| e.to_string())
        });
        crate::outfiles::track(&tmp, false);
        match renamed {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(Error::Render(format!("chart {}: {e}", path.display())))
            }
        }
    }};
}

mod scenario_fan;
pub use scenario_fan::{FanRow, scenario_fan};

mod bars;
mod curves;
mod fan;
pub use bars::*;
pub use curves::*;
pub use fan::*;

/// The temporary file a chart is drawn into next to `path`; its extension is the format's, since the
/// backend picks the image encoder by extension (`--output chart.dat` or a pipe still get a PNG).
fn temp_path(path: &Path, format: Format) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "chart".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(
        ".{name}.{}.tmp.{}",
        std::process::id(),
        format.ext()
    ))
}

const BAND: RGBColor = RGBColor(200, 30, 45);
const HISTORY: RGBColor = RGBColor(30, 30, 30);
const TARGET: RGBColor = RGBColor(20, 90, 180);
/// Year-to-date values of the forecast year (nowcast).
const YEAR_TO_DATE: RGBColor = RGBColor(230, 140, 0);
const LIKELY: RGBColor = RGBColor(40, 140, 70);
const TOSSUP: RGBColor = RGBColor(230, 160, 30);
const UNLIKELY: RGBColor = RGBColor(200, 50, 50);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_for_reading() {
        assert_eq!(fmt_num(4500.0, 0), "4,500");
        assert_eq!(fmt_num(5.5, 1), "5.5");
        assert_eq!(fmt_num(-1234.56, 1), "-1,234.6");
        assert_eq!(fmt_num(-0.01, 1), "0.0");
    }

    #[test]
    fn shipped_font_covers_chinese_and_english() {
        assert!(
            missing_glyphs("地区生产总值增速 P(达标) = 72% GDP growth ≥ ≤ → （）：").is_empty()
        );
    }
}

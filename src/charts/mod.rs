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
        Err(Error::Config(
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
                .map_err(|e| Error::Config(format!("chart {}: {e}", path.display())))?
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
                Err(Error::Config(format!("chart {}: {e}", path.display())))
            }
        }
    }};
}

mod scenario_fan;
pub use scenario_fan::{FanRow, scenario_fan};

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

/// One series' history and forecast, for a fan chart.
#[derive(Debug, Clone, PartialEq)]
pub struct FanData {
    /// Chart title (already in the chart's language).
    pub title: String,
    /// Unit label for the y axis, e.g. "%".
    pub unit: String,
    /// History: (year, value, preliminary?).
    pub history: Vec<(i32, f64, bool)>,
    /// Optional history of the parent region, drawn faintly, with its name.
    pub parent: Option<(String, Vec<(i32, f64)>)>,
    /// The forecast year.
    pub year: i32,
    /// The forecast distribution.
    pub dist: Dist,
    /// The target value, its met event and its qualifier word (about/at_least/...).
    pub target: (f64, MetEvent, String),
    /// Probability the target is met.
    pub p_met: f64,
    /// Year-to-date values of the forecast year the forecast was updated with: (share of the year
    /// elapsed, value), drawn between the last year and the forecast year.
    pub year_to_date: Vec<(f64, f64)>,
}

fn fan<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, s: &Style, d: &FanData) -> Draw<DB> {
    root.fill(&WHITE)?;
    let first = d
        .history
        .first()
        .map_or(d.year - 10, |h| h.0)
        .min(d.year - 1);
    let (lo95, hi95) = d.dist.interval(0.95);
    let mut ys: Vec<f64> = d.history.iter().map(|h| h.1).collect();
    ys.extend([lo95, hi95, d.target.0]);
    ys.extend(d.year_to_date.iter().map(|p| p.1));
    if let Some((_, p)) = &d.parent {
        ys.extend(p.iter().filter(|x| x.0 >= first).map(|x| x.1));
    }
    let (ymin, ymax) = ys
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &y| (a.min(y), b.max(y)));
    let pad = (ymax - ymin).max(1.0) * 0.08;
    // Headroom for the legend in the upper left corner.
    let top = ymax + (ymax - ymin).max(1.0) * 0.55;
    let mut chart = ChartBuilder::on(root)
        .caption(&d.title, s.font(34.0))
        .margin(s.px(24.0))
        .x_label_area_size(s.px(60.0))
        .y_label_area_size(s.px(80.0))
        .build_cartesian_2d(
            (first as f64 - 0.5)..(d.year as f64 + 0.8),
            (ymin - pad)..top,
        )?;
    chart
        .configure_mesh()
        .x_desc(s.t("年份", "Year"))
        .y_desc(d.unit.as_str())
        .x_labels((d.year - first + 2) as usize)
        .x_label_formatter(&year_label)
        .y_label_formatter(&|y| fmt_num(*y, 1))
        .label_style(s.font(20.0))
        .axis_desc_style(s.font(22.0))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    // Bank of England style bands: 95, 80, 50% nested, darker toward the centre, from the last
    // observation to the forecast year.
    let last = d.history.last().copied();
    for (level, alpha) in [(0.95, 0.18), (0.8, 0.3), (0.5, 0.45)] {
        let (lo, hi) = d.dist.interval(level);
        let x0 = last.map_or(d.year as f64 - 0.5, |l| l.0 as f64);
        let y0 = last.map_or(d.dist.mean, |l| l.1);
        let poly = vec![
            (x0, y0),
            (d.year as f64, hi),
            (d.year as f64 + 0.3, hi),
            (d.year as f64 + 0.3, lo),
            (d.year as f64, lo),
        ];
        let label = match level {
            l if l > 0.9 => s.t("95% 区间", "95% band"),
            l if l > 0.7 => s.t("80% 区间", "80% band"),
            _ => s.t("50% 区间", "50% band"),
        };
        chart
            .draw_series(std::iter::once(Polygon::new(
                poly,
                BAND.mix(alpha).filled(),
            )))?
            .label(label)
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 20, y + 6)], BAND.mix(alpha).filled())
            });
    }
    if let Some((name, p)) = &d.parent {
        let pts: Vec<(f64, f64)> = p
            .iter()
            .filter(|x| x.0 >= first)
            .map(|x| (x.0 as f64, x.1))
            .collect();
        chart
            .draw_series(LineSeries::new(
                pts,
                ShapeStyle::from(&RGBColor(150, 150, 150)).stroke_width(s.px(2.0)),
            ))?
            .label(name.clone())
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RGBColor(150, 150, 150)));
    }
    let hist: Vec<(f64, f64)> = d.history.iter().map(|h| (h.0 as f64, h.1)).collect();
    // Gaps stay gaps: draw the line only between consecutive years.
    for w in d.history.windows(2) {
        if w[1].0 == w[0].0 + 1 {
            chart.draw_series(LineSeries::new(
                [(w[0].0 as f64, w[0].1), (w[1].0 as f64, w[1].1)],
                ShapeStyle::from(&HISTORY).stroke_width(s.px(3.0)),
            ))?;
        }
    }
    let r = s.px(6.0);
    chart
        .draw_series(
            d.history
                .iter()
                .filter(|h| !h.2)
                .map(|h| Circle::new((h.0 as f64, h.1), r, HISTORY.filled())),
        )?
        .label(s.t("历史值", "History"))
        .legend(move |(x, y)| Circle::new((x + 10, y), 5, HISTORY.filled()));
    chart
        .draw_series(d.history.iter().filter(|h| h.2).map(|h| {
            Circle::new(
                (h.0 as f64, h.1),
                r,
                ShapeStyle::from(&HISTORY).stroke_width(s.px(2.0)),
            )
        }))?
        .label(s.t("初步值", "Preliminary"))
        .legend(move |(x, y)| {
            Circle::new((x + 10, y), 5, ShapeStyle::from(&HISTORY).stroke_width(2))
        });
    let _ = hist;
    if !d.year_to_date.is_empty() {
        let size = s.px(9.0);
        chart
            .draw_series(d.year_to_date.iter().map(|(share, v)| {
                TriangleMarker::new(
                    ((d.year - 1) as f64 + share, *v),
                    size,
                    YEAR_TO_DATE.filled(),
                )
            }))?
            .label(if s.lang == Lang::Zh {
                format!("{}年累计增速", d.year)
            } else {
                format!("{} year to date", d.year)
            })
            .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 6, YEAR_TO_DATE.filled()));
    }
    let median = d.dist.quantile(0.5);
    chart
        .draw_series(std::iter::once(Circle::new(
            (d.year as f64, median),
            s.px(8.0),
            BAND.filled(),
        )))?
        .label(s.t("预测中位数", "Forecast median"))
        .legend(move |(x, y)| Circle::new((x + 10, y), 6, BAND.filled()));
    // Target: a line for floors/ceilings, a band for "about" with its tolerance.
    let (tv, ev, q) = &d.target;
    let xs = (first as f64 - 0.5, d.year as f64 + 0.8);
    if q == "about" && (ev.bound - tv).abs() > 1e-9 {
        let (a, b) = if ev.bound < *tv {
            (ev.bound, *tv)
        } else {
            (*tv, ev.bound)
        };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(xs.0, a), (xs.1, b)],
            TARGET.mix(0.12).filled(),
        )))?;
    }
    chart
        .draw_series(LineSeries::new(
            [(xs.0, *tv), (xs.1, *tv)],
            ShapeStyle::from(&TARGET).stroke_width(s.px(2.0)),
        ))?
        .label(format!("{} {}", s.t("目标", "Target"), fmt_num(*tv, 1)))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], TARGET));
    legend(&mut chart, s, SeriesLabelPosition::UpperLeft)?;
    let text = format!(
        "{} = {}%",
        s.t("P(达标)", "P(met)"),
        fmt_num(100.0 * d.p_met, 0)
    );
    let pos = chart.backend_coord(&(d.year as f64 + 0.7, top));
    root.draw_text(
        &text,
        &s.font(30.0).color(&BLACK).pos(text_anchor::Pos::new(
            text_anchor::HPos::Right,
            text_anchor::VPos::Top,
        )),
        (pos.0, pos.1 + s.px(10.0) as i32),
    )?;
    Ok(())
}

/// Year tick labels: integers only (no repeated years on fractional ticks).
fn year_label(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{}", x.round() as i32)
    } else {
        String::new()
    }
}

/// Fan chart of one target: history, forecast bands, target, P(met).
pub fn fan_chart(d: &FanData, style: &Style, path: &Path) -> Result<()> {
    render!(path, style, fan, d)
}

/// One bar of the target scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// Target label, e.g. "淄博 地区生产总值增速 5.5%左右".
    pub label: String,
    /// Probability the target is met.
    pub p_met: f64,
}

fn verdict_colour(p: f64) -> RGBColor {
    if p >= 0.7 {
        LIKELY
    } else if p <= 0.3 {
        UNLIKELY
    } else {
        TOSSUP
    }
}

/// Horizontal bars: one row per label, `groups` bars per row with values in percent; optional text at the
/// right end of each row. Labels are drawn right-aligned in the left margin.
#[allow(clippy::too_many_arguments)]
fn bar_rows<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Style,
    title: &str,
    labels: &[String],
    values: &[Vec<f64>],
    colours: &dyn Fn(usize, f64) -> RGBColor,
    right_text: &[String],
    legend: &[(RGBColor, String)],
) -> Draw<DB> {
    let n = labels.len().max(1);
    let k = values.first().map_or(1, Vec::len).max(1);
    // The legend goes in a strip below the chart.
    let (area, strip) = root.split_vertically(root.dim_in_pixel().1 - s.px(60.0));
    let area = &area;
    let x_max = if right_text.is_empty() { 100.0 } else { 135.0 };
    let mut chart = ChartBuilder::on(area)
        .caption(title, s.font(34.0))
        .margin(s.px(24.0))
        .x_label_area_size(s.px(50.0))
        .y_label_area_size(s.px(520.0))
        .build_cartesian_2d(0.0..x_max, 0.0..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(11)
        .x_desc(s.t("达标概率（%）", "P(met), %"))
        .x_label_formatter(&|x| {
            if *x <= 100.0 + 1e-9 {
                fmt_num(*x, 0)
            } else {
                String::new()
            }
        })
        .light_line_style(WHITE.mix(0.0))
        .label_style(s.font(20.0))
        .axis_desc_style(s.font(22.0))
        .draw()?;
    for (r, label) in labels.iter().enumerate() {
        let top = (n - r) as f64; // first label at the top
        let (x, y) = chart.backend_coord(&(0.0, top - 0.5));
        area.draw_text(
            label,
            &s.font(20.0).color(&BLACK).pos(text_anchor::Pos::new(
                text_anchor::HPos::Right,
                text_anchor::VPos::Center,
            )),
            (x - s.px(12.0) as i32, y),
        )?;
        let slot = 0.8 / k as f64;
        for (j, v) in values[r].iter().enumerate() {
            let y1 = top - 0.1 - slot * j as f64;
            let y0 = y1 - slot * 0.9;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y0), (100.0 * v, y1)],
                colours(j, *v).filled(),
            )))?;
            if k == 1 {
                chart.draw_series(std::iter::once(Text::new(
                    format!("{}%", fmt_num(100.0 * v, 0)),
                    (100.0 * v + 1.0, (y0 + y1) / 2.0 + 0.12),
                    s.font(20.0),
                )))?;
            }
        }
        if let Some(t) = right_text.get(r) {
            chart.draw_series(std::iter::once(Text::new(
                t.clone(),
                (102.0, top - 0.35),
                s.font(18.0),
            )))?;
        }
    }
    let mut x = chart.backend_coord(&(0.0, 0.0)).0;
    let y = s.px(25.0) as i32;
    for (c, text) in legend {
        strip.draw(&Rectangle::new(
            [
                (x, y - s.px(10.0) as i32),
                (x + s.px(26.0) as i32, y + s.px(10.0) as i32),
            ],
            c.filled(),
        ))?;
        strip.draw_text(
            text,
            &s.font(20.0).color(&BLACK).pos(text_anchor::Pos::new(
                text_anchor::HPos::Left,
                text_anchor::VPos::Center,
            )),
            (x + s.px(34.0) as i32, y),
        )?;
        x += s.px(260.0) as i32;
    }
    Ok(())
}

fn scorecard_draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Style,
    title: &str,
    rows: &[ScoreRow],
) -> Draw<DB> {
    root.fill(&WHITE)?;
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let values: Vec<Vec<f64>> = rows.iter().map(|r| vec![r.p_met]).collect();
    let legend = [
        (
            LIKELY,
            s.t("可能达标（≥70%）", "likely (≥ 70%)").to_string(),
        ),
        (TOSSUP, s.t("难以判断", "toss-up").to_string()),
        (
            UNLIKELY,
            s.t("不太可能（≤30%）", "unlikely (≤ 30%)").to_string(),
        ),
    ];
    bar_rows(
        root,
        s,
        title,
        &labels,
        &values,
        &|_, v| verdict_colour(v),
        &[],
        &legend,
    )
}

/// Scorecard: one horizontal bar per target with P(met), coloured by verdict.
pub fn scorecard(title: &str, rows: &[ScoreRow], style: &Style, path: &Path) -> Result<()> {
    render!(path, style, scorecard_draw, title, rows)
}

/// One target under several scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    /// Target label.
    pub label: String,
    /// P(met) per scenario, aligned with the scenario names.
    pub p_met: Vec<f64>,
    /// Median outcome per scenario.
    pub median: Vec<f64>,
}

const SCENARIO_COLOURS: [RGBColor; 5] = [
    RGBColor(120, 120, 120),
    RGBColor(20, 90, 180),
    RGBColor(200, 50, 50),
    RGBColor(40, 140, 70),
    RGBColor(150, 80, 170),
];

fn scenarios_draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Style,
    names: &[String],
    rows: &[ScenarioRow],
) -> Draw<DB> {
    root.fill(&WHITE)?;
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let values: Vec<Vec<f64>> = rows.iter().map(|r| r.p_met.clone()).collect();
    let medians: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                s.t("中位数", "median"),
                r.median
                    .iter()
                    .map(|m| fmt_num(*m, 1))
                    .collect::<Vec<_>>()
                    .join(" / ")
            )
        })
        .collect();
    let legend: Vec<(RGBColor, String)> = names
        .iter()
        .enumerate()
        .map(|(j, n)| (SCENARIO_COLOURS[j % SCENARIO_COLOURS.len()], n.clone()))
        .collect();
    bar_rows(
        root,
        s,
        s.t(
            "情景比较：达标概率与中位数",
            "Scenarios: P(met) and median outcome",
        ),
        &labels,
        &values,
        &|j, _| SCENARIO_COLOURS[j % SCENARIO_COLOURS.len()],
        &medians,
        &legend,
    )
}

/// Scenario comparison: per target, P(met) under each scenario (bars) and the medians (text).
pub fn scenario_comparison(
    names: &[String],
    rows: &[ScenarioRow],
    style: &Style,
    path: &Path,
) -> Result<()> {
    render!(path, style, scenarios_draw, names, rows)
}

/// The required-driver curve.
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredData {
    /// Driver label (x axis).
    pub driver: String,
    /// Target label (title).
    pub target: String,
    /// (driver value, P(met)).
    pub curve: Vec<(f64, f64)>,
    /// Requested probability.
    pub prob: f64,
    /// Required value, if reached.
    pub value: Option<f64>,
}

fn required_draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Style,
    d: &RequiredData,
) -> Draw<DB> {
    root.fill(&WHITE)?;
    let x0 = d.curve.first().map_or(0.0, |c| c.0);
    let x1 = d.curve.last().map_or(1.0, |c| c.0).max(x0 + 1e-6);
    let title = format!(
        "{}：{}",
        s.t("所需驱动值", "Required driver value"),
        d.target
    );
    let mut chart = ChartBuilder::on(root)
        .caption(title, s.font(32.0))
        .margin(s.px(24.0))
        .x_label_area_size(s.px(60.0))
        .y_label_area_size(s.px(80.0))
        .build_cartesian_2d(x0..x1, 0.0..100.0)?;
    chart
        .configure_mesh()
        .x_desc(format!("{}（%）", d.driver))
        .y_desc(s.t("达标概率（%）", "P(met), %"))
        .x_label_formatter(&|x| fmt_num(*x, 1))
        .y_label_formatter(&|y| fmt_num(*y, 0))
        .light_line_style(WHITE.mix(0.0))
        .label_style(s.font(20.0))
        .axis_desc_style(s.font(22.0))
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            d.curve.iter().map(|(x, p)| (*x, 100.0 * p)),
            ShapeStyle::from(&BAND).stroke_width(s.px(3.0)),
        ))?
        .label(s.t("达标概率", "P(met)"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BAND));
    chart
        .draw_series(LineSeries::new(
            [(x0, 100.0 * d.prob), (x1, 100.0 * d.prob)],
            ShapeStyle::from(&TARGET).stroke_width(s.px(2.0)),
        ))?
        .label(format!(
            "{} {}%",
            s.t("要求概率", "Requested"),
            fmt_num(100.0 * d.prob, 0)
        ))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], TARGET));
    if let Some(v) = d.value {
        chart.draw_series(LineSeries::new(
            [(v, 0.0), (v, 100.0 * d.prob)],
            ShapeStyle::from(&BLACK).stroke_width(s.px(2.0)),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("{} = {}%", s.t("所需值", "required"), fmt_num(v, 1)),
            (v, 100.0 * d.prob + 4.0),
            s.font(22.0),
        )))?;
    } else {
        chart.draw_series(std::iter::once(Text::new(
            s.t(
                "在合理范围内无法达到所要求的概率",
                "no value in the plausible range reaches the requested probability",
            )
            .to_string(),
            (x0 + (x1 - x0) * 0.05, 92.0),
            s.font(22.0),
        )))?;
    }
    legend(&mut chart, s, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// Required-driver curve: P(met) against the driver value, requested probability and required value marked.
pub fn required_curve(d: &RequiredData, style: &Style, path: &Path) -> Result<()> {
    render!(path, style, required_draw, d)
}

/// Backtest of one series: (origin, actual, forecast mean, lo80, hi80).
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestData {
    /// Title.
    pub title: String,
    /// One-year-ahead forecasts across origins.
    pub points: Vec<(i32, f64, f64, f64, f64)>,
    /// Coverage: (nominal %, achieved %) pairs, pooled over all series.
    pub coverage: Vec<(f64, f64)>,
}

fn backtest_draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Style,
    d: &BacktestData,
) -> Draw<DB> {
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally((f64::from(s.width) * 0.68) as u32);
    let x0 = d.points.first().map_or(2000, |p| p.0) as f64 - 0.5;
    let x1 = d.points.last().map_or(2001, |p| p.0) as f64 + 0.5;
    let (ymin, ymax) = d
        .points
        .iter()
        .flat_map(|p| [p.1, p.3, p.4])
        .fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let (ymin, ymax) = if ymin <= ymax {
        (ymin, ymax)
    } else {
        (0.0, 1.0)
    };
    let pad = (ymax - ymin).max(1.0) * 0.08;
    let mut chart = ChartBuilder::on(&left)
        .caption(&d.title, s.font(30.0))
        .margin(s.px(20.0))
        .x_label_area_size(s.px(60.0))
        .y_label_area_size(s.px(80.0))
        .build_cartesian_2d(x0..x1, (ymin - pad)..(ymax + pad))?;
    chart
        .configure_mesh()
        .x_desc(s.t("预测年份", "Year forecast"))
        .y_desc("%")
        .x_labels((x1 - x0).round() as usize + 1)
        .x_label_formatter(&year_label)
        .light_line_style(WHITE.mix(0.0))
        .label_style(s.font(20.0))
        .axis_desc_style(s.font(22.0))
        .draw()?;
    chart
        .draw_series(d.points.iter().map(|p| {
            let x = p.0 as f64;
            Rectangle::new([(x - 0.18, p.3), (x + 0.18, p.4)], BAND.mix(0.3).filled())
        }))?
        .label(s.t("80% 预测区间", "80% interval"))
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], BAND.mix(0.3).filled()));
    chart
        .draw_series(
            d.points
                .iter()
                .map(|p| Circle::new((p.0 as f64, p.2), s.px(6.0), BAND.filled())),
        )?
        .label(s.t("提前一年预测", "One-year-ahead forecast"))
        .legend(|(x, y)| Circle::new((x + 10, y), 5, BAND.filled()));
    chart
        .draw_series(d.points.iter().map(|p| {
            Cross::new(
                (p.0 as f64, p.1),
                s.px(8.0),
                ShapeStyle::from(&HISTORY).stroke_width(s.px(3.0)),
            )
        }))?
        .label(s.t("实际值", "Actual"))
        .legend(|(x, y)| Cross::new((x + 10, y), 5, HISTORY));
    legend(&mut chart, s, SeriesLabelPosition::UpperRight)?;
    let mut cov = ChartBuilder::on(&right)
        .caption(
            s.t("区间覆盖率（全部序列）", "Interval coverage (all series)"),
            s.font(26.0),
        )
        .margin(s.px(20.0))
        .x_label_area_size(s.px(60.0))
        .y_label_area_size(s.px(70.0))
        .build_cartesian_2d(40.0..100.0, 40.0..100.0)?;
    cov.configure_mesh()
        .x_desc(s.t("名义覆盖率（%）", "Nominal (%)"))
        .y_desc(s.t("实际覆盖率（%）", "Achieved (%)"))
        .x_label_formatter(&|x| fmt_num(*x, 0))
        .y_label_formatter(&|y| fmt_num(*y, 0))
        .light_line_style(WHITE.mix(0.0))
        .label_style(s.font(18.0))
        .axis_desc_style(s.font(20.0))
        .draw()?;
    cov.draw_series(LineSeries::new(
        [(40.0, 40.0), (100.0, 100.0)],
        ShapeStyle::from(&BLACK.mix(0.4)).stroke_width(s.px(2.0)),
    ))?;
    cov.draw_series(
        d.coverage
            .iter()
            .map(|(n, a)| Circle::new((*n, *a), s.px(8.0), TARGET.filled())),
    )?;
    cov.draw_series(d.coverage.iter().map(|(n, a)| {
        Text::new(
            format!("{}%→{}%", fmt_num(*n, 0), fmt_num(*a, 0)),
            (*n - 14.0, *a + 3.0),
            s.font(18.0),
        )
    }))?;
    Ok(())
}

/// Backtest chart: actual values vs one-year-ahead forecasts with 80% intervals, and a coverage panel.
pub fn backtest_chart(d: &BacktestData, style: &Style, path: &Path) -> Result<()> {
    render!(path, style, backtest_draw, d)
}

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

//! The fan chart of one target: history, the parent region, the forecast bands, the year-to-date
//! point and the target.

use super::*;

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

pub(super) fn fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Style,
    d: &FanData,
) -> Draw<DB> {
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
    // observation to the forecast year. When the series stops before the year of the forecast's
    // origin (no value for the years in between), the years without data are shaded as such and the
    // bands stand at the forecast year alone, instead of a fan drawn through the gap as if forecast.
    let last = d.history.last().copied();
    let gap = last.filter(|l| l.0 < d.year - 1);
    if let Some(l) = gap {
        let (y_lo, y_hi) = (ymin - pad, top);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(l.0 as f64 + 0.5, y_lo), ((d.year - 1) as f64 + 0.5, y_hi)],
                RGBColor(120, 120, 120).mix(0.12).filled(),
            )))?
            .label(s.t("无数据年份", "Years without data"))
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 6), (x + 20, y + 6)],
                    RGBColor(120, 120, 120).mix(0.25).filled(),
                )
            });
    }
    for (level, alpha) in [(0.95, 0.18), (0.8, 0.3), (0.5, 0.45)] {
        let (lo, hi) = d.dist.interval(level);
        let x = d.year as f64;
        let poly = match last {
            Some(l) if gap.is_none() => vec![
                (l.0 as f64, l.1),
                (x, hi),
                (x + 0.3, hi),
                (x + 0.3, lo),
                (x, lo),
            ],
            Some(_) => vec![(x - 0.3, hi), (x + 0.3, hi), (x + 0.3, lo), (x - 0.3, lo)],
            None => vec![
                (x - 0.5, d.dist.mean),
                (x, hi),
                (x + 0.3, hi),
                (x + 0.3, lo),
                (x, lo),
            ],
        };
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
pub(super) fn year_label(x: &f64) -> String {
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

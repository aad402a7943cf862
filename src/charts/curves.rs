//! Curve charts: the required-driver curve and a series' backtest.

use super::*;

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

pub(super) fn required_draw<DB: DrawingBackend>(
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
    /// Coverage of this series' backtest: (nominal %, achieved %) pairs (the report states the pooled
    /// coverage of all series once, in its text).
    pub coverage: Vec<(f64, f64)>,
}

pub(super) fn backtest_draw<DB: DrawingBackend>(
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
            format!(
                "{}{}",
                s.t(
                    "区间覆盖率（本序列）n = ",
                    "Interval coverage, this series: n = "
                ),
                d.points.len()
            ),
            s.font(24.0),
        )
        .margin(s.px(20.0))
        .x_label_area_size(s.px(60.0))
        .y_label_area_size(s.px(70.0))
        .build_cartesian_2d(40.0..100.0, 0.0..100.0)?;
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
            (*n - 14.0, *a + 4.0),
            s.font(18.0),
        )
    }))?;
    Ok(())
}

/// Backtest chart: actual values vs one-year-ahead forecasts with 80% intervals, and a coverage panel.
pub fn backtest_chart(d: &BacktestData, style: &Style, path: &Path) -> Result<()> {
    render!(path, style, backtest_draw, d)
}

//! The scenario fan of one target: its distribution under the engine's forecast (no assumptions) and
//! under each scenario, side by side (80% and 95% intervals, median), with the target line.

use super::*;

/// One row of the scenario fan: a scenario's distribution of the target series.
#[derive(Debug, Clone, PartialEq)]
pub struct FanRow {
    /// Scenario name (`engine`: no assumptions).
    pub scenario: String,
    /// 2.5% and 97.5% quantiles.
    pub q95: (f64, f64),
    /// 10% and 90% quantiles.
    pub q80: (f64, f64),
    /// Median.
    pub median: f64,
    /// P(met).
    pub p_met: f64,
}

fn scenario_fan_draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Style,
    title: &str,
    target: f64,
    rows: &[FanRow],
) -> Draw<DB> {
    root.fill(&WHITE)?;
    let lo = rows.iter().map(|r| r.q95.0).fold(target, f64::min);
    let hi = rows.iter().map(|r| r.q95.1).fold(target, f64::max);
    let pad = ((hi - lo) * 0.08).max(0.5);
    let (x0, x1) = (lo - pad, hi + pad);
    let n = rows.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, s.font(30.0))
        .margin(s.px(24.0))
        .x_label_area_size(s.px(60.0))
        .y_label_area_size(s.px(20.0))
        .build_cartesian_2d(x0..x1, 0.0..n)?;
    chart
        .configure_mesh()
        .x_desc(s.t("增速（%）", "growth, %"))
        .x_label_formatter(&|x| fmt_num(*x, 1))
        .y_labels(0)
        .disable_y_mesh()
        .light_line_style(WHITE.mix(0.0))
        .label_style(s.font(20.0))
        .axis_desc_style(s.font(22.0))
        .draw()?;
    for (i, r) in rows.iter().enumerate() {
        // Top to bottom in the given order (the engine first).
        let y = n - i as f64 - 0.5;
        let colour = if i == 0 {
            HISTORY
        } else {
            SCENARIO_COLOURS[(i - 1) % SCENARIO_COLOURS.len()]
        };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(r.q95.0, y - 0.08), (r.q95.1, y + 0.08)],
            colour.mix(0.35).filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(r.q80.0, y - 0.22), (r.q80.1, y + 0.22)],
            colour.mix(0.75).filled(),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (r.median, y),
            s.px(6.0),
            BLACK.filled(),
        )))?;
        // The scenario's name and P(met) above its bars.
        chart.draw_series(std::iter::once(Text::new(
            format!(
                "{}  {} {}%",
                r.scenario,
                s.t("达标概率", "P(met)"),
                fmt_num(100.0 * r.p_met, 0)
            ),
            (x0 + 0.01 * (x1 - x0), y + 0.42),
            s.font(22.0),
        )))?;
    }
    chart
        .draw_series(LineSeries::new(
            [(target, 0.0), (target, n)],
            ShapeStyle::from(&TARGET).stroke_width(s.px(3.0)),
        ))?
        .label(format!("{} {}%", s.t("目标", "target"), fmt_num(target, 1)))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], TARGET));
    legend(&mut chart, s, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

/// Draw the scenario fan of one target (`title`, the target's bound `target`) to `path`.
pub fn scenario_fan(
    title: &str,
    target: f64,
    rows: &[FanRow],
    style: &Style,
    path: &Path,
) -> Result<()> {
    if rows.is_empty()
        || !target.is_finite()
        || rows.iter().any(|r| {
            ![r.q95.0, r.q95.1, r.q80.0, r.q80.1, r.median]
                .iter()
                .all(|v| v.is_finite())
        })
    {
        return Err(Error::Render(format!(
            "{}: no finite scenario distribution to draw",
            path.display()
        )));
    }
    render!(path, style, scenario_fan_draw, title, target, rows)
}

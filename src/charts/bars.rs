//! Bar charts: the targets' scorecard and the scenario comparison.

use super::*;

/// One bar of the target scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// Target label, e.g. "淄博 地区生产总值增速 5.5%左右".
    pub label: String,
    /// Probability the target is met.
    pub p_met: f64,
}

pub(super) fn verdict_colour(p: f64) -> RGBColor {
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
pub(super) fn bar_rows<DB: DrawingBackend>(
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

pub(super) fn scorecard_draw<DB: DrawingBackend>(
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

pub(super) const SCENARIO_COLOURS: [RGBColor; 5] = [
    RGBColor(120, 120, 120),
    RGBColor(20, 90, 180),
    RGBColor(200, 50, 50),
    RGBColor(40, 140, 70),
    RGBColor(150, 80, 170),
];

pub(super) fn scenarios_draw<DB: DrawingBackend>(
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

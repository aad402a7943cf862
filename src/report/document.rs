//! The report a planner pastes: `report.html` (charts embedded, opens offline) and `report.md`.

use super::*;

pub use crate::scenario::BUNDLED_SCENARIOS;

/// Draw every chart of a run into `out/charts/` and write `out/report.html` (charts embedded) and
/// `out/report.md`, with the scenario table of `scenarios` ([`crate::scenario::report_scenarios`];
/// empty: none). Returns the number of charts drawn.
pub fn write_charts_and_report(
    run: &RunResult,
    scenarios: &crate::scenario::ReportScenarios,
    style: &Style,
    out: &Path,
) -> Result<usize> {
    let scen = scenarios.table();
    let charts = run_charts(run, scen, style, &out.join("charts"))?;
    let (html, md) = report_documents(run, style, &charts, scen, out)?;
    write_atomic(
        out,
        &[("report.html".into(), html), ("report.md".into(), md)],
    )?;
    Ok(charts.len())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Today's date in Beijing time (UTC+8, where the planners are) as YYYY-MM-DD, from the system clock.
pub fn today() -> String {
    let (y, m, d) = crate::data::today_at_offset(8);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Whether a table cell holds a number, a percentage or an interval (right-aligned).
fn numeric(cell: &str) -> bool {
    let c = cell.trim().trim_end_matches('%');
    !c.is_empty() && (c.parse::<f64>().is_ok() || (c.starts_with('[') && c.ends_with(']')))
}

/// A short label of a source for a table cell: the host of a web address, else its first words.
fn source_label(source: &str) -> String {
    let s = source.trim();
    if let Some(rest) = s.split("://").nth(1) {
        return rest.split(['/', ' ']).next().unwrap_or(rest).to_string();
    }
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// A document built once and written as HTML and as Markdown.
struct Doc {
    html: String,
    md: String,
}

impl Doc {
    fn heading(&mut self, level: usize, text: &str) {
        self.html
            .push_str(&format!("<h{level}>{}</h{level}>\n", esc(text)));
        self.md
            .push_str(&format!("{} {}\n\n", "#".repeat(level), text));
    }

    fn para(&mut self, text: &str) {
        self.html.push_str(&format!("<p>{}</p>\n", esc(text)));
        self.md.push_str(&format!("{text}\n\n"));
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        self.html.push_str("<table>\n<tr>");
        for h in header {
            self.html.push_str(&format!("<th>{}</th>", esc(h)));
        }
        self.html.push_str("</tr>\n");
        for r in rows {
            self.html.push_str("<tr>");
            for c in r {
                let class = if numeric(c) { " class=\"num\"" } else { "" };
                self.html.push_str(&format!("<td{class}>{}</td>", esc(c)));
            }
            self.html.push_str("</tr>\n");
        }
        self.html.push_str("</table>\n");
        let cell = |c: &String| c.replace('|', "\\|");
        self.md.push_str(&format!(
            "| {} |\n",
            header.iter().map(cell).collect::<Vec<_>>().join(" | ")
        ));
        self.md
            .push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for r in rows {
            self.md.push_str(&format!(
                "| {} |\n",
                r.iter().map(cell).collect::<Vec<_>>().join(" | ")
            ));
        }
        self.md.push('\n');
    }

    /// The numbered list of full source references under the sources table.
    fn sources(&mut self, sources: &[String]) {
        if sources.is_empty() {
            return;
        }
        self.html.push_str("<ol class=\"sources\">\n");
        for s in sources {
            self.html.push_str(&format!("<li>{}</li>\n", esc(s)));
        }
        self.html.push_str("</ol>\n");
        for (i, s) in sources.iter().enumerate() {
            self.md.push_str(&format!("{}. {s}\n", i + 1));
        }
        self.md.push('\n');
    }

    fn image(&mut self, path: &Path, out: &Path, alt: &str) -> Result<()> {
        use base64::Engine;
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mime = if path.extension().is_some_and(|e| e == "svg") {
            "image/svg+xml"
        } else {
            "image/png"
        };
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.html.push_str(&format!(
            "<figure><img alt=\"{}\" src=\"data:{mime};base64,{b64}\"></figure>\n",
            esc(alt)
        ));
        let rel = path.strip_prefix(out).unwrap_or(path);
        self.md
            .push_str(&format!("![{alt}]({})\n\n", rel.display()));
        Ok(())
    }
}

fn report_documents(
    run: &RunResult,
    style: &Style,
    charts: &[PathBuf],
    scenarios: Option<(&[String], &[Vec<Outcome>])>,
    out: &Path,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let zh = style.lang == Lang::Zh;
    let t = |a: &'static str, b: &'static str| if zh { a } else { b };
    let names = Names::new(&run.data, style.lang);
    let spec = run.as_of_spec();
    let title = match (zh, spec.period) {
        (true, None) => format!(
            "{}年目标能否实现？indicast 评估（截至{}年12月）",
            run.as_of + 1,
            run.as_of
        ),
        (false, None) => format!(
            "Will the {} targets be met? indicast assessment as of December {}",
            run.as_of + 1,
            run.as_of
        ),
        (true, Some(_)) => format!(
            "{}年目标能否实现？indicast 评估（{}）",
            run.as_of + 1,
            spec.label_zh()
        ),
        (false, Some(_)) => format!(
            "Will the {} targets be met? indicast assessment {}",
            run.as_of + 1,
            spec.label_en()
        ),
    };
    let mut d = Doc {
        html: format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>body{{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",\"WenQuanYi Micro Hei\",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}table{{border-collapse:collapse;margin:1em 0;max-width:100%}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}td.num{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}}ol.sources{{font-size:90%;overflow-wrap:anywhere}}img{{max-width:100%}}figure{{margin:1em 0}}</style></head><body>\n",
            if zh { "zh" } else { "en" },
            esc(&title)
        ),
        md: String::new(),
    };
    d.heading(1, &title);
    let (colon, stop) = if zh { ("：", "。") } else { (": ", ". ") };
    d.para(&format!(
        "{}{colon}{}{}{stop}{}{colon}{}{stop}{}",
        t("生成日期", "Generated"),
        today(),
        t("（北京时间）", " (Beijing time)"),
        t("数据截至", "Data up to"),
        match spec.period {
            None => run.as_of.to_string(),
            Some(p) if run.nowcasts.is_empty() && zh => format!(
                "{}年全年（无可用的{}年{}累计值，预测同12月）",
                run.as_of,
                run.as_of + 1,
                p.label_zh()
            ),
            Some(p) if run.nowcasts.is_empty() => format!(
                "{} (full year; no usable {} {} year-to-date value: the forecasts are December's)",
                run.as_of,
                run.as_of + 1,
                p.label_en()
            ),
            Some(p) if zh => format!("{}年全年、{}年{}累计", run.as_of, run.as_of + 1, p.label_zh()),
            Some(p) => format!("{} (full year), {} {} (year to date)", run.as_of, run.as_of + 1, p.label_en()),
        },
        t(
            "预测规则经滚动原点回测选定（以“与上年持平”为基准）：有上级地区的序列取上级预测加本地区的持续差距，全国取上年值（物价另加近5年均值）；区间按此前年份的回测误差校准。",
            "Forecast rule chosen by rolling-origin backtests against \"same as last year\": a region with a parent takes the parent's forecast plus its persistent gap, the nation its last value (prices also the 5-year mean); intervals are calibrated on earlier backtest errors."
        )
    ));
    d.heading(2, t("目标评估", "Assessment"));
    // The focus regions only (those of the primary data, not of --add-data directories).
    let focus: Vec<&targets::Assessment> = run
        .assessments
        .iter()
        .filter(|a| run.data.in_focus(&a.target.region))
        .collect();
    let rows: Vec<Vec<String>> = focus
        .iter()
        .map(|a| match (a.dist, a.p_met) {
            (Some(dist), Some(p)) => {
                let (lo, hi) = dist.interval(0.8);
                vec![
                    names.target_label(&a.target),
                    format!("{}%", charts::fmt_num(dist.mean, 1)),
                    format!("[{}, {}]", charts::fmt_num(lo, 1), charts::fmt_num(hi, 1)),
                    format!("{}%", charts::fmt_num(100.0 * p, 0)),
                    {
                        let verdict = if zh {
                            targets::verdict_zh(p)
                        } else {
                            targets::verdict(p)
                        }
                        .to_string();
                        match a.evidence.note(zh) {
                            Some(n) if zh => format!("{verdict}（{n}）"),
                            Some(n) => format!("{verdict} ({n})"),
                            None => verdict,
                        }
                    },
                ]
            }
            _ => vec![
                names.target_label(&a.target),
                String::new(),
                String::new(),
                String::new(),
                a.reason.clone().unwrap_or_default(),
            ],
        })
        .collect();
    d.table(
        &[
            t("目标", "Target"),
            t("预测均值", "Forecast mean"),
            t("80% 区间", "80% interval"),
            t("达标概率", "P(met)"),
            t("判断", "Verdict"),
        ]
        .map(String::from),
        &rows,
    );
    let hidden = run.assessments.len() - focus.len();
    if hidden > 0 {
        let regions: std::collections::BTreeSet<String> = run
            .assessments
            .iter()
            .filter(|a| !run.data.in_focus(&a.target.region))
            .map(|a| names.region(&a.target.region))
            .collect();
        let regions: Vec<String> = regions.into_iter().collect();
        d.para(&if zh {
            format!(
                "另有 {hidden} 个追加数据地区的目标已评估但未列出（{}），见 assessment.csv。",
                regions.join("、")
            )
        } else {
            format!(
                "{hidden} targets of added regions ({}) are assessed too but not listed here: see assessment.csv.",
                regions.join(", ")
            )
        });
    }
    for c in charts
        .iter()
        .filter(|c| c.file_stem().is_some_and(|s| s == "scorecard"))
    {
        d.image(c, out, t("目标达成概率", "Target scorecard"))?;
    }
    d.heading(2, t("扇形图", "Fan charts"));
    for c in charts.iter().filter(|c| {
        c.file_stem()
            .is_some_and(|s| s.to_string_lossy().starts_with("fan_"))
    }) {
        d.image(c, out, &c.file_stem().unwrap_or_default().to_string_lossy())?;
    }
    if let Some((snames, outcomes)) = scenarios {
        d.heading(2, t("情景", "Scenarios"));
        d.para(t(
            "情景文件见 examples/scenarios/；“引擎（无假设）”为不加任何假设的引擎预测。单元格为达标概率（%）。",
            "Scenario files in examples/scenarios/; 'engine (no assumptions)' is the engine's forecast without assumptions. Cells: P(met), %.",
        ));
        let mut header = vec![t("目标", "Target").to_string()];
        header.extend(snames.iter().map(|n| names.scenario(n)));
        let rows: Vec<Vec<String>> = outcomes[0]
            .iter()
            .filter(|o| run.data.in_focus(&run.assessments[o.target].target.region))
            .map(|o| {
                let mut r = vec![names.target_label(&run.assessments[o.target].target)];
                for os in outcomes {
                    let p = os
                        .iter()
                        .find(|x| x.target == o.target)
                        .map_or(f64::NAN, |x| x.p_met);
                    r.push(charts::fmt_num(100.0 * p, 1));
                }
                r
            })
            .collect();
        d.table(&header, &rows);
        for c in charts
            .iter()
            .filter(|c| c.file_stem().is_some_and(|s| s == "scenarios"))
        {
            d.image(c, out, t("情景比较", "Scenario comparison"))?;
        }
    }
    d.heading(2, t("回测", "Backtests"));
    let cov = pooled_coverage(run);
    d.para(&format!(
        "{} {}",
        t(
            "全部序列提前一年预测的区间覆盖率（名义→实际）：",
            "Coverage of one-year-ahead intervals, all series (nominal → achieved):"
        ),
        cov.iter()
            .map(|(n, a)| format!("{}% → {}%", charts::fmt_num(*n, 0), charts::fmt_num(*a, 1)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut rows = Vec::new();
    for a in &focus {
        let key = (a.target.region.clone(), a.target.indicator.clone());
        let acc = Accuracy::of(
            run.backtest
                .iter()
                .filter(|b| b.model == "combined" && b.key == key),
        );
        if acc.n > 0 {
            rows.push(vec![
                names.series(&key.0, &key.1),
                acc.n.to_string(),
                charts::fmt_num(acc.mae, 2),
                format!("{}%", charts::fmt_num(100.0 * acc.coverage80, 0)),
                format!("{}%", charts::fmt_num(100.0 * acc.coverage95, 0)),
            ]);
        }
    }
    d.table(
        &[
            t("序列", "Series"),
            "n",
            t("平均绝对误差", "MAE"),
            t("80% 覆盖", "80% coverage"),
            t("95% 覆盖", "95% coverage"),
        ]
        .map(String::from),
        &rows,
    );
    let calls: Vec<Vec<String>> = calls_summary(run)
        .into_iter()
        .map(|mut row| {
            row[0] = names.method(&row[0]);
            row
        })
        .collect();
    if !calls.is_empty() {
        d.para(t(
            "历史目标判断（提前一年），Brier 分数越低越好：",
            "Historical target calls (one year ahead); lower Brier is better:",
        ));
        d.table(
            &[
                t("方法", "Method"),
                "n",
                "Brier",
                t("对数得分", "Log score"),
            ]
            .map(String::from),
            &calls,
        );
    }
    for c in charts.iter().filter(|c| {
        c.file_stem()
            .is_some_and(|s| s.to_string_lossy().starts_with("backtest_"))
    }) {
        d.image(c, out, &c.file_stem().unwrap_or_default().to_string_lossy())?;
    }
    d.heading(2, t("数据来源与版本", "Data sources and vintages used"));
    // Sources as numbered notes: a short label in the table, the full reference in the list below it.
    let mut sources: Vec<String> = Vec::new();
    let mut cite = |source: &str| -> String {
        if source.trim().is_empty() {
            return String::new();
        }
        let n = match sources.iter().position(|s| s == source) {
            Some(i) => i + 1,
            None => {
                sources.push(source.to_string());
                sources.len()
            }
        };
        format!("[{n}] {}", source_label(source))
    };
    let mut rows = Vec::new();
    for a in &focus {
        let key = (a.target.region.clone(), a.target.indicator.clone());
        if let Some(s) = run.panel.growth.get(&key) {
            for p in s.upto(run.as_of).iter().rev().take(6) {
                rows.push(vec![
                    names.series(&key.0, &key.1),
                    p.year.to_string(),
                    charts::fmt_num(p.value, 2),
                    names.vintage(p.vintage).to_string(),
                    names.confidence(p.confidence).to_string(),
                    cite(&p.source),
                ]);
            }
        }
        rows.push(vec![
            names.series(&key.0, &key.1),
            a.target.year.to_string(),
            names.target(&a.target),
            t("目标", "target").to_string(),
            String::new(),
            cite(&a.target.source),
        ]);
    }
    d.table(
        &[
            t("序列", "Series"),
            t("年份", "Year"),
            t("数值", "Value"),
            t("版本", "Vintage"),
            t("可信度", "Confidence"),
            t("来源", "Source"),
        ]
        .map(String::from),
        &rows,
    );
    d.para(t(
        "每个序列最近 6 个观测值；全部观测值及所用行号见 observations_used.csv。",
        "The last 6 observations of each series; every value and the row it came from are in observations_used.csv.",
    ));
    d.sources(&sources);
    d.html.push_str("</body></html>\n");
    Ok((d.html.into_bytes(), d.md.into_bytes()))
}

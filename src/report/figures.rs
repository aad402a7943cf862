//! Charts of a run and charts redrawn from result CSVs: the names in Chinese or English, and the
//! adapters from result types to the chart functions.

use super::*;

/// Chinese and English names of a target's parts, for charts and reports.
pub struct Names<'a> {
    data: &'a crate::data::Dataset,
    lang: Lang,
}

impl<'a> Names<'a> {
    /// Names in `lang`, from the regions and indicator metadata of `data`.
    pub fn new(data: &'a crate::data::Dataset, lang: Lang) -> Names<'a> {
        Names { data, lang }
    }

    /// Region name (淄博市 / Zibo).
    pub fn region(&self, region: &str) -> String {
        match self.lang {
            Lang::Zh => self
                .data
                .regions
                .get(region)
                .map(|r| r.name_zh.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| region.to_string()),
            Lang::En => region.to_string(),
        }
    }

    /// Indicator name from indicator_meta.csv (the id when unknown).
    pub fn indicator(&self, id: &str) -> String {
        let m = self.data.meta.get(id);
        let name = match self.lang {
            Lang::Zh => m.map(|m| m.name_zh.clone()),
            Lang::En => m.map(|m| m.name_en.clone()),
        };
        name.filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.to_string())
    }

    /// Target text: 5.5%左右 / about 5.5%.
    pub fn target(&self, t: &crate::data::Target) -> String {
        self.target_text(t.value, t.qualifier)
    }

    /// Text of a target value and qualifier: 5.5%左右 / about 5.5%.
    pub fn target_text(&self, value: f64, qualifier: Qualifier) -> String {
        let v = format!(
            "{}%",
            crate::charts::fmt_num(value, 1).trim_end_matches(".0")
        );
        match (self.lang, qualifier) {
            (Lang::Zh, Qualifier::About) => format!("{v}左右"),
            (Lang::Zh, Qualifier::AtLeast) => format!("{v}以上"),
            (Lang::Zh, Qualifier::AtMost) => format!("{v}以内"),
            (Lang::Zh, Qualifier::Range) => format!("{v}起"),
            (Lang::Zh, Qualifier::Other) => v,
            (Lang::En, Qualifier::About) => format!("about {v}"),
            (Lang::En, Qualifier::AtLeast) => format!("≥ {v}"),
            (Lang::En, Qualifier::AtMost) => format!("≤ {v}"),
            (Lang::En, Qualifier::Range) => format!("from {v}"),
            (Lang::En, Qualifier::Other) => v,
        }
    }

    /// Indicator name as it applies to `region`: for the nation (the root region named 中国 or 全国)
    /// 地区生产总值 (a region's GDP) reads 国内生产总值 (the nation's). A root that is a province or a city
    /// (a `--data` directory of one's own) keeps 地区生产总值.
    pub fn indicator_of(&self, region: &str, id: &str) -> String {
        let name = self.indicator(id);
        let national = self.data.regions.get(region).is_some_and(|r| {
            r.parent.is_none() && matches!(r.name_zh.as_str(), "中国" | "全国" | "中华人民共和国")
        });
        if national && self.lang == Lang::Zh {
            name.replace("地区生产总值", "国内生产总值")
        } else {
            name
        }
    }

    /// Region and indicator: 淄博市 地区生产总值增速, 中国 国内生产总值增速.
    pub fn series(&self, region: &str, indicator: &str) -> String {
        format!(
            "{} {}",
            self.region(region),
            self.indicator_of(region, indicator)
        )
    }

    /// A data vintage in words (初步数 / preliminary).
    pub fn vintage(&self, v: crate::data::Vintage) -> &'static str {
        use crate::data::Vintage::*;
        match (self.lang, v) {
            (Lang::Zh, Derived) => "推算",
            (Lang::Zh, Preliminary) => "初步数",
            (Lang::Zh, Reported) => "公报数",
            (Lang::Zh, Initial) => "初步核算",
            (Lang::Zh, Revised) => "修订数",
            (Lang::En, v) => v.as_str(),
        }
    }

    /// A source's confidence in words (高 / high).
    pub fn confidence(&self, c: crate::data::Confidence) -> &'static str {
        use crate::data::Confidence::*;
        match (self.lang, c) {
            (Lang::Zh, Low) => "低",
            (Lang::Zh, Medium) => "中",
            (Lang::Zh, High) => "高",
            (Lang::En, c) => c.as_str(),
        }
    }

    /// A way of calling targets (`engine` or a [`crate::targets::BASELINES`] id) in words.
    pub fn method(&self, id: &str) -> String {
        let zh = self.lang == Lang::Zh;
        match id {
            "engine" => if zh { "本引擎" } else { "indicast engine" }.into(),
            "always_met" => if zh { "总是达标" } else { "always met" }.into(),
            "share_past_met" => if zh {
                "历年达标比例"
            } else {
                "share of past targets met"
            }
            .into(),
            "last_year_meets" => if zh {
                "去年水平即达标"
            } else {
                "met if last year's value meets it"
            }
            .into(),
            "persistence" => if zh {
                "持续性基准（去年增速）"
            } else {
                "persistence (last year's growth)"
            }
            .into(),
            other => other.to_string(),
        }
    }

    /// A scenario's name: `engine` (no assumptions) and the bundled scenarios' names in words; any
    /// other name as the scenario file gives it.
    pub fn scenario(&self, name: &str) -> String {
        let zh = self.lang == Lang::Zh;
        match name {
            "engine" => if zh {
                "引擎（无假设）"
            } else {
                "engine (no assumptions)"
            }
            .into(),
            "baseline" if zh => "基准".into(),
            "downside" if zh => "下行".into(),
            "upside" if zh => "上行".into(),
            other => other.to_string(),
        }
    }

    /// Full label of a target: 淄博市 地区生产总值增速 5.5%左右.
    pub fn target_label(&self, t: &crate::data::Target) -> String {
        format!(
            "{} {}",
            self.series(&t.region, &t.indicator),
            self.target(t)
        )
    }
}

fn file_stem(region: &str, indicator: &str) -> String {
    format!("{region}_{indicator}").replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_")
}

/// Pooled coverage of the combined backtest at 50, 80 and 95%.
pub fn pooled_coverage(run: &RunResult) -> Vec<(f64, f64)> {
    let rows: Vec<&BacktestRow> = run
        .backtest
        .iter()
        .filter(|b| b.model == "combined")
        .collect();
    coverage_of(&rows, &[0.5, 0.8, 0.95])
}

/// (nominal %, achieved %) of backtest rows at each level.
fn coverage_of(rows: &[&BacktestRow], levels: &[f64]) -> Vec<(f64, f64)> {
    levels
        .iter()
        .map(|&level| {
            let hits = rows
                .iter()
                .filter(|b| {
                    let (lo, hi) = b.dist.interval(level);
                    lo <= b.actual && b.actual <= hi
                })
                .count();
            (
                100.0 * level,
                100.0 * hits as f64 / rows.len().max(1) as f64,
            )
        })
        .collect()
}

/// The scenario comparison chart of `indicast scenario`.
pub fn scenario_chart(
    run: &RunResult,
    names: &[String],
    outcomes: &[Vec<Outcome>],
    style: &Style,
    path: &Path,
) -> Result<()> {
    let label = Names::new(&run.data, style.lang);
    let rows: Vec<ScenarioRow> = outcomes
        .first()
        .map(|first| {
            first
                .iter()
                .filter(|o| run.data.in_focus(&run.assessments[o.target].target.region))
                .map(|o| ScenarioRow {
                    label: label.target_label(&run.assessments[o.target].target),
                    p_met: outcomes
                        .iter()
                        .map(|os| {
                            os.iter()
                                .find(|x| x.target == o.target)
                                .map_or(0.0, |x| x.p_met)
                        })
                        .collect(),
                    median: outcomes
                        .iter()
                        .map(|os| {
                            os.iter()
                                .find(|x| x.target == o.target)
                                .map_or(f64::NAN, |x| x.median)
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let names: Vec<String> = names.iter().map(|n| label.scenario(n)).collect();
    charts::scenario_comparison(&names, &rows, style, path)
}

/// The scenario fan of the target of assessment `target` in `view`: its distribution under the engine
/// (no assumptions) beside each scenario's (`indicast scenario --target`).
pub fn scenario_fan_chart(
    view: &super::ScenarioView,
    target: usize,
    style: &Style,
    path: &Path,
) -> Result<()> {
    let rows: Vec<charts::FanRow> = view
        .names
        .iter()
        .zip(view.outcomes)
        .filter_map(|(name, outs)| {
            let o = outs.iter().find(|o| o.target == target)?;
            Some(charts::FanRow {
                scenario: name.clone(),
                q95: o.q95,
                q80: o.q80,
                median: o.median,
                p_met: o.p_met,
            })
        })
        .collect();
    let a = &view.run.assessments[target];
    let as_of = view.run.as_of;
    let title = format!(
        "{} ({})",
        Names::new(&view.run.data, style.lang).target_label(&a.target),
        if style.lang == Lang::Zh {
            format!("截至{as_of}年；engine = 无假设")
        } else {
            format!("as of {as_of}; engine = no assumptions")
        }
    );
    charts::scenario_fan(&title, a.target.value, &rows, style, path)
}

/// Render every chart of a run into `dir` (fan and backtest chart per target, the scorecard, and the
/// scenario comparison when scenarios are given). Returns the files written, in report order.
pub fn run_charts(
    run: &RunResult,
    scenarios: Option<(&[String], &[Vec<Outcome>])>,
    style: &Style,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let names = Names::new(&run.data, style.lang);
    let ext = style.format.ext();
    let t = |zh: &'static str, en: &'static str| if style.lang == Lang::Zh { zh } else { en };
    let mut written = Vec::new();
    // Charts show the focus regions (those of the primary data, not of --add-data directories).
    let focus: Vec<&targets::Assessment> = run
        .assessments
        .iter()
        .filter(|a| run.data.in_focus(&a.target.region))
        .collect();
    let score: Vec<ScoreRow> = focus
        .iter()
        .filter_map(|a| {
            a.p_met.map(|p| ScoreRow {
                label: names.target_label(&a.target),
                p_met: p,
            })
        })
        .collect();
    let path = dir.join(format!("scorecard.{ext}"));
    let title = format!(
        "{}{}",
        run.as_of + 1,
        t("年目标达成概率", " targets: probability of being met")
    );
    charts::scorecard(&title, &score, style, &path)?;
    written.push(path);
    let parents: std::collections::HashMap<&str, &str> = run
        .data
        .regions
        .values()
        .filter_map(|r| r.parent.as_deref().map(|p| (r.name.as_str(), p)))
        .collect();
    for a in focus {
        let (Some(dist), Some(p)) = (a.dist, a.p_met) else {
            continue;
        };
        let tg = &a.target;
        let key = (tg.region.clone(), tg.indicator.clone());
        let from = tg.year - 16;
        let history: Vec<(i32, f64, bool)> = run
            .panel
            .growth
            .get(&key)
            .map(|s| {
                s.upto(run.as_of)
                    .iter()
                    .filter(|p| p.year >= from)
                    .map(|p| {
                        (
                            p.year,
                            p.value,
                            p.vintage == crate::data::Vintage::Preliminary,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let parent = parents.get(tg.region.as_str()).and_then(|pr| {
            run.panel
                .growth
                .get(&(pr.to_string(), tg.indicator.clone()))
                .map(|s| {
                    (
                        names.region(pr),
                        s.upto(run.as_of)
                            .iter()
                            .filter(|p| p.year >= from)
                            .map(|p| (p.year, p.value))
                            .collect(),
                    )
                })
        });
        let ev = targets::met_event(
            tg,
            targets::direction(&run.data, &tg.indicator),
            run.tolerance,
        );
        let fan = FanData {
            title: format!(
                "{} {}{}{}",
                names.region(&tg.region),
                names.indicator_of(&tg.region, &tg.indicator),
                t("：", ": forecast for "),
                if style.lang == Lang::Zh {
                    format!("{}年预测", tg.year)
                } else {
                    tg.year.to_string()
                }
            ),
            unit: "%".into(),
            history,
            parent,
            year: tg.year,
            dist,
            target: (tg.value, ev, tg.qualifier.as_str().to_string()),
            p_met: p,
            year_to_date: run
                .nowcasts
                .iter()
                .filter(|n| n.key == key && n.year == tg.year)
                .map(|n| (n.period.share(), n.ytd))
                .collect(),
        };
        let stem = file_stem(&tg.region, &tg.indicator);
        let path = dir.join(format!("fan_{stem}.{ext}"));
        charts::fan_chart(&fan, style, &path)?;
        written.push(path);
        let rows: Vec<&BacktestRow> = run
            .backtest
            .iter()
            .filter(|b| b.model == "combined" && b.key == key)
            .collect();
        let points: Vec<(i32, f64, f64, f64, f64)> = rows
            .iter()
            .map(|b| {
                let (lo, hi) = b.dist.interval(0.8);
                (b.origin, b.actual, b.dist.mean, lo, hi)
            })
            .collect();
        let coverage = coverage_of(&rows, &[0.8, 0.95]);
        if !points.is_empty() {
            let bt = BacktestData {
                title: format!(
                    "{} {}{}",
                    names.region(&tg.region),
                    names.indicator_of(&tg.region, &tg.indicator),
                    t("：回测", ": backtest")
                ),
                points,
                coverage,
            };
            let path = dir.join(format!("backtest_{stem}.{ext}"));
            charts::backtest_chart(&bt, style, &path)?;
            written.push(path);
        }
    }
    if let Some((snames, outcomes)) = scenarios {
        let path = dir.join(format!("scenarios.{ext}"));
        scenario_chart(run, snames, outcomes, style, &path)?;
        written.push(path);
    }
    Ok(written)
}

/// Chart kinds `indicast chart` can redraw from result CSVs.
pub const CHART_KINDS: &[&str] = &["scorecard", "fan", "backtest", "scenarios", "required"];

fn read_rows(path: &Path) -> Result<Vec<std::collections::HashMap<String, String>>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let file = path.display().to_string();
    let headers = rdr
        .headers()
        .map_err(|e| Error::Csv {
            file: file.clone(),
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let mut out = Vec::new();
    for (row, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Error::Csv {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        // An infinite number cannot be drawn (plotters searches its axis key points forever).
        if let Some((h, v)) = headers
            .iter()
            .zip(rec.iter())
            .find(|(_, v)| v.trim().parse::<f64>().is_ok_and(f64::is_infinite))
        {
            return Err(Error::Csv {
                file: file.clone(),
                line: rec
                    .position()
                    .map_or(row as u64 + 2, |p| p.line().max(row as u64 + 2)),
                message: format!(
                    "column `{h}`: `{v}` is infinite; expected a finite number (rerun `indicast run`)"
                ),
            });
        }
        out.push(
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(out)
}

fn field(row: &std::collections::HashMap<String, String>, col: &str, file: &Path) -> Result<f64> {
    row.get(col)
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            Error::Config(format!(
                "{}: column `{col}` missing or not a number in a row",
                file.display()
            ))
        })
}

/// The result CSVs [`chart_from_csv`] may read from its folder (an output must never replace them).
pub const CHART_INPUTS: &[&str] = &[
    "assessment.csv",
    "observations_used.csv",
    "backtest.csv",
    "scenario_results.csv",
    "required.csv",
    "required_curve.csv",
];

/// Redraw one chart from the CSVs of an earlier run in `from` (assessment.csv, observations_used.csv,
/// backtest.csv, scenario_results.csv, required.csv / required_curve.csv), without recomputing.
/// `target` (Region.indicator) selects the series for `fan` and `backtest`.
pub fn chart_from_csv(
    kind: &str,
    from: &Path,
    target: Option<&str>,
    data: &crate::data::Dataset,
    style: &Style,
    path: &Path,
) -> Result<()> {
    let zh = style.lang == Lang::Zh;
    let names = Names::new(data, style.lang);
    let name_of = |region: &str, indicator: &str| names.series(region, indicator);
    let target_key = || -> Result<(String, String)> {
        target
            .and_then(|t| t.split_once('.'))
            .map(|(r, i)| (r.to_string(), i.to_string()))
            .ok_or_else(|| {
                Error::Config(format!(
                    "chart {kind} needs --target Region.indicator, e.g. Zibo.gdp_real_growth"
                ))
            })
    };
    let qualifier_text = |q: &str, v: &str| -> String {
        let qualifier = Qualifier::parse(q).unwrap_or(Qualifier::Other);
        v.parse::<f64>()
            .map_or_else(|_| format!("{v}%"), |v| names.target_text(v, qualifier))
    };
    match kind {
        "scorecard" => {
            let file = from.join("assessment.csv");
            let rows = read_rows(&file)?;
            let score: Vec<ScoreRow> = rows
                .iter()
                .filter(|r| data.in_focus(&r["region"]))
                .filter_map(|r| {
                    let p = r
                        .get("p_met")?
                        .parse::<f64>()
                        .ok()
                        .filter(|p| p.is_finite())?;
                    Some(ScoreRow {
                        label: format!(
                            "{} {}",
                            name_of(&r["region"], &r["indicator"]),
                            qualifier_text(&r["qualifier"], &r["target"])
                        ),
                        p_met: p,
                    })
                })
                .collect();
            let year = rows.first().map_or(String::new(), |r| r["year"].clone());
            let title = if zh {
                format!("{year}年目标达成概率")
            } else {
                format!("{year} targets: probability of being met")
            };
            charts::scorecard(&title, &score, style, path)
        }
        "fan" => {
            let key = target_key()?;
            let file = from.join("assessment.csv");
            let rows = read_rows(&file)?;
            let a = rows
                .iter()
                .find(|r| r["region"] == key.0 && r["indicator"] == key.1)
                .ok_or_else(|| {
                    Error::Config(format!(
                        "{}: no assessment of {}.{}",
                        file.display(),
                        key.0,
                        key.1
                    ))
                })?;
            let dist = Dist::new(
                field(a, "mean", &file)?,
                field(a, "se", &file)?,
                field(a, "df", &file)?,
            );
            let year = field(a, "year", &file)? as i32;
            let value = field(a, "target", &file)?;
            let q = a["qualifier"].clone();
            let t = crate::data::Target {
                region: key.0.clone(),
                year,
                indicator: key.1.clone(),
                value,
                qualifier: Qualifier::parse(&q).unwrap_or(Qualifier::Other),
                basis: crate::data::Basis::Growth,
                text: String::new(),
                outcome: None,
                source: String::new(),
            };
            let ev = targets::met_event(&t, targets::direction(data, &key.1), 0.5);
            let obs_file = from.join("observations_used.csv");
            let history: Vec<(i32, f64, bool)> = read_rows(&obs_file)?
                .iter()
                .filter(|r| r["region"] == key.0 && r["indicator"] == key.1)
                .filter_map(|r| {
                    Some((
                        r["year"].parse().ok()?,
                        r["value"].parse().ok()?,
                        r["vintage"] == "preliminary",
                    ))
                })
                .filter(|h: &(i32, f64, bool)| h.0 >= year - 16)
                .collect();
            let fan = FanData {
                title: format!(
                    "{}{}",
                    name_of(&key.0, &key.1),
                    if zh {
                        format!("：{year}年预测")
                    } else {
                        format!(": forecast for {year}")
                    }
                ),
                unit: "%".into(),
                history,
                parent: None,
                year,
                dist,
                target: (value, ev, q),
                p_met: field(a, "p_met", &file)?,
                year_to_date: Vec::new(),
            };
            charts::fan_chart(&fan, style, path)
        }
        "backtest" => {
            let key = target_key()?;
            let file = from.join("backtest.csv");
            let rows = read_rows(&file)?;
            // This series' combined forecasts (the chart's coverage panel is the series' own).
            let combined: Vec<_> = rows
                .iter()
                .filter(|r| {
                    r["model"] == "combined" && r["region"] == key.0 && r["indicator"] == key.1
                })
                .collect();
            let covered = |lo: &str, hi: &str| {
                let hits = combined
                    .iter()
                    .filter(|r| {
                        let (a, l, h) = (
                            r["actual"].parse::<f64>(),
                            r[lo].parse::<f64>(),
                            r[hi].parse::<f64>(),
                        );
                        matches!((a, l, h), (Ok(a), Ok(l), Ok(h)) if l <= a && a <= h)
                    })
                    .count();
                100.0 * hits as f64 / combined.len().max(1) as f64
            };
            let points = combined
                .iter()
                .filter(|r| r["region"] == key.0 && r["indicator"] == key.1)
                .filter_map(|r| {
                    Some((
                        r["year"].parse().ok()?,
                        r["actual"].parse().ok()?,
                        r["mean"].parse().ok()?,
                        r["lo80"].parse().ok()?,
                        r["hi80"].parse().ok()?,
                    ))
                })
                .collect();
            let bt = BacktestData {
                title: format!(
                    "{}{}",
                    name_of(&key.0, &key.1),
                    if zh { "：回测" } else { ": backtest" }
                ),
                points,
                coverage: vec![
                    (80.0, covered("lo80", "hi80")),
                    (95.0, covered("lo95", "hi95")),
                ],
            };
            charts::backtest_chart(&bt, style, path)
        }
        "scenarios" => {
            let file = from.join("scenario_results.csv");
            let rows = read_rows(&file)?;
            let mut scenario_names: Vec<String> = Vec::new();
            let mut targets_seen: Vec<(String, String, String, String)> = Vec::new();
            for r in &rows {
                if !scenario_names.contains(&r["scenario"]) {
                    scenario_names.push(r["scenario"].clone());
                }
                if !data.in_focus(&r["region"]) {
                    continue;
                }
                let t = (
                    r["region"].clone(),
                    r["indicator"].clone(),
                    r["qualifier"].clone(),
                    r["target"].clone(),
                );
                if !targets_seen.contains(&t) {
                    targets_seen.push(t);
                }
            }
            let srows: Vec<ScenarioRow> = targets_seen
                .iter()
                .map(|(reg, ind, q, v)| {
                    let cell = |name: &String, col: &str| {
                        rows.iter()
                            .find(|r| {
                                &r["scenario"] == name
                                    && &r["region"] == reg
                                    && &r["indicator"] == ind
                            })
                            .and_then(|r| r[col].parse::<f64>().ok())
                            .unwrap_or(f64::NAN)
                    };
                    ScenarioRow {
                        label: format!("{} {}", name_of(reg, ind), qualifier_text(q, v)),
                        p_met: scenario_names.iter().map(|n| cell(n, "p_met")).collect(),
                        median: scenario_names.iter().map(|n| cell(n, "mean")).collect(),
                    }
                })
                .collect();
            let shown: Vec<String> = scenario_names.iter().map(|n| names.scenario(n)).collect();
            charts::scenario_comparison(&shown, &srows, style, path)
        }
        "required" => {
            let file = from.join("required.csv");
            let req = read_rows(&file)?;
            let r = req
                .first()
                .ok_or_else(|| Error::Config(format!("{}: no row", file.display())))?;
            let curve_file = from.join("required_curve.csv");
            let curve: Vec<(f64, f64)> = read_rows(&curve_file)?
                .iter()
                .filter_map(|c| Some((c["driver_value"].parse().ok()?, c["p_met"].parse().ok()?)))
                .collect();
            let label = |s: &str| {
                s.split_once('.')
                    .map_or(s.to_string(), |(a, b)| name_of(a, b))
            };
            let d = charts::RequiredData {
                driver: label(&r["driver"]),
                target: label(&r["target"]),
                curve,
                prob: field(r, "prob", &file)?,
                value: r["value"].parse().ok(),
            };
            charts::required_curve(&d, style, path)
        }
        other => Err(Error::Config(format!(
            "unknown chart kind `{other}`; expected one of {}",
            CHART_KINDS.join(", ")
        ))),
    }
}

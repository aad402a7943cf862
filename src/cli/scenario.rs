//! `indicast scenario` and `indicast required`: the engine's forecasts under planner assumptions.

use super::*;

// The arguments of `indicast scenario`: their help is in the doc comments, the command's own on
// `Command::Scenario`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScenarioArgs {
    /// Scenario files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    mc: McArgs,
    /// Print and chart the targets of every region, not only those of the bundled data when
    /// --add-data is given (scenario_results.csv always has all).
    #[arg(long)]
    all_regions: bool,
    /// Also chart this target's distribution under the engine (unconditional) and under each
    /// scenario (conditional), side by side: scenario_fan_REGION_INDICATOR.png.
    #[arg(long, value_name = "REGION.INDICATOR")]
    target: Option<String>,
}

/// `indicast scenario`.
pub(super) fn scenario(args: ScenarioArgs) -> ExitCode {
    let ScenarioArgs {
        files,
        mc,
        all_regions,
        target,
    } = args;
    let working = busy(format!(
        "running the engine and {} scenario file(s) × {} draws…",
        files.len(),
        mc.draws
    ));
    let mut groups = match load_scenarios(&files, &mc) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let style = match mc.chart.style() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let mcc = McConfig {
        draws: mc.draws as usize,
        seed: mc.seed,
    };
    // Per as-of year: the engine's row and each scenario's, for the targets and every series.
    let mut simulated = Vec::new();
    for g in &mut groups {
        if all_regions {
            g.run.data.clear_focus();
        }
        let mut names = vec!["engine".to_string()];
        let (t, s) = g.sys.simulate_all(&Scenario::engine_baseline(), mcc);
        let (mut outcomes, mut series) = (vec![t], vec![s]);
        for sc in &g.scenarios {
            names.push(sc.name.clone());
            let (t, s) = g.sys.simulate_all(sc, mcc);
            outcomes.push(t);
            series.push(s);
        }
        simulated.push((names, outcomes, series));
    }
    let views: Vec<report::ScenarioView> = groups
        .iter()
        .zip(&simulated)
        .map(|(g, (names, outcomes, series))| report::ScenarioView {
            run: &g.run,
            names,
            outcomes,
            series,
        })
        .collect();
    let (results, series_csv) = match report::render_scenarios(&views)
        .and_then(|r| Ok((r, report::render_scenario_series(&views)?)))
    {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    // One chart per as-of year (`scenarios.png`, or `scenarios_2022.png` … for several).
    let charts: Vec<String> = views
        .iter()
        .map(|v| {
            if views.len() == 1 {
                format!("scenarios.{}", style.format.ext())
            } else {
                format!("scenarios_{}.{}", v.run.as_of, style.format.ext())
            }
        })
        .collect();
    // The chosen target's fan per as-of year: the engine's distribution beside each scenario's.
    // The chosen target's fan per as-of year: (file, view, assessment index).
    let mut fans: Vec<(String, &report::ScenarioView, usize)> = Vec::new();
    if let Some(t) = &target {
        let Some((region, indicator)) = series_key(t) else {
            return fail(format!("--target `{t}`: expected Region.indicator"));
        };
        for v in &views {
            let Some(ti) = v
                .run
                .assessments
                .iter()
                .position(|a| a.target.region == region && a.target.indicator == indicator)
            else {
                return fail(format!(
                    "--target {t} is not a target of {} (as of {})",
                    v.run.as_of + 1,
                    v.run.as_of
                ));
            };
            let file = if views.len() == 1 {
                format!("scenario_fan_{region}_{indicator}.{}", style.format.ext())
            } else {
                format!(
                    "scenario_fan_{region}_{indicator}_{}.{}",
                    v.run.as_of,
                    style.format.ext()
                )
            };
            fans.push((file, v, ti));
        }
    }
    let mut owned = vec!["scenario_results.csv", "scenario_series.csv"];
    owned.extend(charts.iter().map(String::as_str));
    owned.extend(fans.iter().map(|f| f.0.as_str()));
    let inputs = [run_inputs(&mc.run_config(None)), files.clone()].concat();
    if let Err(e) = OutputSet::begin_reading(&mc.out, &owned, &inputs).and_then(|set| {
        report::write_atomic(
            set.dir(),
            &for_excel(vec![
                ("scenario_results.csv".into(), results),
                ("scenario_series.csv".into(), series_csv),
            ]),
        )?;
        for (v, chart) in views.iter().zip(&charts) {
            report::scenario_chart(v.run, v.names, v.outcomes, &style, &set.dir().join(chart))?;
        }
        for (file, v, ti) in &fans {
            report::scenario_fan_chart(v, *ti, &style, &set.dir().join(file))?;
        }
        set.commit()
    }) {
        return fail(e);
    }
    drop(working);
    for v in &views {
        if views.len() > 1 {
            outln!("as of {}:", v.run.as_of);
        }
        out!("{}", report::scenario_table(v.run, v.names, v.outcomes));
    }
    let max_se = views
        .iter()
        .flat_map(|v| v.outcomes.iter().flatten())
        .map(|o| o.p_met_se)
        .fold(0.0, f64::max);
    let se_text = if mcc.draws > 1 {
        format!("largest Monte Carlo standard error of P(met) {max_se:.4}")
    } else {
        "no Monte Carlo standard error from a single draw (use --draws 10000)".to_string()
    };
    outln!(
        "{} draws, seed {}: {se_text}; wrote {} and {}",
        mcc.draws,
        mcc.seed,
        mc.out.join("scenario_results.csv").display(),
        mc.out.join("scenario_series.csv").display()
    );
    ExitCode::SUCCESS
}

// The arguments of `indicast required`: their help is in the doc comments, the command's own on
// `Command::Required`.
#[derive(Debug, clap::Args)]
pub(crate) struct RequiredArgs {
    /// The target series, Region.indicator (a target of the coming year).
    #[arg(long)]
    target: String,
    /// The driver series, Region.indicator: any forecast series other than the target (it moves the
    /// target through links or through the correlation of the residuals; the curve shows how much).
    #[arg(long)]
    driver: String,
    /// The probability of meeting the target to reach.
    #[arg(long, default_value_t = 0.7)]
    prob: f64,
    /// Other assumptions, from a scenario file.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    #[command(flatten)]
    mc: McArgs,
}

/// `indicast required`.
pub(super) fn required(args: RequiredArgs) -> ExitCode {
    let RequiredArgs {
        target,
        driver,
        prob,
        scenario: file,
        mc,
    } = args;
    if !(0.0 < prob && prob < 1.0) {
        return fail(format!("--prob {prob} must be strictly between 0 and 1"));
    }
    let files: Vec<PathBuf> = file.into_iter().collect();
    let working = busy(format!(
        "finding the {driver} value at which {target} is met with probability {prob} ({} draws a point)…",
        mc.draws
    ));
    let ScenarioGroup {
        run,
        sys,
        scenarios,
    } = match load_scenarios(&files, &mc) {
        Ok(mut g) => g.remove(0),
        Err(e) => return fail(e),
    };
    let base = scenarios
        .into_iter()
        .next()
        .unwrap_or_else(Scenario::engine_baseline);
    let vocab = sys.vocabulary();
    let Some(tkey) = series_key(&target) else {
        return fail(format!("--target `{target}`: expected Region.indicator"));
    };
    let Some(ti) = run.assessments.iter().position(|a| {
        a.target.region == tkey.0 && a.target.indicator == tkey.1 && a.p_met.is_some()
    }) else {
        let names: Vec<String> = run
            .assessments
            .iter()
            .map(|a| format!("{}.{}", a.target.region, a.target.indicator))
            .collect();
        return fail(format!(
            "--target `{target}` is not an assessed target of {}; closest: `{}`",
            run.as_of + 1,
            indicast::scenario::closest(&target, names.iter().map(String::as_str)).unwrap_or("")
        ));
    };
    // Any series may be the driver: it moves the target through structural links or through
    // the correlation of the residuals; the curve shows how much.
    let dkey = match series_key(&driver) {
        Some(k) if vocab.series.contains(&driver) && driver != target => k,
        _ if driver == target => {
            return fail(format!(
                "--driver `{driver}` is the target itself; name the series whose value you want to \
                 find, e.g. the nation's or the parent region's growth"
            ));
        }
        _ => {
            let mut linked: Vec<&str> = vocab
                .drivers
                .iter()
                .filter(|d| {
                    d.as_str() != target && series_key(d).is_some_and(|k| sys.drives(&k, ti))
                })
                .map(String::as_str)
                .collect();
            linked.sort_unstable();
            return fail(format!(
                "--driver `{driver}` is not a forecast series other than the target (closest: `{}`); series linked to {target}: {}",
                indicast::scenario::closest(&driver, vocab.series.iter().map(String::as_str))
                    .unwrap_or(""),
                if linked.is_empty() {
                    "none".to_string()
                } else {
                    linked.join(", ")
                }
            ));
        }
    };
    // Plausible range: the driver's history up to the as-of year and its forecast ± 3 s.e.
    let (mu, se) = sys.baseline(&dkey).unwrap_or((0.0, 1.0));
    let hist: Vec<f64> = run
        .panel
        .growth
        .get(&dkey)
        .map(|s| s.upto(run.as_of).iter().map(|p| p.value).collect())
        .unwrap_or_default();
    let lo = hist.iter().copied().fold(mu - 3.0 * se, f64::min);
    let hi = hist.iter().copied().fold(mu + 3.0 * se, f64::max);
    let mcc = McConfig {
        draws: mc.draws as usize,
        seed: mc.seed,
    };
    let req = indicast::scenario::required(&sys, &base, ti, &dkey, prob, (lo, hi), mcc);
    let value = req.value.map(|v| format!("{v:.4}")).unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut curve = csv::Writer::from_writer(Vec::new());
    let written = w
        .write_record(["target", "driver", "prob", "value"])
        .and_then(|_| w.write_record([target.as_str(), driver.as_str(), &prob.to_string(), &value]))
        .and_then(|_| curve.write_record(["driver_value", "p_met"]))
        .and_then(|_| {
            req.curve
                .iter()
                .try_for_each(|(v, p)| curve.write_record([format!("{v:.4}"), format!("{p:.4}")]))
        });
    let (Ok(()), Ok(a), Ok(b)) = (written, w.into_inner(), curve.into_inner()) else {
        return fail("could not encode the CSV outputs");
    };
    let style = match mc.chart.style() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let names = report::Names::new(&run.data, style.lang);
    let label = |k: &(String, String)| names.series(&k.0, &k.1);
    let data = indicast::charts::RequiredData {
        driver: label(&dkey),
        target: names.target_label(&run.assessments[ti].target),
        curve: req.curve.clone(),
        prob,
        value: req.value,
    };
    let chart = format!("required_curve.{}", style.format.ext());
    if let Err(e) = OutputSet::begin_reading(
        &mc.out,
        &["required.csv", "required_curve.csv", &chart],
        &[run_inputs(&mc.run_config(None)), files.clone()].concat(),
    )
    .and_then(|set| {
        report::write_atomic(
            set.dir(),
            &for_excel(vec![
                ("required.csv".into(), a),
                ("required_curve.csv".into(), b),
            ]),
        )?;
        indicast::charts::required_curve(&data, &style, &set.dir().join(&chart))?;
        set.commit()
    }) {
        return fail(e);
    }
    drop(working);
    let (p_lo, p_hi) = (req.curve[0].1, req.curve[req.curve.len() - 1].1);
    outln!(
        "P(met) of {target} is {p_lo:.2} at {driver} = {:.2} and {p_hi:.2} at {:.2} ({} draws, seed {})",
        req.range.0,
        req.range.1,
        mcc.draws,
        mcc.seed
    );
    match req.value {
        Some(v) => {
            outln!("required {driver} = {v:.2}");
            ExitCode::SUCCESS
        }
        None => {
            outln!(
                "no value of {driver} in the plausible range [{:.2}, {:.2}] gives P(met) = {prob}: it stays between {:.2} and {:.2}",
                req.range.0,
                req.range.1,
                p_lo.min(p_hi),
                p_lo.max(p_hi)
            );
            outln!("required {driver} = none");
            ExitCode::from(1)
        }
    }
}

/// Scenario files of one as-of year, with the engine run and the system they modify.
struct ScenarioGroup {
    run: RunResult,
    sys: System,
    scenarios: Vec<Scenario>,
}

/// Read scenario files, run the engine once per as-of year they name (files without `as_of` use the
/// data's last year), and parse each against its run's vocabulary. Every problem of every file is
/// reported together.
fn load_scenarios(files: &[PathBuf], mc: &McArgs) -> Result<Vec<ScenarioGroup>, String> {
    let mut texts = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let bytes = indicast::inputs::read_bounded(f, indicast::inputs::MAX_INPUT_BYTES)
            .map_err(|e| e.to_string())?;
        // UTF-8 with or without BOM, or GBK (Notepad's "ANSI" on Chinese Windows), said in a warning.
        let text = if bytes.iter().all(u8::is_ascii_whitespace) {
            String::new()
        } else {
            let (text, encoding) = text::decode(&name, &bytes).map_err(|e| e.to_string())?;
            if encoding != "UTF-8" {
                errln!("warning: {name}: file decoded as {encoding}/GBK");
            }
            text
        };
        // The file's as-of year, and where it is said (for errors of its run).
        let as_of = text.parse::<toml::Table>().ok().and_then(|t| {
            let a = match t.get("as_of") {
                Some(toml::Value::Integer(y)) => AsOf {
                    year: i32::try_from(*y).ok()?,
                    period: None,
                },
                Some(toml::Value::String(s)) => s.parse::<AsOf>().ok()?,
                _ => return None,
            };
            let line = 1 + text
                .lines()
                .position(|l| l.trim_start().starts_with("as_of"))
                .unwrap_or(0);
            Some((a, format!("{name}:{line}: as_of {a}")))
        });
        // A file of December Y run with `--as-of (Y+1)Q1|H1|Q3`: the quarterly update of the same run.
        let as_of = match (as_of, mc.as_of) {
            (Some((a, place)), Some(cli))
                if a.period.is_none() && cli.period.is_some() && cli.cutoff() == a.year =>
            {
                Some((cli, format!("{place} with --as-of {cli}")))
            }
            (a, _) => a,
        };
        texts.push((name, text, as_of));
    }
    let mut years: Vec<Option<AsOf>> = texts.iter().map(|t| t.2.as_ref().map(|a| a.0)).collect();
    years.sort_unstable();
    years.dedup();
    if years.is_empty() {
        years.push(None);
    }
    let mut groups = Vec::new();
    let mut errors = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    for year in years {
        let place = texts.iter().find_map(|t| {
            t.2.as_ref()
                .filter(|a| Some(a.0) == year)
                .map(|a| a.1.clone())
        });
        let run = run(&mc.run_config(year)).map_err(|e| match &place {
            Some(place) => format!("{place}: {e}"),
            None => e.to_string(),
        })?;
        for w in run.all_warnings() {
            errln!("warning: {w}");
        }
        let sys = System::new(&run, mc.tolerance).map_err(|e| e.to_string())?;
        let vocab = sys.vocabulary();
        let mut scenarios = Vec::new();
        for (name, text, _) in texts.iter().filter(|t| t.2.as_ref().map(|a| a.0) == year) {
            match indicast::scenario::parse(name, text, &vocab) {
                Ok(s) => {
                    if let Some((_, other)) = sources.iter().find(|(n, _)| *n == s.name) {
                        errors.push(format!(
                            "{name}: scenario name `{}` is also used by {other}; names must differ",
                            s.name
                        ));
                    }
                    sources.push((s.name.clone(), name.clone()));
                    scenarios.push(s);
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        groups.push(ScenarioGroup {
            run,
            sys,
            scenarios,
        });
    }
    if errors.is_empty() {
        Ok(groups)
    } else {
        Err(errors.join("\n"))
    }
}

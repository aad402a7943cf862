//! The CSV tables and the printed table of scenarios.

use super::*;

/// One as-of year's scenarios for the writers: the engine run, the scenario names (`engine` first), and
/// each scenario's outcomes for the targets and for every series.
pub struct ScenarioView<'a> {
    /// The engine run the scenarios modify.
    pub run: &'a RunResult,
    /// Scenario names, `engine` (no assumptions) first.
    pub names: &'a [String],
    /// Per scenario: the outcome of every target.
    pub outcomes: &'a [Vec<Outcome>],
    /// Per scenario: the outcome of every series.
    pub series: &'a [Vec<crate::scenario::SeriesOutcome>],
}

/// `scenario_results.csv`: every target under every scenario of every as-of year, with the change of
/// P(met) against the scenario named `baseline` of the same year (else `engine`).
pub fn render_scenarios(views: &[ScenarioView]) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for v in views {
        let baseline = v.names.iter().position(|n| n == "baseline").unwrap_or(0);
        for (name, outs) in v.names.iter().zip(v.outcomes) {
            for o in outs {
                let t = &v.run.assessments[o.target].target;
                let base = v.outcomes[baseline]
                    .iter()
                    .find(|b| b.target == o.target)
                    .map_or(f64::NAN, |b| b.p_met);
                rows.push(vec![
                    name.clone(),
                    t.region.clone(),
                    t.indicator.clone(),
                    t.year.to_string(),
                    t.value.to_string(),
                    t.qualifier.as_str().into(),
                    f4(o.mean),
                    f4(o.q80.0),
                    f4(o.q80.1),
                    f4(o.q95.0),
                    f4(o.q95.1),
                    f4(o.p_met),
                    opt(Some(o.p_met_se).filter(|v| v.is_finite())),
                    f4(o.p_met - base),
                ]);
            }
        }
    }
    csv_bytes(
        &[
            "scenario",
            "region",
            "indicator",
            "year",
            "target",
            "qualifier",
            "mean",
            "lo80",
            "hi80",
            "lo95",
            "hi95",
            "p_met",
            "p_met_se",
            "delta_p_met_vs_baseline",
        ],
        rows,
    )
}

/// `scenario_series.csv`: every forecast series (not only those with targets) under every scenario,
/// the `engine` rows being the simulation without assumptions.
pub fn render_scenario_series(views: &[ScenarioView]) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for v in views {
        for (name, series) in v.names.iter().zip(v.series) {
            for s in series {
                rows.push(vec![
                    name.clone(),
                    s.key.0.clone(),
                    s.key.1.clone(),
                    (v.run.as_of + 1).to_string(),
                    f4(s.mean),
                    f4(s.q80.0),
                    f4(s.q80.1),
                    f4(s.q95.0),
                    f4(s.q95.1),
                ]);
            }
        }
    }
    csv_bytes(
        &[
            "scenario",
            "region",
            "indicator",
            "year",
            "mean",
            "lo80",
            "hi80",
            "lo95",
            "hi95",
        ],
        rows,
    )
}

/// The comparison table printed by `indicast scenario`: targets × scenarios, P(met) in percent.
pub fn scenario_table(run: &RunResult, names: &[String], outcomes: &[Vec<Outcome>]) -> String {
    let mut s = format!("{:<44}", "P(met), % (Monte Carlo s.e.)");
    for n in names {
        s.push_str(&format!(" {:>16}", n));
    }
    s.push('\n');
    let Some(first) = outcomes.first() else {
        return s;
    };
    let region = |o: &&Outcome| run.assessments[o.target].target.region.as_str();
    for o in first.iter().filter(|o| run.data.in_focus(region(o))) {
        let t = &run.assessments[o.target].target;
        s.push_str(&format!(
            "{:<44}",
            format!(
                "{}.{} {} {}",
                t.region,
                t.indicator,
                t.qualifier.as_str(),
                t.value
            )
        ));
        for outs in outcomes {
            let x = outs
                .iter()
                .find(|x| x.target == o.target)
                .expect("same targets in every scenario");
            s.push_str(&format!(
                " {:>16}",
                if x.p_met_se.is_finite() {
                    format!("{:.1} ({:.2})", 100.0 * x.p_met, 100.0 * x.p_met_se)
                } else {
                    format!("{:.1} (n/a)", 100.0 * x.p_met)
                }
            ));
        }
        s.push('\n');
    }
    let hidden: std::collections::BTreeSet<&str> = first
        .iter()
        .map(|o| region(&o))
        .filter(|r| !run.data.in_focus(r))
        .collect();
    if !hidden.is_empty() {
        let n = first
            .iter()
            .filter(|o| !run.data.in_focus(region(o)))
            .count();
        s.push_str(&format!(
            "(+ {n} targets of added regions not shown ({}): in scenario_results.csv, or pass --all-regions)\n",
            region_list(&hidden)
        ));
    }
    s
}

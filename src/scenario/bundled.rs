//! The scenarios bundled with the project (`examples/scenarios/`) and their outcomes for a run's report: the
//! engine's own forecast and each bundled scenario that applies to the run (same as-of), simulated with
//! 10,000 draws and seed 2023. Computed here, before anything is written; the report only draws them.

use super::*;

/// Scenarios bundled with the project (`examples/scenarios/`), used by `run` for the report's scenario table.
pub const BUNDLED_SCENARIOS: &[(&str, &str)] = &[
    (
        "examples/scenarios/baseline.toml",
        include_str!("../../examples/scenarios/baseline.toml"),
    ),
    (
        "examples/scenarios/downside.toml",
        include_str!("../../examples/scenarios/downside.toml"),
    ),
    (
        "examples/scenarios/upside.toml",
        include_str!("../../examples/scenarios/upside.toml"),
    ),
];

/// Draws and seed of the report's scenario table.
pub const REPORT_DRAWS: McConfig = McConfig {
    draws: 10_000,
    seed: 2023,
};

/// Named scenario outcomes for a report: `names[0]` is `engine` (no assumptions); empty when no bundled
/// scenario applies.
#[derive(Debug, Clone, Default)]
pub struct ReportScenarios {
    /// Scenario names, `engine` first.
    pub names: Vec<String>,
    /// Per scenario, the outcome of every target of the run (aligned with its assessments).
    pub outcomes: Vec<Vec<Outcome>>,
}

impl ReportScenarios {
    /// The table's (names, outcomes), or `None` when no bundled scenario applies.
    pub fn table(&self) -> Option<(&[String], &[Vec<Outcome>])> {
        (self.names.len() > 1).then_some((self.names.as_slice(), self.outcomes.as_slice()))
    }
}

/// The engine's forecast and every bundled scenario that applies to `run` (same as-of year and period;
/// a scenario naming series the run does not have does not apply), simulated with [`REPORT_DRAWS`].
/// An error when the run's forecasts do not form a system to simulate.
pub fn report_scenarios(run: &RunResult) -> Result<ReportScenarios> {
    let sys = System::new(run, run.tolerance)?;
    let vocab = sys.vocabulary();
    let mut out = ReportScenarios::default();
    out.names.push("engine".to_string());
    out.outcomes
        .push(sys.simulate(&Scenario::engine_baseline(), REPORT_DRAWS));
    for (name, text) in BUNDLED_SCENARIOS {
        if let Ok(sc) = parse(name, text, &vocab)
            && sc
                .as_of
                .is_none_or(|a| a.cutoff() == run.as_of && a.period == run.period)
        {
            out.names.push(sc.name.clone());
            out.outcomes.push(sys.simulate(&sc, REPORT_DRAWS));
        }
    }
    Ok(out)
}

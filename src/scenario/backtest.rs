//! Conditional backtests: the evidence that conditioning on an assumption helps. At every earlier
//! cut-off the system of that cut-off's forecasts is conditioned on the *actual* value of one series in
//! the coming year (the nation's growth, as a planner's scenario would state it), and every other series
//! is scored against its actual beside the unconditional forecast.

use std::ops::RangeInclusive;

use super::{Assumption, McConfig, Scenario, SeriesOutcome, System};
use crate::data::panel::SeriesKey;
use crate::error::Result;
use crate::forecast::Dist;
use crate::run::RunResult;

/// One series' forecast of one year, unconditional and conditional on the driver's actual value.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionalRow {
    /// The series scored.
    pub key: SeriesKey,
    /// Year forecast.
    pub year: i32,
    /// Actual value.
    pub actual: f64,
    /// The engine's (unconditional) forecast.
    pub unconditional: Dist,
    /// The forecast conditional on the driver's actual value of the year.
    pub conditional: SeriesOutcome,
}

/// Conditional one-year-ahead forecasts of every series with an actual, for the forecast years in
/// `years`, given the actual value of `driver` in each (years where the driver has none are skipped).
/// Each year uses only the forecasts and residuals of its own cut-off: no look-ahead but the driver's
/// value itself.
pub fn conditional_backtest(
    run: &RunResult,
    driver: &SeriesKey,
    years: RangeInclusive<i32>,
    mc: McConfig,
) -> Result<Vec<ConditionalRow>> {
    let mut rows = Vec::new();
    for year in years {
        let Some(value) = run.panel.growth.get(driver).and_then(|s| s.get(year)) else {
            continue;
        };
        if !run.engine.by_cutoff.contains_key(&(year - 1)) {
            continue;
        }
        let sys = System::at(run, year - 1, run.tolerance)?;
        let sc = Scenario {
            assumptions: vec![Assumption {
                key: driver.clone(),
                mean: value,
                sd: 0.0,
            }],
            ..Scenario::engine_baseline()
        };
        let (_, series) = sys.simulate_all(&sc, mc);
        for s in series {
            if &s.key == driver {
                continue;
            }
            let Some(actual) = run.panel.growth.get(&s.key).and_then(|x| x.get(year)) else {
                continue;
            };
            let Some(unconditional) = run
                .engine
                .forecast_of(&s.key, year)
                .and_then(|f| f.combined)
            else {
                continue;
            };
            rows.push(ConditionalRow {
                key: s.key.clone(),
                year,
                actual,
                unconditional,
                conditional: s,
            });
        }
    }
    Ok(rows)
}

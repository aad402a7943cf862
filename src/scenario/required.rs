//! The driver value a target requires: the value of one series at which a target's P(met) reaches a
//! probability.

use super::{Assumption, McConfig, Scenario, System};
use crate::data::panel::SeriesKey;

/// The driver value at which P(met) of one target reaches a probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Required {
    /// The value, or `None` when no value in the searched range reaches the probability.
    pub value: Option<f64>,
    /// Searched range.
    pub range: (f64, f64),
    /// (driver value, P(met)) on a grid over the range.
    pub curve: Vec<(f64, f64)>,
}

/// Find the driver value at which the target's P(met) equals `prob` (bisection on the P(met) curve, with
/// common random numbers so the curve is a deterministic, monotone function of the driver).
pub fn required(
    sys: &System,
    base: &Scenario,
    target: usize,
    driver: &SeriesKey,
    prob: f64,
    range: (f64, f64),
    mc: McConfig,
) -> Required {
    let p_at = |v: f64| -> f64 {
        let mut sc = base.clone();
        sc.assumptions.retain(|a| &a.key != driver);
        sc.assumptions.push(Assumption {
            key: driver.clone(),
            mean: v,
            sd: 0.0,
        });
        sys.simulate(&sc, mc)
            .iter()
            .find(|o| o.target == target)
            .map_or(f64::NAN, |o| o.p_met)
    };
    let grid = 40;
    let curve: Vec<(f64, f64)> = (0..=grid)
        .map(|i| {
            let v = range.0 + (range.1 - range.0) * i as f64 / grid as f64;
            (v, p_at(v))
        })
        .collect();
    let (lo, hi) = (curve[0].1, curve[grid].1);
    let increasing = hi >= lo;
    let reached = if increasing {
        lo <= prob && prob <= hi
    } else {
        hi <= prob && prob <= lo
    };
    let value = reached.then(|| {
        let (mut a, mut b) = (range.0, range.1);
        for _ in 0..40 {
            let m = 0.5 * (a + b);
            let below = p_at(m) < prob;
            if below == increasing {
                a = m;
            } else {
                b = m;
            }
            if b - a < 1e-4 {
                break;
            }
        }
        0.5 * (a + b)
    });
    Required {
        value,
        range,
        curve,
    }
}

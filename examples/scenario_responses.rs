//! Why a scenario moves each target: the nation's GDP growth set to two values, and for every target its
//! P(met) and mean under both, beside the structural link and the residual correlation that carry the
//! response.
//!
//! Run: `cargo run --release --example scenario_responses [-- LOW HIGH [--add-data DIR]...]`
//! (default 3.0 and 6.5, the bundled data as of 2022).

use indicast::run::{RunConfig, run};
use indicast::scenario::{Assumption, McConfig, Scenario, System};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut values = Vec::new();
    let mut add_data = Vec::new();
    while let Some(a) = args.next() {
        if a == "--add-data" {
            add_data.push(args.next().ok_or("--add-data needs a directory")?.into());
        } else {
            values.push(a.parse::<f64>()?);
        }
    }
    let (low, high) = match values[..] {
        [a, b] => (a, b),
        [] => (3.0, 6.5),
        _ => return Err("expected two values: LOW HIGH".into()),
    };
    let r = run(&RunConfig {
        add_data,
        period: None,
        ..RunConfig::bundled(Some(2022))
    })?;
    let sys = System::new(&r, 0.5)?;
    let nation = ("China".to_string(), "gdp_real_growth".to_string());
    let mc = McConfig {
        draws: 10_000,
        seed: 2023,
    };
    let at = |v: f64| {
        sys.simulate(
            &Scenario {
                assumptions: vec![Assumption {
                    key: nation.clone(),
                    mean: v,
                    sd: 0.0,
                }],
                ..Scenario::engine_baseline()
            },
            mc,
        )
    };
    let (lo, hi) = (at(low), at(high));
    println!(
        "China.gdp_real_growth at {low} and {high} (as of {}; residual correlation shrinkage λ = {:.2})\n",
        r.as_of,
        sys.shrinkage()
    );
    println!(
        "| target | mean at {low} | mean at {high} | P(met) at {low} | P(met) at {high} | structural path from the nation | residual correlation with the nation | upstream series correlated with the nation |"
    );
    println!("|---|---:|---:|---:|---:|---|---:|---|");
    let series: Vec<(String, String)> = sys
        .vocabulary()
        .series
        .iter()
        .filter_map(|s| s.split_once('.'))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    for (a, b) in lo.iter().zip(&hi) {
        let t = &r.assessments[a.target].target;
        let key = (t.region.clone(), t.indicator.clone());
        // The chain of parents up to the nation, with each link's coefficient.
        let mut path = Vec::new();
        let mut cur = key.clone();
        while let Some(parent) = r.data.regions.get(&cur.0).and_then(|x| x.parent.clone()) {
            let up = (parent, cur.1.clone());
            match sys.link(&cur, &up) {
                Some(beta) => path.push(format!("{}→{} β {beta:.2}", up.0, cur.0)),
                None => break,
            }
            cur = up;
        }
        let linked = cur == nation && !path.is_empty();
        // Series the target is linked to (directly or not) whose residual the nation's conditions.
        let upstream: Vec<String> = series
            .iter()
            .filter(|s| **s != key && **s != nation && sys.drives(s, a.target))
            .filter_map(|s| {
                let c = sys.residual_correlation(&nation, s)?;
                (c.abs() >= 0.005).then(|| format!("{}.{} {c:.2}", s.0, s.1))
            })
            .collect();
        println!(
            "| {}.{} | {:.2} | {:.2} | {:.3} | {:.3} | {} | {:.2} | {} |",
            t.region,
            t.indicator,
            a.mean,
            b.mean,
            a.p_met,
            b.p_met,
            if linked {
                path.join(", ")
            } else if key == nation {
                "assumed".to_string()
            } else {
                "none".to_string()
            },
            sys.residual_correlation(&nation, &key).unwrap_or(f64::NAN),
            if upstream.is_empty() {
                "–".to_string()
            } else {
                upstream.join(", ")
            }
        );
    }
    Ok(())
}

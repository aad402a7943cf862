//! Planner scenarios: driver assumptions in, target outcomes, P(met) and required driver values out.
//!
//! # The simulation
//! The engine's forecasts as of the scenario's year form a linear system: every series' combined forecast
//! is `μₛ + Σₘ wₘ Σⱼ βₘⱼ (xⱼ − x̄ⱼ) + εₛ`, where `j` runs over the regressors that are forecasts of other
//! series (the parent region's value, GDP for revenue and income, investment for GDP; see
//! [`crate::models::Link`]), `x̄ⱼ` is the driver's baseline forecast and `wₘ` the combination weights. Each
//! draw of the Monte Carlo:
//! 1. draws every coefficient from its sampling distribution, `βₘⱼ ~ N(β̂ₘⱼ, se²)` (parameter uncertainty);
//! 2. walks the series in dependency order (China → Shandong → Zibo; investment → GDP → revenue, income):
//!    an assumed series takes its assumed value (fixed, or `N(mean, sd)`); any other takes its baseline
//!    mean plus the response to its drivers' deviations plus its own residual; shocks are added last, so
//!    they propagate too;
//! 3. draws the residuals of one region jointly: standard normals correlated with the correlation of the
//!    engine's standardised backtest errors (pairwise, shrunk toward zero by `n / (n + 10)`, and made
//!    positive definite), each scaled by `√(df/χ²_df)` so that the marginals are Student-t.
//!
//! The residual scale of a series is what remains of the engine's predictive variance once the variance
//! propagated from its drivers is taken out, so a scenario without assumptions reproduces the engine's
//! distributions. P(met) is Rao–Blackwellised: each draw contributes the probability that the target is
//! met given everything but the series' own independent innovation, which cuts the Monte Carlo error
//! several-fold compared with counting hits. Quantiles are streamed (P² algorithm) so memory does not grow
//! with the number of draws. Draws are seeded and single-threaded: results are reproducible bit for bit.

use std::collections::{BTreeMap, HashMap, HashSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{ChiSquared, Distribution, StandardNormal};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::data::panel::SeriesKey;
use crate::error::{Error, Result};
use crate::run::RunResult;
use crate::targets::{self, MetEvent};

mod parse;
pub use parse::{MAX_ABS_VALUE, Vocabulary, closest, parse};

/// One assumption: a series takes a fixed value (`sd = 0`) or a normal distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// The series assumed.
    pub key: SeriesKey,
    /// Assumed mean.
    pub mean: f64,
    /// Assumed standard deviation (0 = fixed).
    pub sd: f64,
}

/// A planner's scenario (a TOML file in `scenarios/`).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name shown in outputs.
    pub name: String,
    /// What the scenario is about.
    pub description: String,
    /// As-of year of the engine run the scenario modifies.
    pub as_of: Option<i32>,
    /// Driver assumptions.
    pub assumptions: Vec<Assumption>,
    /// Additive shocks to series (percentage points).
    pub shocks: Vec<(SeriesKey, f64)>,
}

impl Scenario {
    /// The scenario without any assumption: the engine's own forecast.
    pub fn engine_baseline() -> Scenario {
        Scenario {
            name: "engine".into(),
            description: "the engine's forecast, no assumptions".into(),
            as_of: None,
            assumptions: Vec::new(),
            shocks: Vec::new(),
        }
    }
}

/// `Region.indicator`.
pub(crate) fn key_name(k: &SeriesKey) -> String {
    format!("{}.{}", k.0, k.1)
}

/// Streaming quantile estimate (P² algorithm of Jain & Chlamtac, 1985): five markers, constant memory.
#[derive(Debug, Clone)]
struct P2 {
    p: f64,
    q: [f64; 5],
    n: [f64; 5],
    want: [f64; 5],
    dn: [f64; 5],
    count: usize,
}

impl P2 {
    fn new(p: f64) -> P2 {
        P2 {
            p,
            q: [0.0; 5],
            n: [0.0, 1.0, 2.0, 3.0, 4.0],
            want: [0.0, 2.0 * p, 4.0 * p, 2.0 + 2.0 * p, 4.0],
            dn: [0.0, p / 2.0, p, (1.0 + p) / 2.0, 1.0],
            count: 0,
        }
    }

    fn add(&mut self, x: f64) {
        if self.count < 5 {
            self.q[self.count] = x;
            self.count += 1;
            if self.count == 5 {
                self.q.sort_by(f64::total_cmp);
            }
            return;
        }
        self.count += 1;
        let k = if x < self.q[0] {
            self.q[0] = x;
            0
        } else if x >= self.q[4] {
            self.q[4] = x;
            3
        } else {
            (0..4).find(|&i| x < self.q[i + 1]).unwrap_or(3)
        };
        for i in (k + 1)..5 {
            self.n[i] += 1.0;
        }
        for i in 0..5 {
            self.want[i] += self.dn[i];
        }
        for i in 1..4 {
            let d = self.want[i] - self.n[i];
            if (d >= 1.0 && self.n[i + 1] - self.n[i] > 1.0)
                || (d <= -1.0 && self.n[i - 1] - self.n[i] < -1.0)
            {
                let s = d.signum();
                let (qm, q0, qp) = (self.q[i - 1], self.q[i], self.q[i + 1]);
                let (nm, n0, np) = (self.n[i - 1], self.n[i], self.n[i + 1]);
                let parabolic = q0
                    + s / (np - nm)
                        * ((n0 - nm + s) * (qp - q0) / (np - n0)
                            + (np - n0 - s) * (q0 - qm) / (n0 - nm));
                self.q[i] = if qm < parabolic && parabolic < qp {
                    parabolic
                } else {
                    let j = if s > 0.0 { i + 1 } else { i - 1 };
                    q0 + s * (self.q[j] - q0) / (self.n[j] - n0)
                };
                self.n[i] += s;
            }
        }
    }

    fn value(&self) -> f64 {
        if self.count >= 5 {
            return self.q[2];
        }
        let mut v: Vec<f64> = self.q[..self.count].to_vec();
        v.sort_by(f64::total_cmp);
        crate::engine::quantile(&v, self.p)
    }
}

/// Monte Carlo settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McConfig {
    /// Number of draws.
    pub draws: usize,
    /// Seed of the random number generator.
    pub seed: u64,
}

/// The outcome of one target under one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Index of the assessment (target) in [`RunResult::assessments`].
    pub target: usize,
    /// Mean of the simulated outcome.
    pub mean: f64,
    /// Median of the simulated outcome.
    pub median: f64,
    /// 10% and 90% quantiles.
    pub q80: (f64, f64),
    /// 2.5% and 97.5% quantiles.
    pub q95: (f64, f64),
    /// Probability the target is met.
    pub p_met: f64,
    /// Monte Carlo standard error of `p_met`.
    pub p_met_se: f64,
}

struct Node {
    key: SeriesKey,
    mean: f64,
    se: f64,
    /// Degrees of freedom of the node's own residual (infinite: Gaussian).
    df: f64,
    own_sd: f64,
    /// (driver node index, weighted coefficient, weighted coefficient se, baseline driver value)
    links: Vec<(usize, f64, f64, f64)>,
}

/// The linear system of the engine's forecasts as of one year, ready to simulate.
pub struct System {
    nodes: Vec<Node>,
    /// Per region: node indices and the Cholesky factor of their residual correlation.
    groups: Vec<(Vec<usize>, Vec<Vec<f64>>)>,
    targets: Vec<(usize, usize, MetEvent)>,
}

fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d <= 1e-10 {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Correlation shrinkage: a pairwise correlation from `n` common errors is multiplied by `n / (n + 10)`.
pub const CORRELATION_SHRINK_OBS: f64 = 10.0;

impl System {
    /// Build the system from a run: the forecasts as of its as-of year, the weights and links of the models,
    /// and the residual correlations of the backtests.
    pub fn new(run: &RunResult, tolerance: f64) -> Result<System> {
        let Some(series) = run.engine.by_cutoff.get(&run.as_of) else {
            return Err(Error::Config(format!("no forecasts as of {}", run.as_of)));
        };
        // Nodes with a combined forecast, in dependency order (drivers first).
        let keys: Vec<&SeriesKey> = series
            .iter()
            .filter(|(_, f)| f.combined.is_some())
            .map(|(k, _)| k)
            .collect();
        let index: HashMap<&SeriesKey, usize> =
            keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        let deps = |k: &SeriesKey| -> Vec<usize> {
            series[k]
                .models
                .iter()
                .filter(|m| m.weight > 0.0)
                .flat_map(|m| m.links.iter().filter_map(|l| index.get(&l.driver).copied()))
                .collect()
        };
        let mut order: Vec<usize> = Vec::new();
        let mut placed = vec![false; keys.len()];
        while order.len() < keys.len() {
            let before = order.len();
            for i in 0..keys.len() {
                if !placed[i] && deps(keys[i]).iter().all(|&d| placed[d]) {
                    placed[i] = true;
                    order.push(i);
                }
            }
            if order.len() == before {
                return Err(Error::Config("the forecast equations form a cycle".into()));
            }
        }
        let mut pos = vec![0; keys.len()];
        for (p, &i) in order.iter().enumerate() {
            pos[i] = p;
        }
        let mut nodes: Vec<Node> = Vec::with_capacity(keys.len());
        // Variances/covariances of the propagated system, to size each node's own residual.
        let mut cov: Vec<Vec<f64>> = vec![vec![0.0; keys.len()]; keys.len()];
        for &i in &order {
            let f = &series[keys[i]];
            let d = f.combined.expect("filtered");
            let mut agg: BTreeMap<usize, (f64, f64, f64)> = BTreeMap::new();
            for m in f.models.iter().filter(|m| m.weight > 0.0) {
                for l in &m.links {
                    if let Some(&j) = index.get(&l.driver) {
                        let e = agg.entry(pos[j]).or_insert((0.0, 0.0, l.at));
                        e.0 += m.weight * l.beta;
                        e.1 += (m.weight * l.beta_se).powi(2);
                    }
                }
            }
            let links: Vec<(usize, f64, f64, f64)> = agg
                .into_iter()
                .map(|(j, (b, v, at))| (j, b, v.sqrt(), at))
                .collect();
            let p = nodes.len();
            let mut propagated = 0.0;
            for &(j, bj, _, _) in &links {
                for &(k, bk, _, _) in &links {
                    propagated += bj * bk * cov[j][k];
                }
            }
            // Coefficient uncertainty adds se(β)²·Var(driver) at the baseline.
            let coef_var: f64 = links
                .iter()
                .map(|&(j, _, bse, _)| bse * bse * cov[j][j])
                .sum();
            let total = d.se * d.se;
            let own = (total - propagated - coef_var).max(0.1 * total);
            // Covariance of the new node with every earlier one: Σⱼ βⱼ Cov(xⱼ, x_q).
            let row: Vec<f64> = (0..p)
                .map(|q| links.iter().map(|&(j, b, _, _)| b * cov[j][q]).sum())
                .collect();
            for (q, c) in row.into_iter().enumerate() {
                cov[p][q] = c;
                cov[q][p] = c;
            }
            cov[p][p] = propagated + coef_var + own;
            // Tails: a series whose forecast comes mostly from its drivers inherits their (Student-t)
            // tails through the propagation, so its own residual is Gaussian; otherwise the residual
            // carries the engine's degrees of freedom. (The engine's single Student-t per series is itself
            // an approximation of a sum of t errors; with this choice the two agree within 0.02 of P(met).)
            let driven = propagated + coef_var > 0.5 * total;
            let own_df = if driven { f64::INFINITY } else { d.df.max(3.0) };
            nodes.push(Node {
                key: keys[i].clone(),
                mean: d.mean,
                se: d.se,
                df: own_df,
                own_sd: own.sqrt(),
                links,
            });
        }
        let node_of: HashMap<SeriesKey, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.key.clone(), i))
            .collect();
        // Residual correlation within a region, from standardised backtest errors of the combination.
        let mut z: HashMap<&SeriesKey, BTreeMap<i32, f64>> = HashMap::new();
        for b in run.backtest.iter().filter(|b| b.model == "combined") {
            z.entry(&b.key)
                .or_default()
                .insert(b.origin, (b.actual - b.dist.mean) / b.dist.se);
        }
        let mut regions: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, n) in nodes.iter().enumerate() {
            regions.entry(n.key.0.as_str()).or_default().push(i);
        }
        let mut groups = Vec::new();
        for (_, members) in regions {
            let m = members.len();
            let mut r = vec![vec![0.0; m]; m];
            for a in 0..m {
                r[a][a] = 1.0;
                for b in 0..a {
                    let (za, zb) = (z.get(&nodes[members[a]].key), z.get(&nodes[members[b]].key));
                    let pairs: Vec<(f64, f64)> = match (za, zb) {
                        (Some(za), Some(zb)) => za
                            .iter()
                            .filter_map(|(y, x)| zb.get(y).map(|w| (*x, *w)))
                            .collect(),
                        _ => Vec::new(),
                    };
                    let n = pairs.len() as f64;
                    if n >= 5.0 {
                        let (mx, my) = (
                            pairs.iter().map(|p| p.0).sum::<f64>() / n,
                            pairs.iter().map(|p| p.1).sum::<f64>() / n,
                        );
                        let sxy: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
                        let sxx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
                        let syy: f64 = pairs.iter().map(|p| (p.1 - my).powi(2)).sum();
                        if sxx > 0.0 && syy > 0.0 {
                            let rho = sxy / (sxx * syy).sqrt() * n / (n + CORRELATION_SHRINK_OBS);
                            r[a][b] = rho;
                            r[b][a] = rho;
                        }
                    }
                }
            }
            // Pairwise correlations need not form a valid matrix: shrink further toward identity until
            // the Cholesky factor exists.
            let mut shrink = 1.0;
            let l = loop {
                let rs: Vec<Vec<f64>> = (0..m)
                    .map(|a| {
                        (0..m)
                            .map(|b| if a == b { 1.0 } else { r[a][b] * shrink })
                            .collect()
                    })
                    .collect();
                if let Some(l) = cholesky(&rs) {
                    break l;
                }
                shrink *= 0.8;
            };
            groups.push((members, l));
        }
        let mut targets = Vec::new();
        for (ai, a) in run.assessments.iter().enumerate() {
            if a.dist.is_none() || a.target.basis != crate::data::Basis::Growth {
                continue;
            }
            if let Some(&n) = node_of.get(&(a.target.region.clone(), a.target.indicator.clone())) {
                let ev = targets::met_event(
                    &a.target,
                    targets::direction(&run.data, &a.target.indicator),
                    tolerance,
                );
                targets.push((ai, n, ev));
            }
        }
        Ok(System {
            nodes,
            groups,
            targets,
        })
    }

    /// Names (`Region.indicator`) of every simulated series and of those that move a target.
    pub fn vocabulary(&self) -> Vocabulary {
        let mut drivers = HashSet::new();
        let mut stack: Vec<usize> = self.targets.iter().map(|t| t.1).collect();
        while let Some(i) = stack.pop() {
            if drivers.insert(key_name(&self.nodes[i].key)) {
                stack.extend(self.nodes[i].links.iter().map(|l| l.0));
            }
        }
        Vocabulary {
            series: self.nodes.iter().map(|n| key_name(&n.key)).collect(),
            drivers,
        }
    }

    /// Whether `driver` moves the target of assessment `target` (directly or through other series).
    pub fn drives(&self, driver: &SeriesKey, target: usize) -> bool {
        let Some(&(_, node, _)) = self.targets.iter().find(|t| t.0 == target) else {
            return false;
        };
        let mut stack = vec![node];
        let mut seen = HashSet::new();
        while let Some(i) = stack.pop() {
            if &self.nodes[i].key == driver {
                return true;
            }
            if seen.insert(i) {
                stack.extend(self.nodes[i].links.iter().map(|l| l.0));
            }
        }
        false
    }

    /// The baseline mean and scale of a series (its engine forecast).
    pub fn baseline(&self, key: &SeriesKey) -> Option<(f64, f64)> {
        self.nodes
            .iter()
            .find(|n| &n.key == key)
            .map(|n| (n.mean, n.se))
    }

    /// Simulate a scenario.
    pub fn simulate(&self, sc: &Scenario, mc: McConfig) -> Vec<Outcome> {
        let n = self.nodes.len();
        let mut rng = StdRng::seed_from_u64(mc.seed);
        let assumed: HashMap<usize, &Assumption> = sc
            .assumptions
            .iter()
            .filter_map(|a| {
                self.nodes
                    .iter()
                    .position(|x| x.key == a.key)
                    .map(|i| (i, a))
            })
            .collect();
        let shock: HashMap<usize, f64> = sc
            .shocks
            .iter()
            .filter_map(|(k, v)| self.nodes.iter().position(|x| &x.key == k).map(|i| (i, *v)))
            .collect();
        let chi: Vec<Option<ChiSquared<f64>>> = self
            .nodes
            .iter()
            .map(|x| {
                if x.df.is_finite() {
                    ChiSquared::new(x.df).ok()
                } else {
                    None
                }
            })
            .collect();
        let normal = Normal::new(0.0, 1.0).expect("standard normal");
        let mut value = vec![0.0; n];
        let mut eps = vec![0.0; n];
        let mut cond_mean_shift = vec![0.0; n];
        let mut innov_sd = vec![1.0; n];
        let mut u = vec![0.0; n];
        let mut link_z: Vec<f64> = Vec::new();
        let mut sums = vec![(0.0, 0.0, 0.0); self.targets.len()]; // (sum x, sum p, sum p²)
        let mut quantiles: Vec<[P2; 5]> = self
            .targets
            .iter()
            .map(|_| {
                [
                    P2::new(0.025),
                    P2::new(0.1),
                    P2::new(0.5),
                    P2::new(0.9),
                    P2::new(0.975),
                ]
            })
            .collect();
        for _ in 0..mc.draws {
            // Correlated standard normals per region; remember each node's own innovation share.
            for (members, l) in &self.groups {
                for (a, &i) in members.iter().enumerate() {
                    u[a] = StandardNormal.sample(&mut rng);
                    let before: f64 = (0..a).map(|b| l[a][b] * u[b]).sum();
                    let mix = chi[i].as_ref().map_or(1.0, |c| {
                        (self.nodes[i].df / c.sample(&mut rng).max(1e-12)).sqrt()
                    });
                    let scale = self.nodes[i].own_sd * mix;
                    eps[i] = scale * (before + l[a][a] * u[a]);
                    cond_mean_shift[i] = scale * before;
                    innov_sd[i] = scale * l[a][a];
                }
            }
            for i in 0..n {
                // Every draw consumes the same random numbers whatever is assumed (common random
                // numbers): scenarios then differ only where their assumptions reach.
                let z: f64 = StandardNormal.sample(&mut rng);
                for _ in &self.nodes[i].links {
                    link_z.push(StandardNormal.sample(&mut rng));
                }
                if let Some(a) = assumed.get(&i) {
                    link_z.clear();
                    value[i] = a.mean + a.sd * z;
                    // The assumption's own draw is the innovation integrated out for P(met).
                    cond_mean_shift[i] = a.mean;
                    innov_sd[i] = a.sd;
                    continue;
                }
                let node = &self.nodes[i];
                let mut response = 0.0;
                for (&(j, b, bse, at), zl) in node.links.iter().zip(link_z.drain(..)) {
                    response += (b + bse * zl) * (value[j] - at);
                }
                let s = shock.get(&i).copied().unwrap_or(0.0);
                let centre = node.mean + response + s;
                value[i] = centre + eps[i];
                cond_mean_shift[i] += centre;
            }
            for (t, (_, node, ev)) in self.targets.iter().enumerate() {
                let x = value[*node];
                let m = cond_mean_shift[*node];
                let sd = innov_sd[*node];
                // P(met | everything but the node's own innovation).
                let p = if sd <= 0.0 {
                    f64::from(u8::from(ev.is_met(x)))
                } else if ev.upper {
                    normal.cdf((ev.bound - m) / sd)
                } else {
                    1.0 - normal.cdf((ev.bound - m) / sd)
                };
                sums[t].0 += x;
                sums[t].1 += p;
                sums[t].2 += p * p;
                for q in quantiles[t].iter_mut() {
                    q.add(x);
                }
            }
        }
        let d = mc.draws.max(1) as f64;
        self.targets
            .iter()
            .enumerate()
            .map(|(t, (ai, _, _))| {
                let p = sums[t].1 / d;
                let var = (sums[t].2 / d - p * p).max(0.0);
                Outcome {
                    target: *ai,
                    mean: sums[t].0 / d,
                    median: quantiles[t][2].value(),
                    q80: (quantiles[t][1].value(), quantiles[t][3].value()),
                    q95: (quantiles[t][0].value(), quantiles[t][4].value()),
                    p_met: p.clamp(0.0, 1.0),
                    p_met_se: (var / d).sqrt(),
                }
            })
            .collect()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_quantiles_of_a_uniform_stream() {
        let mut q = P2::new(0.9);
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..20_000 {
            q.add(rand::Rng::r#gen::<f64>(&mut rng));
        }
        assert!((q.value() - 0.9).abs() < 0.01, "{}", q.value());
    }

    #[test]
    fn closest_name_suggestion() {
        assert_eq!(
            closest(
                "Zibo.fai_grwth",
                ["Zibo.fai_growth", "Zibo.gdp_real_growth"]
            ),
            Some("Zibo.fai_growth")
        );
    }
}

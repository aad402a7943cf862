//! From validated observations to yearly growth series the models can use.
//!
//! # Vintage resolution
//! Several rows may exist for one (region, indicator, `FY`, year). The engine keeps exactly one, the
//! greatest under this order (first difference decides):
//! 1. a `low`-confidence row is used only when no `medium`/`high` row exists (the data compiler flags
//!    conflicting or weak values as `low`);
//! 2. vintage: `revised` > `initial` > `reported` > `preliminary` > `derived`;
//! 3. confidence: `high` > `medium` > `low`;
//! 4. the earlier line of the file.
//!
//! Every resolved value keeps its source, vintage, confidence and line, and how many rows competed, so the
//! outputs can show which row was used (`observations_used.csv`).
//!
//! # Growth series
//! Published growth rows (`kind = growth_pct`, period `FY`) are used as they are. For a level indicator `X`,
//! the growth series `X_growth` is completed from levels only where the published growth is missing, both
//! years `t-1` and `t` have a level in the same currency unit ([`AMOUNT_UNITS`]: not shares or head counts), and `breaks.csv` has no break for that region and
//! indicator at `t` (e.g. the 2018 economic census for GDP levels, the 2011 FAI threshold). Years without a
//! value stay missing: series are irregular and the models accept gaps.

use std::collections::BTreeMap;

use super::{Confidence, Dataset, Kind, Observation, Vintage};

/// Units of amounts whose growth rate is meaningful (not shares, rates or head counts).
pub const AMOUNT_UNITS: &[&str] = &["100m_CNY", "10k_CNY", "CNY", "100m_USD", "USD"];

/// Key of a series: (region, indicator).
pub type SeriesKey = (String, String);

/// One resolved yearly value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Calendar year.
    pub year: i32,
    /// Value (percent for growth series).
    pub value: f64,
    /// Vintage of the row used.
    pub vintage: Vintage,
    /// Confidence of the row used.
    pub confidence: Confidence,
    /// Source of the row used (for derived growth: the two level rows).
    pub source: String,
    /// Line of the row used in `indicators.csv`; 0 when computed here from levels.
    pub line: u64,
    /// Number of rows that competed for this (region, indicator, year).
    pub candidates: usize,
}

/// A yearly growth series, sorted by year, possibly with gaps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Points in increasing year order.
    pub points: Vec<Point>,
}

impl Series {
    /// Value in `year`, if observed.
    pub fn get(&self, year: i32) -> Option<f64> {
        self.points
            .binary_search_by_key(&year, |p| p.year)
            .ok()
            .map(|i| self.points[i].value)
    }

    /// The point of `year`, if observed.
    pub fn point(&self, year: i32) -> Option<&Point> {
        self.points
            .binary_search_by_key(&year, |p| p.year)
            .ok()
            .map(|i| &self.points[i])
    }

    /// Points with `year <= cutoff`.
    pub fn upto(&self, cutoff: i32) -> &[Point] {
        let end = self.points.partition_point(|p| p.year <= cutoff);
        &self.points[..end]
    }
}

/// Growth series of every region and indicator, plus the resolved level series used to derive them.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// Growth series (percent) by (region, indicator).
    pub growth: BTreeMap<SeriesKey, Series>,
    /// Resolved level series by (region, indicator), for level targets and provenance.
    pub levels: BTreeMap<SeriesKey, Series>,
}

fn preference(o: &Observation) -> (bool, Vintage, Confidence, std::cmp::Reverse<u64>) {
    (
        o.confidence != Confidence::Low,
        o.vintage,
        o.confidence,
        std::cmp::Reverse(o.line),
    )
}

impl Panel {
    /// Build the panel from validated data, using only observations with `year <= as_of`.
    pub fn build(ds: &Dataset, as_of: i32) -> Panel {
        let mut groups: BTreeMap<(SeriesKey, Kind, i32), Vec<&Observation>> = BTreeMap::new();
        for o in ds
            .observations
            .iter()
            .filter(|o| o.period == "FY" && o.year <= as_of)
        {
            groups
                .entry(((o.region.clone(), o.indicator.clone()), o.kind, o.year))
                .or_default()
                .push(o);
        }
        let mut panel = Panel::default();
        let mut level_units: BTreeMap<(SeriesKey, i32), String> = BTreeMap::new();
        for ((key, kind, year), rows) in groups {
            let best = rows
                .iter()
                .max_by_key(|o| preference(o))
                .expect("group is never empty");
            let point = Point {
                year,
                value: best.value,
                vintage: best.vintage,
                confidence: best.confidence,
                source: best.source.clone(),
                line: best.line,
                candidates: rows.len(),
            };
            let target = match kind {
                Kind::GrowthPct => &mut panel.growth,
                Kind::Level => {
                    level_units.insert((key.clone(), year), best.unit.clone());
                    &mut panel.levels
                }
            };
            target.entry(key).or_default().points.push(point);
        }
        // Complete growth series from comparable consecutive levels.
        for (key, levels) in &panel.levels {
            let growth_key = (key.0.clone(), format!("{}_growth", key.1));
            for pair in levels.points.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                if b.year != a.year + 1 || a.value <= 0.0 {
                    continue;
                }
                let unit = level_units.get(&(key.clone(), a.year));
                if unit != level_units.get(&(key.clone(), b.year))
                    || !unit.is_some_and(|u| AMOUNT_UNITS.contains(&u.as_str()))
                {
                    continue;
                }
                let broken = ds.breaks.iter().any(|br| {
                    (br.region == "*" || br.region == key.0)
                        && br.indicator == key.1
                        && br.year == b.year
                });
                if broken {
                    continue;
                }
                let series = panel.growth.entry(growth_key.clone()).or_default();
                if series.get(b.year).is_some() {
                    continue;
                }
                series.points.push(Point {
                    year: b.year,
                    value: 100.0 * (b.value / a.value - 1.0),
                    vintage: Vintage::Derived,
                    confidence: a.confidence.min(b.confidence),
                    source: format!(
                        "computed from levels of {} and {} (indicators.csv lines {} and {})",
                        a.year, b.year, a.line, b.line
                    ),
                    line: 0,
                    candidates: 1,
                });
                series.points.sort_by_key(|p| p.year);
            }
        }
        panel
    }
}

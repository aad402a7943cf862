//! From validated observations to yearly growth series the models can use.
//!
//! # Vintage resolution
//! Several rows may exist for one (region, indicator, `FY`, year). The engine keeps exactly one, the
//! greatest under this order (first difference decides):
//! 1. a `low`-confidence row is used only when no `medium`/`high` row exists (the data compiler flags
//!    conflicting or weak values as `low`);
//! 2. vintage: `revised` > `initial` > `reported` > `preliminary` > `derived`;
//! 3. confidence: `high` > `medium` > `low`;
//! 4. the source reference that sorts first, then the smaller value (so the choice never depends on the
//!    order of the rows in the file).
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
    /// Implausible data noticed while building (not fatal; printed by the CLI).
    pub warnings: Vec<String>,
}

/// Ordering key of the resolution rule (greatest wins). The last two parts break ties without looking
/// at the position in the file, so the result does not depend on the order of the rows.
pub(crate) fn preference(
    o: &Observation,
) -> (
    bool,
    Vintage,
    Confidence,
    std::cmp::Reverse<&str>,
    std::cmp::Reverse<u64>,
) {
    preference_with(o, o.vintage)
}

/// The resolution rule with the vintage's place given by `vintage` (the year-to-date rule orders the
/// vintages differently, [`crate::nowcast::in_year_preference`]).
pub(crate) fn preference_with<V: Ord>(
    o: &Observation,
    vintage: V,
) -> (
    bool,
    V,
    Confidence,
    std::cmp::Reverse<&str>,
    std::cmp::Reverse<u64>,
) {
    (
        o.confidence != Confidence::Low,
        vintage,
        o.confidence,
        std::cmp::Reverse(o.source.as_str()),
        std::cmp::Reverse(o.value.to_bits()),
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
            for p in levels.points.iter().filter(|p| p.value <= 0.0) {
                panel.warnings.push(format!(
                    "{}.{}: level {} of {} (line {}) is not positive; no growth is derived from it (check the value)",
                    key.0, key.1, p.value, p.year, p.line
                ));
            }
            let growth_key = (key.0.clone(), format!("{}_growth", key.1));
            for pair in levels.points.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                // A level of 0 or below (a typo, a missing value written as 0) would give -100% or a
                // meaningless growth: none is derived from it (the planner is told once, below).
                if b.year != a.year + 1 || a.value <= 0.0 || b.value <= 0.0 {
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
                let value = 100.0 * (b.value / a.value - 1.0);
                if !(-100.0..=1000.0).contains(&value) {
                    panel.warnings.push(format!(
                        "{}.{}: levels of {} ({:.6e}, line {}) and {} ({:.6e}, line {}) imply growth of {value:.3e}%; \
                         no growth derived (check the units of both rows)",
                        key.0, key.1, a.year, a.value, a.line, b.year, b.value, b.line
                    ));
                    continue;
                }
                let series = panel.growth.entry(growth_key.clone()).or_default();
                if series.get(b.year).is_some() {
                    continue;
                }
                series.points.push(Point {
                    year: b.year,
                    value,
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

impl Point {
    /// A synthetic point (tests, simulations): revised, of high confidence, from no file.
    pub fn synthetic(year: i32, value: f64) -> Point {
        Point {
            year,
            value,
            vintage: Vintage::Revised,
            confidence: Confidence::High,
            source: "synthetic".into(),
            line: 0,
            candidates: 1,
        }
    }
}

#[cfg(test)]
impl Series {
    /// A series of synthetic (year, value) points (unit tests).
    pub(crate) fn synthetic(values: &[(i32, f64)]) -> Series {
        Series {
            points: values
                .iter()
                .map(|&(year, value)| Point::synthetic(year, value))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Break, Region};

    fn obs(
        indicator: &str,
        year: i32,
        value: f64,
        kind: Kind,
        vintage: Vintage,
        confidence: Confidence,
        line: u64,
    ) -> Observation {
        Observation {
            region: "Zibo".into(),
            indicator: indicator.into(),
            period: "FY".into(),
            year,
            value,
            unit: if kind == Kind::Level {
                "100m_CNY".into()
            } else {
                "pct".into()
            },
            kind,
            vintage,
            confidence,
            source: format!("s{line}"),
            line,
        }
    }

    fn dataset(observations: Vec<Observation>, breaks: Vec<Break>) -> Dataset {
        let mut ds = Dataset {
            observations,
            breaks,
            ..Dataset::default()
        };
        ds.regions.insert(
            "Zibo".into(),
            Region {
                name: "Zibo".into(),
                parent: None,
                name_zh: String::new(),
            },
        );
        ds
    }

    #[test]
    fn low_confidence_row_loses_to_any_better_row_even_of_a_weaker_vintage() {
        // Shandong 2022 in the bundled data: preliminary 4.0 (medium) vs "reported" 5.4 (low, flagged as an error).
        let ds = dataset(
            vec![
                obs(
                    "g",
                    2022,
                    4.0,
                    Kind::GrowthPct,
                    Vintage::Preliminary,
                    Confidence::Medium,
                    2,
                ),
                obs(
                    "g",
                    2022,
                    5.4,
                    Kind::GrowthPct,
                    Vintage::Reported,
                    Confidence::Low,
                    3,
                ),
            ],
            vec![],
        );
        let p = Panel::build(&ds, 2022);
        let point = p.growth[&("Zibo".into(), "g".into())]
            .point(2022)
            .unwrap()
            .clone();
        assert_eq!(point.value, 4.0);
        assert_eq!(point.candidates, 2);
        assert_eq!(point.line, 2);
    }

    #[test]
    fn revised_beats_initial_and_ties_go_to_the_first_source() {
        let ds = dataset(
            vec![
                obs(
                    "g",
                    2019,
                    5.5,
                    Kind::GrowthPct,
                    Vintage::Initial,
                    Confidence::High,
                    2,
                ),
                obs(
                    "g",
                    2019,
                    5.3,
                    Kind::GrowthPct,
                    Vintage::Revised,
                    Confidence::High,
                    3,
                ),
                obs(
                    "g",
                    2020,
                    1.0,
                    Kind::GrowthPct,
                    Vintage::Reported,
                    Confidence::High,
                    4,
                ),
                obs(
                    "g",
                    2020,
                    2.0,
                    Kind::GrowthPct,
                    Vintage::Reported,
                    Confidence::High,
                    5,
                ),
            ],
            vec![],
        );
        let p = Panel::build(&ds, 2022);
        let s = &p.growth[&("Zibo".into(), "g".into())];
        assert_eq!(s.get(2019), Some(5.3));
        assert_eq!(s.get(2020), Some(1.0));
    }

    #[test]
    fn growth_is_derived_from_consecutive_levels_but_never_across_a_break_or_over_published_growth()
    {
        let ds = dataset(
            vec![
                obs(
                    "gdp",
                    2016,
                    100.0,
                    Kind::Level,
                    Vintage::Reported,
                    Confidence::High,
                    2,
                ),
                obs(
                    "gdp",
                    2017,
                    110.0,
                    Kind::Level,
                    Vintage::Reported,
                    Confidence::High,
                    3,
                ),
                obs(
                    "gdp",
                    2018,
                    121.0,
                    Kind::Level,
                    Vintage::Reported,
                    Confidence::Medium,
                    4,
                ),
                obs(
                    "gdp",
                    2019,
                    80.0,
                    Kind::Level,
                    Vintage::Revised,
                    Confidence::High,
                    5,
                ),
                obs(
                    "gdp",
                    2021,
                    90.0,
                    Kind::Level,
                    Vintage::Revised,
                    Confidence::High,
                    6,
                ),
                obs(
                    "gdp_growth",
                    2018,
                    9.5,
                    Kind::GrowthPct,
                    Vintage::Reported,
                    Confidence::High,
                    7,
                ),
            ],
            vec![Break {
                region: "*".into(),
                indicator: "gdp".into(),
                year: 2019,
            }],
        );
        let p = Panel::build(&ds, 2022);
        let s = &p.growth[&("Zibo".into(), "gdp_growth".into())];
        assert!((s.get(2017).unwrap() - 10.0).abs() < 1e-12);
        assert_eq!(s.point(2017).unwrap().vintage, Vintage::Derived);
        assert_eq!(s.get(2018), Some(9.5), "published growth wins over derived");
        assert_eq!(s.get(2019), None, "no growth across the census break");
        assert_eq!(s.get(2021), None, "no growth across a gap year");
    }

    #[test]
    fn implausible_growth_from_a_unit_slip_is_not_derived_and_is_reported() {
        let ds = dataset(
            vec![
                obs(
                    "gdp",
                    2021,
                    0.42006,
                    Kind::Level,
                    Vintage::Reported,
                    Confidence::High,
                    2,
                ),
                obs(
                    "gdp",
                    2022,
                    4500.0,
                    Kind::Level,
                    Vintage::Reported,
                    Confidence::High,
                    3,
                ),
            ],
            vec![],
        );
        let p = Panel::build(&ds, 2022);
        assert!(!p.growth.contains_key(&("Zibo".into(), "gdp_growth".into())));
        assert_eq!(p.warnings.len(), 1);
        assert!(p.warnings[0].contains("line 2") && p.warnings[0].contains("line 3"));
    }

    #[test]
    fn data_after_the_as_of_year_is_invisible() {
        let ds = dataset(
            vec![
                obs(
                    "g",
                    2021,
                    8.0,
                    Kind::GrowthPct,
                    Vintage::Reported,
                    Confidence::High,
                    2,
                ),
                obs(
                    "g",
                    2022,
                    3.0,
                    Kind::GrowthPct,
                    Vintage::Reported,
                    Confidence::High,
                    3,
                ),
            ],
            vec![],
        );
        let p = Panel::build(&ds, 2021);
        assert_eq!(p.growth[&("Zibo".into(), "g".into())].points.len(), 1);
    }
}

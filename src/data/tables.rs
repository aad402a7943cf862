//! The rows of each data file parsed and validated: regions, indicator metadata, events, breaks,
//! indicators and targets; every problem with file, line and column.

use super::*;

/// The `region` column of a row, a problem when it is not a region of `regions`.
fn known_region(row: &mut Row<'_>, regions: &BTreeMap<String, Region>) -> Option<String> {
    let region = row.required("region");
    if let Some(r) = &region
        && !regions.contains_key(r)
    {
        unknown_region(row, "region", r, regions);
    }
    region
}

pub(super) fn unknown_region(
    row: &mut Row<'_>,
    column: &str,
    name: &str,
    regions: &BTreeMap<String, Region>,
) {
    let known: Vec<&str> = regions.keys().map(String::as_str).collect();
    row.problem(
        column,
        format!(
            "unknown region `{name}`; expected one of {} (add new regions to regions.csv)",
            known.join(", ")
        ),
    );
}

/// The regions of one regions.csv in file order, with their lines; a region defined twice in the file is
/// a problem (the hierarchy is checked on the merged regions of all sources, [`check_tree`]).
pub(super) fn parse_regions(t: &Table, problems: &mut Vec<Problem>) -> Vec<(Region, u64)> {
    let mut out = Vec::new();
    t.known(&["name_en"]);
    if !t.require(&["region", "parent"], problems) {
        return out;
    }
    let mut lines: HashMap<String, u64> = HashMap::new();
    t.each_row(problems, |row| {
        let Some(name) = row.required("region") else {
            return;
        };
        if let Some(prev) = lines.get(&name) {
            row.problem(
                "region",
                format!("region `{name}` already defined on line {prev}"),
            );
            return;
        }
        lines.insert(name.clone(), row.line);
        let parent = Some(row.text("parent")).filter(|p| !p.is_empty());
        out.push((
            Region {
                name,
                parent,
                name_zh: row.text("name_zh"),
            },
            row.line,
        ));
    });
    out
}

/// The rows of one indicator_meta.csv in file order: (indicator, metadata, line).
pub(super) fn parse_meta(
    t: &Table,
    problems: &mut Vec<Problem>,
) -> Vec<(String, IndicatorMeta, u64)> {
    let mut out = Vec::new();
    if !t.require(&["indicator", "direction"], problems) {
        return out;
    }
    t.each_row(problems, |row| {
        let Some(id) = row.indicator("indicator") else {
            return;
        };
        let Some(direction) = row.choice(
            "direction",
            &[
                ("higher_is_better", Direction::HigherIsBetter),
                ("ceiling", Direction::Ceiling),
            ],
        ) else {
            return;
        };
        out.push((
            id,
            IndicatorMeta {
                direction,
                name_zh: row.text("name_zh"),
                name_en: row.text("name_en"),
                family: row.text("family"),
            },
            row.line,
        ));
    });
    out
}

pub(super) fn parse_events(t: &Table, problems: &mut Vec<Problem>) -> Vec<i32> {
    let mut out = Vec::new();
    t.known(&["note"]);
    if !t.require(&["year", "kind"], problems) {
        return out;
    }
    t.each_row(problems, |row| {
        let year = row.year("year");
        let kind = row.choice("kind", &[("intervention", ())]);
        if let (Some(y), Some(())) = (year, kind) {
            out.push(y);
        }
    });
    out.sort_unstable();
    out.dedup();
    out
}

pub(super) fn parse_breaks(
    t: &Table,
    regions: &BTreeMap<String, Region>,
    problems: &mut Vec<Problem>,
) -> Vec<Break> {
    let mut out = Vec::new();
    t.known(&["note"]);
    if !t.require(&["region", "indicator", "year"], problems) {
        return out;
    }
    t.each_row(problems, |row| {
        let region = row.required("region");
        if let Some(r) = &region
            && r != "*"
            && !regions.contains_key(r)
        {
            unknown_region(row, "region", r, regions);
        }
        let indicator = row.indicator("indicator");
        let year = row.year("year");
        if let (Some(region), Some(indicator), Some(year)) = (region, indicator, year) {
            out.push(Break {
                region,
                indicator,
                year,
            });
        }
    });
    out
}

/// Required columns of `indicators.csv` (`note` is optional).
pub const INDICATOR_COLUMNS: &[&str] = &[
    "region",
    "indicator",
    "period",
    "year",
    "value",
    "unit",
    "kind",
    "vintage",
    "confidence",
    "source",
];

/// Units accepted in `indicators.csv` (those of the bundled data and every unit `indicast extract` writes).
pub const UNITS: &[&str] = &[
    "pct",
    "pp",
    "pct_of_gdp",
    "CNY",
    "10k_CNY",
    "100m_CNY",
    "1t_CNY",
    "USD",
    "10k_USD",
    "100m_USD",
    "persons",
    "10k_persons",
    "100m_persons",
    "count",
    "10k_count",
    "100m_count",
    "mu",
    "10k_mu",
    "m2",
    "10k_m2",
    "t",
    "10k_t",
    "100m_t",
    "jin",
    "10k_jin",
    "100m_jin",
    "1t_jin",
    "km",
    "10k_km",
    "ha",
    "10k_ha",
    "kW",
    "10k_kW",
    "days",
    "times",
];

pub(super) fn valid_period(p: &str) -> bool {
    matches!(p, "FY" | "Q1" | "Q2" | "Q3" | "Q4" | "H1" | "H2")
        || (p.len() == 3
            && p.starts_with('M')
            && p[1..].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m)))
}

pub(super) fn parse_observations(
    t: &Table,
    regions: &BTreeMap<String, Region>,
    problems: &mut Vec<Problem>,
) -> Vec<Observation> {
    let mut out = Vec::new();
    t.known(&["note"]);
    if !t.require(INDICATOR_COLUMNS, problems) {
        return out;
    }
    let mut seen: HashMap<(String, String, String, i32, Vintage, String), u64> = HashMap::new();
    let this_year = today_utc().0;
    t.each_row(problems, |row| {
        let region = known_region(row, regions);
        let indicator = row.indicator("indicator");
        let period = row.text("period");
        if !valid_period(&period) {
            row.problem(
                "period",
                format!("unknown period `{period}`; expected FY, Q1..Q4, H1, H2 or M01..M12"),
            );
        }
        let mut year = row.year("year");
        // An observed value cannot be of a year that has not begun (a typo such as 2031 would make it
        // the last data year, and `run` would assess 2032 with no targets).
        if let Some(y) = year
            && i64::from(y) > this_year
        {
            row.problem(
                "year",
                format!("year {y} has not begun (today is {this_year}); expected the year the value is of"),
            );
            year = None;
        }
        let value = row.number("value");
        let mut unit = row.text("unit");
        // A unit written in Chinese (亿元, 万人, %) is unambiguous: read it as its code, and say so.
        if !UNITS.contains(&unit.as_str()) {
            let (magnitude, word) = ["万亿", "亿", "万"]
                .iter()
                .find_map(|m| unit.strip_prefix(m).map(|w| (*m, w)))
                .unwrap_or(("", unit.as_str()));
            // The extractor's table reads any other word as a measure word (a count); here only
            // the known measure words are.
            let known = |code: &str| {
                !code.ends_with("count")
                    || word == "人次"
                    || crate::vocab::COUNT_WORDS.split('|').any(|w| w == word)
            };
            if let Some(code) = crate::vocab::unit_code(magnitude, word).filter(|c| known(c)) {
                row.table.note(
                    "Chinese unit words read as unit codes (e.g. 亿元 → 100m_CNY)",
                    row.line,
                );
                unit = code.to_string();
            }
        }
        if !UNITS.contains(&unit.as_str()) {
            row.problem(
                "unit",
                format!(
                    "unknown unit `{unit}`; expected one of: {}",
                    UNITS.join(", ")
                ),
            );
        }
        let kind = row.choice(
            "kind",
            &[("level", Kind::Level), ("growth_pct", Kind::GrowthPct)],
        );
        let vintage = row.choice(
            "vintage",
            &[
                ("revised", Vintage::Revised),
                ("initial", Vintage::Initial),
                ("reported", Vintage::Reported),
                ("preliminary", Vintage::Preliminary),
                ("derived", Vintage::Derived),
            ],
        );
        let confidence = row.choice(
            "confidence",
            &[
                ("high", Confidence::High),
                ("medium", Confidence::Medium),
                ("low", Confidence::Low),
            ],
        );
        let source = row.required("source");
        if let (Some(Kind::GrowthPct), Some(v)) = (kind, value)
            && !(-100.0..=1000.0).contains(&v)
        {
            row.problem(
                "value",
                format!("growth {v}% is outside -100..1000; expected a year-on-year percentage"),
            );
        }
        let (
            Some(region),
            Some(indicator),
            Some(year),
            Some(value),
            Some(kind),
            Some(vintage),
            Some(confidence),
            Some(source),
        ) = (
            region, indicator, year, value, kind, vintage, confidence, source,
        )
        else {
            return;
        };
        let key = (
            region.clone(),
            indicator.clone(),
            period.clone(),
            year,
            vintage,
            source.clone(),
        );
        if let Some(prev) = seen.insert(key, row.line) {
            row.problem(
                "",
                format!(
                    "duplicate of line {prev} (same region, indicator, period, year, vintage and source); keep one row or give each its own vintage or source"
                ),
            );
            return;
        }
        out.push(Observation {
            region,
            indicator,
            period,
            year,
            value,
            unit,
            kind,
            vintage,
            confidence,
            source,
            line: row.line,
        });
    });
    out
}

/// Default basis of a target indicator: growth for `*_growth` ids and CPI, level otherwise.
pub fn default_basis(indicator: &str) -> Basis {
    if indicator.ends_with("_growth") || indicator == "cpi" {
        Basis::Growth
    } else {
        Basis::Level
    }
}

pub(super) fn parse_targets(
    t: &Table,
    regions: &BTreeMap<String, Region>,
    _meta: &HashMap<String, IndicatorMeta>,
    problems: &mut Vec<Problem>,
) -> Vec<Target> {
    let mut out = Vec::new();
    t.known(&["met", "text", "source", "outcome", "basis"]);
    if !t.require(
        &["region", "year", "indicator", "target", "qualifier"],
        problems,
    ) {
        return out;
    }
    // The first row of each region, year and indicator: a second one with another value or qualifier is
    // ambiguous (which target was set?).
    let mut first: HashMap<(String, i32, String), (u64, f64, Qualifier)> = HashMap::new();
    t.each_row(problems, |row| {
        let region = known_region(row, regions);
        let year = row.year("year");
        let indicator = row.indicator("indicator");
        let value = row.number("target");
        // The Chinese qualifier words the extractor reads (以上, 左右, 以内, 不低于…) are
        // unambiguous in this column too: read them, and say so.
        let word = row.text("qualifier");
        let zh = crate::vocab::QUALIFIER_AFTER
            .iter()
            .chain(crate::vocab::QUALIFIER_BEFORE)
            .find(|(w, _)| *w == word);
        let qualifier = match zh {
            Some((_, q)) => {
                row.table.note(
                    "Chinese qualifier words read as qualifiers (e.g. 以上 → at_least)",
                    row.line,
                );
                Some(*q)
            }
            None => row.choice("qualifier", QUALIFIERS),
        };
        let basis = if row.text("basis").is_empty() {
            indicator.as_deref().map(default_basis)
        } else {
            row.choice(
                "basis",
                &[("growth", Basis::Growth), ("level", Basis::Level)],
            )
        };
        let outcome = row.optional_number("outcome");
        if let (Some(Basis::Growth), Some(v)) = (basis, value)
            && !(-100.0..=1000.0).contains(&v)
        {
            row.problem(
                "target",
                format!("growth target {v}% is outside -100..1000"),
            );
        }
        let (Some(region), Some(year), Some(indicator), Some(value), Some(qualifier), Some(basis)) =
            (region, year, indicator, value, qualifier, basis)
        else {
            return;
        };
        let key = (region.clone(), year, indicator.clone());
        match first.get(&key) {
            Some(&(at, v, q)) if v != value || q != qualifier => {
                row.problem(
                    "target",
                    format!(
                        "a second target for {region} {indicator} {year} ({value} {}) after line {at} ({v} {}); expected one target per region, indicator and year: keep the one that was set",
                        qualifier.as_str(),
                        q.as_str()
                    ),
                );
                return;
            }
            Some(_) => return,
            None => {
                first.insert(key, (row.line, value, qualifier));
            }
        }
        out.push(Target {
            region,
            year,
            indicator,
            value,
            qualifier,
            basis,
            text: row.text("text"),
            outcome,
            source: row.text("source"),
        });
    });
    out
}

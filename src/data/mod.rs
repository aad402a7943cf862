//! Reading and validating the inputs: observations (`indicators.csv`), targets (`targets.csv`,
//! `report_targets.csv` in a user's data directory), the region hierarchy (`regions.csv`), comparability breaks (`breaks.csv`),
//! intervention years (`events.csv`) and indicator metadata (`indicator_meta.csv`).
//!
//! Every problem is reported with file, line, column and what was expected; a file with any problem is
//! rejected as a whole ([`Error::InvalidData`]).
//!
//! Sources: the bundled data or a directory ([`DataSource`], read by [`load`]), and any number of added
//! directories laid over it ([`load_layers`], `--add-data DIR`): a planner adds a city, or the provinces
//! of `../shared/data/provinces`, without copying the bundled files. The tables of all sources are merged
//! before they are validated (one region tree, rows checked against the merged regions), and
//! [`Dataset::focus`] remembers the primary source's regions, which the printed table, the charts and
//! the report keep to:
//!
//! ```
//! use indicast::data::{self, DataSource};
//! # let dir = tempfile::tempdir().unwrap();
//! // A city under the bundled Shandong: its own row is all regions.csv needs.
//! std::fs::write(dir.path().join("regions.csv"), "region,parent\nWeifang,Shandong\n").unwrap();
//! let ds = data::load_layers(&DataSource::Bundled, &[dir.path().to_path_buf()]).unwrap();
//! assert_eq!(ds.regions["Weifang"].parent.as_deref(), Some("Shandong"));
//! assert!(ds.in_focus("Zibo") && !ds.in_focus("Weifang"));
//! ```

pub(crate) mod csvin;
pub mod panel;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Problem, Result};
use csvin::{Row, Table};

mod checks;
mod source;
mod tables;
use checks::*;
pub use source::*;
pub use tables::*;

/// How an observation was published. The order of the variants is the resolution preference
/// (see [`panel`]): a revised value beats a first release, which beats a value of unknown vintage, etc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vintage {
    /// Computed from other published numbers.
    Derived,
    /// Estimate published before the year's data were final (or a bound such as "4% or more").
    Preliminary,
    /// In an official report, vintage unstated.
    Reported,
    /// First release.
    Initial,
    /// Latest revision known.
    Revised,
}

impl Vintage {
    /// The word used in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Vintage::Derived => "derived",
            Vintage::Preliminary => "preliminary",
            Vintage::Reported => "reported",
            Vintage::Initial => "initial",
            Vintage::Revised => "revised",
        }
    }
}

/// How much the compiler of the data trusts a value. Ordered from worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Derived, rounded, or single weak source.
    Low,
    /// Reliable secondary citation.
    Medium,
    /// Official document.
    High,
}

impl Confidence {
    /// The word used in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Whether a value is a level or a year-on-year growth rate in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A level in `unit`.
    Level,
    /// Year-on-year growth in percent.
    GrowthPct,
}

/// One row of `indicators.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Region name, a key of `regions.csv`.
    pub region: String,
    /// Indicator id, e.g. `gdp_real_growth`.
    pub indicator: String,
    /// `FY`, or a year-to-date period (`Q1`, `H1`, `Q3`, `M05`...).
    pub period: String,
    /// Calendar year.
    pub year: i32,
    /// The value, in `unit`.
    pub value: f64,
    /// Unit code (`pct`, `100m_CNY`, ...).
    pub unit: String,
    /// Level or growth.
    pub kind: Kind,
    /// Publication vintage.
    pub vintage: Vintage,
    /// Confidence of the compiler.
    pub confidence: Confidence,
    /// Where the value comes from.
    pub source: String,
    /// Line in the input file (1-based, header = 1); 0 for values computed by the engine.
    pub line: u64,
}

/// A region and its parent in the hierarchy (`regions.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Region key.
    pub name: String,
    /// Parent region, `None` for the root.
    pub parent: Option<String>,
    /// Chinese name for reports.
    pub name_zh: String,
}

/// A comparability break: levels of `year - 1` and `year` must not be compared (`breaks.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Break {
    /// Region, or `*` for every region.
    pub region: String,
    /// Level indicator concerned.
    pub indicator: String,
    /// First year on the new basis.
    pub year: i32,
}

/// Whether a higher value is good (growth) or the target is a ceiling (CPI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Over-achieving is not failure.
    HigherIsBetter,
    /// The target is a cap (inflation): staying under it is success.
    Ceiling,
}

/// Metadata of an indicator (`indicator_meta.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorMeta {
    /// Good direction.
    pub direction: Direction,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Family of related indicators (`output`, `income`, `demand`, `fiscal`, `prices`...): the
    /// `parent_gap` model pools region–parent gaps within a family.
    pub family: String,
}

pub use crate::vocab::{QUALIFIERS, Qualifier};

/// Whether a target is a growth rate or a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Growth in percent.
    Growth,
    /// A level in the indicator's unit.
    Level,
}

impl Basis {
    /// The word used in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Growth => "growth",
            Basis::Level => "level",
        }
    }
}

/// One annual target (`targets.csv` / `report_targets.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Region key.
    pub region: String,
    /// Year the target is for.
    pub year: i32,
    /// Indicator id.
    pub indicator: String,
    /// Target value (lower bound for ranges).
    pub value: f64,
    /// Qualifier.
    pub qualifier: Qualifier,
    /// Growth or level.
    pub basis: Basis,
    /// Source text of the target.
    pub text: String,
    /// Outcome where known.
    pub outcome: Option<f64>,
    /// Source reference.
    pub source: String,
}

/// Everything the engine reads, validated.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Regions by key.
    pub regions: BTreeMap<String, Region>,
    /// All observations in file order.
    pub observations: Vec<Observation>,
    /// Comparability breaks of level series.
    pub breaks: Vec<Break>,
    /// Years given their own intercept in every regression (pandemic slump and rebound).
    pub intervention_years: Vec<i32>,
    /// Indicator metadata by id.
    pub meta: HashMap<String, IndicatorMeta>,
    /// Targets of all files.
    pub targets: Vec<Target>,
    /// Normalisations applied while reading (encoding, separators, number formats), for the user.
    pub warnings: Vec<String>,
    /// The regions the printed table, the charts and the report show: those of the primary source
    /// (the bundled data or `--data DIR`), not the ones only an added directory defines
    /// ([`load_layers`]), and the region of every report read with `--report` with its parents
    /// (`run::run`). Empty = every region (see [`Dataset::in_focus`], [`Dataset::clear_focus`]).
    /// The engine, the backtests, the calls and the CSV outputs cover every region regardless.
    pub focus: BTreeSet<String>,
}

impl Dataset {
    /// Whether `region` is shown in the printed table, the charts and the report: a region of the
    /// primary source, or any region when the focus is empty. A region the data do not define at all
    /// (e.g. a row of a result CSV from another data set) is shown too: only regions that an added
    /// directory brought in are set aside.
    pub fn in_focus(&self, region: &str) -> bool {
        self.focus.is_empty() || self.focus.contains(region) || !self.regions.contains_key(region)
    }

    /// Show every region (`--all-regions`).
    pub fn clear_focus(&mut self) {
        self.focus.clear();
    }

    /// Show `region` and its parents too (the region a `--report` is for); nothing to do when every
    /// region is shown.
    pub fn add_to_focus(&mut self, region: &str) {
        if !self.focus.is_empty() {
            let chain: Vec<String> = self.lineage(region).map(str::to_string).collect();
            self.focus.extend(chain);
        }
    }

    /// `region` and its parents, nearest first, each a region of the data (at most 64: a cycle, which
    /// validation refuses, cannot loop).
    pub fn lineage<'a>(&'a self, region: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        std::iter::successors(Some(region), |r| {
            self.regions
                .get(*r)?
                .parent
                .as_deref()
                .filter(|p| self.regions.contains_key(*p))
        })
        .take(64)
    }

    /// Regions that only added directories define (outside the focus), in key order.
    pub fn added_regions(&self) -> Vec<&str> {
        self.regions
            .keys()
            .filter(|r| !self.in_focus(r))
            .map(String::as_str)
            .collect()
    }
}

/// Convenience: the directory form of a data source from a path.
pub fn dir(path: &Path) -> DataSource {
    DataSource::Dir(path.to_path_buf())
}

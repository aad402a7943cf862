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
    /// ([`load_layers`]). Empty = every region (see [`Dataset::in_focus`], [`Dataset::clear_focus`]).
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

    /// Regions that only added directories define (outside the focus), in key order.
    pub fn added_regions(&self) -> Vec<&str> {
        self.regions
            .keys()
            .filter(|r| !self.in_focus(r))
            .map(String::as_str)
            .collect()
    }
}

/// Where the input files come from.
#[derive(Debug, Clone)]
pub enum DataSource {
    /// The data compiled into the binary (the `data/` folder of the project).
    Bundled,
    /// A directory with the same files.
    Dir(PathBuf),
    /// Files held in memory, (name, bytes), e.g. uploaded through a notebook or a service, laid over
    /// the bundled data: a file that is not given (required or optional) is the bundled one, so one file
    /// can be checked against the rest.
    Memory(Vec<(String, Vec<u8>)>),
}

/// Today's date (UTC) from the system clock: (year, month, day).
pub fn today_utc() -> (i64, i64, i64) {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Every file a data directory may hold (the ones `indicast` reads from it).
pub const DATA_FILES: &[&str] = &[
    "indicators.csv",
    "targets.csv",
    "report_targets.csv",
    "regions.csv",
    "breaks.csv",
    "events.csv",
    "indicator_meta.csv",
];

impl DataSource {
    /// The files of this source that exist on disk (none for the bundled or in-memory data): the inputs
    /// an output must never replace.
    pub fn files_on_disk(&self) -> Vec<PathBuf> {
        match self {
            DataSource::Dir(dir) => DATA_FILES
                .iter()
                .map(|f| dir.join(f))
                .filter(|p| p.is_file())
                .collect(),
            _ => Vec::new(),
        }
    }
}

const BUNDLED: &[(&str, &str)] = &[
    ("indicators.csv", include_str!("../../data/indicators.csv")),
    ("targets.csv", include_str!("../../data/targets.csv")),
    ("regions.csv", include_str!("../../data/regions.csv")),
    ("breaks.csv", include_str!("../../data/breaks.csv")),
    ("events.csv", include_str!("../../data/events.csv")),
    (
        "indicator_meta.csv",
        include_str!("../../data/indicator_meta.csv"),
    ),
];

impl DataSource {
    /// Read one file: (name shown in messages, text, decoded from GB18030?); `Ok(None)` when an
    /// optional file is absent.
    fn read(&self, name: &str, required: bool) -> Result<Option<(String, String, bool)>> {
        match self {
            DataSource::Bundled => Ok(BUNDLED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(n, t)| (format!("<bundled>/data/{n}"), (*t).to_string(), false))),
            DataSource::Memory(files) => match files.iter().find(|(n, _)| n == name) {
                Some((n, bytes)) => {
                    let (text, gbk) = csvin::decode(n, bytes.clone())?;
                    Ok(Some((n.clone(), text, gbk)))
                }
                None => DataSource::Bundled.read(name, required),
            },
            DataSource::Dir(dir) => {
                let path = dir.join(name);
                if !path.exists() && !required {
                    return Ok(None);
                }
                let bytes = crate::inputs::read_bounded(&path, crate::inputs::MAX_INPUT_BYTES)?;
                let shown = path.display().to_string();
                let (text, gbk) = csvin::decode(&shown, bytes)?;
                Ok(Some((shown, text, gbk)))
            }
        }
    }
}

/// Load and validate every input file of `source`. All problems of all files are reported together;
/// unambiguous spreadsheet habits (GBK encoding, BOM, CRLF, `;` separators, full-width digits, thousands
/// separators, `5.5%`) are accepted and listed in [`Dataset::warnings`]. Same as [`load_layers`] with no
/// added directory.
pub fn load(source: &DataSource) -> Result<Dataset> {
    load_layers(source, &[])
}

/// The files an added directory may hold; at least one of the first three must be there.
const LAYER_FILES: [&str; 3] = ["regions.csv", "indicators.csv", "targets.csv"];

/// The tables of one source, in reading order (absent optional files are `None`).
struct Tables {
    regions: Option<Table>,
    meta: Option<Table>,
    events: Option<Table>,
    breaks: Option<Table>,
    indicators: Option<Table>,
    targets: Vec<Table>,
}

impl Tables {
    /// Read the tables of `source`; `primary`: regions.csv, indicators.csv and targets.csv are required
    /// (in an added directory every file is optional).
    fn read(source: &DataSource, primary: bool) -> Result<Tables> {
        let table = |name: &str, required: bool| -> Result<Option<Table>> {
            let required = required && primary;
            match source.read(name, required)? {
                Some((file, text, gbk)) => {
                    let t = Table::parse(&file, &text)?;
                    if gbk {
                        t.note("file decoded as GB18030/GBK", 1);
                    }
                    Ok(Some(t))
                }
                None if required => Err(Error::Config(format!("{name} is required"))),
                None => Ok(None),
            }
        };
        Ok(Tables {
            regions: table("regions.csv", true)?,
            meta: table("indicator_meta.csv", false)?,
            events: table("events.csv", false)?,
            breaks: table("breaks.csv", false)?,
            indicators: table("indicators.csv", true)?,
            targets: [("targets.csv", true), ("report_targets.csv", false)]
                .into_iter()
                .map(|(name, required)| table(name, required))
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect(),
        })
    }

    /// Every table, in reading order (for the warnings).
    fn all(&self) -> impl Iterator<Item = &Table> {
        [
            &self.regions,
            &self.meta,
            &self.events,
            &self.breaks,
            &self.indicators,
        ]
        .into_iter()
        .flatten()
        .chain(&self.targets)
    }
}

/// An added directory must exist, be a directory, hold at least one of [`LAYER_FILES`], and be read
/// once (not also the primary directory or another added one).
fn check_added(source: &DataSource, added: &[PathBuf]) -> Result<()> {
    let mut seen: Vec<(PathBuf, String)> = Vec::new();
    if let DataSource::Dir(dir) = source
        && let Ok(c) = dir.canonicalize()
    {
        seen.push((c, format!("the data directory {}", dir.display())));
    }
    for dir in added {
        let shown = dir.display();
        if !dir.exists() {
            return Err(Error::Config(format!(
                "added data directory {shown} does not exist; expected a directory with regions.csv, indicators.csv and/or targets.csv"
            )));
        }
        if !dir.is_dir() {
            return Err(Error::Config(format!(
                "added data {shown} is not a directory; expected a directory with regions.csv, indicators.csv and/or targets.csv"
            )));
        }
        if !LAYER_FILES.iter().any(|f| dir.join(f).is_file()) {
            return Err(Error::Config(format!(
                "added data directory {shown} has none of {}; expected at least one (and optionally report_targets.csv, indicator_meta.csv, events.csv, breaks.csv)",
                LAYER_FILES.join(", ")
            )));
        }
        if let Ok(c) = dir.canonicalize() {
            if let Some((_, other)) = seen.iter().find(|(p, _)| *p == c) {
                return Err(Error::Config(format!(
                    "added data directory {shown} is {other} again; give each directory once"
                )));
            }
            seen.push((c, format!("the added directory {shown}")));
        }
    }
    Ok(())
}

/// Load and validate the files of `source` and of every directory in `added` (`--add-data DIR`, in
/// order), merged table by table: one set of regions, one set of observations, targets, breaks, events
/// and indicator metadata, as if the files had been concatenated — without copying them.
///
/// - Every file of an added directory is optional (regions.csv, indicators.csv, targets.csv,
///   report_targets.csv, indicator_meta.csv, events.csv, breaks.csv), but a directory with none of
///   regions.csv, indicators.csv and targets.csv, a missing directory, or a directory given twice is an
///   error ([`Error::Config`]).
/// - Regions: the hierarchy is validated once on the merged set (a parent may be defined in another
///   source; no cycles). A region defined again with the same parent is accepted (the first definition
///   is kept: an added directory may repeat its parents); with another parent it is a problem naming
///   both files and lines.
/// - Observations, breaks and targets of an added directory are validated against the merged regions
///   and appended after those of the sources before it; a row duplicating one of another file (same
///   region, indicator, period, year, vintage and source), or a level series in another scale than in
///   another file, is a problem. The first definition of a target wins (as for report_targets.csv).
/// - Indicator metadata: the first definition of an indicator wins; another `direction` is a problem.
///   Intervention years are the union.
///
/// All problems of all files are reported together ([`Error::InvalidData`]). [`Dataset::focus`] holds
/// the regions of `source`, so that tables and charts can stay on them.
pub fn load_layers(source: &DataSource, added: &[PathBuf]) -> Result<Dataset> {
    check_added(source, added)?;
    let mut sources = vec![Tables::read(source, true)?];
    for dir in added {
        sources.push(Tables::read(&DataSource::Dir(dir.clone()), false)?);
    }
    let mut problems = Vec::new();
    let mut ds = Dataset::default();

    // Regions: the rows of every file, then one check of the merged tree.
    let mut origin: HashMap<String, (String, u64)> = HashMap::new();
    for (i, t) in sources.iter().enumerate() {
        let Some(t) = &t.regions else { continue };
        for (region, line) in parse_regions(t, &mut problems) {
            match ds.regions.get(&region.name) {
                None => {
                    if i == 0 {
                        ds.focus.insert(region.name.clone());
                    }
                    origin.insert(region.name.clone(), (t.file.clone(), line));
                    ds.regions.insert(region.name.clone(), region);
                }
                Some(first) if first.parent == region.parent => {}
                Some(first) => {
                    let (file, first_line) = &origin[&region.name];
                    let parent = |p: &Option<String>| {
                        p.as_ref().map_or("no parent (a root)".to_string(), |p| {
                            format!("parent `{p}`")
                        })
                    };
                    problems.push(Problem {
                        file: t.file.clone(),
                        line,
                        column: "parent".into(),
                        message: format!(
                            "region `{}` has {} here but {} in {file} line {first_line}; a region has one parent: use the same one, or another region key",
                            region.name,
                            parent(&region.parent),
                            parent(&first.parent)
                        ),
                    });
                }
            }
        }
    }
    check_tree(&ds.regions, &origin, !added.is_empty(), &mut problems);

    // Indicator metadata: first definition wins, a different direction is a problem.
    let mut meta_origin: HashMap<String, (String, u64)> = HashMap::new();
    let word = |d: Direction| match d {
        Direction::HigherIsBetter => "higher_is_better",
        Direction::Ceiling => "ceiling",
    };
    for (i, t) in sources.iter().enumerate() {
        let Some(t) = &t.meta else { continue };
        for (id, m, line) in parse_meta(t, &mut problems) {
            match ds.meta.get(&id) {
                Some(first) if i > 0 => {
                    if first.direction != m.direction {
                        let (file, first_line) = &meta_origin[&id];
                        problems.push(Problem {
                            file: t.file.clone(),
                            line,
                            column: "direction".into(),
                            message: format!(
                                "indicator `{id}` is `{}` here but `{}` in {file} line {first_line}; an indicator has one direction",
                                word(m.direction),
                                word(first.direction)
                            ),
                        });
                    }
                }
                _ => {
                    // Within one file the last row wins, as it always has.
                    meta_origin.insert(id.clone(), (t.file.clone(), line));
                    ds.meta.insert(id, m);
                }
            }
        }
    }

    for t in sources.iter().filter_map(|s| s.events.as_ref()) {
        ds.intervention_years.extend(parse_events(t, &mut problems));
    }
    ds.intervention_years.sort_unstable();
    ds.intervention_years.dedup();

    for t in sources.iter().filter_map(|s| s.breaks.as_ref()) {
        let parsed = parse_breaks(t, &ds.regions, &mut problems);
        ds.breaks.extend(parsed);
    }

    // Observations: each file against the merged regions; then checks across files.
    let mut files: Vec<(&str, Vec<Observation>)> = Vec::new();
    for t in sources.iter().filter_map(|s| s.indicators.as_ref()) {
        if t.rows.is_empty() {
            problems.push(Problem {
                file: t.file.clone(),
                line: 1,
                column: String::new(),
                message: "no rows after the header; expected one row per value".into(),
            });
        }
        files.push((&t.file, parse_observations(t, &ds.regions, &mut problems)));
    }
    unit_mixes(&files, &mut problems);
    duplicates_across(&files, &mut problems);
    ds.observations = files.into_iter().flat_map(|(_, obs)| obs).collect();

    for t in sources.iter().flat_map(|s| &s.targets) {
        let parsed = parse_targets(t, &ds.regions, &ds.meta, &mut problems);
        ds.targets.extend(parsed);
    }
    ds.warnings = sources
        .iter()
        .flat_map(Tables::all)
        .flat_map(Table::warnings)
        .collect();
    if problems.is_empty() {
        Ok(ds)
    } else {
        Err(Error::InvalidData(problems))
    }
}

/// Parents must exist, and following parents must end at a root (no cycles). `origin`: the file and line
/// defining each region; `layered`: regions come from more than one source (only the message differs).
fn check_tree(
    regions: &BTreeMap<String, Region>,
    origin: &HashMap<String, (String, u64)>,
    layered: bool,
    problems: &mut Vec<Problem>,
) {
    let loops = looping_chains(regions);
    for (name, region) in regions {
        let (file, line) = origin[name].clone();
        if let Some(parent) = &region.parent
            && !regions.contains_key(parent)
        {
            problems.push(Problem {
                    file,
                    line,
                    column: "parent".into(),
                    message: if layered {
                        format!(
                            "unknown region parent `{parent}`; expected a region defined in regions.csv of the data or of an added directory, or an empty field for a root"
                        )
                    } else {
                        format!(
                            "unknown region parent `{parent}`; expected a region defined in this file or an empty field for a root"
                        )
                    },
                });
            continue;
        }
        if loops[name.as_str()] {
            problems.push(Problem {
                file: file.clone(),
                line,
                column: "parent".into(),
                message: format!("the parent chain of `{name}` loops; expected a tree"),
            });
        }
    }
}

/// For every region, whether following its parents loops (reaches a cycle) instead of ending at a root
/// or an unknown parent: each region is walked once (linear in the number of regions, however deep).
fn looping_chains(regions: &BTreeMap<String, Region>) -> HashMap<&str, bool> {
    let mut state: HashMap<&str, bool> = HashMap::with_capacity(regions.len());
    for start in regions.keys() {
        let mut path: Vec<&str> = Vec::new();
        let mut on_path: HashSet<&str> = HashSet::new();
        let mut cur = Some(start.as_str());
        let verdict = loop {
            let Some(name) = cur else {
                break false;
            };
            if let Some(&known) = state.get(name) {
                break known;
            }
            if !on_path.insert(name) {
                break true;
            }
            path.push(name);
            cur = regions.get(name).and_then(|r| r.parent.as_deref());
        };
        for name in path {
            state.insert(name, verdict);
        }
    }
    state
}

/// A row of an added file that repeats a row of an earlier file (same region, indicator, period, year,
/// vintage and source) is as ambiguous as a duplicate within one file.
fn duplicates_across(files: &[(&str, Vec<Observation>)], problems: &mut Vec<Problem>) {
    if files.len() < 2 {
        return;
    }
    type Key<'a> = (&'a str, &'a str, &'a str, i32, Vintage, &'a str);
    let mut first: HashMap<Key<'_>, (&str, u64)> = HashMap::new();
    for (file, obs) in files {
        let mut own: Vec<(Key<'_>, u64)> = Vec::new();
        for o in obs {
            let k = (
                o.region.as_str(),
                o.indicator.as_str(),
                o.period.as_str(),
                o.year,
                o.vintage,
                o.source.as_str(),
            );
            match first.get(&k) {
                Some((other, line)) => problems.push(Problem {
                    file: file.to_string(),
                    line: o.line,
                    column: String::new(),
                    message: format!(
                        "duplicate of {other} line {line} (same region, indicator, period, year, vintage and source); keep one row or give each its own vintage or source"
                    ),
                }),
                None => own.push((k, o.line)),
            }
        }
        for (k, line) in own {
            first.entry(k).or_insert((file, line));
        }
    }
}

/// One scale per level series and currency: a series in 亿元 for some years and 万元 for others is most
/// often a mix-up (a value typed in one unit, labelled with the other), so it is rejected rather than
/// converted. Different base units (CNY and USD) are different measurements and are kept apart. Checked
/// across all `files` (name, observations) together.
fn unit_mixes(files: &[(&str, Vec<Observation>)], problems: &mut Vec<Problem>) {
    let base = |u: &str| -> String {
        match u.split_once('_') {
            Some((scale, rest)) if scale.starts_with(|c: char| c.is_ascii_digit()) => rest.into(),
            _ => u.into(),
        }
    };
    // (region, indicator, period, base unit) → (unit, line, file) of its first level.
    type Series<'a> = (&'a str, &'a str, &'a str, String);
    let mut first: BTreeMap<Series<'_>, (&str, u64, &str)> = BTreeMap::new();
    for (file, obs) in files {
        for o in obs.iter().filter(|o| o.kind == Kind::Level) {
            let key = (
                o.region.as_str(),
                o.indicator.as_str(),
                o.period.as_str(),
                base(&o.unit),
            );
            match first.get(&key) {
                None => {
                    first.insert(key, (o.unit.as_str(), o.line, file));
                }
                Some((unit, line, other)) if *unit != o.unit => {
                    let place = if other == file {
                        format!("line {line}")
                    } else {
                        format!("{other} line {line}")
                    };
                    problems.push(Problem {
                        file: file.to_string(),
                        line: o.line,
                        column: "unit".into(),
                        message: format!(
                            "{}.{} is in `{}` here but in `{unit}` on {place}; use one unit per series \
                             (convert the values: 1 亿元 = 10,000 万元, unit 100m_CNY = 10,000 × 10k_CNY)",
                            o.region, o.indicator, o.unit
                        ),
                    });
                }
                Some(_) => {}
            }
        }
    }
}

fn unknown_region(row: &mut Row<'_>, column: &str, name: &str, regions: &BTreeMap<String, Region>) {
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
fn parse_regions(t: &Table, problems: &mut Vec<Problem>) -> Vec<(Region, u64)> {
    let mut out = Vec::new();
    t.known(&["name_en"]);
    if !t.require(&["region", "parent"], problems) {
        return out;
    }
    let mut lines: HashMap<String, u64> = HashMap::new();
    for (line, rec) in &t.rows {
        let mut row = Row {
            table: t,
            line: *line,
            rec,
            problems,
        };
        let Some(name) = row.required("region") else {
            continue;
        };
        if let Some(prev) = lines.get(&name) {
            row.problem(
                "region",
                format!("region `{name}` already defined on line {prev}"),
            );
            continue;
        }
        lines.insert(name.clone(), *line);
        let parent = Some(row.text("parent")).filter(|p| !p.is_empty());
        out.push((
            Region {
                name,
                parent,
                name_zh: row.text("name_zh"),
            },
            *line,
        ));
    }
    out
}

/// The rows of one indicator_meta.csv in file order: (indicator, metadata, line).
fn parse_meta(t: &Table, problems: &mut Vec<Problem>) -> Vec<(String, IndicatorMeta, u64)> {
    let mut out = Vec::new();
    if !t.require(&["indicator", "direction"], problems) {
        return out;
    }
    for (line, rec) in &t.rows {
        let mut row = Row {
            table: t,
            line: *line,
            rec,
            problems,
        };
        let Some(id) = row.indicator("indicator") else {
            continue;
        };
        let Some(direction) = row.choice(
            "direction",
            &[
                ("higher_is_better", Direction::HigherIsBetter),
                ("ceiling", Direction::Ceiling),
            ],
        ) else {
            continue;
        };
        out.push((
            id,
            IndicatorMeta {
                direction,
                name_zh: row.text("name_zh"),
                name_en: row.text("name_en"),
                family: row.text("family"),
            },
            *line,
        ));
    }
    out
}

fn parse_events(t: &Table, problems: &mut Vec<Problem>) -> Vec<i32> {
    let mut out = Vec::new();
    t.known(&["note"]);
    if !t.require(&["year", "kind"], problems) {
        return out;
    }
    for (line, rec) in &t.rows {
        let mut row = Row {
            table: t,
            line: *line,
            rec,
            problems,
        };
        let year = row.year("year");
        let kind = row.choice("kind", &[("intervention", ())]);
        if let (Some(y), Some(())) = (year, kind) {
            out.push(y);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn parse_breaks(
    t: &Table,
    regions: &BTreeMap<String, Region>,
    problems: &mut Vec<Problem>,
) -> Vec<Break> {
    let mut out = Vec::new();
    t.known(&["note"]);
    if !t.require(&["region", "indicator", "year"], problems) {
        return out;
    }
    for (line, rec) in &t.rows {
        let mut row = Row {
            table: t,
            line: *line,
            rec,
            problems,
        };
        let region = row.required("region");
        if let Some(r) = &region
            && r != "*"
            && !regions.contains_key(r)
        {
            unknown_region(&mut row, "region", r, regions);
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
    }
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

fn valid_period(p: &str) -> bool {
    matches!(p, "FY" | "Q1" | "Q2" | "Q3" | "Q4" | "H1" | "H2")
        || (p.len() == 3
            && p.starts_with('M')
            && p[1..].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m)))
}

fn parse_observations(
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
    for (line, rec) in &t.rows {
        let mut row = Row {
            table: t,
            line: *line,
            rec,
            problems,
        };
        let region = row.required("region");
        if let Some(r) = &region
            && !regions.contains_key(r)
        {
            unknown_region(&mut row, "region", r, regions);
        }
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
            continue;
        };
        let key = (
            region.clone(),
            indicator.clone(),
            period.clone(),
            year,
            vintage,
            source.clone(),
        );
        if let Some(prev) = seen.insert(key, *line) {
            row.problem(
                "",
                format!(
                    "duplicate of line {prev} (same region, indicator, period, year, vintage and source); keep one row or give each its own vintage or source"
                ),
            );
            continue;
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
            line: *line,
        });
    }
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

fn parse_targets(
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
    for (line, rec) in &t.rows {
        let mut row = Row {
            table: t,
            line: *line,
            rec,
            problems,
        };
        let region = row.required("region");
        if let Some(r) = &region
            && !regions.contains_key(r)
        {
            unknown_region(&mut row, "region", r, regions);
        }
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
            continue;
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
                continue;
            }
            Some(_) => continue,
            None => {
                first.insert(key, (*line, value, qualifier));
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
    }
    out
}

/// Convenience: the directory form of a data source from a path.
pub fn dir(path: &Path) -> DataSource {
    DataSource::Dir(path.to_path_buf())
}

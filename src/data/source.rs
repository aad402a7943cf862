//! Where the data come from (the bundled files or a directory) and loading them, with the directories
//! added by `--add-data`, into one validated [`Dataset`].

use super::*;

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
    today_at_offset(0)
}

/// Today's civil date at a fixed offset from UTC in hours (8: Beijing time).
pub fn today_at_offset(hours: i64) -> (i64, i64, i64) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let days = (secs + hours * 3600).div_euclid(86_400);
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

/// The bundled data files: (file name, contents), compiled into the binary (`indicast init` writes
/// them out as a template).
pub const BUNDLED: &[(&str, &str)] = &[
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
pub(super) const LAYER_FILES: [&str; 3] = ["regions.csv", "indicators.csv", "targets.csv"];

/// The tables of one source, in reading order (absent optional files are `None`).
pub(super) struct Tables {
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
pub(super) fn check_added(source: &DataSource, added: &[PathBuf]) -> Result<()> {
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
    let notes = likely_slips(&files, &ds.meta);
    ds.observations = files.into_iter().flat_map(|(_, obs)| obs).collect();

    for t in sources.iter().flat_map(|s| &s.targets) {
        let parsed = parse_targets(t, &ds.regions, &ds.meta, &mut problems);
        ds.targets.extend(parsed);
    }
    ds.warnings = sources
        .iter()
        .flat_map(Tables::all)
        .flat_map(Table::warnings)
        .chain(notes)
        .collect();
    if problems.is_empty() {
        Ok(ds)
    } else {
        Err(Error::InvalidData(problems))
    }
}

/// Rows that are valid but probably not what the user meant, as warnings: an indicator id used in at most
/// three rows and not in `indicator_meta.csv`, within two edits (and a fifth of its length) of one that is
/// used (`gdp_real_grwth`: a new series nobody asked for; `ppi` is not taken for `cpi`), and period `Q2`,
/// read as `H1` (January–June, year to date; a second quarter alone would be another figure), once per
/// file.
fn likely_slips(
    files: &[(&str, Vec<Observation>)],
    meta: &std::collections::HashMap<String, crate::data::IndicatorMeta>,
) -> Vec<String> {
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for o in files.iter().flat_map(|(_, obs)| obs) {
        *uses.entry(o.indicator.as_str()).or_default() += 1;
    }
    let common: Vec<&str> = meta
        .keys()
        .map(String::as_str)
        .chain(uses.iter().filter(|(_, n)| **n > 3).map(|(id, _)| *id))
        .collect();
    let mut out = Vec::new();
    let mut told = std::collections::BTreeSet::new();
    for (file, obs) in files {
        for o in obs {
            let id = o.indicator.as_str();
            let n = uses[id];
            if n <= 3 && !meta.contains_key(id) && told.insert(id) {
                let near = common
                    .iter()
                    .filter(|c| **c != id)
                    .map(|c| (strsim::levenshtein(id, c), *c))
                    .min();
                if let Some((_, c)) = near.filter(|(d, _)| *d <= 2 && d * 5 <= id.chars().count()) {
                    out.push(format!(
                        "{file}:{}: indicator `{id}` is used in only {n} row{} and is not in \
                         indicator_meta.csv; did you mean `{c}`? (a new indicator is fine: add it to \
                         indicator_meta.csv)",
                        o.line,
                        if n == 1 { "" } else { "s" }
                    ));
                }
            }
        }
        let q2: Vec<u64> = obs
            .iter()
            .filter(|o| o.period == "Q2")
            .map(|o| o.line)
            .collect();
        if let Some(first) = q2.first() {
            out.push(format!(
                "{file}:{first}: period Q2 ({} row{}) is read as H1 (January–June, year to date); a \
                 second quarter on its own is another figure",
                q2.len(),
                if q2.len() == 1 { "" } else { "s" }
            ));
        }
    }
    out
}

//! Checks across files: the region tree, rows repeated in another file, level series in mixed scales.

use super::*;

/// Parents must exist, and following parents must end at a root (no cycles). `origin`: the file and line
/// defining each region; `layered`: regions come from more than one source (only the message differs).
pub(super) fn check_tree(
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
pub(super) fn looping_chains(regions: &BTreeMap<String, Region>) -> HashMap<&str, bool> {
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
pub(super) fn duplicates_across(files: &[(&str, Vec<Observation>)], problems: &mut Vec<Problem>) {
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
pub(super) fn unit_mixes(files: &[(&str, Vec<Observation>)], problems: &mut Vec<Problem>) {
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

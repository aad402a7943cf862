//! Scenario files: TOML parsed and validated, every problem with its file, line and key and the closest
//! valid name.

use std::collections::{HashMap, HashSet};

use super::{Assumption, Scenario};
use crate::error::{Error, Problem, Result};

/// The valid name closest to `name`.
pub fn closest<'a>(name: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    valid
        .into_iter()
        .min_by_key(|v| strsim::levenshtein(name, v))
}

/// 1-based line of the first line at or after the `[section]` header that defines `key`.
/// The key of a `key = value` line, without quotes.
fn bare_key(line: &str) -> &str {
    line.split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches(['"', '\''])
}

/// The first line of every `[header]` and of every key in each section, built in one pass so that the
/// lines of many problems are found in linear time (a miss falls back to [`line_of_key`]).
struct LineIndex<'a> {
    headers: HashMap<&'a str, u64>,
    keys: HashMap<(Option<&'a str>, &'a str), u64>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> LineIndex<'a> {
        let (mut headers, mut keys) = (HashMap::new(), HashMap::new());
        let mut section: Option<&str> = None;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            let n = i as u64 + 1;
            if t.starts_with('[') {
                let header = t.trim_start_matches('[').trim_end_matches(']').trim();
                headers.entry(header).or_insert(n);
                section = Some(header);
                continue;
            }
            keys.entry((section, bare_key(t))).or_insert(n);
        }
        LineIndex { headers, keys }
    }

    fn line(&self, text: &str, section: Option<&str>, key: &str) -> u64 {
        let at_key = self.keys.get(&(section, key)).copied();
        let at_header = section.map_or_else(|| self.headers.get(key).copied(), |_| None);
        match (at_key, at_header) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => line_of_key(text, section, key),
        }
    }
}

fn line_of_key(text: &str, section: Option<&str>, key: &str) -> u64 {
    let mut in_section = section.is_none();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let header = t.trim_start_matches('[').trim_end_matches(']').trim();
            if section.is_none() && header == key {
                return i as u64 + 1; // a misspelt table such as [assumption]
            }
            in_section = section.is_some_and(|s| header == s);
            continue;
        }
        let bare = bare_key(t);
        let dotted = bare
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with('.'));
        if in_section && (bare == key || dotted) {
            return i as u64 + 1;
        }
    }
    1
}

/// Unknown series names that get a closest-name suggestion (the rest get an example).
const MAX_HINTS: usize = 50;

/// Largest magnitude accepted for an assumed value, a standard deviation or a shock (percentage points).
pub const MAX_ABS_VALUE: f64 = 1000.0;

fn plausible(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_ABS_VALUE
}

/// What a scenario may name: every series with a forecast, and among them those that drive a target.
pub struct Vocabulary {
    /// `Region.indicator` of every forecast series.
    pub series: Vec<String>,
    /// `Region.indicator` of the series that move at least one target through structural links (and
    /// the targets themselves). Any series may be assumed: the others move targets through the
    /// correlation of the residuals.
    pub drivers: HashSet<String>,
}

/// Parse and validate a scenario file. Every problem names the file, the line and the key, with the
/// closest valid name when a name is unknown.
pub fn parse(file: &str, text: &str, vocab: &Vocabulary) -> Result<Scenario> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(1, |s| {
            1 + text[..s.start.min(text.len())].matches('\n').count() as u64
        });
        Error::InvalidData(vec![Problem {
            file: file.into(),
            line,
            column: String::new(),
            message: format!("not valid TOML: {}", e.message()),
        }])
    })?;
    let mut problems = Vec::new();
    let lines = LineIndex::new(text);
    let mut problem = |section: Option<&str>, key: &str, message: String| {
        problems.push(Problem {
            file: file.into(),
            line: lines.line(text, section, key),
            column: key.to_string(),
            message,
        });
    };
    let mut sc = Scenario {
        name: String::new(),
        description: String::new(),
        as_of: None,
        assumptions: Vec::new(),
        shocks: Vec::new(),
    };
    for (k, v) in &table {
        match (k.as_str(), v) {
            ("name", toml::Value::String(n)) if !n.trim().is_empty() && n != "engine" => {
                sc.name = n.clone()
            }
            ("name", toml::Value::String(_)) => problem(
                None,
                k,
                "expected a non-empty name other than `engine` (the name of the no-assumption run)"
                    .into(),
            ),
            ("description", toml::Value::String(s)) => sc.description = s.clone(),
            ("as_of", toml::Value::Integer(y)) if (1949..=2100).contains(y) => {
                sc.as_of = Some(crate::nowcast::AsOf {
                    year: *y as i32,
                    period: None,
                })
            }
            ("as_of", toml::Value::String(a)) => match a.parse::<crate::nowcast::AsOf>() {
                Ok(a) if (1949..=2100).contains(&a.year) => sc.as_of = Some(a),
                _ => problem(
                    None,
                    k,
                    "expected a year such as 2022, or a year and period such as \"2023Q1\"".into(),
                ),
            },
            ("assumptions" | "shocks", toml::Value::Table(_)) => {}
            ("name" | "description", _) => problem(None, k, "expected a quoted string".into()),
            ("as_of", _) => problem(
                None,
                k,
                "expected a year such as 2022, or a year and period such as \"2023Q1\"".into(),
            ),
            (other, _) => problem(
                None,
                other,
                format!(
                    "unknown key; expected name, description, as_of, [assumptions] or [shocks] (closest: {})",
                    closest(
                        other,
                        ["name", "description", "as_of", "assumptions", "shocks"]
                    )
                    .unwrap_or("")
                ),
            ),
        }
    }
    if sc.name.is_empty() && !table.contains_key("name") {
        problem(None, "name", "missing `name = \"...\"`".into());
    }
    // Known names in a set (a file of 40,000 keys is checked in linear time), and the closest-name
    // hint (a Levenshtein scan of every series) only for the first few unknown names.
    let known: HashSet<&str> = vocab.series.iter().map(String::as_str).collect();
    let mut hints_left = MAX_HINTS;
    let mut series_key =
        |section: &str, k: &str, problem: &mut dyn FnMut(Option<&str>, &str, String)| {
            if !known.contains(k) {
                let hint = if hints_left > 0 {
                    hints_left -= 1;
                    closest(k, vocab.series.iter().map(String::as_str)).unwrap_or("")
                } else {
                    "Zibo.gdp_real_growth"
                };
                problem(
                    Some(section),
                    k,
                    format!(
                        "unknown series `{k}`; expected Region.indicator with a forecast, e.g. `{hint}`"
                    ),
                );
                return None;
            }
            let (r, i) = k.split_once('.')?;
            Some((r.to_string(), i.to_string()))
        };
    if let Some(toml::Value::Table(a)) = table.get("assumptions") {
        for (k, v) in a {
            let value = match v {
                toml::Value::Float(x) if plausible(*x) => Some((*x, 0.0)),
                toml::Value::Integer(x) if plausible(*x as f64) => Some((*x as f64, 0.0)),
                toml::Value::Float(_) | toml::Value::Integer(_) => {
                    problem(
                        Some("assumptions"),
                        k,
                        format!("expected a finite value within ±{MAX_ABS_VALUE} (percent)"),
                    );
                    None
                }
                toml::Value::Table(t) if !k.contains('.') && !t.contains_key("mean") => {
                    problem(
                        Some("assumptions"),
                        k,
                        format!("write the series name in quotes: \"{k}.<indicator>\" = VALUE"),
                    );
                    continue;
                }
                toml::Value::Table(t) => {
                    let num = |name: &str| match t.get(name) {
                        Some(toml::Value::Float(x)) => Some(*x),
                        Some(toml::Value::Integer(x)) => Some(*x as f64),
                        _ => None,
                    };
                    let extra: Vec<&String> =
                        t.keys().filter(|n| *n != "mean" && *n != "sd").collect();
                    match (
                        num("mean"),
                        num("sd").or(if t.contains_key("sd") {
                            None
                        } else {
                            Some(0.0)
                        }),
                        extra.is_empty(),
                    ) {
                        (Some(m), Some(s), true) if s >= 0.0 && plausible(m) && plausible(s) => {
                            Some((m, s))
                        }
                        (Some(_), Some(s), true) if s < 0.0 => {
                            problem(
                                Some("assumptions"),
                                k,
                                format!("sd {s} is negative; expected sd >= 0"),
                            );
                            None
                        }
                        _ => {
                            problem(
                                Some("assumptions"),
                                k,
                                "expected a number or { mean = NUMBER, sd = NUMBER } (sd >= 0)"
                                    .into(),
                            );
                            None
                        }
                    }
                }
                _ => {
                    problem(
                        Some("assumptions"),
                        k,
                        "expected a number or { mean = NUMBER, sd = NUMBER }".into(),
                    );
                    None
                }
            };
            let key = series_key("assumptions", k, &mut problem);
            if let (Some(key), Some((mean, sd))) = (key, value) {
                sc.assumptions.push(Assumption { key, mean, sd });
            }
        }
    }
    if let Some(toml::Value::Table(s)) = table.get("shocks") {
        for (k, v) in s {
            let value = match v {
                toml::Value::Float(x) if plausible(*x) => Some(*x),
                toml::Value::Integer(x) if plausible(*x as f64) => Some(*x as f64),
                _ => {
                    problem(
                        Some("shocks"),
                        k,
                        "expected a finite number within ±1000 (percentage points added to the forecast)"
                            .into(),
                    );
                    None
                }
            };
            let key = series_key("shocks", k, &mut problem);
            if key
                .as_ref()
                .is_some_and(|key| sc.assumptions.iter().any(|a| &a.key == key))
            {
                problem(
                    Some("shocks"),
                    k,
                    format!(
                        "`{k}` is also assumed; an assumed value is not shocked: change the assumption instead"
                    ),
                );
                continue;
            }
            if let (Some(key), Some(v)) = (key, value) {
                sc.shocks.push((key, v));
            }
        }
    }
    if problems.is_empty() {
        Ok(sc)
    } else {
        Err(Error::InvalidData(problems))
    }
}

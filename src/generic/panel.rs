//! Reading a long panel (statsforecast's format) into series: columns, times, numbers, duplicates.

use super::*;

/// Column names of the input panel.
#[derive(Debug, Clone)]
pub struct Columns {
    /// Series id column.
    pub id: String,
    /// Time column: an integer year, or a date whose year is used.
    pub time: String,
    /// Value column.
    pub target: String,
}

/// One series from its rows (time, value, line) in any order; two rows for one time fail the series.
pub(super) fn assemble(
    id: String,
    mut obs: Vec<(i64, f64, u64)>,
    time_col: &str,
) -> std::result::Result<Series, Failure> {
    obs.sort_by_key(|o| o.0);
    if let Some(w) = obs.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err((
            id,
            format!(
                "duplicate {time_col} {} (lines {} and {}; keep one, or if the dates are monthly or quarterly, sum or average them to years first)",
                w[0].0, w[0].2, w[1].2
            ),
        ));
    }
    Ok(Series {
        id,
        t: obs.iter().map(|o| o.0).collect(),
        y: obs.iter().map(|o| o.1).collect(),
    })
}

/// A panel as read: the series, those that cannot be used (with the reason), and the normalisations
/// applied while reading (encoding, separators, number formats), for the user.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// Usable series, in order of first appearance.
    pub series: Vec<Series>,
    /// Series with duplicate times: (id, reason).
    pub failed: Vec<Failure>,
    /// Normalisations applied, one line each.
    pub warnings: Vec<String>,
}

/// Largest time value accepted (a year, or a period number as in the M competitions).
pub const MAX_DS: i64 = 9999;

/// The year of a `ds` field: an integer in `0..=MAX_DS`, or a date `YYYY-MM[-DD]`.
pub(super) fn parse_ds(ds: &str) -> std::result::Result<i64, String> {
    let y = ds.parse::<i64>().ok().or_else(|| {
        let b = ds.as_bytes();
        (ds.len() >= 7 && b[4] == b'-' && b[..4].iter().all(u8::is_ascii_digit))
            .then(|| ds[..4].parse::<i64>().ok())
            .flatten()
    });
    match y {
        Some(y) if (0..=MAX_DS).contains(&y) => Ok(y),
        Some(y) => Err(format!(
            "time {y} is outside 0..{MAX_DS}; expected a year (2019), a period number (1, 2, …) or a date (2019-12-31)"
        )),
        None => Err(format!(
            "`{ds}` is not a year or a date; expected a year (2019), a period number (1, 2, …) or a date (2019-12-31)"
        )),
    }
}

/// Read a long panel from the bytes of a file (UTF-8, with or without BOM, or GBK; `,` or `;`
/// separated). Unusable input (missing or duplicate column, non-numeric value, bad time) is an error
/// naming the file, line and column; duplicate times make that series fail (returned in
/// [`Panel::failed`]). Full-width digits, thousands separators and `5.5%` are read as numbers and
/// reported in [`Panel::warnings`].
pub fn read_panel(file: &str, bytes: Vec<u8>, cols: &Columns) -> Result<Panel> {
    let (text, gbk) = crate::data::csvin::decode(file, bytes)?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(Error::InvalidData(vec![Problem {
            file: file.into(),
            line: 1,
            column: String::new(),
            message: format!(
                "the file is empty; expected a header `{},{},{}` and one row per series and time",
                cols.id, cols.time, cols.target
            ),
        }]));
    }
    let table = crate::data::csvin::Table::parse(file, &text)?;
    if gbk {
        table.note("file decoded as GB18030/GBK", 1);
    }
    let (Some(_), Some(_), Some(_)) = (
        table.col(&cols.id),
        table.col(&cols.time),
        table.col(&cols.target),
    ) else {
        return Err(Error::InvalidData(vec![Problem {
            file: file.into(),
            line: 1,
            column: String::new(),
            message: format!(
                "expected columns `{}`, `{}`, `{}` (set them with --id-col, --time-col, --target-col); the header has: {}",
                cols.id,
                cols.time,
                cols.target,
                table.header_names().join(", ")
            ),
        }]));
    };
    let mut problems = Vec::new();
    let mut map: BTreeMap<String, Vec<(i64, f64, u64)>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (line, rec) in &table.rows {
        let mut row = crate::data::csvin::Row {
            table: &table,
            line: *line,
            rec,
            problems: &mut problems,
        };
        let id = row.text(&cols.id);
        let ds = row.text(&cols.time);
        let year = match parse_ds(&ds) {
            Ok(y) => Some(y),
            Err(m) => {
                row.problem(&cols.time, m);
                None
            }
        };
        // An empty value could mean a gap or a zero: rejected by `number`, with the fix (a gap is a
        // missing row).
        let value = row.number(&cols.target);
        if let (Some(y), Some(v)) = (year, value) {
            if !map.contains_key(&id) {
                order.push(id.clone());
            }
            map.entry(id).or_default().push((y, v, *line));
        }
    }
    if !problems.is_empty() {
        return Err(Error::InvalidData(problems));
    }
    let mut panel = Panel {
        warnings: table.warnings(),
        ..Panel::default()
    };
    if order.is_empty() {
        return Err(Error::InvalidData(vec![Problem {
            file: file.into(),
            line: 1,
            column: String::new(),
            message: "no data rows after the header; expected one row per series and time".into(),
        }]));
    }
    for id in order {
        let obs = map.remove(&id).unwrap_or_default();
        match assemble(id, obs, &cols.time) {
            Ok(s) => panel.series.push(s),
            Err(f) => panel.failed.push(f),
        }
    }
    Ok(panel)
}

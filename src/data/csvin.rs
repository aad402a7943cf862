//! Low-level CSV reading shared by every input file: header lookup by name, typed fields, and problems
//! collected with file, line and column instead of stopping at the first one.

use crate::error::{Error, Problem, Result};

/// 1-based line number of the byte at `offset`, given the offsets of all `\n` bytes.
fn line_of(newlines: &[u64], offset: u64) -> u64 {
    1 + newlines.partition_point(|&n| n < offset) as u64
}

/// The csv crate may report a record of a CRLF file as starting at the previous line's `\n`: skip line
/// terminators to the record's first byte.
fn record_start(text: &str, offset: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut i = offset as usize;
    while i < bytes.len() && (bytes[i] == b'\n' || bytes[i] == b'\r') {
        i += 1;
    }
    i as u64
}

/// Decode a file's bytes: UTF-8 (with or without BOM), else GB18030/GBK (Chinese Excel's "CSV"), which
/// decodes without loss; `true` when it was GBK. Anything else is an error naming the first bad line.
pub(crate) fn decode(file: &str, bytes: Vec<u8>) -> Result<(String, bool)> {
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return Err(Error::InvalidData(vec![Problem {
            file: file.to_string(),
            line: 1,
            column: String::new(),
            message: "the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\""
                .into(),
        }]));
    }
    crate::inputs::utf8_or_gbk(&bytes).map_err(|line| {
        Error::InvalidData(vec![Problem {
            file: file.to_string(),
            line,
            column: String::new(),
            message:
                "the file is neither UTF-8 nor GB18030/GBK; save it as UTF-8 (Excel: \"CSV UTF-8\")"
                    .into(),
        }])
    })
}

/// The note of a `;`-separated file.
pub(crate) const SEMICOLONS: &str = "fields separated by ';' (read as CSV with ';')";

/// The field separator of a file with this header line: `;` when the header has semicolons and no comma
/// (a European Excel export: unambiguous), else `,`.
pub(crate) fn sniff_delimiter(first_line: &str) -> u8 {
    if !first_line.contains(',') && first_line.contains(';') {
        b';'
    } else {
        b','
    }
}

/// Reject a header with two columns of the same name: which one is meant is ambiguous.
pub(crate) fn check_header(file: &str, header: &[String]) -> Result<()> {
    for (i, h) in header.iter().enumerate() {
        if let Some(j) = header[..i].iter().position(|x| x == h && !h.is_empty()) {
            return Err(Error::InvalidData(vec![Problem {
                file: file.to_string(),
                line: 1,
                column: h.clone(),
                message: format!(
                    "column `{h}` appears twice in the header (fields {} and {}); delete or rename one",
                    j + 1,
                    i + 1
                ),
            }]));
        }
    }
    Ok(())
}

/// A record with the wrong number of fields: too few (a value is missing or a row was cut), or extra
/// non-empty ones (an unquoted comma?). Extra empty fields are accepted: Excel pads rows with commas.
pub(crate) fn field_count(rec: &csv::StringRecord, columns: usize) -> Option<String> {
    let extra = rec.iter().skip(columns).any(|f| !f.trim().is_empty());
    (rec.len() < columns || extra).then(|| {
        format!(
            "{} fields but the header has {columns}; {}",
            rec.len(),
            if extra {
                "put values that contain a comma in double quotes"
            } else {
                "every row needs a field (possibly empty) for each column"
            }
        )
    })
}

/// The warning lines of normalisations (kind → (count, first line)) applied to `file`.
pub(crate) fn note_lines(
    file: &str,
    notes: &std::collections::BTreeMap<&'static str, (usize, u64)>,
) -> Vec<String> {
    notes
        .iter()
        .map(|(kind, (count, line))| format!("{file}: {count} × {kind}; first on line {line}"))
        .collect()
}

/// The warning about columns no reader looked at.
pub(crate) fn ignored_columns(file: &str, names: &[&str]) -> Option<String> {
    (!names.is_empty()).then(|| {
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        format!(
            "{file}:1: column {} is not read by indicast and was ignored (check its spelling)",
            quoted.join(", ")
        )
    })
}

/// The error for rows with the wrong number of fields: `listed` problems (at least the first
/// [`MAX_LISTED`]) of `total`, whose field counts were `counts`, in a file with `good` other rows. When
/// most rows are off by the same count, the header is what is wrong, and one message says so.
pub(crate) fn ragged_error(
    file: &str,
    mut listed: Vec<Problem>,
    total: usize,
    counts: std::collections::BTreeSet<usize>,
    good: usize,
    columns: usize,
) -> Error {
    if counts.len() == 1 && total > good {
        let n = counts.into_iter().next().unwrap_or(0);
        return Error::InvalidData(vec![Problem {
            file: file.to_string(),
            line: 1,
            column: String::new(),
            message: format!(
                "the header has {columns} columns but most rows have {n} fields; a column name is missing or extra in the header, or line 1 is a title above the header (delete it)"
            ),
        }]);
    }
    listed.truncate(MAX_LISTED);
    if total > listed.len() {
        listed.push(Problem {
            file: file.to_string(),
            line: listed.last().map_or(1, |p| p.line),
            column: String::new(),
            message: format!(
                "… and {} more rows with the wrong number of fields",
                total - listed.len()
            ),
        });
    }
    Error::InvalidData(listed)
}

/// Rows with the wrong number of fields listed one by one before the rest are summarised.
const MAX_LISTED: usize = 20;

/// A parsed CSV file: header plus records with their 1-based line numbers.
pub(crate) struct Table {
    pub file: String,
    header: Vec<String>,
    pub rows: Vec<(u64, csv::StringRecord)>,
    /// Normalisations applied while reading (kind → (count, first line)), reported as warnings.
    notes: std::cell::RefCell<std::collections::BTreeMap<&'static str, (usize, u64)>>,
    /// Columns looked up by a reader; the others are reported as ignored.
    used: std::cell::RefCell<Vec<bool>>,
}

impl Table {
    /// Parse `text` (already decoded) as CSV. `file` is only used in messages.
    pub fn parse(file: &str, text: &str) -> Result<Table> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let problem = |line: u64, column: &str, message: String| {
            Error::InvalidData(vec![Problem {
                file: file.to_string(),
                line,
                column: column.to_string(),
                message,
            }])
        };
        if text.trim().is_empty() {
            return Err(problem(
                1,
                "",
                "the file is empty; expected a header line and one row per record".into(),
            ));
        }
        let delimiter = sniff_delimiter(text.lines().next().unwrap_or(""));
        // Lines are counted from byte offsets: the csv crate's own line counter is one short on
        // CRLF files (as saved by Excel).
        let newlines: Vec<u64> = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i as u64)
            .collect();
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| Error::Csv {
                file: file.to_string(),
                line: 1,
                message: e.to_string(),
            })?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        check_header(file, &header)?;
        let mut rows = Vec::new();
        let mut ragged = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| Error::Csv {
                file: file.to_string(),
                line: e.position().map_or(0, |p| line_of(&newlines, p.byte())),
                message: e.to_string(),
            })?;
            let line = rec
                .position()
                .map_or(0, |p| line_of(&newlines, record_start(text, p.byte())));
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if let Some(message) = field_count(&rec, header.len()) {
                ragged.push(Problem {
                    file: file.to_string(),
                    line,
                    column: String::new(),
                    message,
                });
                continue;
            }
            rows.push((line, rec));
        }
        if !ragged.is_empty() {
            let counts = ragged
                .iter()
                .filter_map(|p| p.message.split(' ').next()?.parse().ok())
                .collect();
            let total = ragged.len();
            return Err(ragged_error(
                file,
                ragged,
                total,
                counts,
                rows.len(),
                header.len(),
            ));
        }
        let table = Table {
            file: file.to_string(),
            used: std::cell::RefCell::new(vec![false; header.len()]),
            header,
            rows,
            notes: Default::default(),
        };
        if delimiter == b';' {
            table.note(SEMICOLONS, 1);
        }
        Ok(table)
    }

    /// Check that every required column exists; report missing ones as problems on line 1.
    /// Call `f` with every data row, its problems collected into `problems`.
    pub fn each_row(&self, problems: &mut Vec<Problem>, mut f: impl FnMut(&mut Row<'_>)) {
        for (line, rec) in &self.rows {
            let mut row = Row {
                table: self,
                line: *line,
                rec,
                problems: &mut *problems,
            };
            f(&mut row);
        }
    }

    pub fn require(&self, columns: &[&str], problems: &mut Vec<Problem>) -> bool {
        let missing = columns.iter().any(|c| !self.header.iter().any(|h| h == c));
        if let Some((line, first)) = self.rows.first()
            && missing
            && columns.iter().all(|c| first.iter().any(|f| f.trim() == *c))
        {
            problems.push(Problem {
                    file: self.file.clone(),
                    line: 1,
                    column: String::new(),
                    message: format!(
                        "the header is on line {line}, not line 1 (a title or merged cells above it?); delete the lines above the header"
                    ),
                });
            return false;
        }
        let mut ok = true;
        for c in columns {
            if !self.header.iter().any(|h| h == c) {
                problems.push(Problem {
                    file: self.file.clone(),
                    line: 1,
                    column: (*c).to_string(),
                    message: format!(
                        "missing column `{c}` in the header (expected columns: {})",
                        columns.join(",")
                    ),
                });
                ok = false;
            }
        }
        ok
    }

    /// Record a normalisation applied at `line` (reported once per kind by [`Table::warnings`]).
    pub fn note(&self, kind: &'static str, line: u64) {
        let mut n = self.notes.borrow_mut();
        let e = n.entry(kind).or_insert((0, line));
        e.0 += 1;
    }

    /// Warnings about the normalisations applied, one per kind: `file: N values …, first on line L`.
    /// Columns never looked up by the reader (or by [`Table::known`]) are listed as ignored.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = note_lines(&self.file, &self.notes.borrow());
        let used = self.used.borrow();
        let ignored: Vec<&str> = self
            .header
            .iter()
            .zip(used.iter())
            .filter(|(h, u)| !**u && !h.is_empty())
            .map(|(h, _)| h.as_str())
            .collect();
        if !self.rows.is_empty() {
            out.extend(ignored_columns(&self.file, &ignored));
        }
        out
    }

    /// Mark documented columns that the reader does not need as known (not reported as ignored).
    pub fn known(&self, names: &[&str]) {
        for n in names {
            self.col(n);
        }
    }

    /// The header's column names.
    pub fn header_names(&self) -> &[String] {
        &self.header
    }

    /// Index of a column, if present.
    pub fn col(&self, name: &str) -> Option<usize> {
        let i = self.header.iter().position(|h| h == name)?;
        self.used.borrow_mut()[i] = true;
        Some(i)
    }
}

/// A finite number from a trimmed field, and the spreadsheet habit normalised to read it (if any); else
/// the message for the user.
pub(crate) fn read_number(t: &str) -> std::result::Result<(f64, Option<&'static str>), String> {
    if t.is_empty() {
        return Err(
            "empty value; expected a number such as 5.5 (leave out the row when there is no value)"
                .into(),
        );
    }
    if let Ok(v) = t.parse::<f64>()
        && v.is_finite()
    {
        return Ok((v, None));
    }
    // Unambiguous spreadsheet habits: full-width digits, thousands separators (1,260), a percent sign.
    let (normalised, kind) = normalise_number(t);
    match normalised
        .and_then(|n| n.parse::<f64>().ok())
        .filter(|v| v.is_finite())
    {
        Some(v) => Ok((v, Some(kind))),
        None => Err(format!(
            "`{t}` is not a number; expected a plain decimal such as 5.5"
        )),
    }
}

/// A number written the way spreadsheets and Chinese documents write it, in plain form, and which habit it
/// was: full-width digits (１２.５), thousands separators (1,260 or 12,345.6), a trailing percent sign (5.5%).
/// Anything else (a decimal comma, letters, several signs) stays unreadable: it is ambiguous.
fn normalise_number(t: &str) -> (Option<String>, &'static str) {
    let half: String = t
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            '％' => '%',
            '－' => '-',
            _ => c,
        })
        .collect();
    if half != t && half.parse::<f64>().is_ok() {
        return (Some(half), "full-width digits read as numbers");
    }
    if let Some(p) = half.strip_suffix('%')
        && p.trim().parse::<f64>().is_ok()
    {
        return (
            Some(p.trim().to_string()),
            "values with a % sign read as percent numbers",
        );
    }
    let (int, frac) = half
        .split_once('.')
        .map_or((half.as_str(), None), |(a, b)| (a, Some(b)));
    let digits = int.trim_start_matches(['-', '+']);
    let groups: Vec<&str> = digits.split(',').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3)
        && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()));
    if grouped {
        return (Some(half.replace(',', "")), "thousands separators removed");
    }
    (None, "")
}

/// Accessor for one row that records problems as it goes.
pub(crate) struct Row<'a> {
    pub table: &'a Table,
    pub line: u64,
    pub rec: &'a csv::StringRecord,
    pub problems: &'a mut Vec<Problem>,
}

impl Row<'_> {
    /// Record a problem for this row.
    pub fn problem(&mut self, column: &str, message: String) {
        self.problems.push(Problem {
            file: self.table.file.clone(),
            line: self.line,
            column: column.to_string(),
            message,
        });
    }

    /// Raw trimmed text of a column ("" when the column or field is absent).
    pub fn text(&self, column: &str) -> String {
        self.table
            .col(column)
            .and_then(|i| self.rec.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    /// A required non-empty text field.
    pub fn required(&mut self, column: &str) -> Option<String> {
        let t = self.text(column);
        if t.is_empty() {
            self.problem(
                column,
                "empty value; expected a non-empty field".to_string(),
            );
            None
        } else {
            Some(t)
        }
    }

    /// A required indicator id: lower-case ASCII letters, digits and `_` (`gdp_real_growth`), or `zh:`
    /// and a Chinese name (what `extract` writes for an indicator it does not know). A look-alike
    /// character (a Cyrillic а, a full-width ｇ) would otherwise start a new series unnoticed.
    pub fn indicator(&mut self, column: &str) -> Option<String> {
        let id = self.required(column)?;
        if id.starts_with("zh:") {
            return Some(id);
        }
        match id
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
        {
            None => Some(id),
            Some((i, c)) => {
                self.problem(
                    column,
                    format!(
                        "indicator `{id}` has `{c}` (U+{:04X}) at character {}; expected lower-case a-z, 0-9 and _ (e.g. gdp_real_growth), or zh: and a Chinese name",
                        u32::from(c),
                        i + 1
                    ),
                );
                None
            }
        }
    }

    /// A required finite number.
    pub fn number(&mut self, column: &str) -> Option<f64> {
        let t = self.text(column);
        match read_number(&t) {
            Ok((v, None)) => Some(v),
            Ok((v, Some(kind))) => {
                self.table.note(kind, self.line);
                Some(v)
            }
            Err(message) => {
                self.problem(column, message);
                None
            }
        }
    }

    /// An optional finite number: empty means `None`.
    pub fn optional_number(&mut self, column: &str) -> Option<f64> {
        if self.text(column).is_empty() {
            None
        } else {
            self.number(column)
        }
    }

    /// A calendar year within 1949..=2100.
    pub fn year(&mut self, column: &str) -> Option<i32> {
        let t = self.text(column);
        match t.parse::<i32>() {
            Ok(y) if (1949..=2100).contains(&y) => Some(y),
            Ok(y) => {
                self.problem(
                    column,
                    format!("year {y} is outside 1949..2100; expected a four-digit calendar year"),
                );
                None
            }
            Err(_) => {
                self.problem(
                    column,
                    format!(
                        "`{t}` is not a year; expected a four-digit calendar year such as 2022"
                    ),
                );
                None
            }
        }
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&mut self, column: &str, options: &[(&str, T)]) -> Option<T> {
        let t = self.text(column);
        if let Some((_, v)) = options.iter().find(|(k, _)| *k == t) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
        self.problem(
            column,
            format!("unknown value `{t}`; expected one of: {}", names.join(", ")),
        );
        None
    }
}

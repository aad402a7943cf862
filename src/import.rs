//! `indicast import`: a statistical yearbook table (统计年鉴 / 公报 tables as planners have them) into rows
//! of `indicators.csv`.
//!
//! A table is read as cells — an `.xlsx` (first sheet, through calamine) or a CSV in UTF-8 or GBK — and
//! may be **wide** (`指标,单位,2018年,2019年,…`, title rows above the header are skipped) or **long**
//! (`指标,年份,数值[,单位]`). Chinese indicator names are mapped to the ids of `indicator_meta.csv`
//! (its `name_zh`, e.g. 地区生产总值增速) and to the names work reports use (地区生产总值, 一般公共预算收入…:
//! the level with a money unit, the growth rate with %); units such as 亿元, 万元, %, 万人 are read from
//! the unit column or from brackets in the name (地区生产总值（亿元）). A CPI given as an index (上年=100)
//! becomes the inflation rate. Every mapping and guess is reported; names that map to nothing are listed
//! with the closest known ones, and their rows are left out.

use std::collections::BTreeMap;
use std::path::Path;

use crate::data::{Dataset, UNITS};
use crate::error::{Error, Problem, Result};
use crate::extract::lexicon::NAMES;

/// The options of an import: whose data, from where, how reliable.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Region key written in every row.
    pub region: String,
    /// The `source` column (default: the file name).
    pub source: String,
    /// The `vintage` column.
    pub vintage: String,
    /// The `confidence` column.
    pub confidence: String,
}

/// One row of `indicators.csv` read from the table.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRow {
    /// Indicator id.
    pub indicator: String,
    /// Year.
    pub year: i32,
    /// Value in `unit`.
    pub value: f64,
    /// Unit code (`pct`, `100m_CNY`, …).
    pub unit: String,
    /// `growth_pct` or `level`.
    pub kind: &'static str,
    /// Row of the table (1-based) and the name as written there.
    pub origin: (usize, String),
}

/// What an import read, and what it said about it.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// The rows, in table order.
    pub rows: Vec<ImportedRow>,
    /// One line per mapping, guess or skipped cell, for the planner to check.
    pub log: Vec<String>,
}

/// The cells of a table file: the first sheet of an `.xlsx`/`.xls`/`.ods`, or a CSV (UTF-8 or GBK,
/// `,` `;` or tab separated).
pub fn read_cells(path: &Path) -> Result<Vec<Vec<String>>> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
        use calamine::{Data, Reader, open_workbook_auto};
        let bad = |e: String| {
            Error::Config(format!(
                "{name}: cannot read the workbook ({e}); save it again as .xlsx or as CSV"
            ))
        };
        let mut wb = open_workbook_auto(path).map_err(|e| bad(e.to_string()))?;
        let sheet = wb
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| bad("no sheet".into()))?;
        let range = wb.worksheet_range(&sheet).map_err(|e| bad(e.to_string()))?;
        return Ok(range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                            format!("{}", *f as i64)
                        }
                        Data::Float(f) => format!("{f}"),
                        Data::Int(i) => i.to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect());
    }
    let bytes = crate::inputs::read_bounded(path, crate::inputs::MAX_INPUT_BYTES)?;
    let (text, _) = crate::data::csvin::decode(&name, bytes)?;
    let text = text.trim_start_matches('\u{feff}');
    // The separator most frequent on the first lines (a title row above the header may have none).
    let head: Vec<&str> = text.lines().take(8).collect();
    let count = |s: u8| {
        head.iter()
            .map(|l| l.bytes().filter(|b| *b == s).count())
            .max()
            .unwrap_or(0)
    };
    let sep = [b';', b'\t']
        .into_iter()
        .filter(|s| count(*s) > count(b','))
        .max_by_key(|s| count(*s))
        .unwrap_or(b',');
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .from_reader(text.as_bytes());
    let mut cells = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Error::Csv {
            file: name.clone(),
            line: i as u64 + 1,
            message: e.to_string(),
        })?;
        cells.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(cells)
}

/// A year in a header or year cell: `2018`, `2018年`, `2018.0`.
fn year_of(cell: &str) -> Option<i32> {
    let c = cell.trim().trim_end_matches('年').trim_end_matches(".0");
    c.parse::<i32>().ok().filter(|y| (1949..=2100).contains(y))
}

/// A number in a value cell (thousands separators, full-width digits); `None` for blanks and dashes.
fn number_of(cell: &str) -> Option<f64> {
    let c: String = cell
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' => '-',
            _ => c,
        })
        .collect();
    c.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A unit as written (亿元, 万元, %, 万人, 人民币亿元…) as a unit code of `indicators.csv`.
fn unit_of(text: &str) -> Option<&'static str> {
    let t = text.trim().replace("人民币", "").replace('％', "%");
    if t == "%" {
        return Some("pct");
    }
    for magnitude in ["万亿", "亿", "万", ""] {
        if let Some(word) = t.strip_prefix(magnitude) {
            if word.is_empty() {
                continue;
            }
            if let Some(code) = crate::vocab::unit_code(magnitude, word) {
                return UNITS.contains(&code).then_some(code);
            }
        }
    }
    None
}

/// A name cell without its bracketed unit, and that unit: 地区生产总值（亿元） → (地区生产总值, 亿元).
fn split_name(cell: &str) -> (String, Option<String>) {
    let c = cell.trim().replace('（', "(").replace('）', ")");
    match (c.find('('), c.rfind(')')) {
        (Some(a), Some(b)) if a < b => (c[..a].trim().to_string(), Some(c[a + 1..b].to_string())),
        _ => (c, None),
    }
}

/// The indicator id of a name and unit, with how it was found; `None` when nothing matches.
fn indicator_of(
    name: &str,
    unit: &str,
    meta: &BTreeMap<String, String>,
) -> Option<(String, String)> {
    let growth = unit == "pct";
    let normalised = name
        .replace("比上年增长", "增速")
        .replace("增长率", "增速")
        .replace("增长", "增速");
    for n in [name, normalised.as_str()] {
        if let Some(id) = meta.get(n) {
            return Some((id.clone(), format!("`{n}` in indicator_meta.csv")));
        }
    }
    if name.contains("居民消费价格") {
        return Some(("cpi".into(), "consumer prices".into()));
    }
    let base = normalised.trim_end_matches("增速").trim_end_matches("总额");
    for entry in NAMES {
        if entry.ids.len() == 1 && (entry.text == base || entry.text == name) {
            let (g, l) = entry.ids[0];
            let id = if growth { g } else { l };
            return Some((
                id.to_string(),
                format!(
                    "`{}` (a report name; {})",
                    entry.text,
                    if growth { "growth in %" } else { "a level" }
                ),
            ));
        }
    }
    None
}

/// Known names closest to `name` (shared characters), for the message about an unknown one.
fn closest(name: &str, meta: &BTreeMap<String, String>) -> Vec<String> {
    let mut scored: Vec<(usize, String)> = meta
        .keys()
        .map(|k| (k.chars().filter(|c| name.contains(*c)).count(), k.clone()))
        .filter(|(s, _)| *s > 1)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// Read a table's cells into rows of `indicators.csv` (see the module docs). An error when no header
/// with years (wide) or with name, year and value columns (long) is found.
pub fn import(cells: &[Vec<String>], file: &str, ds: &Dataset) -> Result<Imported> {
    let meta: BTreeMap<String, String> = ds
        .meta
        .iter()
        .filter(|(_, m)| !m.name_zh.is_empty())
        .map(|(id, m)| (m.name_zh.clone(), id.clone()))
        .collect();
    let problem = |message: String| {
        Error::InvalidData(vec![Problem {
            file: file.to_string(),
            line: 1,
            column: String::new(),
            message,
        }])
    };
    let is_header = |r: &Vec<String>| r.iter().filter(|c| year_of(c).is_some()).count() >= 2;
    let col = |r: &Vec<String>, names: &[&str]| {
        r.iter()
            .position(|c| names.iter().any(|n| c.trim().eq_ignore_ascii_case(n)))
    };
    let mut out = Imported::default();
    // (row number, name cell, unit text, year, value cell)
    let mut cells_read: Vec<(usize, String, String, i32, String)> = Vec::new();
    if let Some(h) = cells.iter().position(is_header) {
        let header = &cells[h];
        for t in &cells[..h] {
            let text = t
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>();
            if !text.is_empty() {
                out.log
                    .push(format!("skipped title row: {}", text.join(" ")));
            }
        }
        let years: Vec<(usize, i32)> = header
            .iter()
            .enumerate()
            .filter_map(|(i, c)| year_of(c).map(|y| (i, y)))
            .collect();
        let unit_col = col(header, &["单位", "计量单位", "unit"]);
        let name_col = (0..header.len())
            .find(|i| Some(*i) != unit_col && !years.iter().any(|(j, _)| j == i))
            .unwrap_or(0);
        for (r, row) in cells.iter().enumerate().skip(h + 1) {
            let cell = |i: usize| row.get(i).cloned().unwrap_or_default();
            let name = cell(name_col);
            if name.trim().is_empty() {
                continue;
            }
            let unit = unit_col.map(cell).unwrap_or_default();
            for (i, y) in &years {
                cells_read.push((r + 1, name.clone(), unit.clone(), *y, cell(*i)));
            }
        }
    } else {
        let h = cells
            .iter()
            .position(|r| {
                col(r, &["指标", "指标名称", "indicator"]).is_some()
                    && col(r, &["年份", "年度", "year"]).is_some()
            })
            .ok_or_else(|| {
                problem(
                    "no header found: expected a wide table (指标,单位,2018年,2019年,…) or a long one \
                     (指标,年份,数值[,单位])"
                        .into(),
                )
            })?;
        let header = &cells[h];
        let name_col = col(header, &["指标", "指标名称", "indicator"]).unwrap_or(0);
        let year_col = col(header, &["年份", "年度", "year"]).unwrap_or(1);
        let value_col = col(header, &["数值", "数据", "value", "y"])
            .ok_or_else(|| problem("a long table needs a value column (数值 or value)".into()))?;
        let unit_col = col(header, &["单位", "计量单位", "unit"]);
        for (r, row) in cells.iter().enumerate().skip(h + 1) {
            let cell = |i: usize| row.get(i).cloned().unwrap_or_default();
            let Some(y) = year_of(&cell(year_col)) else {
                continue;
            };
            let unit = unit_col.map(cell).unwrap_or_default();
            cells_read.push((r + 1, cell(name_col), unit, y, cell(value_col)));
        }
    }
    let mut said: BTreeMap<String, bool> = BTreeMap::new();
    for (r, raw_name, unit_cell, year, value_cell) in cells_read {
        let (name, bracket_unit) = split_name(&raw_name);
        let unit_text = if unit_cell.trim().is_empty() {
            bracket_unit.unwrap_or_default()
        } else {
            unit_cell
        };
        let Some(unit) = unit_of(&unit_text).or_else(|| {
            // A name ending in 增速/增长 without a unit is a growth rate.
            (name.ends_with("增速") || name.ends_with("增长") || name.ends_with("增长率"))
                .then_some("pct")
        }) else {
            if said.insert(raw_name.clone(), false).is_none() {
                out.log.push(format!(
                    "row {r}: `{raw_name}`: unit `{unit_text}` not understood (expected 亿元, 万元, 元, %, 万人…); row left out"
                ));
            }
            continue;
        };
        let Some((id, how)) = indicator_of(&name, unit, &meta) else {
            if said.insert(raw_name.clone(), false).is_none() {
                let near = closest(&name, &meta);
                out.log.push(format!(
                    "row {r}: `{name}` is not a known indicator; row left out{}",
                    if near.is_empty() {
                        String::new()
                    } else {
                        format!(" (closest known: {})", near.join(", "))
                    }
                ));
            }
            continue;
        };
        let Some(mut value) = number_of(&value_cell) else {
            continue;
        };
        let mut unit = unit;
        if id == "cpi" && (unit != "pct" || value > 50.0) {
            // 居民消费价格指数（上年=100）: 102.0 means 2.0% inflation.
            // Rounded to the digits the index was given with (101.2 − 100 is 1.2, not 1.2000000000000028).
            value = ((value - 100.0) * 1e9).round() / 1e9;
            unit = "pct";
            if said.insert(format!("{raw_name} index"), true).is_none() {
                out.log.push(format!(
                    "row {r}: `{raw_name}` read as an index (previous year = 100): inflation = value − 100"
                ));
            }
        }
        let kind = if unit == "pct" { "growth_pct" } else { "level" };
        if kind == "growth_pct" && !(id.ends_with("_growth") || id == "cpi") {
            if said.insert(raw_name.clone(), false).is_none() {
                out.log.push(format!(
                    "row {r}: `{raw_name}` is in % but `{id}` is a level; row left out"
                ));
            }
            continue;
        }
        if said.insert(raw_name.clone(), true).is_none() {
            out.log.push(format!(
                "row {r}: `{raw_name}` → {id} ({kind}, {unit}; matched {how})"
            ));
        }
        out.rows.push(ImportedRow {
            indicator: id,
            year,
            value,
            unit: unit.to_string(),
            kind,
            origin: (r, raw_name),
        });
    }
    Ok(out)
}

/// The rows as the text of an `indicators.csv` (its header and columns; `period` FY).
pub fn render(rows: &[ImportedRow], opts: &ImportOptions) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Render(format!("CSV encoding failed: {e}"));
    w.write_record(crate::data::INDICATOR_COLUMNS.iter().chain(&["note"]))
        .map_err(err)?;
    for r in rows {
        w.write_record([
            opts.region.as_str(),
            r.indicator.as_str(),
            "FY",
            &r.year.to_string(),
            &format!("{}", r.value),
            r.unit.as_str(),
            r.kind,
            opts.vintage.as_str(),
            opts.confidence.as_str(),
            opts.source.as_str(),
            &format!("imported: row {} `{}`", r.origin.0, r.origin.1),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Render(format!("CSV encoding failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_years_numbers_and_units() {
        assert_eq!(year_of("2018年"), Some(2018));
        assert_eq!(year_of("2018.0"), Some(2018));
        assert_eq!(year_of("指标"), None);
        assert_eq!(number_of("1,234.5"), Some(1234.5));
        assert_eq!(number_of("３.５"), Some(3.5));
        assert_eq!(number_of("—"), None);
        assert_eq!(unit_of("亿元"), Some("100m_CNY"));
        assert_eq!(unit_of("％"), Some("pct"));
        assert_eq!(unit_of("万人"), Some("10k_persons"));
        assert_eq!(
            split_name("地区生产总值（亿元）"),
            ("地区生产总值".to_string(), Some("亿元".to_string()))
        );
    }
}

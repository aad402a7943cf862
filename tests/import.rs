//! `indicast import`: a yearbook table read the same from CSV (UTF-8 or GBK) and from .xlsx; the README's
//! "your own city" steps, run verbatim, end with an assessment.

use std::path::{Path, PathBuf};

mod common;

use indicast::data::{self, DataSource};
use indicast::import::{import, read_cells};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/zibo_yearbook.csv")
}

fn rows_of(path: &Path) -> Vec<(String, i32, String, String)> {
    let ds = data::load(&DataSource::Bundled).unwrap();
    let cells = read_cells(path).unwrap();
    import(&cells, &path.display().to_string(), &ds)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| (r.indicator, r.year, format!("{}", r.value), r.unit))
        .collect()
}

#[test]
fn utf8_gbk_and_xlsx_tables_import_to_the_same_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example()).unwrap();
    let gbk = tmp.path().join("yearbook_gbk.csv");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    std::fs::write(&gbk, &bytes).unwrap();
    // The same cells in a workbook, numbers as numbers.
    let xlsx = tmp.path().join("yearbook.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        let cells: Vec<&str> = if r == 0 {
            vec![line]
        } else {
            line.split(',').collect()
        };
        for (c, cell) in cells.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(v) if r > 1 => ws.write_number(r, c, v).map(|_| ()),
                _ => ws.write_string(r, c, *cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    wb.save(&xlsx).unwrap();
    let utf8 = rows_of(&example());
    assert_eq!(utf8.len(), 18, "{utf8:?}");
    assert!(utf8.contains(&(
        "gdp_nominal".into(),
        2019,
        "3642.4".into(),
        "100m_CNY".into()
    )));
    assert!(utf8.contains(&("gdp_real_growth".into(), 2022, "4".into(), "pct".into())));
    assert!(!utf8.iter().any(|r| r.0 == "urbanization_rate"));
    assert_eq!(rows_of(&gbk), utf8);
    assert_eq!(rows_of(&xlsx), utf8);
}

#[test]
fn a_long_table_and_a_cpi_index_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let long = tmp.path().join("long.csv");
    std::fs::write(
        &long,
        "指标,年份,数值,单位\n地区生产总值（亿元）,2021,4200.6,\n居民消费价格指数（上年=100）,2021,101.2,\n",
    )
    .unwrap();
    let rows = rows_of(&long);
    assert_eq!(
        rows,
        vec![
            (
                "gdp_nominal".into(),
                2021,
                "4200.6".into(),
                "100m_CNY".into()
            ),
            ("cpi".into(), 2021, "1.2".into(), "pct".into()),
        ]
    );
}

/// The README's block between `<!-- your-own-city -->` markers, line by line through `sh`, in a
/// directory holding the example table.
#[test]
fn the_readme_steps_end_with_an_assessment() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let block = readme
        .split("<!-- your-own-city -->")
        .nth(1)
        .and_then(|b| b.split("<!-- /your-own-city -->").next())
        .expect("the README has the your-own-city block");
    let commands: Vec<&str> = block
        .lines()
        .filter(|l| !l.starts_with("```") && !l.trim().is_empty())
        .collect();
    assert!(commands.len() >= 3, "{block}");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("examples")).unwrap();
    std::fs::copy(example(), tmp.path().join("examples/zibo_yearbook.csv")).unwrap();
    for c in &commands {
        let out = common::shell(tmp.path(), c);
        assert!(out.status.success(), "`{c}`:\n{}", common::describe(&out));
    }
    let assessment = std::fs::read_to_string(tmp.path().join("zibo-out/assessment.csv")).unwrap();
    assert!(
        assessment
            .lines()
            .any(|l| l.starts_with("Zibo,gdp_real_growth,2023")),
        "{assessment}"
    );
    assert!(tmp.path().join("mycity/indicators.csv").is_file());
}

/// `run` writes assessment.xlsx beside the CSVs with the same numbers as assessment.csv, which is UTF-8
/// with a byte-order mark (without it under `--no-bom`).
#[test]
fn assessment_xlsx_has_the_numbers_of_assessment_csv() {
    use calamine::{Data, Reader, open_workbook_auto};
    let tmp = tempfile::tempdir().unwrap();
    let out = common::indicast(tmp.path(), ["run", "--no-charts", "--out", "o"]);
    assert!(out.status.success(), "{}", common::describe(&out));
    // assessment.csv as Excel reads it: UTF-8 with a byte-order mark; `--no-bom` for pipelines.
    let text = common::result_csv(&tmp.path().join("o/assessment.csv"));
    let plain = common::indicast(tmp.path(), ["run", "--no-charts", "--no-bom", "-o", "p"]);
    assert!(plain.status.success(), "{}", common::describe(&plain));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("p/assessment.csv")).unwrap(),
        text
    );
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let csv_rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let mut wb = open_workbook_auto(tmp.path().join("o/assessment.xlsx")).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    assert_eq!(sheet, "目标评估");
    let range = wb.worksheet_range(&sheet).unwrap();
    let rows: Vec<&[Data]> = range.rows().skip(1).collect();
    assert_eq!(rows.len(), csv_rows.len());
    let num = |d: &Data| match d {
        Data::Float(f) => Some(*f),
        _ => None,
    };
    for (x, c) in rows.iter().zip(&csv_rows) {
        assert_eq!(x[10].to_string(), c[col("region")]);
        assert_eq!(x[11].to_string(), c[col("indicator")]);
        for (xi, name) in [(4, "mean"), (5, "lo80"), (6, "hi80"), (7, "p_met")] {
            let v: f64 = c[col(name)].parse().unwrap();
            let got = num(&x[xi]).unwrap_or_else(|| panic!("{name}: {:?}", x[xi]));
            assert!((got - v).abs() < 1e-4, "{name}: {got} vs {v}");
        }
    }
    // Chinese names for a person reading it.
    assert!(rows.iter().any(|x| x[0] == "淄博市"));
}

/// `run` writes assessment.json for tools: the rows of assessment.csv with numbers as numbers.
#[test]
fn assessment_json_has_the_rows_of_assessment_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = common::indicast(tmp.path(), ["run", "--no-charts", "-o", "o"]);
    assert!(out.status.success(), "{}", common::describe(&out));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("o/assessment.json")).unwrap(),
    )
    .unwrap();
    let mut rdr = csv::Reader::from_path(tmp.path().join("o/assessment.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let array = json.as_array().unwrap();
    assert_eq!(array.len(), rows.len());
    for (obj, row) in array.iter().zip(&rows) {
        for (h, cell) in head.iter().zip(row.iter()) {
            let v = &obj[h];
            match cell.parse::<f64>() {
                Ok(x) if !["as_of", "text"].contains(&h) => {
                    assert!(
                        (v.as_f64().unwrap() - x).abs() < 1e-12,
                        "{h}: {v} vs {cell}"
                    )
                }
                _ if cell.is_empty() => assert!(v.is_null(), "{h}: {v}"),
                _ => assert_eq!(v.as_str(), Some(cell), "{h}"),
            }
        }
    }
}

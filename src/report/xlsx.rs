//! `assessment.xlsx`: the assessment table for planners who work in Excel or WPS — Chinese names beside
//! the ids, percentages formatted, the verdict and the data remark in words, the header frozen. The
//! numbers are those of `assessment.csv`.

use super::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// The workbook's bytes (one sheet, 目标评估).
pub fn assessment_xlsx(r: &RunResult) -> Result<Vec<u8>> {
    build(r).map_err(|e| Error::Render(format!("assessment.xlsx: {e}")))
}

fn build(r: &RunResult) -> std::result::Result<Vec<u8>, XlsxError> {
    let names = figures::Names::new(&r.data, Lang::Zh);
    let mut wb = Workbook::new();
    // The file's creation date is the end of the as-of year, not the clock: the same run gives the same
    // bytes.
    let year = u16::try_from(r.as_of).unwrap_or(2000).clamp(1900, 9999);
    wb.set_properties(
        &DocProperties::new()
            .set_title("indicast assessment")
            .set_creation_datetime(&ExcelDateTime::from_ymd(year, 12, 31)?),
    );
    let ws = wb.add_worksheet();
    ws.set_name("目标评估")?;
    let bold = Format::new().set_bold().set_text_wrap();
    let num = Format::new().set_num_format("0.00");
    let pct = Format::new().set_num_format("0.0%");
    let header = [
        ("地区 Region", 10.0),
        ("指标 Indicator", 26.0),
        ("目标 Target", 20.0),
        ("目标值 Target value", 10.0),
        ("预测均值 Forecast mean", 11.0),
        ("80%区间下限 80% low", 11.0),
        ("80%区间上限 80% high", 11.0),
        ("达标概率 P(met)", 10.0),
        ("判断 Verdict", 10.0),
        ("数据说明 Data", 28.0),
        ("region", 10.0),
        ("indicator", 24.0),
        ("as_of", 8.0),
    ];
    for (c, (h, width)) in header.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &bold)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let as_of = r.as_of_spec().to_string();
    for (i, a) in r.assessments.iter().enumerate() {
        let row = i as u32 + 1;
        let t = &a.target;
        ws.write_string(row, 0, names.region(&t.region))?;
        ws.write_string(row, 1, names.indicator_of(&t.region, &t.indicator))?;
        ws.write_string(row, 2, names.target_label(t))?;
        ws.write_number_with_format(row, 3, t.value, &num)?;
        if let (Some(d), Some(p)) = (a.dist, a.p_met) {
            let (lo, hi) = d.interval(0.8);
            ws.write_number_with_format(row, 4, d.mean, &num)?;
            ws.write_number_with_format(row, 5, lo, &num)?;
            ws.write_number_with_format(row, 6, hi, &num)?;
            ws.write_number_with_format(row, 7, p, &pct)?;
            ws.write_string(row, 8, targets::verdict_zh(p))?;
        } else {
            ws.write_string(row, 8, "未评估")?;
        }
        let remark = a
            .reason
            .clone()
            .or_else(|| a.evidence.note(true))
            .unwrap_or_default();
        ws.write_string(row, 9, remark)?;
        ws.write_string(row, 10, &t.region)?;
        ws.write_string(row, 11, &t.indicator)?;
        ws.write_string(row, 12, &as_of)?;
    }
    wb.save_to_buffer()
}

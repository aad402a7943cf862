//! The CSV tables of an extraction: targets, results and qualitative statements of a work report.

use super::*;

/// The output files of `indicast extract`: targets.csv, results.csv, qualitative.csv.
pub fn render_extraction(
    ex: &Extraction,
    text: &str,
    region: &str,
    source: &str,
) -> Result<Vec<(String, Vec<u8>)>> {
    let num = |v: f64| format!("{v}");
    let index = extract::TextIndex::new(text);
    let src = |q: &Quantity| format!("{source}:{}", index.line_of(q.span.0));
    let targets = ex
        .quantities
        .iter()
        .filter(|q| q.section == Section::Plan)
        .map(|q| {
            vec![
                region.to_string(),
                q.year.to_string(),
                q.indicator.clone(),
                num(q.value),
                q.qualifier.as_str().into(),
                index.clause_text(q),
                String::new(),
                String::new(),
                src(q),
                q.unit.into(),
                q.unit_text.clone(),
                q.basis.as_str().into(),
                q.value_hi.map(num).unwrap_or_default(),
                q.span.0.to_string(),
                q.span.1.to_string(),
                q.sentence.clone(),
            ]
        });
    let results = ex
        .quantities
        .iter()
        .filter(|q| q.section == Section::Review)
        .map(|q| {
            vec![
                region.to_string(),
                q.indicator.clone(),
                "FY".into(),
                q.year.to_string(),
                num(q.value),
                q.unit.into(),
                if q.basis == Basis::Growth {
                    "growth_pct"
                } else {
                    "level"
                }
                .into(),
                if q.preliminary {
                    "preliminary"
                } else {
                    "reported"
                }
                .into(),
                "medium".into(),
                src(q),
                format!(
                    "extracted; qualifier {}; unit as written {}{}",
                    q.qualifier.as_str(),
                    q.unit_text,
                    q.value_hi
                        .map(|h| format!("; range up to {h}"))
                        .unwrap_or_default()
                ),
                q.span.0.to_string(),
                q.span.1.to_string(),
                q.sentence.clone(),
            ]
        });
    let qualitative = ex.qualitative.iter().map(|q| {
        vec![
            region.to_string(),
            q.year.to_string(),
            q.indicator.clone(),
            if q.section == Section::Plan {
                "target"
            } else {
                "result"
            }
            .into(),
            q.span.0.to_string(),
            q.span.1.to_string(),
            q.sentence.clone(),
        ]
    });
    Ok(vec![
        (
            "targets.csv".into(),
            csv_bytes(
                &[
                    "region",
                    "year",
                    "indicator",
                    "target",
                    "qualifier",
                    "text",
                    "outcome",
                    "met",
                    "source",
                    "unit",
                    "unit_text",
                    "basis",
                    "target_hi",
                    "span_start",
                    "span_end",
                    "sentence",
                ],
                targets,
            )?,
        ),
        (
            "results.csv".into(),
            csv_bytes(
                &[
                    INDICATOR_COLUMNS,
                    &["note", "span_start", "span_end", "sentence"],
                ]
                .concat(),
                results,
            )?,
        ),
        (
            "qualitative.csv".into(),
            csv_bytes(
                &[
                    "region",
                    "year",
                    "indicator",
                    "kind",
                    "span_start",
                    "span_end",
                    "sentence",
                ],
                qualitative,
            )?,
        ),
    ])
}

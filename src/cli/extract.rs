//! `indicast extract`: targets and results out of a work report.

use super::*;

// The arguments of `indicast extract`: their help is in the doc comments, the command's own on
// `Command::Extract`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExtractArgs {
    /// The report: a text file in UTF-8 or GB18030/GBK.
    report: PathBuf,
    /// The year the report plans for, which 今年/明年 in a pasted paragraph refer to [default: from
    /// the title "…2023年政府工作报告", a review heading "2022年工作回顾", "2023年…目标" or the report's
    /// date].
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// Region key written in the outputs [default: from the report header, mapped with regions.csv].
    #[arg(long, value_name = "NAME")]
    region: Option<String>,
    /// Output directory.
    #[arg(short = 'o', long, default_value = "out", value_name = "DIR")]
    out: PathBuf,
    /// A report without targets is not an error: write an empty targets.csv and exit 1.
    #[arg(long)]
    allow_empty: bool,
}

/// `indicast extract`.
pub(super) fn extract(args: ExtractArgs) -> ExitCode {
    let ExtractArgs {
        report: path,
        year,
        region,
        out,
        allow_empty,
    } = args;
    let name = path.display().to_string();
    let bytes = match indicast::inputs::read_bounded(&path, indicast::inputs::MAX_INPUT_BYTES) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let (text, encoding) = match text::decode(&name, &bytes) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let ex = match indicast::extract::extract_text(&text, encoding, year) {
        Ok(x) => x,
        Err(e) => return fail(format!("{name}: {e}")),
    };
    let regions = data::load(&DataSource::Bundled)
        .map(|d| d.regions)
        .unwrap_or_default();
    let region =
        indicast::extract::region_key(&ex, &regions, region.as_deref()).unwrap_or_default();
    let targets = ex
        .quantities
        .iter()
        .filter(|q| q.section == indicast::extract::Section::Plan)
        .count();
    if targets == 0 && !allow_empty {
        return fail(format!(
            "{name}: no quantified target found for {} (is this a government work report?); pass --allow-empty to write empty outputs",
            ex.plan_year
        ));
    }
    let files = match report::render_extraction(&ex, &text, &region, &name) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let owned: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    if let Err(e) =
        OutputSet::begin_reading(&out, &owned, std::slice::from_ref(&path)).and_then(|set| {
            report::write_atomic(set.dir(), &for_excel(files))?;
            set.commit()
        })
    {
        return fail(e);
    }
    let results = ex.quantities.len() - targets;
    outln!(
        "{name} ({encoding}): region {}, plan year {}: {targets} targets, {results} results, {} qualitative statements; wrote {}",
        if region.is_empty() {
            "unknown (pass --region)"
        } else {
            &region
        },
        ex.plan_year,
        ex.qualitative.len(),
        out.display()
    );
    if targets == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

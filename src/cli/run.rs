//! `indicast run`: the engine on the data, the assessment table, CSVs, charts and report as one output set.

use super::*;

// The arguments of `indicast run`: their help is in the doc comments, the command's own on
// `Command::Run`.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// Use only data up to this year and assess the targets of the following year [default: last
    /// year with data, of the bundled data or --data DIR]. With a period (2023Q1, 2023H1, 2023Q3,
    /// also 2023-Q3): full years up to the year before, and that year's targets updated with its
    /// year-to-date figures up to the period (rows with period Q1/H1/Q3 in indicators.csv).
    #[arg(long, value_name = "YEAR[PERIOD]")]
    as_of: Option<AsOf>,
    /// Output directory (created if missing; files are replaced atomically).
    #[arg(short = 'o', long, default_value = "out", value_name = "DIR")]
    out: PathBuf,
    /// Read the input CSVs from this directory instead of the bundled data.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(flatten)]
    add: AddData,
    /// Show the targets of every region in the printed table, the charts and the report, not only
    /// those of the bundled data (or --data DIR) when --add-data is given.
    #[arg(long)]
    all_regions: bool,
    /// Take the coming year's targets from this work report (UTF-8 or GBK text); repeatable.
    /// Default: the bundled report with the bundled data, none with --data.
    #[arg(long, value_name = "FILE")]
    report: Vec<PathBuf>,
    /// Region key (as in regions.csv) of the --report files [default: read from the report header].
    #[arg(long, value_name = "NAME")]
    region: Option<String>,
    /// Tolerance of 'about' (左右) growth targets in percentage points: met if growth >= target - tolerance.
    #[arg(long, default_value_t = 0.5, value_name = "PP")]
    tolerance: f64,
    /// Do not widen intervals by the backtest calibration factor.
    #[arg(long)]
    no_calibration: bool,
    #[command(flatten)]
    chart: ChartArgs,
    /// Do not draw charts nor write report.html / report.md.
    #[arg(long)]
    no_charts: bool,
}

/// `indicast run`.
pub(super) fn execute(args: RunArgs) -> ExitCode {
    let RunArgs {
        as_of,
        out,
        data,
        add,
        all_regions,
        report: report_files,
        region,
        tolerance,
        no_calibration,
        chart,
        no_charts,
    } = args;
    let style = match chart.style() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let reports = if !report_files.is_empty() {
        Reports::Files(report_files, region)
    } else if data.is_some() {
        Reports::None
    } else {
        Reports::Bundled
    };
    let cfg = RunConfig {
        source: data.map_or(DataSource::Bundled, DataSource::Dir),
        as_of: as_of.map(AsOf::cutoff),
        tolerance,
        calibrate: !no_calibration,
        reports,
        add_data: add.add_data,
        period: as_of.and_then(|a| a.period),
    };
    let working = busy("running the engine over every cut-off…");
    let mut result = match run(&cfg) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if all_regions {
        result.data.clear_focus();
    }
    let files = match report::render(&result) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    // The CSVs, charts and report are one set: replaced together or not at all (charts and
    // report of an earlier run go even with --no-charts, so they never sit beside newer CSVs).
    // The report's scenario table is computed here, before anything is written.
    drop(working);
    let working = busy("simulating the report's scenarios and drawing the charts…");
    let scenarios = if no_charts {
        indicast::scenario::ReportScenarios::default()
    } else {
        indicast::scenario::report_scenarios(&result).unwrap_or_else(|e| {
            errln!("warning: the report's scenario table is left out: {e}");
            indicast::scenario::ReportScenarios::default()
        })
    };
    let owned: Vec<&str> = files
        .iter()
        .map(|(name, _)| name.as_str())
        .chain(["charts/", "report.html", "report.md"])
        .collect();
    let set = match OutputSet::begin_reading(&out, &owned, &run_inputs(&cfg)) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let n_files = files.len();
    if let Err(e) = report::write_atomic(set.dir(), &for_excel(files)) {
        return fail(e);
    }
    let mut chart_note = String::new();
    if !no_charts {
        match report::write_charts_and_report(&result, &scenarios, &style, set.dir()) {
            Ok(n) => {
                chart_note = format!(
                    "; {n} charts in {}, report.html and report.md",
                    out.join("charts").display()
                )
            }
            Err(e) => return fail(e),
        }
    }
    drop(working);
    if let Err(e) = set.commit() {
        return fail(e);
    }
    for w in result.all_warnings() {
        errln!("warning: {w}");
    }
    out!("{}", report::summary_table(&result));
    outln!("wrote {n_files} files to {}{chart_note}", out.display());
    if result.assessments.iter().any(|a| a.p_met.is_none()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

//! The `indicast` command line: parses arguments, runs the library, prints the error chain. Exit codes:
//! 0 ok, 1 ran but some target could not be assessed, 2 error (nothing written).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicast::data::{self, DataSource};
use indicast::extract::{self, text};
use indicast::report;
use indicast::run::{Reports, RunConfig, run};

/// Forecast economic indicators and the probability that planning targets are met.
#[derive(Debug, Parser)]
#[command(
    name = "indicast",
    version,
    about,
    long_about = None,
    after_help = "Examples:\n  indicast run                          assess next year's targets on the bundled data, CSVs into out/\n  indicast run --as-of 2018 --out o18   as a planner in December 2018 would (2019 targets)\n  indicast run --data mycity/           your own indicators.csv, targets.csv, regions.csv\n\nSee `indicast run --help` for the outputs and the rules."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess next year's targets: forecast every series, backtest every model, score past target calls.
    ///
    /// Reads the bundled data (or --data DIR with indicators.csv, targets.csv, regions.csv and optionally
    /// report_targets.csv, breaks.csv, events.csv, indicator_meta.csv). The coming year's targets are
    /// extracted from the bundled work report in seeds/ (or from --report FILE). Writes into --out:
    /// assessment.csv, forecasts.csv, backtest.csv, backtest_summary.csv, calls.csv, calls_summary.csv,
    /// observations_used.csv.
    ///
    /// Example: indicast run --as-of 2018 --out out-2018   (a planner in December 2018, targets of 2019)
    Run {
        /// Use only data up to this year and assess the targets of the following year [default: last year with data].
        #[arg(long, value_name = "YEAR")]
        as_of: Option<i32>,
        /// Output directory (created if missing; files are replaced atomically).
        #[arg(long, default_value = "out", value_name = "DIR")]
        out: PathBuf,
        /// Read the input CSVs from this directory instead of the bundled data.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
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
    },
    /// Read the targets and reported results out of a government work report (Chinese text).
    ///
    /// Writes into --out: targets.csv (every quantified target of the plan year: schema of
    /// data/targets.csv plus unit, unit_text, basis, target_hi, span_start, span_end, sentence),
    /// results.csv (reported results of the year ending: schema of data/indicators.csv plus spans and
    /// sentence), qualitative.csv (indicator statements without a number). Spans are character offsets
    /// into the decoded text.
    ///
    /// Example: indicast extract seeds/zibo-2023-government-work-report.txt --out extracted
    Extract {
        /// The report: a text file in UTF-8 or GB18030/GBK.
        report: PathBuf,
        /// The year the report plans for [default: inferred, e.g. from "2023年经济社会发展目标"].
        #[arg(long, value_name = "YEAR")]
        year: Option<i32>,
        /// Region key written in the outputs [default: from the report header, mapped with regions.csv].
        #[arg(long, value_name = "NAME")]
        region: Option<String>,
        /// Output directory.
        #[arg(long, default_value = "out", value_name = "DIR")]
        out: PathBuf,
        /// A report without targets is not an error: write an empty targets.csv and exit 1.
        #[arg(long)]
        allow_empty: bool,
    },
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            as_of,
            out,
            data,
            report: report_files,
            region,
            tolerance,
            no_calibration,
        } => {
            let reports = if !report_files.is_empty() {
                Reports::Files(report_files, region)
            } else if data.is_some() {
                Reports::None
            } else {
                Reports::Bundled
            };
            let cfg = RunConfig {
                source: data.map_or(DataSource::Bundled, DataSource::Dir),
                as_of,
                tolerance,
                calibrate: !no_calibration,
                reports,
            };
            let result = match run(&cfg) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            let files = match report::render(&result) {
                Ok(f) => f,
                Err(e) => return fail(e),
            };
            if let Err(e) = report::write_atomic(&out, &files) {
                return fail(e);
            }
            for w in &result.panel.warnings {
                eprintln!("warning: {w}");
            }
            print!("{}", report::summary_table(&result));
            println!("wrote {} files to {}", files.len(), out.display());
            if result.assessments.iter().any(|a| a.p_met.is_none()) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Extract {
            report: path,
            year,
            region,
            out,
            allow_empty,
        } => {
            let name = path.display().to_string();
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => return fail(format!("{name}: {e}")),
            };
            let (text, encoding) = match text::decode(&name, &bytes) {
                Ok(t) => t,
                Err(e) => return fail(e),
            };
            let ex = match extract::extract_text(&text, encoding, year) {
                Ok(x) => x,
                Err(e) => return fail(format!("{name}: {e}")),
            };
            let regions = data::load(&DataSource::Bundled)
                .map(|d| d.regions)
                .unwrap_or_default();
            let region = extract::region_key(&ex, &regions, region.as_deref()).unwrap_or_default();
            let targets = ex
                .quantities
                .iter()
                .filter(|q| q.section == extract::Section::Plan)
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
            if let Err(e) = report::write_atomic(&out, &files) {
                return fail(e);
            }
            let results = ex.quantities.len() - targets;
            println!(
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
    }
}

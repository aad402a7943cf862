//! The `indicast` command line: parses arguments, runs the library, prints the error chain. Exit codes:
//! 0 ok, 1 ran but some target could not be assessed, 2 error (nothing written).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicast::data::DataSource;
use indicast::report;
use indicast::run::{RunConfig, run};

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
    /// report_targets.csv, breaks.csv, events.csv, indicator_meta.csv) and writes into --out:
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
        /// Tolerance of 'about' (左右) growth targets in percentage points: met if growth >= target - tolerance.
        #[arg(long, default_value_t = 0.5, value_name = "PP")]
        tolerance: f64,
        /// Do not widen intervals by the backtest calibration factor.
        #[arg(long)]
        no_calibration: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            as_of,
            out,
            data,
            tolerance,
            no_calibration,
        } => {
            let cfg = RunConfig {
                source: data.map_or(DataSource::Bundled, DataSource::Dir),
                as_of,
                tolerance,
                calibrate: !no_calibration,
            };
            let result = match run(&cfg) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let files = match report::render(&result) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Err(e) = report::write_atomic(&out, &files) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
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
    }
}

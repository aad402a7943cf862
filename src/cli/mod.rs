//! The command line: clap arguments, one module per subcommand (`run`, `check`, `extract`, `scenario` and
//! `required`, `forecast` and `backtest`, `chart`), the options they share, and the dispatch.

mod chart;
mod check;
mod extract;
mod forecast;
mod import;
mod run;
mod scenario;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::console::{err, errln, out, outln};
use indicast::charts::{Format, Lang, Style};
use indicast::data::{self, DataSource};
use indicast::extract::text;
use indicast::nowcast::AsOf;
use indicast::outfiles::OutputSet;
use indicast::report;
use indicast::run::{Reports, RunConfig, RunResult, run};
use indicast::scenario::{McConfig, Scenario, System};

/// Forecast economic indicators and the probability that planning targets are met.
#[derive(Debug, Parser)]
#[command(
    name = "indicast",
    version,
    about,
    long_about = None,
    after_help = "Examples:\n  indicast run                          assess next year's targets on the bundled data, CSVs into out/\n  indicast run --as-of 2018 -o o18      as a planner in December 2018 would (2019 targets)\n  indicast run --data mycity/ --report mycity/report.txt   your own data and work report\n  indicast run --add-data ../shared/data/provinces --as-of 2018   the bundled data plus 16 provinces\n  indicast extract seeds/zibo-2023-government-work-report.txt -o extracted\n  indicast scenario examples/scenarios/*.toml -o sc\n  indicast required --target Zibo.gdp_real_growth --prob 0.5 --driver China.gdp_real_growth -o req\n\nSee `indicast <COMMAND> --help` for the inputs, outputs and rules of each command."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// No progress indicators on the terminal (they are off anyway when stderr is not a terminal).
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Result CSVs without the UTF-8 byte-order mark that Excel/WPS need to show Chinese text (for
    /// pipelines). `forecast`/`backtest` output and `import` never have one.
    #[arg(long, global = true)]
    pub(crate) no_bom: bool,
}

static BOM: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Write result CSVs with or without the UTF-8 byte-order mark (`--no-bom`).
pub(crate) fn set_bom(bom: bool) {
    BOM.store(bom, std::sync::atomic::Ordering::Relaxed);
}

/// The files of a result set as written: CSVs with the UTF-8 byte-order mark unless `--no-bom`.
pub(crate) fn for_excel(files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    if BOM.load(std::sync::atomic::Ordering::Relaxed) {
        report::with_csv_bom(files)
    } else {
        files
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turn progress indicators off (`-q`).
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// Whether progress may be shown: stderr is a terminal and `-q` was not given.
pub(crate) fn show_progress() -> bool {
    use std::io::IsTerminal;
    !QUIET.load(std::sync::atomic::Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// A spinner with a message on stderr while work runs, cleared when dropped; nothing when progress is
/// not shown (see [`show_progress`]).
pub(crate) struct Busy(Option<indicatif::ProgressBar>);

/// Show `message` with a spinner until the returned guard is dropped.
pub(crate) fn busy(message: impl Into<String>) -> Busy {
    if !show_progress() {
        return Busy(None);
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.into());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Busy(Some(bar))
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Assess next year's targets: forecast every series, backtest every model, score past target calls.
    ///
    /// Reads the bundled data (or --data DIR with indicators.csv, targets.csv, regions.csv and optionally
    /// report_targets.csv, breaks.csv, events.csv, indicator_meta.csv). The coming year's targets are
    /// extracted from the bundled work report in seeds/ (or from --report FILE). Writes into --out:
    /// assessment.csv, forecasts.csv, backtest.csv, backtest_summary.csv (with the naive benchmark),
    /// calls.csv, calls_summary.csv, calls_reliability.csv, observations_used.csv.
    ///
    /// --add-data DIR (repeatable) adds another directory's regions, indicators and targets to the data
    /// in use: they are forecast, backtested and scored too and appear in every CSV, while the printed
    /// table, the charts and the report stay on the regions of the data in use (--all-regions: all).
    ///
    /// Example: indicast run --as-of 2018 --out out-2018   (a planner in December 2018, targets of 2019)
    ///
    /// Example: indicast run --add-data ../shared/data/provinces --as-of 2018   (16 provinces beside China,
    /// Shandong and Zibo: more backtests and past target calls; the table still shows China, Shandong, Zibo)
    Run(run::RunArgs),
    /// Validate input files without running anything: every problem of every file, and the
    /// normalisations that would be applied (encoding, separators, number formats, ignored columns).
    ///
    /// Exit 0 when the data can be used (warnings go to stderr), 2 otherwise.
    ///
    /// Example: indicast check --data mycity/
    ///
    /// Example: indicast check --add-data ../shared/data/provinces   (the bundled data and the provinces,
    /// validated together: parents, units and duplicates across the files)
    Check(check::CheckArgs),
    /// Read the targets and reported results out of a government work report (Chinese text).
    ///
    /// Writes into --out: targets.csv (every quantified target of the plan year: schema of
    /// data/targets.csv plus unit, unit_text, basis, target_hi, span_start, span_end, sentence),
    /// results.csv (reported results of the year ending: schema of data/indicators.csv plus spans and
    /// sentence), qualitative.csv (indicator statements without a number). Spans are character offsets
    /// into the decoded text.
    ///
    /// Example: indicast extract seeds/zibo-2023-government-work-report.txt -o extracted
    Extract(extract::ExtractArgs),
    /// Run planner scenarios (TOML files of assumptions) and compare P(met) of every target.
    ///
    /// A scenario file (see examples/scenarios/baseline.toml):
    ///   name = "baseline"
    ///   as_of = 2022                       # files of different years may be run together
    ///   [assumptions]                      # any forecast series: fixed values or { mean, sd }, in percent
    ///   "China.gdp_real_growth" = { mean = 5.0, sd = 0.5 }
    ///   "Zibo.fai_growth" = 8.0
    ///   [shocks]                           # added to a series' forecast, propagated downstream
    ///   "Zibo.retail_sales_growth" = -1.0
    /// An assumption moves the series linked to it (the regions below, GDP from investment) and, through
    /// the correlation of the forecasts' residuals, the series after it.
    /// Writes into --out: scenario_results.csv (every target; deltas against the scenario named
    /// "baseline" if given, else against the engine's own forecast) and scenario_series.csv (every
    /// forecast series under every scenario).
    ///
    /// Example: indicast scenario examples/scenarios/*.toml --draws 10000 --seed 1
    /// Example: indicast scenario my.toml --add-data ../shared/data/provinces
    #[command(verbatim_doc_comment)]
    Scenario(scenario::ScenarioArgs),
    /// Forecast every series of a long panel (statsforecast's format: unique_id, ds, y).
    #[command(long_about = forecast::long_about())]
    Forecast(forecast::ForecastArgs),
    /// Rolling-origin cross-validation of the generic forecaster (statsforecast's cross_validation frame).
    ///
    /// Writes unique_id, ds, cutoff, y, mean, lo-…, hi-… (and per-model columns) and prints sMAPE, MASE
    /// and interval coverage of the combination and of every model.
    ///
    /// Example: indicast backtest -i examples/gdp_growth_panel.csv --horizon 2 --windows 3 --step 1 -o cv.csv
    Backtest(forecast::BacktestArgs),
    /// Redraw one chart from the CSVs of an earlier run (restyle without recomputing).
    ///
    /// KIND: scorecard (assessment.csv), fan and backtest (need --target; assessment.csv,
    /// observations_used.csv, backtest.csv), scenarios (scenario_results.csv), required
    /// (required.csv, required_curve.csv).
    ///
    /// Example: indicast chart fan --from out --target Zibo.gdp_real_growth --lang en --format svg -o fan.svg
    Chart(chart::RedrawArgs),
    /// The driver value at which a target reaches a given probability of being met.
    ///
    /// Example: indicast required --target Zibo.gdp_real_growth --prob 0.5 --driver China.gdp_real_growth
    Required(scenario::RequiredArgs),
    /// Turn a statistical yearbook table into rows of indicators.csv.
    ///
    /// Reads an .xlsx (first sheet) or a CSV (UTF-8 or GBK), wide (title rows, then 指标,单位,2018年,…)
    /// or long (指标,年份,数值,单位). Chinese names are matched to indicator_meta.csv's name_zh
    /// (地区生产总值增速) and to the names of work reports (地区生产总值 with 亿元 is the level, with % the
    /// growth); units 亿元, 万元, 元, %, 万人… from the unit column or from brackets in the name; a CPI
    /// index (上年=100) becomes inflation. Every mapping is printed on stderr; unknown names are listed
    /// with the closest known ones and left out. Rows get period FY and the --vintage, --confidence and
    /// --source given.
    ///
    /// Example: indicast import examples/zibo_yearbook.csv --region Zibo -o zibo_rows.csv
    Import(import::ImportArgs),
    /// Write the bundled data files into a new directory, as a template for your own data.
    ///
    /// Example: indicast init mycity
    Init(import::InitArgs),
}

/// Run a parsed command; the exit code of the process.
pub(crate) fn dispatch(command: Command) -> ExitCode {
    match command {
        Command::Run(args) => run::execute(args),
        Command::Check(args) => check::check(args),
        Command::Extract(args) => extract::extract(args),
        Command::Scenario(args) => scenario::scenario(args),
        Command::Forecast(args) => forecast::forecast(args),
        Command::Backtest(args) => forecast::backtest(args),
        Command::Chart(args) => chart::redraw(args),
        Command::Required(args) => scenario::required(args),
        Command::Import(args) => import::import(args),
        Command::Init(args) => import::init(args),
    }
}

/// Input and output of the panel commands (`forecast`, `backtest`).
#[derive(Debug, Clone, clap::Args)]
struct PanelArgs {
    /// Input CSV (long format), or - for stdin.
    #[arg(short = 'i', long)]
    input: String,
    /// Interval levels in percent (repeatable; 95 and 0.95 mean the same) [default: 80 and 95].
    #[arg(long = "level", value_parser = level_percent)]
    levels: Vec<u32>,
    /// Series id column.
    #[arg(long, default_value = "unique_id")]
    id_col: String,
    /// Time column (integer year or yearly date).
    #[arg(long, default_value = "ds")]
    time_col: String,
    /// Value column.
    #[arg(long, default_value = "y")]
    target_col: String,
    /// Output CSV, or - for stdout.
    #[arg(
        short = 'o',
        long = "out",
        visible_alias = "output",
        default_value = "-",
        value_name = "FILE"
    )]
    output: String,
}

/// An interval level in whole percent from `95`, `95%` or `0.95`.
fn level_percent(s: &str) -> Result<u32, String> {
    let t = s.trim().trim_end_matches('%');
    let v: f64 = t.parse().map_err(|_| {
        format!("`{s}` is not a level; give a percentage such as 80 or 95 (or 0.8, 0.95)")
    })?;
    let pct = if v > 0.0 && v < 1.0 { v * 100.0 } else { v };
    let whole = pct.round();
    if (pct - whole).abs() > 1e-9 || !(1.0..=99.0).contains(&whole) {
        return Err(format!(
            "`{s}`: a level is a whole percentage from 1 to 99 (80, 95) or its fraction (0.8, 0.95)"
        ));
    }
    Ok(whole as u32)
}

impl PanelArgs {
    fn columns(&self) -> indicast::generic::Columns {
        indicast::generic::Columns {
            id: self.id_col.clone(),
            time: self.time_col.clone(),
            target: self.target_col.clone(),
        }
    }
}

/// Chart options.
#[derive(Debug, Clone, clap::Args)]
struct ChartArgs {
    /// Language of chart titles, labels and legends.
    #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
    lang: String,
    /// Image format of the charts.
    #[arg(long, default_value = "png", value_parser = ["png", "svg"])]
    format: String,
    /// Chart width in pixels.
    #[arg(long, default_value_t = 1600, value_parser = clap::value_parser!(u32).range(400..=8000))]
    width: u32,
    /// Chart height in pixels.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(300..=8000))]
    height: u32,
    /// Resolution: text and lines are scaled by DPI / 96.
    #[arg(long, default_value_t = 96.0)]
    dpi: f64,
}

impl ChartArgs {
    fn style(&self) -> Result<Style, String> {
        if !(self.dpi.is_finite() && (24.0..=1200.0).contains(&self.dpi)) {
            return Err(format!("--dpi {} must be between 24 and 1200", self.dpi));
        }
        Ok(Style {
            width: self.width,
            height: self.height,
            dpi: self.dpi,
            lang: if self.lang == "en" {
                Lang::En
            } else {
                Lang::Zh
            },
            format: if self.format == "svg" {
                Format::Svg
            } else {
                Format::Png
            },
        })
    }
}

/// Monte Carlo and output options shared by `scenario` and `required`.
#[derive(Debug, clap::Args)]
struct McArgs {
    /// Monte Carlo draws (at least 1; 10,000 gives P(met) to about ±0.005).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    draws: u64,
    /// Random seed (results are reproducible bit for bit for a seed).
    #[arg(long, default_value_t = 2023)]
    seed: u64,
    /// Output directory.
    #[arg(short = 'o', long, default_value = "out", value_name = "DIR")]
    out: PathBuf,
    /// Tolerance of 'about' growth targets in percentage points.
    #[arg(long, default_value_t = 0.5, value_name = "PP")]
    tolerance: f64,
    #[command(flatten)]
    chart: ChartArgs,
    /// The data directory [default: the bundled data], as for `run`.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(flatten)]
    add: AddData,
    /// Take the coming year's targets from this work report (UTF-8 or GBK text), as for `run`;
    /// repeatable. Default: the bundled report with the bundled data, none with --data.
    #[arg(long, value_name = "FILE")]
    report: Vec<PathBuf>,
    /// Region key (as in regions.csv) of the --report files [default: read from the report header].
    #[arg(long, value_name = "NAME")]
    region: Option<String>,
    /// As-of of scenario files without their own `as_of` (and of `required` without a file), as for
    /// `run`: a year (2022), or a year and period (2023Q1, 2023H1, 2023Q3) to condition on that year's
    /// year-to-date figures; a period also updates files that say `as_of = 2022` [default: the data's
    /// last year].
    #[arg(long, value_name = "YEAR[PERIOD]")]
    as_of: Option<AsOf>,
}

impl McArgs {
    /// The engine run a scenario modifies, as of `as_of` (default: `--as-of`, else the data's last year).
    fn run_config(&self, as_of: Option<AsOf>) -> RunConfig {
        let as_of = as_of.or(self.as_of);
        let reports = if !self.report.is_empty() {
            Reports::Files(self.report.clone(), self.region.clone())
        } else if self.data.is_some() {
            Reports::None
        } else {
            Reports::Bundled
        };
        RunConfig {
            source: self
                .data
                .clone()
                .map_or(DataSource::Bundled, DataSource::Dir),
            as_of: as_of.map(AsOf::cutoff),
            period: as_of.and_then(|a| a.period),
            tolerance: self.tolerance,
            calibrate: true,
            reports,
            add_data: self.add.add_data.clone(),
        }
    }
}

/// `--add-data DIR`, shared by every command that reads the data set.
#[derive(Debug, Clone, clap::Args)]
struct AddData {
    /// Add another data directory to the data in use (repeatable): its regions.csv, indicators.csv,
    /// targets.csv and, if present, report_targets.csv, indicator_meta.csv, events.csv, breaks.csv.
    ///
    /// Every file is optional, but one of the first three must be there. Files are validated together
    /// with the data in use: a region's parent may be a region of the bundled data (a city under
    /// Shandong needs only its own row), a region defined again must have the same parent, and every
    /// problem is listed with file, line and column. Nothing is copied. Example:
    ///   indicast run --add-data ../shared/data/provinces --as-of 2018
    #[arg(long = "add-data", value_name = "DIR", verbatim_doc_comment)]
    add_data: Vec<PathBuf>,
}

/// The files a run reads from disk (data directories and work reports): no output may replace them.
fn run_inputs(cfg: &RunConfig) -> Vec<PathBuf> {
    let mut files = cfg.source.files_on_disk();
    for dir in &cfg.add_data {
        files.extend(DataSource::Dir(dir.clone()).files_on_disk());
    }
    if let Reports::Files(reports, _) = &cfg.reports {
        files.extend(reports.iter().cloned());
    }
    files
}

fn series_key(s: &str) -> Option<(String, String)> {
    s.split_once('.')
        .map(|(r, i)| (r.to_string(), i.to_string()))
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    errln!("error: {e}");
    ExitCode::from(2)
}

/// Whether two paths name the same existing file (`-` is never a file).
fn same_file(a: &str, b: &str) -> bool {
    a != "-"
        && b != "-"
        && std::fs::canonicalize(a)
            .ok()
            .is_some_and(|x| std::fs::canonicalize(b).ok() == Some(x))
}

/// Write with `write` to a file atomically, or to stdout for `-`. Never over the input file (`flag`
/// names the output option in the message). `write`
/// returns a value and whether to keep what it wrote (a file is left untouched otherwise; stdout
/// cannot be taken back).
fn write_output_with<T>(
    flag: &str,
    output: &str,
    input: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> indicast::Result<(T, bool)>,
) -> Result<T, String> {
    if same_file(output, input) {
        return Err(format!(
            "{flag} {output} is the input file; refusing to overwrite it"
        ));
    }
    if output == "-" {
        let stdout = std::io::stdout();
        let mut w = std::io::BufWriter::new(stdout.lock());
        // A reader that closed the pipe (`| head`) or a full disk ends the program as for any print.
        let (value, _) = match write(&mut w) {
            Ok(v) => v,
            Err(e) => match e.io_source() {
                Some(io) => {
                    drop(w);
                    crate::console::stdout_failed(io)
                }
                None => return Err(e.to_string()),
            },
        };
        if let Err(e) = std::io::Write::flush(&mut w) {
            drop(w);
            crate::console::stdout_failed(&e);
        }
        return Ok(value);
    }
    report::write_streaming(std::path::Path::new(output), write).map_err(|e| e.to_string())
}

/// Write `bytes` to a file atomically, or to stdout for `-`. Never over the input file.
fn write_output(flag: &str, output: &str, input: &str, bytes: Vec<u8>) -> Result<(), String> {
    write_output_with(flag, output, input, |w| {
        w.write_all(&bytes)
            .map(|()| ((), true))
            .map_err(|source| indicast::Error::Io {
                path: PathBuf::from(output),
                source,
            })
    })
}

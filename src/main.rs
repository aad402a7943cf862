//! The `indicast` command line: parses arguments, runs the library, prints the error chain. Exit codes:
//! 0 ok, 1 ran but some target could not be assessed, 2 error (nothing written).

mod console;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use console::{err, errln, out, outln};
use indicast::charts::{Format, Lang, Style};
use indicast::data::{self, DataSource};
use indicast::extract::{self, text};
use indicast::nowcast::AsOf;
use indicast::outfiles::OutputSet;
use indicast::report;
use indicast::run::{Reports, RunConfig, RunResult, run};
use indicast::scenario::{self, McConfig, Scenario, System};

/// Forecast economic indicators and the probability that planning targets are met.
#[derive(Debug, Parser)]
#[command(
    name = "indicast",
    version,
    about,
    long_about = None,
    after_help = "Examples:\n  indicast run                          assess next year's targets on the bundled data, CSVs into out/\n  indicast run --as-of 2018 --out o18   as a planner in December 2018 would (2019 targets)\n  indicast run --data mycity/ --report mycity/report.txt   your own data and work report\n  indicast run --add-data ../shared/data/provinces --as-of 2018   the bundled data plus 16 provinces\n  indicast extract seeds/zibo-2023-government-work-report.txt --out extracted\n  indicast scenario scenarios/*.toml\n  indicast required --target Zibo.gdp_real_growth --prob 0.7 --driver Zibo.fai_growth\n\nSee `indicast <COMMAND> --help` for the inputs, outputs and rules of each command."
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
    Run {
        /// Use only data up to this year and assess the targets of the following year [default: last
        /// year with data, of the bundled data or --data DIR]. With a period (2023Q1, 2023H1, 2023Q3,
        /// also 2023-Q3): full years up to the year before, and that year's targets updated with its
        /// year-to-date figures up to the period (rows with period Q1/H1/Q3 in indicators.csv).
        #[arg(long, value_name = "YEAR[PERIOD]")]
        as_of: Option<AsOf>,
        /// Output directory (created if missing; files are replaced atomically).
        #[arg(long, default_value = "out", value_name = "DIR")]
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
    },
    /// Validate input files without running anything: every problem of every file, and the
    /// normalisations that would be applied (encoding, separators, number formats, ignored columns).
    ///
    /// Exit 0 when the data can be used (warnings go to stderr), 2 otherwise.
    ///
    /// Example: indicast check --data mycity/
    ///
    /// Example: indicast check --add-data ../shared/data/provinces   (the bundled data and the provinces,
    /// validated together: parents, units and duplicates across the files)
    Check {
        /// The directory to check (indicators.csv, targets.csv, regions.csv, …) [default: the bundled data].
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        #[command(flatten)]
        add: AddData,
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
    /// Run planner scenarios (TOML files of assumptions) and compare P(met) of every target.
    ///
    /// A scenario file (see scenarios/baseline.toml):
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
    /// Example: indicast scenario scenarios/*.toml --draws 10000 --seed 1
    /// Example: indicast scenario my.toml --add-data ../shared/data/provinces
    #[command(verbatim_doc_comment)]
    Scenario {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        mc: McArgs,
        /// Print and chart the targets of every region, not only those of the bundled data when
        /// --add-data is given (scenario_results.csv always has all).
        #[arg(long)]
        all_regions: bool,
        /// Also chart this target's distribution under the engine (unconditional) and under each
        /// scenario (conditional), side by side: scenario_fan_REGION_INDICATOR.png.
        #[arg(long, value_name = "REGION.INDICATOR")]
        target: Option<String>,
    },
    /// Forecast every series of a long panel (statsforecast's format: unique_id, ds, y).
    ///
    /// Writes unique_id, ds, mean, lo-80, hi-80, lo-95, hi-95 (one pair per --level) for the
    /// combined forecast, plus {model}, {model}-lo-{level}, {model}-hi-{level} per --models entry.
    /// Models: naive, rwd, damped, trend, ar1d, ar2d, ridge2d, holt, ets, ses, theta, holt_ets,
    /// damped_ets; the combination pools rwd, damped, ar2d, ridge2d, ets and theta. A large file is streamed (any size, bounded memory; see
    /// --stream); `-` means stdin / stdout.
    ///
    /// Example: indicast forecast --input panel.csv --horizon 6 --level 80 --level 95 --output fc.csv
    Forecast {
        #[command(flatten)]
        panel: PanelArgs,
        /// Steps ahead (years).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
        horizon: u32,
        /// Extra per-model columns, comma separated (naive, rwd, damped, trend, ar1d, ar2d, ridge2d, holt,
        /// ets, ses, theta, holt_ets, damped_ets).
        #[arg(long, value_delimiter = ',')]
        models: Vec<String>,
        /// Stream the input file (two passes, one batch of series in memory; same output): `auto` for
        /// files over 32 MB, `always`, or `never` (read it whole: one pass, faster on small files).
        #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
        stream: String,
    },
    /// Rolling-origin cross-validation of the generic forecaster (statsforecast's cross_validation frame).
    ///
    /// Writes unique_id, ds, cutoff, y, mean, lo-…, hi-… (and per-model columns) and prints sMAPE, MASE
    /// and interval coverage of the combination and of every model.
    ///
    /// Example: indicast backtest --input panel.csv --horizon 6 --windows 3 --step 1 --output cv.csv
    Backtest {
        #[command(flatten)]
        panel: PanelArgs,
        /// Steps ahead (years).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
        horizon: u32,
        /// Number of cut-offs.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
        windows: u32,
        /// Years between cut-offs.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
        step: u32,
    },
    /// Redraw one chart from the CSVs of an earlier run (restyle without recomputing).
    ///
    /// KIND: scorecard (assessment.csv), fan and backtest (need --target; assessment.csv,
    /// observations_used.csv, backtest.csv), scenarios (scenario_results.csv), required
    /// (required.csv, required_curve.csv).
    ///
    /// Example: indicast chart fan --target Zibo.gdp_real_growth --lang en --format svg --output fan.svg
    Chart {
        /// Chart kind.
        #[arg(value_parser = ["scorecard", "fan", "backtest", "scenarios", "required"])]
        kind: String,
        /// Directory with the result CSVs.
        #[arg(long, default_value = "out", value_name = "DIR")]
        from: PathBuf,
        /// Series for fan and backtest charts, Region.indicator.
        #[arg(long)]
        target: Option<String>,
        /// Output file [default: DIR/charts/KIND.FORMAT].
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        chart: ChartArgs,
        /// The --add-data directories of the run: their region names (and indicator names) label the
        /// chart, and the scorecard and scenarios charts leave their regions out unless --all-regions.
        #[command(flatten)]
        add: AddData,
        /// Scorecard and scenarios charts: every region of the CSVs, also those of --add-data.
        #[arg(long)]
        all_regions: bool,
    },
    /// The driver value at which a target reaches a given probability of being met.
    ///
    /// Example: indicast required --target Zibo.gdp_real_growth --prob 0.7 --driver Zibo.fai_growth
    Required {
        /// The target series, Region.indicator (a target of the coming year).
        #[arg(long)]
        target: String,
        /// The driver series, Region.indicator: any forecast series other than the target (it moves the
        /// target through links or through the correlation of the residuals; the curve shows how much).
        #[arg(long)]
        driver: String,
        /// The probability of meeting the target to reach.
        #[arg(long, default_value_t = 0.7)]
        prob: f64,
        /// Other assumptions, from a scenario file.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        #[command(flatten)]
        mc: McArgs,
    },
}

/// Input and output of the panel commands (`forecast`, `backtest`).
#[derive(Debug, Clone, clap::Args)]
struct PanelArgs {
    /// Input CSV (long format), or - for stdin.
    #[arg(long)]
    input: String,
    /// Interval levels in percent (repeatable) [default: 80 and 95].
    #[arg(long = "level", value_parser = clap::value_parser!(u32).range(1..=99))]
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
    #[arg(long, default_value = "-")]
    output: String,
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
    #[arg(long, default_value = "out", value_name = "DIR")]
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

/// Scenario files of one as-of year, with the engine run and the system they modify.
struct ScenarioGroup {
    run: RunResult,
    sys: System,
    scenarios: Vec<Scenario>,
}

/// Read scenario files, run the engine once per as-of year they name (files without `as_of` use the
/// data's last year), and parse each against its run's vocabulary. Every problem of every file is
/// reported together.
fn load_scenarios(files: &[PathBuf], mc: &McArgs) -> Result<Vec<ScenarioGroup>, String> {
    let mut texts = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let bytes = indicast::inputs::read_bounded(f, indicast::inputs::MAX_INPUT_BYTES)
            .map_err(|e| e.to_string())?;
        // UTF-8 with or without BOM, or GBK (Notepad's "ANSI" on Chinese Windows), said in a warning.
        let text = if bytes.iter().all(u8::is_ascii_whitespace) {
            String::new()
        } else {
            let (text, encoding) = text::decode(&name, &bytes).map_err(|e| e.to_string())?;
            if encoding != "UTF-8" {
                errln!("warning: {name}: file decoded as {encoding}/GBK");
            }
            text
        };
        // The file's as-of year, and where it is said (for errors of its run).
        let as_of = text.parse::<toml::Table>().ok().and_then(|t| {
            let a = match t.get("as_of") {
                Some(toml::Value::Integer(y)) => AsOf {
                    year: i32::try_from(*y).ok()?,
                    period: None,
                },
                Some(toml::Value::String(s)) => s.parse::<AsOf>().ok()?,
                _ => return None,
            };
            let line = 1 + text
                .lines()
                .position(|l| l.trim_start().starts_with("as_of"))
                .unwrap_or(0);
            Some((a, format!("{name}:{line}: as_of {a}")))
        });
        // A file of December Y run with `--as-of (Y+1)Q1|H1|Q3`: the quarterly update of the same run.
        let as_of = match (as_of, mc.as_of) {
            (Some((a, place)), Some(cli))
                if a.period.is_none() && cli.period.is_some() && cli.cutoff() == a.year =>
            {
                Some((cli, format!("{place} with --as-of {cli}")))
            }
            (a, _) => a,
        };
        texts.push((name, text, as_of));
    }
    let mut years: Vec<Option<AsOf>> = texts.iter().map(|t| t.2.as_ref().map(|a| a.0)).collect();
    years.sort_unstable();
    years.dedup();
    if years.is_empty() {
        years.push(None);
    }
    let mut groups = Vec::new();
    let mut errors = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    for year in years {
        let place = texts.iter().find_map(|t| {
            t.2.as_ref()
                .filter(|a| Some(a.0) == year)
                .map(|a| a.1.clone())
        });
        let run = run(&mc.run_config(year)).map_err(|e| match &place {
            Some(place) => format!("{place}: {e}"),
            None => e.to_string(),
        })?;
        let sys = System::new(&run, mc.tolerance).map_err(|e| e.to_string())?;
        let vocab = sys.vocabulary();
        let mut scenarios = Vec::new();
        for (name, text, _) in texts.iter().filter(|t| t.2.as_ref().map(|a| a.0) == year) {
            match scenario::parse(name, text, &vocab) {
                Ok(s) => {
                    if let Some((_, other)) = sources.iter().find(|(n, _)| *n == s.name) {
                        errors.push(format!(
                            "{name}: scenario name `{}` is also used by {other}; names must differ",
                            s.name
                        ));
                    }
                    sources.push((s.name.clone(), name.clone()));
                    scenarios.push(s);
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        groups.push(ScenarioGroup {
            run,
            sys,
            scenarios,
        });
    }
    if errors.is_empty() {
        Ok(groups)
    } else {
        Err(errors.join("\n"))
    }
}

fn series_key(s: &str) -> Option<(String, String)> {
    s.split_once('.')
        .map(|(r, i)| (r.to_string(), i.to_string()))
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    errln!("error: {e}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    // Ctrl-C / SIGTERM: outputs are renamed into place only when complete, so stopping at any moment
    // leaves old or new files, never partial ones; remove the temporary files and exit 130.
    let _ = ctrlc::set_handler(|| {
        indicast::outfiles::remove_in_flight();
        errln!("interrupted");
        std::process::exit(130);
    });
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return console::clap_exit(&e),
    };
    match cli.command {
        Command::Run {
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
        } => {
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
            let owned: Vec<&str> = files
                .iter()
                .map(|(name, _)| name.as_str())
                .chain(["charts/", "report.html", "report.md"])
                .collect();
            let set = match OutputSet::begin_reading(&out, &owned, &run_inputs(&cfg)) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            if let Err(e) = report::write_atomic(set.dir(), &files) {
                return fail(e);
            }
            let mut chart_note = String::new();
            if !no_charts {
                match report::write_charts_and_report(&result, &style, set.dir()) {
                    Ok(n) => {
                        chart_note = format!(
                            "; {n} charts in {}, report.html and report.md",
                            out.join("charts").display()
                        )
                    }
                    Err(e) => return fail(e),
                }
            }
            if let Err(e) = set.commit() {
                return fail(e);
            }
            for w in result.data.warnings.iter().chain(&result.panel.warnings) {
                errln!("warning: {w}");
            }
            out!("{}", report::summary_table(&result));
            outln!(
                "wrote {} files to {}{chart_note}",
                files.len(),
                out.display()
            );
            if result.assessments.iter().any(|a| a.p_met.is_none()) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Check { data, add } => {
            let source = data.map_or(DataSource::Bundled, DataSource::Dir);
            let ds = match data::load_layers(&source, &add.add_data) {
                Ok(d) => d,
                Err(e) => return fail(e),
            };
            for w in &ds.warnings {
                errln!("warning: {w}");
            }
            // What building the series would say too (levels that derive no growth, unit slips).
            let last_year = ds.observations.iter().map(|o| o.year).max().unwrap_or(0);
            for w in &indicast::data::panel::Panel::build(&ds, last_year).warnings {
                errln!("warning: {w}");
            }
            let series: std::collections::BTreeSet<(&str, &str)> = ds
                .observations
                .iter()
                .map(|o| (o.region.as_str(), o.indicator.as_str()))
                .collect();
            let added = ds.added_regions().len();
            outln!(
                "ok: {} regions{}, {} observations in {} series, {} targets{}",
                ds.regions.len(),
                if added > 0 {
                    format!(" ({added} from --add-data)")
                } else {
                    String::new()
                },
                ds.observations.len(),
                series.len(),
                ds.targets.len(),
                if ds.warnings.is_empty() {
                    String::new()
                } else {
                    format!(" ({} warnings above)", ds.warnings.len())
                }
            );
            // In-year values: what `--as-of YEARQ1|H1|Q3` can update with.
            let inyear = indicast::nowcast::InYearData::build(&ds, last_year);
            let counts = inyear.counts();
            if !counts.is_empty() {
                outln!(
                    "in-year (year-to-date growth) values for --as-of YEARQ1|H1|Q3: {} in {} series",
                    inyear.values.len(),
                    counts.len()
                );
                for ((region, indicator), (n, first, last)) in &counts {
                    outln!(
                        "  {region}.{indicator}: Q1 {}, H1 {}, Q3 {} ({first}–{last})",
                        n[0],
                        n[1],
                        n[2]
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Command::Extract {
            report: path,
            year,
            region,
            out,
            allow_empty,
        } => {
            let name = path.display().to_string();
            let bytes =
                match indicast::inputs::read_bounded(&path, indicast::inputs::MAX_INPUT_BYTES) {
                    Ok(b) => b,
                    Err(e) => return fail(e),
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
            let owned: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
            if let Err(e) = OutputSet::begin_reading(&out, &owned, std::slice::from_ref(&path))
                .and_then(|set| {
                    report::write_atomic(set.dir(), &files)?;
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
        Command::Forecast {
            panel,
            horizon,
            models,
            stream,
        } => {
            if let Some(bad) = models
                .iter()
                .find(|m| !indicast::generic::MODELS.contains(&m.as_str()))
            {
                return fail(format!(
                    "--models: unknown model `{bad}`; expected {}",
                    indicast::generic::MODELS.join(", ")
                ));
            }
            let cols = panel.columns();
            let levels = level_fractions(&panel.levels);
            // A large file (or any with --stream always) is streamed: bounded memory, same output.
            // Stdin, a GBK file or one whose series are not grouped is read whole.
            let big = std::fs::metadata(&panel.input).is_ok_and(|m| m.len() > STREAM_ABOVE);
            // A pipe or device is read once, whole (streaming reads the file twice).
            let regular = indicast::inputs::is_regular_file(std::path::Path::new(&panel.input));
            let streamed = if regular && (stream == "always" || (stream == "auto" && big)) {
                forecast_streamed(&panel, &cols, horizon as usize, &levels, &models)
            } else {
                Ok(None)
            };
            match streamed {
                Ok(Some(failed)) => return finish_panel(&failed),
                Ok(None) => {}
                Err(e) => return fail(e),
            }
            let (series, mut failed) = match read_panel_input(&panel.input, &cols) {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            let out = indicast::generic::forecast(&series, horizon as usize, &levels, &models);
            failed.extend(out.failed.iter().cloned());
            // Written row by row (into a temporary file renamed at the end), not rendered in memory.
            let written = write_output_with(&panel.output, &panel.input, |w| {
                indicast::generic::write_csv(&out, &levels, &models, &cols, w).map(|()| ((), true))
            });
            if let Err(e) = written {
                return fail(e);
            }
            finish_panel(&failed)
        }
        Command::Backtest {
            panel,
            horizon,
            windows,
            step,
        } => {
            let cols = panel.columns();
            let (series, mut failed) = match read_panel_input(&panel.input, &cols) {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            let levels = level_fractions(&panel.levels);
            let models: Vec<String> = indicast::generic::MODELS
                .iter()
                .map(|m| m.to_string())
                .collect();
            let (rows, cv_failed) = indicast::generic::cross_validate(
                &series,
                horizon as usize,
                windows as usize,
                step as usize,
                &levels,
                &models,
            );
            failed.extend(cv_failed);
            let bytes = match indicast::generic::render_cv(&rows, &levels, &models, &cols) {
                Ok(b) => b,
                Err(e) => return fail(e),
            };
            if let Err(e) = write_output(&panel.output, &panel.input, bytes) {
                return fail(e);
            }
            let pct: Vec<String> = levels
                .iter()
                .map(|l| format!("cov{}", (l * 100.0).round()))
                .collect();
            errln!(
                "{:<10} {:>8} {:>8} {}",
                "model",
                "sMAPE",
                "MASE",
                pct.join(" ")
            );
            let names = std::iter::once("combined".to_string()).chain(models.iter().cloned());
            for (i, name) in names.enumerate() {
                let (smape, mase, cov) = indicast::generic::cv_scores(&rows, i.checked_sub(1));
                // A model without a scored forecast shows "–", not a perfect 0.000.
                let cell = |v: f64, w: usize| {
                    if v.is_finite() {
                        format!("{v:>w$.3}")
                    } else {
                        format!("{:>w$}", "–")
                    }
                };
                let cov: Vec<String> = cov.iter().map(|&c| cell(c, 6)).collect();
                errln!(
                    "{name:<10} {} {} {}",
                    cell(smape, 8),
                    cell(mase, 8),
                    cov.join(" ")
                );
            }
            finish_panel(&failed)
        }
        Command::Chart {
            kind,
            from,
            target,
            output,
            chart,
            add,
            all_regions,
        } => {
            let style = match chart.style() {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let mut data = match data::load_layers(&DataSource::Bundled, &add.add_data) {
                Ok(d) => d,
                Err(e) => return fail(e),
            };
            if all_regions {
                data.clear_focus();
            }
            let path = output.unwrap_or_else(|| {
                let stem = target
                    .as_deref()
                    .map_or(kind.clone(), |t| format!("{kind}_{}", t.replace('.', "_")));
                from.join("charts")
                    .join(format!("{stem}.{}", style.format.ext()))
            });
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                && let Err(e) = std::fs::create_dir_all(parent)
            {
                return fail(format!("{}: {e}", parent.display()));
            }
            // The chart never replaces a result CSV it reads (nor an added data file).
            let inputs: Vec<PathBuf> = report::CHART_INPUTS
                .iter()
                .map(|f| from.join(f))
                .chain(
                    add.add_data
                        .iter()
                        .flat_map(|d| DataSource::Dir(d.clone()).files_on_disk()),
                )
                .collect();
            if let Err(e) = indicast::outfiles::refuse_overwrite(&path, &inputs) {
                return fail(e);
            }
            match report::chart_from_csv(&kind, &from, target.as_deref(), &data, &style, &path) {
                Ok(()) => {
                    outln!("wrote {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Scenario {
            files,
            mc,
            all_regions,
            target,
        } => {
            let mut groups = match load_scenarios(&files, &mc) {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            let style = match mc.chart.style() {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let mcc = McConfig {
                draws: mc.draws as usize,
                seed: mc.seed,
            };
            // Per as-of year: the engine's row and each scenario's, for the targets and every series.
            let mut simulated = Vec::new();
            for g in &mut groups {
                if all_regions {
                    g.run.data.clear_focus();
                }
                let mut names = vec!["engine".to_string()];
                let (t, s) = g.sys.simulate_all(&Scenario::engine_baseline(), mcc);
                let (mut outcomes, mut series) = (vec![t], vec![s]);
                for sc in &g.scenarios {
                    names.push(sc.name.clone());
                    let (t, s) = g.sys.simulate_all(sc, mcc);
                    outcomes.push(t);
                    series.push(s);
                }
                simulated.push((names, outcomes, series));
            }
            let views: Vec<report::ScenarioView> = groups
                .iter()
                .zip(&simulated)
                .map(|(g, (names, outcomes, series))| report::ScenarioView {
                    run: &g.run,
                    names,
                    outcomes,
                    series,
                })
                .collect();
            let (results, series_csv) = match report::render_scenarios(&views)
                .and_then(|r| Ok((r, report::render_scenario_series(&views)?)))
            {
                Ok(x) => x,
                Err(e) => return fail(e),
            };
            // One chart per as-of year (`scenarios.png`, or `scenarios_2022.png` … for several).
            let charts: Vec<String> = views
                .iter()
                .map(|v| {
                    if views.len() == 1 {
                        format!("scenarios.{}", style.format.ext())
                    } else {
                        format!("scenarios_{}.{}", v.run.as_of, style.format.ext())
                    }
                })
                .collect();
            // The chosen target's fan per as-of year: the engine's distribution beside each scenario's.
            // The chosen target's fan per as-of year: (file, view, assessment index).
            let mut fans: Vec<(String, &report::ScenarioView, usize)> = Vec::new();
            if let Some(t) = &target {
                let Some((region, indicator)) = series_key(t) else {
                    return fail(format!("--target `{t}`: expected Region.indicator"));
                };
                for v in &views {
                    let Some(ti) =
                        v.run.assessments.iter().position(|a| {
                            a.target.region == region && a.target.indicator == indicator
                        })
                    else {
                        return fail(format!(
                            "--target {t} is not a target of {} (as of {})",
                            v.run.as_of + 1,
                            v.run.as_of
                        ));
                    };
                    let file = if views.len() == 1 {
                        format!("scenario_fan_{region}_{indicator}.{}", style.format.ext())
                    } else {
                        format!(
                            "scenario_fan_{region}_{indicator}_{}.{}",
                            v.run.as_of,
                            style.format.ext()
                        )
                    };
                    fans.push((file, v, ti));
                }
            }
            let mut owned = vec!["scenario_results.csv", "scenario_series.csv"];
            owned.extend(charts.iter().map(String::as_str));
            owned.extend(fans.iter().map(|f| f.0.as_str()));
            let inputs = [run_inputs(&mc.run_config(None)), files.clone()].concat();
            if let Err(e) = OutputSet::begin_reading(&mc.out, &owned, &inputs).and_then(|set| {
                report::write_atomic(
                    set.dir(),
                    &[
                        ("scenario_results.csv".into(), results),
                        ("scenario_series.csv".into(), series_csv),
                    ],
                )?;
                for (v, chart) in views.iter().zip(&charts) {
                    report::scenario_chart(
                        v.run,
                        v.names,
                        v.outcomes,
                        &style,
                        &set.dir().join(chart),
                    )?;
                }
                for (file, v, ti) in &fans {
                    report::scenario_fan_chart(v, *ti, &style, &set.dir().join(file))?;
                }
                set.commit()
            }) {
                return fail(e);
            }
            for v in &views {
                if views.len() > 1 {
                    outln!("as of {}:", v.run.as_of);
                }
                out!("{}", report::scenario_table(v.run, v.names, v.outcomes));
            }
            let max_se = views
                .iter()
                .flat_map(|v| v.outcomes.iter().flatten())
                .map(|o| o.p_met_se)
                .fold(0.0, f64::max);
            let se_text = if mcc.draws > 1 {
                format!("largest Monte Carlo standard error of P(met) {max_se:.4}")
            } else {
                "no Monte Carlo standard error from a single draw (use --draws 10000)".to_string()
            };
            outln!(
                "{} draws, seed {}: {se_text}; wrote {} and {}",
                mcc.draws,
                mcc.seed,
                mc.out.join("scenario_results.csv").display(),
                mc.out.join("scenario_series.csv").display()
            );
            ExitCode::SUCCESS
        }
        Command::Required {
            target,
            driver,
            prob,
            scenario: file,
            mc,
        } => {
            if !(0.0 < prob && prob < 1.0) {
                return fail(format!("--prob {prob} must be strictly between 0 and 1"));
            }
            let files: Vec<PathBuf> = file.into_iter().collect();
            let ScenarioGroup {
                run,
                sys,
                scenarios,
            } = match load_scenarios(&files, &mc) {
                Ok(mut g) => g.remove(0),
                Err(e) => return fail(e),
            };
            let base = scenarios
                .into_iter()
                .next()
                .unwrap_or_else(Scenario::engine_baseline);
            let vocab = sys.vocabulary();
            let Some(tkey) = series_key(&target) else {
                return fail(format!("--target `{target}`: expected Region.indicator"));
            };
            let Some(ti) = run.assessments.iter().position(|a| {
                a.target.region == tkey.0 && a.target.indicator == tkey.1 && a.p_met.is_some()
            }) else {
                let names: Vec<String> = run
                    .assessments
                    .iter()
                    .map(|a| format!("{}.{}", a.target.region, a.target.indicator))
                    .collect();
                return fail(format!(
                    "--target `{target}` is not an assessed target of {}; closest: `{}`",
                    run.as_of + 1,
                    scenario::closest(&target, names.iter().map(String::as_str)).unwrap_or("")
                ));
            };
            // Any series may be the driver: it moves the target through structural links or through
            // the correlation of the residuals; the curve shows how much.
            let dkey = match series_key(&driver) {
                Some(k) if vocab.series.contains(&driver) && driver != target => k,
                _ => {
                    let mut linked: Vec<&str> = vocab
                        .drivers
                        .iter()
                        .filter(|d| {
                            d.as_str() != target
                                && series_key(d).is_some_and(|k| sys.drives(&k, ti))
                        })
                        .map(String::as_str)
                        .collect();
                    linked.sort_unstable();
                    return fail(format!(
                        "--driver `{driver}` is not a forecast series other than the target (closest: `{}`); series linked to {target}: {}",
                        scenario::closest(&driver, vocab.series.iter().map(String::as_str))
                            .unwrap_or(""),
                        if linked.is_empty() {
                            "none".to_string()
                        } else {
                            linked.join(", ")
                        }
                    ));
                }
            };
            // Plausible range: the driver's history up to the as-of year and its forecast ± 3 s.e.
            let (mu, se) = sys.baseline(&dkey).unwrap_or((0.0, 1.0));
            let hist: Vec<f64> = run
                .panel
                .growth
                .get(&dkey)
                .map(|s| s.upto(run.as_of).iter().map(|p| p.value).collect())
                .unwrap_or_default();
            let lo = hist.iter().copied().fold(mu - 3.0 * se, f64::min);
            let hi = hist.iter().copied().fold(mu + 3.0 * se, f64::max);
            let mcc = McConfig {
                draws: mc.draws as usize,
                seed: mc.seed,
            };
            let req = scenario::required(&sys, &base, ti, &dkey, prob, (lo, hi), mcc);
            let value = req.value.map(|v| format!("{v:.4}")).unwrap_or_default();
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut curve = csv::Writer::from_writer(Vec::new());
            let written = w
                .write_record(["target", "driver", "prob", "value"])
                .and_then(|_| {
                    w.write_record([target.as_str(), driver.as_str(), &prob.to_string(), &value])
                })
                .and_then(|_| curve.write_record(["driver_value", "p_met"]))
                .and_then(|_| {
                    req.curve.iter().try_for_each(|(v, p)| {
                        curve.write_record([format!("{v:.4}"), format!("{p:.4}")])
                    })
                });
            let (Ok(()), Ok(a), Ok(b)) = (written, w.into_inner(), curve.into_inner()) else {
                return fail("could not encode the CSV outputs");
            };
            let style = match mc.chart.style() {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let names = report::Names::new(&run.data, style.lang);
            let label =
                |k: &(String, String)| format!("{} {}", names.region(&k.0), names.indicator(&k.1));
            let data = indicast::charts::RequiredData {
                driver: label(&dkey),
                target: names.target_label(&run.assessments[ti].target),
                curve: req.curve.clone(),
                prob,
                value: req.value,
            };
            let chart = format!("required_curve.{}", style.format.ext());
            if let Err(e) = OutputSet::begin_reading(
                &mc.out,
                &["required.csv", "required_curve.csv", &chart],
                &[run_inputs(&mc.run_config(None)), files.clone()].concat(),
            )
            .and_then(|set| {
                report::write_atomic(
                    set.dir(),
                    &[("required.csv".into(), a), ("required_curve.csv".into(), b)],
                )?;
                indicast::charts::required_curve(&data, &style, &set.dir().join(&chart))?;
                set.commit()
            }) {
                return fail(e);
            }
            let (p_lo, p_hi) = (req.curve[0].1, req.curve[req.curve.len() - 1].1);
            outln!(
                "P(met) of {target} is {p_lo:.2} at {driver} = {:.2} and {p_hi:.2} at {:.2} ({} draws, seed {})",
                req.range.0,
                req.range.1,
                mcc.draws,
                mcc.seed
            );
            match req.value {
                Some(v) => {
                    outln!("required {driver} = {v:.2}");
                    ExitCode::SUCCESS
                }
                None => {
                    outln!(
                        "no value of {driver} in the plausible range [{:.2}, {:.2}] gives P(met) = {prob}: it stays between {:.2} and {:.2}",
                        req.range.0,
                        req.range.1,
                        p_lo.min(p_hi),
                        p_lo.max(p_hi)
                    );
                    outln!("required {driver} = none");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Read a long panel from a file or stdin (`-`); print the normalisations applied as warnings.
fn read_panel_input(
    input: &str,
    cols: &indicast::generic::Columns,
) -> Result<
    (
        Vec<indicast::generic::Series>,
        Vec<indicast::generic::Failure>,
    ),
    String,
> {
    let limit = indicast::inputs::MAX_INPUT_BYTES;
    let bytes = if input == "-" {
        indicast::inputs::read_stream("<stdin>", std::io::stdin(), limit)
    } else {
        indicast::inputs::read_bounded(std::path::Path::new(input), limit)
    }
    .map_err(|e| e.to_string())?;
    let name = if input == "-" { "<stdin>" } else { input };
    let panel = indicast::generic::read_panel(name, bytes, cols).map_err(|e| e.to_string())?;
    for w in &panel.warnings {
        errln!("warning: {w}");
    }
    Ok((panel.series, panel.failed))
}

/// Input files larger than this are streamed by `forecast --stream auto` (bytes).
const STREAM_ABOVE: u64 = 32 << 20;

/// Forecast a panel file by streaming it ([`indicast::generic::stream`]); `Ok(None)` when it must be
/// read whole instead (stdin, not UTF-8, series not grouped, or an error better explained that way).
fn forecast_streamed(
    panel: &PanelArgs,
    cols: &indicast::generic::Columns,
    h: usize,
    levels: &[f64],
    models: &[String],
) -> Result<Option<Vec<indicast::generic::Failure>>, String> {
    use indicast::generic::stream::{Streamed, forecast_file};
    use std::io::IsTerminal;
    if panel.input == "-" {
        return Ok(None);
    }
    let input = std::path::Path::new(&panel.input);
    let tty = std::io::stderr().is_terminal();
    let mut progress = |pass: u8, n: u64| {
        if tty {
            err!("\rforecasting: pass {pass} of 2, {n} series");
        }
    };
    // A file is kept only if the input could be streamed (otherwise it is read whole instead).
    let streamed = write_output_with(&panel.output, &panel.input, |w| {
        forecast_file(input, cols, h, levels, models, w, &mut progress).map(|s| {
            let keep = matches!(s, Streamed::Done(_));
            (s, keep)
        })
    })?;
    if tty {
        errln!();
    }
    match streamed {
        Streamed::Done(summary) => {
            for w in &summary.warnings {
                errln!("warning: {w}");
            }
            Ok(Some(summary.failed))
        }
        Streamed::NotStreamable(_) => Ok(None),
    }
}

/// Whether two paths name the same existing file (`-` is never a file).
fn same_file(a: &str, b: &str) -> bool {
    a != "-"
        && b != "-"
        && std::fs::canonicalize(a)
            .ok()
            .is_some_and(|x| std::fs::canonicalize(b).ok() == Some(x))
}

/// Levels in percent to fractions; 80 and 95 by default.
fn level_fractions(levels: &[u32]) -> Vec<f64> {
    if levels.is_empty() {
        vec![0.8, 0.95]
    } else {
        levels.iter().map(|l| f64::from(*l) / 100.0).collect()
    }
}

/// Write with `write` to a file atomically, or to stdout for `-`. Never over the input file. `write`
/// returns a value and whether to keep what it wrote (a file is left untouched otherwise; stdout
/// cannot be taken back).
fn write_output_with<T>(
    output: &str,
    input: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> indicast::Result<(T, bool)>,
) -> Result<T, String> {
    if same_file(output, input) {
        return Err(format!(
            "--output {output} is the input file; refusing to overwrite it"
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
                    console::stdout_failed(io)
                }
                None => return Err(e.to_string()),
            },
        };
        if let Err(e) = std::io::Write::flush(&mut w) {
            drop(w);
            console::stdout_failed(&e);
        }
        return Ok(value);
    }
    report::write_streaming(std::path::Path::new(output), write).map_err(|e| e.to_string())
}

/// Write `bytes` to a file atomically, or to stdout for `-`. Never over the input file.
fn write_output(output: &str, input: &str, bytes: Vec<u8>) -> Result<(), String> {
    write_output_with(output, input, |w| {
        w.write_all(&bytes)
            .map(|()| ((), true))
            .map_err(|source| indicast::Error::Io {
                path: PathBuf::from(output),
                source,
            })
    })
}

/// Report series that failed; exit 1 if any did.
fn finish_panel(failed: &[indicast::generic::Failure]) -> ExitCode {
    for (id, why) in failed {
        errln!("series {id}: not forecast: {why}");
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

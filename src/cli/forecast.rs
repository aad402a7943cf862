//! `indicast forecast` and `indicast backtest`: the generic forecaster on any yearly long panel.

use super::*;

/// The help of `indicast forecast`, its model lists generated from the catalogue.
pub(super) fn long_about() -> String {
    use indicast::generic::{COMBINED, LEVEL_DRIFT_WEIGHT, MODELS};
    let pooled = match COMBINED.split_last() {
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    format!(
        "Forecast every series of a long panel (statsforecast's format: unique_id, ds, y).\n\n\
         Writes unique_id, ds, mean, lo-80, hi-80, lo-95, hi-95 (one pair per --level) for the combined \
         forecast, plus {{model}}, {{model}}-lo-{{level}}, {{model}}-hi-{{level}} per --models entry. Models: {}; \
         the combination pools {pooled}, blended with a random walk with drift in levels (weight {}). \
         A large file is streamed (any size, bounded memory; see --stream); `-` means stdin / stdout.\n\n\
         Example: indicast forecast -i examples/gdp_growth_panel.csv --horizon 3 --level 80 --level 95 -o fc.csv",
        MODELS.join(", "),
        LEVEL_DRIFT_WEIGHT
    )
}

/// The help of `--models`, from the catalogue.
fn models_help() -> String {
    format!(
        "Extra per-model columns, comma separated ({})",
        indicast::generic::MODELS.join(", ")
    )
}

// The arguments of `indicast forecast`: their help is in the doc comments, the command's own on
// `Command::Forecast`.
#[derive(Debug, clap::Args)]
pub(crate) struct ForecastArgs {
    #[command(flatten)]
    panel: PanelArgs,
    /// Steps ahead (years).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    horizon: u32,
    #[arg(long, value_delimiter = ',', help = models_help())]
    models: Vec<String>,
    /// Stream the input file (two passes, one batch of series in memory; same output): `auto` for
    /// files over 32 MB, `always`, or `never` (read it whole: one pass, faster on small files).
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    stream: String,
}

/// `indicast forecast`.
pub(super) fn forecast(args: ForecastArgs) -> ExitCode {
    let ForecastArgs {
        panel,
        horizon,
        models,
        stream,
    } = args;
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
    let working = busy(format!("forecasting {} series…", series.len()));
    let out = indicast::generic::forecast(&series, horizon as usize, &levels, &models);
    drop(working);
    failed.extend(out.failed.iter().cloned());
    // Written row by row (into a temporary file renamed at the end), not rendered in memory.
    let written = write_output_with("--out", &panel.output, &panel.input, |w| {
        indicast::generic::write_csv(&out, &levels, &models, &cols, w).map(|()| ((), true))
    });
    if let Err(e) = written {
        return fail(e);
    }
    finish_panel(&failed)
}

// The arguments of `indicast backtest`: their help is in the doc comments, the command's own on
// `Command::Backtest`.
#[derive(Debug, clap::Args)]
pub(crate) struct BacktestArgs {
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
}

/// `indicast backtest`.
pub(super) fn backtest(args: BacktestArgs) -> ExitCode {
    let BacktestArgs {
        panel,
        horizon,
        windows,
        step,
    } = args;
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
    let working = busy(format!("cross-validating {} series…", series.len()));
    let (rows, cv_failed) = indicast::generic::cross_validate(
        &series,
        horizon as usize,
        windows as usize,
        step as usize,
        &levels,
        &models,
    );
    drop(working);
    failed.extend(cv_failed);
    let bytes = match indicast::generic::render_cv(&rows, &levels, &models, &cols) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    if let Err(e) = write_output("--out", &panel.output, &panel.input, bytes) {
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
    if panel.input == "-" {
        return Ok(None);
    }
    let input = std::path::Path::new(&panel.input);
    let tty = show_progress();
    let mut progress = |pass: u8, n: u64| {
        if tty {
            err!("\rforecasting: pass {pass} of 2, {n} series");
        }
    };
    // A file is kept only if the input could be streamed (otherwise it is read whole instead).
    let streamed = write_output_with("--out", &panel.output, &panel.input, |w| {
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

/// Levels in percent to fractions; 80 and 95 by default.
fn level_fractions(levels: &[u32]) -> Vec<f64> {
    if levels.is_empty() {
        vec![0.8, 0.95]
    } else {
        levels.iter().map(|l| f64::from(*l) / 100.0).collect()
    }
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

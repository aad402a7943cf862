//! `indicast chart`: redraw one chart from the CSVs of an earlier run.

use super::*;

// The arguments of `indicast chart`: their help is in the doc comments, the command's own on
// `Command::Chart`.
#[derive(Debug, clap::Args)]
pub(crate) struct RedrawArgs {
    /// Chart kind.
    #[arg(value_parser = ["scorecard", "fan", "backtest", "scenarios", "required"])]
    kind: String,
    /// Directory with the result CSVs (the --out of the run).
    #[arg(
        short = 'i',
        long,
        visible_alias = "input",
        default_value = "out",
        value_name = "DIR"
    )]
    from: PathBuf,
    /// Series for fan and backtest charts, Region.indicator.
    #[arg(long)]
    target: Option<String>,
    /// Output file [default: DIR/charts/KIND.FORMAT].
    #[arg(
        short = 'o',
        long = "out",
        visible_alias = "output",
        value_name = "FILE"
    )]
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
}

/// `indicast chart`.
pub(super) fn redraw(args: RedrawArgs) -> ExitCode {
    let RedrawArgs {
        kind,
        from,
        target,
        output,
        chart,
        add,
        all_regions,
    } = args;
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

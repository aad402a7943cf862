//! `indicast check`: validate a data directory without running anything.

use super::*;

// The arguments of `indicast check`: their help is in the doc comments, the command's own on
// `Command::Check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The directory to check (indicators.csv, targets.csv, regions.csv, …) [default: the bundled data].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(flatten)]
    add: AddData,
}

/// `indicast check`.
pub(super) fn check(args: CheckArgs) -> ExitCode {
    let CheckArgs { data, add } = args;
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
    let inyear = indicast::nowcast::InYearData::build(&ds, last_year, None);
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

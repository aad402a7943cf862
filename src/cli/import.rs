//! `indicast import` (a yearbook table into rows of indicators.csv) and `indicast init` (the bundled data
//! files as a template for a planner's own directory).

use super::*;

// The arguments of `indicast import`: their help is in the doc comments, the command's own on
// `Command::Import`.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The table: .xlsx (first sheet) or CSV in UTF-8 or GBK, wide (指标,单位,2018年,…) or long
    /// (指标,年份,数值,单位).
    table: PathBuf,
    /// Region key written in every row (as in regions.csv, e.g. Weifang).
    #[arg(long, value_name = "NAME")]
    region: String,
    /// Output file, or - for stdout.
    #[arg(short = 'o', long = "out", default_value = "-", value_name = "FILE")]
    out: String,
    /// The `source` column [default: the table's file name].
    #[arg(long)]
    source: Option<String>,
    /// The `vintage` column.
    #[arg(long, default_value = "reported", value_parser = ["revised", "initial", "reported", "preliminary", "derived"])]
    vintage: String,
    /// The `confidence` column.
    #[arg(long, default_value = "medium", value_parser = ["high", "medium", "low"])]
    confidence: String,
    /// The data directory whose indicator names (indicator_meta.csv) are used [default: the bundled data].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(flatten)]
    add: AddData,
}

/// `indicast import`.
pub(super) fn import(args: ImportArgs) -> ExitCode {
    let ImportArgs {
        table,
        region,
        out,
        source,
        vintage,
        confidence,
        data,
        add,
    } = args;
    let source_dir = data.map_or(DataSource::Bundled, DataSource::Dir);
    let ds = match data::load_layers(&source_dir, &add.add_data) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let name = table.display().to_string();
    let cells = match indicast::import::read_cells(&table) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let imported = match indicast::import::import(&cells, &name, &ds) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    for line in &imported.log {
        errln!("{name}: {line}");
    }
    if imported.rows.is_empty() {
        return fail(format!(
            "{name}: no row could be read as an indicator (see the lines above); nothing written"
        ));
    }
    let file_name = table
        .file_name()
        .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
    let opts = indicast::import::ImportOptions {
        region: region.clone(),
        source: source.unwrap_or(file_name),
        vintage,
        confidence,
    };
    let bytes = match indicast::import::render(&imported.rows, &opts) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    if let Err(e) = write_output("--out", &out, &name, bytes) {
        return fail(e);
    }
    let indicators: std::collections::BTreeSet<&str> =
        imported.rows.iter().map(|r| r.indicator.as_str()).collect();
    let (first, last) = imported
        .rows
        .iter()
        .fold((i32::MAX, i32::MIN), |(a, b), r| {
            (a.min(r.year), b.max(r.year))
        });
    errln!(
        "{} rows of {} indicators for {region}, {first}–{last}{}",
        imported.rows.len(),
        indicators.len(),
        if out == "-" {
            String::new()
        } else {
            format!(", written to {out}")
        }
    );
    if !ds.regions.contains_key(&region) {
        errln!(
            "note: {region} is not in regions.csv of the data in use: add a row `{region},PARENT,中文名,English name` to the regions.csv of the directory you pass with --add-data"
        );
    }
    ExitCode::SUCCESS
}

// The arguments of `indicast init`.
#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// Directory to create (it must not hold any of the data files yet).
    dir: PathBuf,
}

/// `indicast init`.
pub(super) fn init(args: InitArgs) -> ExitCode {
    let InitArgs { dir } = args;
    if let Some(f) = data::BUNDLED
        .iter()
        .map(|(f, _)| dir.join(f))
        .find(|p| p.exists())
    {
        return fail(format!(
            "{} exists; init writes a fresh template only (choose a new directory)",
            f.display()
        ));
    }
    let files: Vec<(String, Vec<u8>)> = data::BUNDLED
        .iter()
        .map(|(f, text)| (f.to_string(), text.as_bytes().to_vec()))
        .collect();
    if let Err(e) = report::write_atomic(&dir, &files) {
        return fail(e);
    }
    outln!(
        "wrote the bundled data files to {} ({}): edit them, or keep only your region's rows and use the directory with --add-data",
        dir.display(),
        data::BUNDLED
            .iter()
            .map(|(f, _)| *f)
            .collect::<Vec<_>>()
            .join(", ")
    );
    ExitCode::SUCCESS
}

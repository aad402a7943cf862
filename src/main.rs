//! The `indicast` command line: parses arguments, runs the library, prints the error chain. Exit codes:
//! 0 ok, 1 ran but some target could not be assessed, 2 error (nothing written). The commands are in
//! [`cli`], one module each.

mod cli;
mod console;

use std::process::ExitCode;

use clap::Parser;
use console::errln;

fn main() -> ExitCode {
    // Ctrl-C / SIGTERM: outputs are renamed into place only when complete, so stopping at any moment
    // leaves old or new files, never partial ones; remove the temporary files and exit 130.
    let _ = ctrlc::set_handler(|| {
        indicast::outfiles::remove_in_flight();
        errln!("interrupted");
        std::process::exit(130);
    });
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return console::clap_exit(&e),
    };
    cli::set_quiet(cli.quiet);
    cli::set_bom(!cli.no_bom);
    cli::dispatch(cli.command)
}

//! The binary's terminal output. `println!` and `eprintln!` panic when stdout or stderr cannot be
//! written (`indicast check | true`, `run | head -1`, `> /dev/full`); these never do. A closed pipe on
//! stdout ends the program quietly with exit 0, as ripgrep does (the reader has what it wanted; every
//! output file was complete before anything was printed); another stdout error ends it with exit 2 and a
//! message on stderr. Errors writing stderr are ignored: there is nowhere left to report them.

use std::fmt::Arguments;
use std::io::{self, Write};

/// Print to stdout without a newline (see the module docs for write errors).
macro_rules! out {
    ($($arg:tt)*) => { $crate::console::stdout(format_args!($($arg)*)) };
}

/// Print a line to stdout (see the module docs for write errors).
macro_rules! outln {
    () => { $crate::console::stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::console::stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Print to stderr without a newline; write errors are ignored.
macro_rules! err {
    ($($arg:tt)*) => { $crate::console::stderr(format_args!($($arg)*)) };
}

/// Print a line to stderr; write errors are ignored.
macro_rules! errln {
    () => { $crate::console::stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::console::stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {err, errln, out, outln};

/// Write to stdout and flush; on failure end the program (see the module docs).
pub fn stdout(args: Arguments) {
    let mut lock = io::stdout().lock();
    if let Err(e) = lock.write_fmt(args).and_then(|()| lock.flush()) {
        drop(lock);
        stdout_failed(&e);
    }
}

/// Write to stderr; errors are ignored.
pub fn stderr(args: Arguments) {
    let mut lock = io::stderr().lock();
    let _ = lock.write_fmt(args).and_then(|()| lock.flush());
}

/// End the program after stdout failed: exit 0 on a closed pipe, else exit 2 with the error on stderr.
pub fn stdout_failed(e: &io::Error) -> ! {
    indicast::outfiles::remove_in_flight();
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    stderr(format_args!("error: writing to stdout: {e}\n"));
    std::process::exit(2);
}

/// Print clap's help, version or usage error through the same non-panicking path (clap's own
/// `exit()` ignores write errors: `--help > /dev/full` would exit 0) and give its exit code.
pub fn clap_exit(e: &clap::Error) -> std::process::ExitCode {
    use std::io::IsTerminal;
    let styled = e.render();
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    // Colours only for a terminal.
    let tty = if e.use_stderr() {
        io::stderr().is_terminal()
    } else {
        io::stdout().is_terminal()
    };
    let text = if tty {
        styled.ansi().to_string()
    } else {
        styled.to_string()
    };
    if e.use_stderr() {
        stderr(format_args!("{text}"));
    } else {
        stdout(format_args!("{text}"));
    }
    std::process::ExitCode::from(code)
}

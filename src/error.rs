//! One error type for the library. Every variant carries enough context for a planner to find and fix the
//! problem: the file, the line and column, and what was expected.

use std::fmt;
use std::path::PathBuf;

/// One problem found in an input file, located precisely.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// File the problem was found in (as given by the user, or `<bundled>/name.csv`).
    pub file: String,
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// Column name, or empty when the problem concerns the whole row.
    pub column: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(
                f,
                "{}:{}: column `{}`: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// Errors of the indicast library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more rows of an input file are invalid. All problems found are reported at once.
    #[error("{} problem(s) in the input data:\n{}", .0.len(), format_problems(.0))]
    InvalidData(Vec<Problem>),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An output stream (not a named file: stdout, a writer given by the caller) could not be written.
    #[error("writing {what}: {source}")]
    Write {
        /// What was being written ("the forecasts").
        what: String,
        /// The underlying I/O error (`BrokenPipe` when the reader went away).
        #[source]
        source: std::io::Error,
    },
    /// A CSV file is malformed beyond row-level validation (e.g. unreadable header).
    #[error("{file}:{line}: malformed CSV: {message}")]
    Csv {
        /// File name.
        file: String,
        /// Line of the problem (1-based).
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// A model could not be fitted to a series.
    #[error("cannot fit: {0}")]
    Fit(String),
    /// The requested configuration is invalid (flag values, as-of year...).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// An output could not be rendered: CSV encoding, chart drawing, the chart font. Not the user's
    /// input: a report of this error is a bug report.
    #[error("{0}")]
    Render(String),
}

fn format_problems(problems: &[Problem]) -> String {
    const SHOWN: usize = 50;
    let mut out: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.len() > SHOWN {
        out.push(format!("  ... and {} more", problems.len() - SHOWN));
    }
    out.join("\n")
}

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A CSV writer's error while writing `what` to a stream: [`Error::Write`] for I/O failures (so a
    /// caller can tell a closed pipe), [`Error::Render`] for the rest.
    pub fn csv_write(what: &str, e: csv::Error) -> Error {
        if !e.is_io_error() {
            return Error::Render(format!("writing {what}: {e}"));
        }
        match e.into_kind() {
            csv::ErrorKind::Io(source) => Error::Write {
                what: what.to_string(),
                source,
            },
            _ => Error::Render(format!("writing {what}: an I/O error")),
        }
    }

    /// The I/O error behind this error, if it is one ([`Error::Io`] or [`Error::Write`]).
    pub fn io_source(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io { source, .. } | Error::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

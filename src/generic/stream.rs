//! Forecasting a panel file of any size with bounded memory.
//!
//! The file is read twice, record by record, never whole. Pass 1 fits each series as soon as its last
//! row has been read and counts its in-sample standardised errors into a [`super::ZHistogram`]; pass 2 fits it
//! again and writes its rows with the calibration of the whole panel. Memory holds one batch of series
//! ([`BATCH`]), the histogram and the set of ids already seen (to detect a file that is not grouped by
//! series), whatever the number of rows. The output is identical, byte for byte, to reading the file
//! whole and calling [`super::forecast`] and [`super::render`].
//!
//! A file whose rows of one series are not contiguous, or that is not UTF-8, is not streamed:
//! [`Streamed::NotStreamable`] tells the caller to read it whole instead.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::rc::Rc;

use rayon::prelude::*;

use super::{
    Columns, Failure, Fitted, Histograms, Series, assemble, fit_series, model_indices, parse_ds,
};
use crate::data::csvin;
use crate::error::{Error, Problem, Result};

/// Series fitted together (in parallel) before the next ones are read.
pub const BATCH: usize = 4096;
/// Problems collected before the rest are only counted.
const MAX_PROBLEMS: usize = 1000;

/// What a streamed forecast did.
#[derive(Debug, Clone, Default)]
pub struct StreamSummary {
    /// Data rows read (per pass).
    pub rows: u64,
    /// Series forecast.
    pub series: u64,
    /// Series that could not be forecast: (id, reason).
    pub failed: Vec<Failure>,
    /// Normalisations applied while reading, one line each.
    pub warnings: Vec<String>,
}

/// The outcome of [`forecast_file`].
#[derive(Debug)]
pub enum Streamed {
    /// The forecasts were written.
    Done(StreamSummary),
    /// The file cannot be streamed (why); read it whole. Nothing was written.
    NotStreamable(String),
}

/// A reader that remembers where its line terminators (`\n` and `\r`) are, so that a record's byte
/// offset gives its line.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    /// (position, is a line feed) of every `\n` and `\r` not yet passed.
    ends: Rc<RefCell<VecDeque<(u64, bool)>>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut ends = self.ends.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' || *b == b'\r' {
                ends.push_back((self.offset + i as u64, *b == b'\n'));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Lines of records read in order: terminators before a record's first byte are dropped as they pass.
struct Lines {
    ends: Rc<RefCell<VecDeque<(u64, bool)>>>,
    passed: u64,
}

impl Lines {
    /// The 1-based line of the record the csv crate places at `offset`. Like `csvin`'s whole-file
    /// reader, the record starts at the first byte from `offset` on that is not a line terminator (the
    /// crate may place it at the end of the previous record or before blank lines).
    fn line(&mut self, offset: u64) -> u64 {
        let mut ends = self.ends.borrow_mut();
        let mut start = offset;
        while let Some(&(pos, newline)) = ends.front() {
            if pos > start {
                break;
            }
            if pos == start {
                start += 1;
            }
            ends.pop_front();
            self.passed += u64::from(newline);
        }
        self.passed + 1
    }
}

/// A fixed (not per-process random) hash of a series id.
fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// The series being read: id and (time, value, line) rows.
type Open = (String, Vec<(i64, f64, u64)>);

/// One pass over the file: calls `batch` with each group of up to [`BATCH`] complete series.
struct Pass<'a> {
    path: &'a Path,
    file: &'a str,
    cols: &'a Columns,
}

/// Errors of a pass: the file is unusable, or it is not streamable.
enum PassError {
    Invalid(Error),
    NotStreamable(String),
}

impl From<Error> for PassError {
    fn from(e: Error) -> Self {
        PassError::Invalid(e)
    }
}

struct PassInfo {
    rows: u64,
    failed: Vec<Failure>,
    warnings: Vec<String>,
}

impl Pass<'_> {
    fn io(&self, e: std::io::Error) -> PassError {
        PassError::Invalid(Error::Io {
            path: self.path.to_path_buf(),
            source: e,
        })
    }

    fn problem(&self, line: u64, column: &str, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            line,
            column: column.to_string(),
            message,
        }
    }

    fn run(&self, mut batch: impl FnMut(&[Series]) -> Result<()>) -> Result<PassInfo, PassError> {
        let f = std::fs::File::open(self.path).map_err(|e| self.io(e))?;
        let ends = Rc::new(RefCell::new(VecDeque::new()));
        let counter = LineCounter {
            inner: f,
            offset: 0,
            ends: Rc::clone(&ends),
        };
        let mut buf = BufReader::with_capacity(1 << 20, counter);
        // Byte-order mark and separator, from the start of the file.
        let start = buf.fill_buf().map_err(|e| self.io(e))?;
        let bom = if start.starts_with(crate::atomic::UTF8_BOM) {
            crate::atomic::UTF8_BOM.len()
        } else {
            0
        };
        let first_line_end = start
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(start.len());
        let first_line = String::from_utf8_lossy(&start[bom..first_line_end]).into_owned();
        if start[bom..].iter().all(u8::is_ascii_whitespace) {
            return Err(PassError::NotStreamable("empty".into()));
        }
        buf.consume(bom);
        let delimiter = csvin::sniff_delimiter(&first_line);
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(buf);
        let mut lines = Lines { ends, passed: 0 };
        let not_utf8 = || PassError::NotStreamable("not UTF-8".into());
        let header: Vec<String> = match rdr.headers() {
            Ok(h) => h.iter().map(|x| x.trim().to_string()).collect(),
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => return Err(not_utf8()),
            Err(e) => {
                return Err(PassError::Invalid(Error::Csv {
                    file: self.file.to_string(),
                    line: 1,
                    message: e.to_string(),
                }));
            }
        };
        csvin::check_header(self.file, &header)?;
        let find = |name: &str| header.iter().position(|h| h == name);
        let (Some(ci), Some(ct), Some(cy)) = (
            find(&self.cols.id),
            find(&self.cols.time),
            find(&self.cols.target),
        ) else {
            return Err(PassError::NotStreamable("columns".into()));
        };
        let mut notes: BTreeMap<&'static str, (usize, u64)> = BTreeMap::new();
        if delimiter == b';' {
            notes.insert(csvin::SEMICOLONS, (1, 1));
        }
        let mut problems: Vec<Problem> = Vec::new();
        let mut more_problems = 0usize;
        let mut ragged: Vec<Problem> = Vec::new();
        let (mut ragged_total, mut good_rows) = (0usize, 0usize);
        let mut ragged_counts = std::collections::BTreeSet::new();
        // Ids already closed, as 64-bit hashes (a collision only sends the file to the whole read).
        let mut seen: HashSet<u64> = HashSet::new();
        let mut current: Option<Open> = None;
        let mut pending: Vec<Series> = Vec::new();
        let mut failed: Vec<Failure> = Vec::new();
        let mut rows = 0u64;
        let mut record = csv::StringRecord::new();
        let time_col = &self.cols.time;
        // Close the current series: sort it, check duplicate times, queue it.
        let close = |cur: Option<Open>, pending: &mut Vec<Series>, failed: &mut Vec<Failure>| {
            if let Some((id, obs)) = cur {
                match assemble(id, obs, time_col) {
                    Ok(s) => pending.push(s),
                    Err(f) => failed.push(f),
                }
            }
        };
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                    return Err(not_utf8());
                }
                Err(e) => {
                    let line = e
                        .position()
                        .map_or(0, |p| lines.line(p.byte() + bom as u64));
                    return Err(PassError::Invalid(Error::Csv {
                        file: self.file.to_string(),
                        line,
                        message: e.to_string(),
                    }));
                }
            }
            let line = record
                .position()
                .map_or(0, |p| lines.line(p.byte() + bom as u64));
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            rows += 1;
            let mut report = |p: Problem| {
                if problems.len() < MAX_PROBLEMS {
                    problems.push(p);
                } else {
                    more_problems += 1;
                }
            };
            if let Some(m) = csvin::field_count(&record, header.len()) {
                // Reported on their own, as the whole read does (see `csvin::ragged_error`).
                ragged_total += 1;
                ragged_counts.insert(record.len());
                if ragged.len() < MAX_PROBLEMS {
                    ragged.push(self.problem(line, "", m));
                }
                continue;
            }
            good_rows += 1;
            let get = |i: usize| record.get(i).unwrap_or("").trim();
            let id = get(ci);
            let year = parse_ds(get(ct))
                .map_err(|m| report(self.problem(line, &self.cols.time, m)))
                .ok();
            let value = match csvin::read_number(get(cy)) {
                Ok((v, kind)) => {
                    if let Some(k) = kind {
                        notes.entry(k).or_insert((0, line)).0 += 1;
                    }
                    Some(v)
                }
                Err(m) => {
                    report(self.problem(line, &self.cols.target, m));
                    None
                }
            };
            if current.as_ref().is_none_or(|c| c.0 != id) {
                if !seen.insert(id_hash(id)) {
                    return Err(PassError::NotStreamable(format!(
                        "the rows of series `{id}` are not contiguous (line {line})"
                    )));
                }
                close(current.take(), &mut pending, &mut failed);
                current = Some((id.to_string(), Vec::new()));
                if pending.len() >= BATCH {
                    // Once the file is known to be unusable nothing is fitted: memory stays bounded.
                    if problems.is_empty() && ragged.is_empty() {
                        batch(&pending)?;
                    }
                    pending.clear();
                }
            }
            if let (Some(y), Some(v), Some(c)) = (year, value, current.as_mut()) {
                c.1.push((y, v, line));
            }
        }
        close(current.take(), &mut pending, &mut failed);
        if !ragged.is_empty() {
            return Err(PassError::Invalid(csvin::ragged_error(
                self.file,
                ragged,
                ragged_total,
                ragged_counts,
                good_rows,
                header.len(),
            )));
        }
        if !problems.is_empty() {
            if more_problems > 0 {
                let last = problems.last().map_or(1, |p| p.line);
                problems.push(self.problem(
                    last,
                    "",
                    format!("… and {more_problems} more problems"),
                ));
            }
            return Err(PassError::Invalid(Error::InvalidData(problems)));
        }
        if rows == 0 {
            return Err(PassError::NotStreamable("no rows".into()));
        }
        batch(&pending)?;
        let mut warnings = csvin::note_lines(self.file, &notes);
        let ignored: Vec<&str> = header
            .iter()
            .enumerate()
            .filter(|(i, h)| ![ci, ct, cy].contains(i) && !h.is_empty())
            .map(|(_, h)| h.as_str())
            .collect();
        warnings.extend(csvin::ignored_columns(self.file, &ignored));
        Ok(PassInfo {
            rows,
            failed,
            warnings,
        })
    }
}

/// Forecast every series of the panel file `path` `h` steps ahead
/// and write the CSV of [`super::render`] to `out`, holding only one batch of series in memory.
/// `progress` is called after each batch with (pass 1 or 2, series done so far).
pub fn forecast_file(
    path: &Path,
    cols: &Columns,
    h: usize,
    levels: &[f64],
    models: &[String],
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u8, u64),
) -> Result<Streamed> {
    crate::inputs::refuse_binary_file(path)?;
    let name = path.display().to_string();
    let file = name.as_str();
    let pass = Pass { path, file, cols };
    // Pass 1: calibration from the in-sample errors of every series.
    let model_idx = model_indices(models);
    let mut hist = Histograms::new(h, model_idx.len());
    let mut done = 0u64;
    let first = pass.run(|series| {
        // Fits in parallel; their few errors each are counted into the histograms.
        let fitted: Vec<Option<Fitted>> = series
            .par_iter()
            .map(|s| fit_series(s, h, &model_idx).ok())
            .collect();
        for f in fitted.iter().flatten() {
            hist.add(f);
        }
        done += series.len() as u64;
        progress(1, done);
        Ok(())
    });
    let info = match first {
        Ok(i) => i,
        Err(PassError::Invalid(e)) => return Err(e),
        Err(PassError::NotStreamable(why)) => return Ok(Streamed::NotStreamable(why)),
    };
    let cal = hist.calibration(levels);
    // Pass 2: the forecasts, written batch by batch.
    let mut w = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| Error::csv_write("the forecasts", e);
    w.write_record(super::header(levels, models, cols))
        .map_err(csv_err)?;
    let mut failed: Vec<Failure> = Vec::new();
    let mut series_done = 0u64;
    let second = pass.run(|series| {
        let fitted: Vec<std::result::Result<Fitted, String>> = series
            .par_iter()
            .map(|s| fit_series(s, h, &model_idx))
            .collect();
        for (s, f) in series.iter().zip(fitted) {
            match f {
                Ok(f) => {
                    for r in f.rows(s, h, &cal, levels, &model_idx) {
                        w.write_record(super::record(&r)).map_err(csv_err)?;
                    }
                    series_done += 1;
                }
                Err(e) => failed.push((s.id.clone(), e)),
            }
        }
        progress(2, series_done + failed.len() as u64);
        Ok(())
    });
    match second {
        Ok(_) => {}
        Err(PassError::Invalid(e)) => return Err(e),
        Err(PassError::NotStreamable(why)) => {
            return Err(Error::Config(format!(
                "{file} changed while it was being read ({why})"
            )));
        }
    }
    w.flush().map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    // Duplicate times first (in file order), then series too short for any model.
    let mut all_failed = info.failed;
    all_failed.extend(failed);
    Ok(Streamed::Done(StreamSummary {
        rows: info.rows,
        series: series_done,
        failed: all_failed,
        warnings: info.warnings,
    }))
}

//! Output files: the set a command writes into its `--out` directory, committed as one transaction
//! ([`OutputSet`]), and the temporary files and directories being written, so that an interrupted run
//! (Ctrl-C, SIGTERM) can remove them before exiting.
//!
//! # The output transaction
//! A command's whole set (a `run`'s CSVs, charts and report) is written into a fresh staging directory
//! beside `--out` (`.NAME.staging.XXXXXX`), which starts as hard links to every file of `--out` that the
//! set does not own (so a planner's own files in the folder, and the outputs of other commands, stay).
//! When all is written, the staging directory and `--out` are exchanged in one atomic rename
//! (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere, or where the file system refuses it, two renames
//! whose gap is repaired at the next start), and the old set is removed. A reader, a crash or a kill at
//! any moment therefore sees the old complete set or the new complete set, never a mix, and owned files
//! the new set no longer has (charts of a target that was dropped) are gone with the old set.
//!
//! A lock file beside `--out` (`.NAME.lock`, an advisory `flock`, released by the system when the process
//! dies, removed when the command ends) makes a second command on the same `--out` refuse with a message
//! instead of mixing two sets; stale staging directories left by a killed run are removed at the next
//! start.
//!
//! The set is written in place instead (each file still atomically, see `report::write_atomic`) when a
//! directory swap would surprise or cannot be done: `--out` is the current directory or contains it, is a
//! mount point or has no parent, one of the owned outputs is a symbolic link or a device (kept and written
//! through, as documented), or the parent directory is not writable.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Start (`true`) or stop tracking a temporary file or directory.
pub fn track(path: &Path, on: bool) {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        if on {
            v.push(path.to_path_buf());
        } else {
            v.retain(|p| p != path);
        }
    }
}

/// Remove every temporary output file or staging directory still being written.
pub fn remove_in_flight() {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        for p in v.drain(..) {
            if p.is_dir() {
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// A text cell safe to open in Excel or WPS: one that starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return and is not a number would be run as a formula (`=cmd|…`), so it gets a leading `'`, which the
/// spreadsheet shows as text (OWASP's advice for CSV injection). Numbers, including negative ones, pass
/// unchanged.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// One command's set of outputs in a directory, written as a transaction (see the module docs).
#[derive(Debug)]
pub struct OutputSet {
    out: PathBuf,
    /// The staging directory, or `None` when the set is written in place.
    staging: Option<PathBuf>,
    /// The lock file, held (and then removed) until the set is committed or dropped.
    lock: Option<(File, PathBuf)>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl OutputSet {
    /// Start writing a set into `out`. `owned` are the paths, relative to `out`, that the set replaces
    /// as a whole: files, or directories written with a trailing `/` (`charts/`); they are not carried
    /// over from the old set. Fails when another command holds the lock of `out`, when an owned file is
    /// a directory in `out` (or the reverse: it is the planner's, not ours to remove), or when the
    /// staging directory cannot be built.
    pub fn begin(out: &Path, owned: &[&str]) -> Result<OutputSet> {
        OutputSet::begin_reading(out, owned, &[])
    }

    /// [`OutputSet::begin`] for a command that read the files `inputs`: refused when an owned output is one
    /// of them after following symbolic links (or an owned directory holds one), or is one of the files
    /// of a data directory ([`crate::data::DATA_FILES`] in a folder with `indicators.csv` or
    /// `regions.csv`), which every later run reads.
    pub fn begin_reading(out: &Path, owned: &[&str], inputs: &[PathBuf]) -> Result<OutputSet> {
        refuse_inputs(out, owned, inputs)?;
        if out.exists() && !out.is_dir() {
            return Err(Error::Config(format!(
                "output path {} exists and is not a directory; choose another --out",
                out.display()
            )));
        }
        for rel in owned {
            let (name, want_dir) = match rel.strip_suffix('/') {
                Some(dir) => (dir, true),
                None => (*rel, false),
            };
            let path = out.join(name);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() != want_dir) {
                return Err(Error::Config(format!(
                    "{} is {}; remove it or choose another --out",
                    path.display(),
                    if want_dir {
                        "a file where indicast writes a directory"
                    } else {
                        "a directory"
                    }
                )));
            }
        }
        // Swap the directory a symbolic link points to, not the link.
        let out = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
        let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
            return Ok(OutputSet::in_place(out, None));
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let name = name.to_string_lossy().into_owned();
        if std::fs::create_dir_all(parent).is_err() {
            return Ok(OutputSet::in_place(out, None));
        }
        let lock_path = parent.join(format!(".{name}.lock"));
        let lock = match lock(&lock_path, &out)? {
            Some(l) => l,
            None => return Ok(OutputSet::in_place(out, None)),
        };
        recover(parent, &name, &out);
        let lock = Some((lock, lock_path));
        if !swappable(&out, owned) {
            return Ok(OutputSet::in_place(out, lock));
        }
        let Ok(staging) = tempfile::Builder::new()
            .prefix(&format!(".{name}.staging."))
            .tempdir_in(parent)
        else {
            return Ok(OutputSet::in_place(out, lock));
        };
        let staging = staging.keep();
        track(&staging, true);
        let set = OutputSet {
            out: out.clone(),
            staging: Some(staging.clone()),
            lock,
        };
        if out.is_dir() {
            carry_over(&out, &staging, Path::new(""), owned)?;
        }
        Ok(set)
    }

    fn in_place(out: PathBuf, lock: Option<(File, PathBuf)>) -> OutputSet {
        OutputSet {
            out,
            staging: None,
            lock,
        }
    }

    /// The directory to write the set into (the staging directory, or `--out` itself in place).
    pub fn dir(&self) -> &Path {
        self.staging.as_deref().unwrap_or(&self.out)
    }

    /// Whether the set goes through a staging directory (`false`: written in place).
    pub fn is_staged(&self) -> bool {
        self.staging.is_some()
    }

    /// Put the written set in place of the old one (see the module docs).
    pub fn commit(mut self) -> Result<()> {
        let Some(staging) = self.staging.take() else {
            return Ok(());
        };
        // From here a Ctrl-C must not remove the staging directory: after the exchange it holds the old
        // set, which the next start removes if this process cannot.
        track(&staging, false);
        sync_dir(&staging);
        if !self.out.exists() {
            std::fs::rename(&staging, &self.out).map_err(io_err(&self.out))?;
        } else {
            swap(&staging, &self.out)?;
            let _ = std::fs::remove_dir_all(&staging);
        }
        if let Some(parent) = self.out.parent() {
            sync_dir(parent);
        }
        Ok(())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            track(&staging, false);
            let _ = std::fs::remove_dir_all(staging);
        }
        // Removed while still held: a command that opened it before checks, after locking, that the
        // path still names the file it locked (see `lock`).
        if let Some((file, path)) = self.lock.take() {
            let _ = std::fs::remove_file(path);
            drop(file);
        }
    }
}

/// The error when the single output file `output` (followed through a symbolic link) is one of
/// `inputs` (or lies in one of them, a directory).
pub fn refuse_overwrite(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    refuse_overwrite_of(output, &canonical(inputs))
}

/// The paths of `inputs` that exist, with symbolic links resolved.
fn canonical(inputs: &[PathBuf]) -> Vec<PathBuf> {
    inputs
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect()
}

/// [`refuse_overwrite`] against inputs already made [`canonical`].
fn refuse_overwrite_of(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    let Ok(target) = std::fs::canonicalize(output) else {
        return Ok(());
    };
    match inputs
        .iter()
        .find(|i| **i == target || target.starts_with(i) || i.starts_with(&target))
    {
        Some(input) => Err(Error::Config(format!(
            "{} would overwrite the input {}; choose another output",
            output.display(),
            input.display()
        ))),
        None => Ok(()),
    }
}

/// The error when an owned output of the set in `out` would replace an input (see
/// [`OutputSet::begin_reading`]).
fn refuse_inputs(out: &Path, owned: &[&str], inputs: &[PathBuf]) -> Result<()> {
    let inputs = canonical(inputs);
    let data_dir = ["indicators.csv", "regions.csv"]
        .iter()
        .any(|f| out.join(f).is_file());
    for rel in owned {
        let path = out.join(rel.trim_end_matches('/'));
        // An existing output is compared where it leads (a symbolic link is written through).
        refuse_overwrite_of(&path, &inputs)?;
        if !path.exists() {
            continue;
        }
        if data_dir && crate::data::DATA_FILES.contains(rel) {
            return Err(Error::Config(format!(
                "{} is a data directory (it has indicators.csv or regions.csv) and {rel} in it is an input of later runs; choose another --out",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Take the lock of `out`: `Ok(None)` when no lock file can be made (read-only parent: written in
/// place without one), an error when another process holds it. The lock file is removed when the set
/// ends, so a lock taken on a file that was meanwhile removed (or replaced) is taken again.
fn lock(path: &Path, out: &Path) -> Result<Option<File>> {
    let busy = || {
        Error::Config(format!(
            "another indicast command is writing to {}; wait for it to finish or choose another --out",
            out.display()
        ))
    };
    for _ in 0..8 {
        let Ok(file) = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
        else {
            return Ok(None);
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(busy()),
            Err(std::fs::TryLockError::Error(_)) => return Ok(None),
        }
        if same_file(&file, path) {
            return Ok(Some(file));
        }
    }
    Err(busy())
}

/// Whether the open `file` is the file at `path` now.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Repair what a killed process left (the lock is held): staging directories are removed; an old set
/// moved aside between two renames is put back when `--out` is missing, else removed.
fn recover(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let staging = format!(".{name}.staging.");
    let old = format!(".{name}.old.");
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if file_name.starts_with(&staging) {
            let _ = std::fs::remove_dir_all(&path);
        } else if file_name.starts_with(&old) {
            if !out.exists() {
                let _ = std::fs::rename(&path, out);
            } else {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }
}

/// Whether `out` can be replaced by a directory swap (see the module docs).
fn swappable(out: &Path, owned: &[&str]) -> bool {
    if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize)
        && cwd.starts_with(out)
    {
        return false;
    }
    // A mount point cannot be renamed: its files are replaced in place.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
        if out.exists() && dev(out) != out.parent().and_then(dev) {
            return false;
        }
    }
    // An owned output that is a symbolic link or a device keeps its documented in-place meaning.
    !owned.iter().any(|rel| {
        std::fs::symlink_metadata(out.join(rel.trim_end_matches('/'))).is_ok_and(|m| {
            let t = m.file_type();
            t.is_symlink() || !(t.is_file() || t.is_dir())
        })
    })
}

/// Hard-link (or copy) into `to` every entry of `from` that is not owned by the new set, recursively;
/// `rel` is the path of `from` relative to `--out`.
fn carry_over(from: &Path, to: &Path, rel: &Path, owned: &[&str]) -> Result<()> {
    for e in std::fs::read_dir(from).map_err(io_err(from))? {
        let e = e.map_err(io_err(from))?;
        let r = rel.join(e.file_name());
        if owned
            .iter()
            .any(|o| Path::new(o.trim_end_matches('/')) == r)
        {
            continue;
        }
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let kind = e.file_type().map_err(io_err(&src))?;
        if kind.is_dir() {
            std::fs::create_dir(&dst).map_err(io_err(&dst))?;
            carry_over(&src, &dst, &r, owned)?;
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&src).map_err(io_err(&src))?;
            symlink(&target, &dst).map_err(io_err(&dst))?;
        } else if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst).map_err(io_err(&src))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::fs::copy(target, link).map(|_| ())
}

/// Exchange the staging directory and `out`: one atomic rename where the system has one, else two
/// renames (the old set is moved aside first and put back if the second fails).
fn swap(staging: &Path, out: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    swap_by_renames(staging, out)
}

/// [`swap`] where no atomic exchange exists: the old set is moved aside, the new one in (a kill between
/// the two is repaired by [`recover`]), and the old set is left at the staging path.
fn swap_by_renames(staging: &Path, out: &Path) -> Result<()> {
    let parent = out.parent().unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let aside = tempfile::Builder::new()
        .prefix(&format!(".{name}.old."))
        .tempdir_in(parent)
        .map_err(io_err(out))?
        .keep();
    // `aside` exists as an empty directory: rename over it (allowed for an empty directory target).
    std::fs::rename(out, &aside).map_err(io_err(out))?;
    if let Err(e) = std::fs::rename(staging, out) {
        let _ = std::fs::rename(&aside, out);
        return Err(Error::Io {
            path: out.to_path_buf(),
            source: e,
        });
    }
    // The old set now lies at `aside`; the staging path is gone. Remove the old set where the caller
    // expects it.
    std::fs::rename(&aside, staging).map_err(io_err(staging))
}

/// Flush a directory's entries to disk (best effort: not every system can open a directory).
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap_or_default()
    }

    #[test]
    fn a_set_replaces_its_own_files_and_keeps_the_others() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(out.join("charts")).unwrap();
        std::fs::write(out.join("a.csv"), "old a").unwrap();
        std::fs::write(out.join("mine.txt"), "the planner's").unwrap();
        std::fs::write(out.join("charts/dropped.png"), "old chart").unwrap();
        let set = OutputSet::begin(&out, &["a.csv", "b.csv", "charts/"]).unwrap();
        assert!(set.is_staged());
        std::fs::write(set.dir().join("a.csv"), "new a").unwrap();
        std::fs::write(set.dir().join("b.csv"), "new b").unwrap();
        std::fs::create_dir(set.dir().join("charts")).unwrap();
        std::fs::write(set.dir().join("charts/kept.png"), "new chart").unwrap();
        // Nothing of the old set changes before the commit.
        assert_eq!(read(&out, "a.csv"), "old a");
        assert!(!out.join("b.csv").exists());
        set.commit().unwrap();
        assert_eq!(read(&out, "a.csv"), "new a");
        assert_eq!(read(&out, "b.csv"), "new b");
        assert_eq!(read(&out, "mine.txt"), "the planner's");
        assert_eq!(read(&out, "charts/kept.png"), "new chart");
        assert!(!out.join("charts/dropped.png").exists());
        // No staging directory, old set or lock file is left beside it.
        let left: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let mut left = left;
        left.sort();
        assert_eq!(left, vec!["out".to_string()]);
    }

    #[test]
    fn an_owned_name_of_the_wrong_kind_is_refused_untouched() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(out.join("a.csv")).unwrap();
        std::fs::write(out.join("charts"), "a file").unwrap();
        let e = OutputSet::begin(&out, &["a.csv"]).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        let e = OutputSet::begin(&out, &["charts/"]).unwrap_err();
        assert!(e.to_string().contains("is a file"), "{e}");
        assert!(out.join("a.csv").is_dir() && out.join("charts").is_file());
    }

    #[test]
    fn an_output_over_an_input_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let report = out.join("targets.csv");
        std::fs::write(&report, "the report").unwrap();
        let e = OutputSet::begin_reading(&out, &["targets.csv"], std::slice::from_ref(&report))
            .unwrap_err();
        assert!(e.to_string().contains("would overwrite the input"), "{e}");
        // Through a symbolic link in the output folder.
        let other = root.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        let input = root.path().join("in.csv");
        std::fs::write(&input, "input").unwrap();
        std::os::unix::fs::symlink(&input, other.join("a.csv")).unwrap();
        let e =
            OutputSet::begin_reading(&other, &["a.csv"], std::slice::from_ref(&input)).unwrap_err();
        assert!(e.to_string().contains("would overwrite the input"), "{e}");
        // A data directory's files are inputs of later runs.
        let data = root.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("indicators.csv"), "x").unwrap();
        std::fs::write(data.join("targets.csv"), "t").unwrap();
        let e = OutputSet::begin(&data, &["targets.csv"]).unwrap_err();
        assert!(e.to_string().contains("data directory"), "{e}");
        // New files beside a data directory's own are fine.
        OutputSet::begin(&data, &["assessment.csv"])
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "the report");
        assert_eq!(
            std::fs::read_to_string(data.join("targets.csv")).unwrap(),
            "t"
        );
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(
            spreadsheet_safe("=cmd|' /C calc'!A0"),
            "'=cmd|' /C calc'!A0"
        );
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("+86"), "+86");
        assert_eq!(spreadsheet_safe("-2.5000"), "-2.5000");
        assert_eq!(spreadsheet_safe("-x"), "'-x");
        assert_eq!(spreadsheet_safe("地区生产总值"), "地区生产总值");
    }

    #[test]
    fn a_set_dropped_before_commit_leaves_the_old_one_untouched() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.csv"), "old a").unwrap();
        {
            let set = OutputSet::begin(&out, &["a.csv"]).unwrap();
            std::fs::write(set.dir().join("a.csv"), "half").unwrap();
        }
        assert_eq!(read(&out, "a.csv"), "old a");
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_second_set_on_the_same_directory_is_refused_while_the_first_is_open() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let first = OutputSet::begin(&out, &["a.csv"]).unwrap();
        let second = OutputSet::begin(&out, &["a.csv"]).unwrap_err();
        assert!(
            second.to_string().contains("another indicast command"),
            "{second}"
        );
        std::fs::write(first.dir().join("a.csv"), "1").unwrap();
        first.commit().unwrap();
        // Once committed the lock is free again.
        let again = OutputSet::begin(&out, &["a.csv"]).unwrap();
        again.commit().unwrap();
        assert!(!out.join("a.csv").exists());
    }

    #[test]
    fn leftovers_of_a_killed_run_are_repaired_at_the_next_start() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        // Killed between the two renames of the fallback swap: the old set aside, no `out`.
        let aside = root.path().join(".out.old.abc123");
        std::fs::create_dir_all(&aside).unwrap();
        std::fs::write(aside.join("a.csv"), "old a").unwrap();
        let stale = root.path().join(".out.staging.xyz789");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join("a.csv"), "half").unwrap();
        let set = OutputSet::begin(&out, &["b.csv"]).unwrap();
        assert!(!stale.exists() && !aside.exists());
        assert_eq!(read(&out, "a.csv"), "old a");
        std::fs::write(set.dir().join("b.csv"), "b").unwrap();
        set.commit().unwrap();
        assert_eq!(read(&out, "a.csv"), "old a");
        assert_eq!(read(&out, "b.csv"), "b");
    }

    #[test]
    fn the_fallback_swap_exchanges_the_directories() {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("x"), "a").unwrap();
        std::fs::write(b.join("x"), "b").unwrap();
        swap(&a, &b).unwrap();
        assert_eq!(read(&a, "x"), "b");
        assert_eq!(read(&b, "x"), "a");
        swap_by_renames(&a, &b).unwrap();
        assert_eq!(read(&a, "x"), "a");
        assert_eq!(read(&b, "x"), "b");
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 2);
    }
}

//! Atomic and streaming writes of output files: every file goes to a temporary file beside its
//! destination and is renamed into place only when complete; symbolic links are kept (their target
//! is replaced); devices and pipes are written in place. Used by the report, the charts and the
//! command line, below all of them.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where and how an output path is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    /// A device, pipe or open descriptor (`/dev/null`, a FIFO, `/dev/stdout`, `/dev/fd/63` from a
    /// shell's `>(…)`): written into in place, appending. Replacing it would destroy the device, or
    /// whatever the shell redirected it to (`--output /dev/stdout >> log` keeps the log's start).
    InPlace(PathBuf),
    /// A regular file, existing or not, reached through any symbolic links (so that links survive and
    /// their target gets the content): replaced atomically.
    Replace(PathBuf),
}

/// Most links followed before giving up, as the kernel does (its limit is 40).
const MAX_LINK_HOPS: usize = 40;

/// How output for `path` is written; see [`Destination`].
pub(crate) fn destination(path: &Path) -> Destination {
    let system = |p: &Path| cfg!(unix) && (p.starts_with("/dev") || p.starts_with("/proc"));
    let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if system(path) || special {
        return Destination::InPlace(path.to_path_buf());
    }
    // Follow links one hop at a time, so that a dangling chain ends at the file to create.
    let mut target = path.to_path_buf();
    for _ in 0..MAX_LINK_HOPS {
        match std::fs::read_link(&target) {
            Ok(next) => target = parent_dir(&target).join(next),
            Err(_) => break,
        }
    }
    if system(&target) {
        Destination::InPlace(path.to_path_buf())
    } else {
        Destination::Replace(target)
    }
}

/// Open an in-place destination for writing (appending).
pub(crate) fn open_in_place(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().append(true).open(path)
}

/// The directory of `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The UTF-8 byte-order mark: Excel and WPS read a CSV as UTF-8 only when it starts with one (without
/// it, Chinese text is garbled on a Chinese Windows).
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Put [`UTF8_BOM`] before every `.csv` of a set of files (other files are left as they are).
pub fn with_csv_bom(files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .map(|(name, bytes)| {
            if name.ends_with(".csv") && !bytes.starts_with(UTF8_BOM) {
                (name, [UTF8_BOM, &bytes].concat())
            } else {
                (name, bytes)
            }
        })
        .collect()
}

/// Write files atomically into `dir`: each goes to a temporary file next to its destination first;
/// only when all are written are they renamed into place. Existing files are set aside first and put
/// back if any rename fails, so on error every file holds what it held before. Destinations are
/// resolved by `destination`: a symbolic link is kept and its target replaced (created, with its
/// directory, if missing); a device or pipe is written in place, after the regular files are in place
/// (what was written into it cannot be taken back).
pub fn write_atomic(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Config(format!(
            "output path {} exists and is not a directory; choose another --out",
            dir.display()
        )));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    for (name, _) in files {
        let path = dir.join(name);
        if path.is_dir() {
            return Err(Error::Config(format!(
                "{} is a directory; remove it or choose another --out",
                path.display()
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut temps = Vec::new();
    let mut in_place = Vec::new();
    for (name, bytes) in files {
        let path = match destination(&dir.join(name)) {
            Destination::InPlace(path) => {
                in_place.push((path, bytes));
                continue;
            }
            Destination::Replace(path) => path,
        };
        std::fs::create_dir_all(parent_dir(&path)).map_err(io(&path))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .tempfile_in(parent_dir(&path))
            .map_err(io(&path))?;
        crate::outfiles::track(tmp.path(), true);
        tmp.write_all(bytes)
            .and_then(|_| readable_by_all(tmp.as_file()))
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(io(&path))?;
        temps.push((tmp, path));
    }
    let tracked: Vec<PathBuf> = temps.iter().map(|(t, _)| t.path().to_path_buf()).collect();
    // Set existing outputs aside, then move the new ones in; undo everything on the first failure.
    let mut backups: Vec<(tempfile::TempPath, PathBuf)> = Vec::new();
    let mut placed: Vec<PathBuf> = Vec::new();
    let mut failure = None;
    for (tmp, path) in temps {
        if path.exists() {
            let backup = match tempfile::Builder::new()
                .prefix(".old.")
                .tempfile_in(parent_dir(&path))
            {
                Ok(b) => b.into_temp_path(),
                Err(e) => {
                    failure = Some(Error::Io { path, source: e });
                    break;
                }
            };
            if let Err(e) = std::fs::rename(&path, &backup) {
                failure = Some(Error::Io { path, source: e });
                break;
            }
            backups.push((backup, path.clone()));
        }
        if let Err(e) = tmp.persist(&path) {
            failure = Some(Error::Io {
                path,
                source: e.error,
            });
            break;
        }
        placed.push(path);
    }
    for t in &tracked {
        crate::outfiles::track(t, false);
    }
    if failure.is_none() {
        for (path, bytes) in in_place {
            if let Err(e) = open_in_place(&path).and_then(|mut f| f.write_all(bytes)) {
                failure = Some(Error::Io { path, source: e });
                break;
            }
        }
    }
    match failure {
        None => Ok(()),
        Some(err) => {
            for path in placed {
                let _ = std::fs::remove_file(path);
            }
            // Newest first: when two names lead to one file, its oldest content is restored last.
            for (backup, path) in backups.into_iter().rev() {
                let _ = backup.persist(&path);
            }
            Err(err)
        }
    }
}

/// A device or pipe opened on the first byte written, so that a run that writes nothing (a streamed
/// forecast that falls back to reading the file whole) leaves it unopened for the run that does.
struct OpenOnWrite<'a> {
    path: &'a Path,
    file: Option<std::fs::File>,
}

impl Write for OpenOnWrite<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match &mut self.file {
            Some(f) => f.write(buf),
            None => {
                let mut f = open_in_place(self.path)?;
                let n = f.write(buf)?;
                self.file = Some(f);
                Ok(n)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), |f| f.flush())
    }
}

/// Write one file of any size atomically: `write` streams into a temporary file next to `path`, which
/// replaces `path` only if `write` succeeds and asks for it (`true`); otherwise it is removed and `path`
/// is untouched. An interrupted run (Ctrl-C) removes the temporary file too. Destinations are resolved
/// as in [`write_atomic`]; a device or pipe is written in place, and only opened if `write` writes.
pub fn write_streaming<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(T, bool)>,
) -> Result<T> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let path = match destination(path) {
        Destination::InPlace(path) => {
            let device = OpenOnWrite {
                path: &path,
                file: None,
            };
            let mut w = std::io::BufWriter::with_capacity(1 << 20, device);
            return write(&mut w)
                .and_then(|r| w.flush().map(|_| r).map_err(io))
                .map(|(value, _)| value);
        }
        Destination::Replace(path) => path,
    };
    let path = path.as_path();
    let dir = parent_dir(path);
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Config(format!(
            "{} exists and is not a directory; choose another output path",
            dir.display()
        )));
    }
    if path.is_dir() {
        return Err(Error::Config(format!(
            "{} is a directory; choose a file name",
            path.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map_or("output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempfile_in(dir)
        .map_err(io)?;
    crate::outfiles::track(tmp.path(), true);
    let result = {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file());
        write(&mut w).and_then(|r| w.flush().map(|_| r).map_err(io))
    };
    let tmp_path = tmp.path().to_path_buf();
    let done = result.and_then(|(value, keep)| {
        if keep {
            readable_by_all(tmp.as_file())
                .and_then(|_| tmp.as_file().sync_all())
                .map_err(io)?;
            tmp.persist(path).map_err(|e| io(e.error))?;
        }
        Ok(value)
    });
    // Tracked until renamed or removed, so that Ctrl-C in between still cleans up.
    crate::outfiles::track(&tmp_path, false);
    done
}

/// Output files are for sharing: make them readable by everyone, as a plain `create` would with the
/// usual umask (temporary files are created private).
fn readable_by_all(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

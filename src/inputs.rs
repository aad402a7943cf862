//! Reading input files whole, safely: a size cap, so that an endless device (`/dev/zero`,
//! `/dev/urandom`) or a wrong file ends with a message instead of exhausting memory, and binary data
//! (NUL bytes at the start, outside a UTF-16 byte-order mark) refused before it is read to the end.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Largest input read whole (data CSVs, work reports, scenario files, a panel read without streaming).
pub const MAX_INPUT_BYTES: u64 = 1 << 30;
/// Bytes checked for NULs before the rest is read.
const SNIFF_BYTES: usize = 64 * 1024;

/// Whether `path` is a regular file (not a pipe, device or socket), following symbolic links.
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Read `path` whole, at most `limit` bytes (see the module docs). Pipes and devices are read once.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    read_stream(&path.display().to_string(), file, limit)
}

/// The error for a file whose first bytes `start` hold NULs outside a UTF-16 byte-order mark.
pub fn refuse_binary(name: &str, start: &[u8]) -> Result<()> {
    let start = &start[..start.len().min(SNIFF_BYTES)];
    let utf16 = start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]);
    if !utf16 && start.contains(&0) {
        return Err(Error::Config(format!(
            "{name}: binary data (NUL bytes near the start), not a text file; expected CSV or text in \
             UTF-8, GBK or UTF-16"
        )));
    }
    Ok(())
}

/// [`refuse_binary`] on the start of the file at `path` (for readers that stream it).
pub fn refuse_binary_file(path: &Path) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut start = Vec::new();
    file.take(SNIFF_BYTES as u64)
        .read_to_end(&mut start)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    refuse_binary(&path.display().to_string(), &start)
}

/// [`read_bounded`] for any reader (stdin), named `name` in messages.
pub fn read_stream(name: &str, reader: impl Read, limit: u64) -> Result<Vec<u8>> {
    let mut reader = reader.take(limit.saturating_add(1));
    let mut bytes = Vec::new();
    let io = |source| Error::Io {
        path: name.into(),
        source,
    };
    // The first chunk, then the rest only if it is text.
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    refuse_binary(name, &bytes)?;
    reader.read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(Error::Config(format!(
            "{name}: larger than {} MiB, the most read whole (is it the right file, or an endless \
             device?); a large panel can be streamed: indicast forecast --stream always",
            limit >> 20
        )));
    }
    Ok(bytes)
}

/// Text of bytes in UTF-8, else in GB18030/GBK (the encoding of Chinese Excel's "CSV" and of government
/// pages saved as text), which decodes without loss: `(text, true)` when it was GBK. `Err(line)` when it
/// is neither (or the GBK reading holds a NUL), with the 1-based line of the first byte that is not UTF-8.
/// The one decoder of the data loader and the report extractor; each words its own message.
pub(crate) fn utf8_or_gbk(bytes: &[u8]) -> std::result::Result<(String, bool), u64> {
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok((t.to_string(), false)),
        Err(e) => {
            let (text, bad) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if !bad && !text.contains('\0') {
                return Ok((text.into_owned(), true));
            }
            let upto = &bytes[..e.valid_up_to()];
            Err(1 + upto.iter().filter(|&&b| b == b'\n').count() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_and_binary_inputs_are_refused() {
        let zeros = std::io::repeat(0).take(10 << 20);
        let e = read_stream("zeros", zeros, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("binary data"), "{e}");
        let text = std::io::repeat(b'a');
        let e = read_stream("endless", text, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("larger than 1 MiB"), "{e}");
        // UTF-16 (NULs after a byte-order mark) and text at the limit are read.
        let utf16 = [0xFF, 0xFE, b'a', 0, b'b', 0];
        assert_eq!(read_stream("u16", &utf16[..], 100).unwrap(), utf16);
        assert_eq!(read_stream("ok", &b"abc"[..], 3).unwrap(), b"abc");
    }

    #[test]
    fn dev_zero_ends_with_a_message() {
        if Path::new("/dev/zero").exists() {
            let e = read_bounded(Path::new("/dev/zero"), MAX_INPUT_BYTES).unwrap_err();
            assert!(e.to_string().contains("binary data"), "{e}");
            assert!(!is_regular_file(Path::new("/dev/zero")));
        }
    }
}

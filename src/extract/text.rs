//! Decoding and normalising a report's text: UTF-8 or GB18030/GBK, byte-order mark, full-width digits and
//! signs. Normalisation maps each character to exactly one character, so character offsets into the
//! normalised text are offsets into the decoded text.

use crate::error::{Error, Problem, Result};

fn bad(file: &str, message: &str) -> Error {
    Error::InvalidData(vec![Problem {
        file: file.to_string(),
        line: 1,
        column: String::new(),
        message: message.to_string(),
    }])
}

/// Decode a report: UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312).
/// Rejects empty files, binary files and bytes that are valid in neither encoding. Returns the text
/// and the name of the encoding used.
pub fn decode(file: &str, bytes: &[u8]) -> Result<(String, &'static str)> {
    let bytes = bytes.strip_prefix(crate::atomic::UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad(
            file,
            "the report is empty; expected the text of a government work report",
        ));
    }
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if bytes.contains(&0) || controls * 100 > bytes.len() {
        return Err(bad(
            file,
            "this looks like a binary file (NUL or control bytes); expected plain text saved as UTF-8 or GBK",
        ));
    }
    if std::str::from_utf8(bytes).is_err()
        && (bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff"))
    {
        return Err(bad(
            file,
            "the file is UTF-16 (Notepad's \"Unicode\"); save it as UTF-8",
        ));
    }
    match crate::inputs::utf8_or_gbk(bytes) {
        Ok((text, gbk)) => Ok((text, if gbk { "GB18030" } else { "UTF-8" })),
        Err(line) => Err(Error::InvalidData(vec![Problem {
            file: file.to_string(),
            line,
            column: String::new(),
            message: "the text is neither valid UTF-8 nor GB18030/GBK; re-save it as UTF-8".into(),
        }])),
    }
}

/// Map full-width digits, letters and signs to their ASCII forms, one character for one.
pub fn normalise(text: &str) -> Vec<char> {
    text.chars()
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            '％' => '%',
            '．' => '.',
            '－' => '-',
            '～' => '~',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_text_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("地区生产总值增长5.5%左右");
        let (text, enc) = decode("r.txt", &bytes).unwrap();
        assert_eq!(text, "地区生产总值增长5.5%左右");
        assert_eq!(enc, "GB18030");
    }

    #[test]
    fn empty_and_binary_files_are_rejected() {
        assert!(decode("r.txt", b"  \n").is_err());
        assert!(decode("r.txt", b"\x00\x01\x02abc").is_err());
    }

    #[test]
    fn full_width_digits_become_ascii_one_for_one() {
        let n: String = normalise("增长５．５％左右").into_iter().collect();
        assert_eq!(n, "增长5.5%左右");
    }
}

//! Scanning a decoded report: its characters, sentences and clauses, section headings and plan year,
//! the numbers with units and the indicator names it mentions.

use super::*;

pub(super) struct Patterns {
    pub(super) quantity: Regex,
    pub(super) chinese: Regex,
    pub(super) names: Regex,
    pub(super) plan_year: Regex,
    pub(super) title_year: Regex,
    pub(super) review_year: Regex,
    pub(super) region: Regex,
    /// The region in a title line ([`title_lines`]; 2023年淄博市政府工作报告, 淄博市人民政府 2023年政府工作报告,
    /// 淄博市人民政府工作报告); after a province, the place it names (2023年山东省淄博市政府工作报告: 淄博市).
    pub(super) title_region: Regex,
    pub(super) date: Regex,
}

pub(super) fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let units = format!("个百分点|美元|元|平方米|公里|公顷|千瓦|人次|人|名|亩|吨|斤|天|倍|%|{COUNT_WORDS}");
        let num = r"\d+(?:\.\d+)?";
        let quantity = format!(
            r"(?P<sign>[-−－])?(?P<n1>{num})(?P<u1>%)?(?:\s*(?P<dash>[—–\-~至到])\s*(?P<n2>{num}))?(?P<mag>万亿|亿|万)?(?P<unit>{units})"
        );
        let chinese = format!(
            r"(?P<verb>新增|建设|新建|改造|完成|达到|开工|新开工|培育|引进|新引进|打造|创建|实施|建成|开发|突破|超过|提供|举办|累计)?(?P<cn>[一二两三四五六七八九十百千]+)(?P<mag>万亿|亿|万)?(?P<unit>{COUNT_WORDS}|人|名)"
        );
        let mut names: Vec<&str> = NAMES.iter().map(|n| n.text).collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        let names = names.iter().map(|n| regex::escape(n)).collect::<Vec<_>>().join("|");
        Patterns {
            quantity: Regex::new(&quantity).expect("static pattern"),
            chinese: Regex::new(&chinese).expect("static pattern"),
            names: Regex::new(&names).expect("static pattern"),
            // Not a base of comparison: 比2010年翻一番的目标.
            plan_year: Regex::new(
                r"(?:^|[^比较\d])(\d{4})年[^。\n]{0,16}?(?:目标|预期|工作安排|工作部署|总体部署)",
            )
            .expect("static pattern"),
            title_year: Regex::new(r"(\d{4})年[^。\n]{0,6}政府工作报告").expect("static pattern"),
            review_year: Regex::new(r"(\d{4})年(?:工作)?回顾|过去的(\d{4})年").expect("static pattern"),
            region: Regex::new(r"在(\S{2,8}?[市省县区])第").expect("static pattern"),
            title_region: Regex::new(
                r"^(?:\d{4}年)?\s*(?:\p{Han}{1,6}?省)?(\p{Han}{1,8}?[市省县区])(?:人民政府)?\s*(?:\d{4}年)?\s*(?:人民)?政府工作报告",
            )
            .expect("static pattern"),
            date: Regex::new(r"(\d{4})年(\d{1,2})月\d{1,2}日").expect("static pattern"),
        }
    })
}

/// A decoded, normalised document with character/byte offset maps.
pub(super) struct Doc {
    pub(super) s: String,
    pub(super) chars: Vec<char>,
    /// Offset in the original text of each character of `chars`, and of the end.
    pub(super) orig: Vec<usize>,
    pub(super) byte_to_char: Vec<usize>,
    pub(super) in_quotes: Vec<bool>,
}

impl Doc {
    pub(super) fn new(text: &str) -> Doc {
        // Invisible format marks (zero-width spaces and joiners, direction marks, word joiners, a BOM
        // inside the text) are dropped, so that 5\u{200b}.5% reads as 5.5%; `orig` maps every kept
        // character (and the end) back to its offset in the text, for the spans written out.
        let mut chars = Vec::new();
        let mut orig = Vec::new();
        for (i, c) in text::normalise(text).into_iter().enumerate() {
            if !is_invisible(c) {
                chars.push(c);
                orig.push(i);
            }
        }
        orig.push(text.chars().count());
        let s: String = chars.iter().collect();
        let mut byte_to_char = vec![0; s.len() + 1];
        for (ci, (bi, _)) in s.char_indices().enumerate() {
            byte_to_char[bi] = ci;
        }
        byte_to_char[s.len()] = chars.len();
        let mut in_quotes = vec![false; chars.len()];
        let mut depth = 0i32;
        let mut ascii_open = false;
        for (i, &c) in chars.iter().enumerate() {
            match c {
                '“' | '《' | '「' | '『' | '‘' => depth += 1,
                '”' | '》' | '」' | '』' | '’' => depth = (depth - 1).max(0),
                '"' => ascii_open = !ascii_open,
                '\n' => {
                    depth = 0;
                    ascii_open = false;
                }
                _ => {}
            }
            in_quotes[i] = depth > 0 || ascii_open;
        }
        Doc {
            s,
            chars,
            orig,
            byte_to_char,
            in_quotes,
        }
    }

    /// A span of kept characters as offsets in the original text.
    pub(super) fn original(&self, span: (usize, usize)) -> (usize, usize) {
        let at = |i: usize| self.orig[i.min(self.orig.len() - 1)];
        (at(span.0), at(span.1))
    }

    pub(super) fn c(&self, byte: usize) -> usize {
        self.byte_to_char[byte]
    }

    pub(super) fn slice(&self, a: usize, b: usize) -> String {
        self.chars[a.min(self.chars.len())..b.min(self.chars.len())]
            .iter()
            .collect()
    }
}

/// Characters that are not seen: zero-width space, non-joiner and joiner, left-to-right and
/// right-to-left marks and embeddings, word joiner and invisible operators, byte-order mark.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

pub(super) fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '!' | '！' | '?' | '？' | '\n')
}

pub(super) fn is_clause_end(c: char) -> bool {
    is_sentence_end(c) || matches!(c, '，' | ',' | '：' | ':')
}

/// Longest sentence (in characters) read as one: a longer run without 。；！？ (a pasted table, a
/// report without punctuation) is cut at its last clause end before this length. Everything done
/// within a sentence looks back and forth in it, so this keeps extraction linear in the text's length.
pub const MAX_SENTENCE_CHARS: usize = 1000;
/// Longest lead-in of a clause written with a quantity (`text` of targets.csv).
pub const MAX_CLAUSE_CHARS: usize = 120;

/// Sentence spans (char offsets), split at 。；！？ and line breaks, and long ones at clause ends
/// ([`MAX_SENTENCE_CHARS`]).
pub(super) fn sentences(doc: &Doc) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut push = |mut start: usize, end: usize| {
        while end - start > MAX_SENTENCE_CHARS {
            let limit = start + MAX_SENTENCE_CHARS;
            let cut = (start + MAX_SENTENCE_CHARS / 2..limit)
                .rev()
                .find(|&i| is_clause_end(doc.chars[i]))
                .map_or(limit, |i| i + 1);
            out.push((start, cut));
            start = cut;
        }
        if end > start {
            out.push((start, end));
        }
    };
    let mut start = 0;
    for (i, &c) in doc.chars.iter().enumerate() {
        if is_sentence_end(c) {
            if i > start {
                push(start, i + 1);
            }
            start = i + 1;
        }
    }
    if start < doc.chars.len() {
        push(start, doc.chars.len());
    }
    out
}

/// The lines of a report that may be its title: the first five, trimmed, short and without a clause of
/// text (not 2022年政府工作报告确定的目标任务圆满完成 in a review). The title's year and region are read
/// there.
pub(super) fn title_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .take(5)
        .map(str::trim)
        .filter(|l| l.chars().count() <= 40 && !l.contains(['，', ',', '。', '；']))
}

/// Infer the year a report plans for: the year of its title among the first lines (广州市2021年政府工作报告),
/// else the year after a review heading's (2022年工作回顾), else a year named with its targets (2023年…目标,
/// not 比2010年…的目标), else from the report's date (——2022年12月28日…: a report given from
/// October on plans for the next year, an earlier one for its own).
pub fn infer_plan_year(text: &str) -> Option<i32> {
    let p = patterns();
    let valid = |y: i32| (1949..=2100).contains(&y);
    if let Some(y) = title_lines(text)
        .find_map(|l| p.title_year.captures(l)?[1].parse::<i32>().ok())
        .filter(|&y| valid(y))
    {
        return Some(y);
    }
    // A review heading's year is structure; a year named with 目标 may be a review's (2022年政府工作报告
    // 确定的目标任务圆满完成), so it comes after.
    if let Some(y) = p
        .review_year
        .captures_iter(text)
        .filter_map(|c| {
            c.get(1)
                .or(c.get(2))
                .and_then(|m| m.as_str().parse::<i32>().ok())
        })
        .find(|&y| valid(y))
    {
        return Some(y + 1);
    }
    p.plan_year
        .captures_iter(text)
        .filter_map(|c| c[1].parse::<i32>().ok())
        .find(|&y| valid(y))
        .or_else(|| {
            super::cues::report_date(text)
                .filter(|(y, _)| valid(*y))
                .map(|(y, month)| if month >= 10 { y + 1 } else { y })
        })
}

pub(super) struct Found {
    pub(super) span: (usize, usize),
    pub(super) num_start: usize,
    pub(super) value: f64,
    pub(super) value_hi: Option<f64>,
    pub(super) unit: &'static str,
    pub(super) unit_text: String,
}

pub(super) fn find_quantities(doc: &Doc) -> Vec<Found> {
    let p = patterns();
    let mut out = Vec::new();
    for m in p.quantity.captures_iter(&doc.s) {
        let whole = m.get(0).expect("match");
        let start = doc.c(whole.start());
        let end = doc.c(whole.end());
        if doc.in_quotes[start] {
            continue;
        }
        let prev = if start > 0 {
            Some(doc.chars[start - 1])
        } else {
            None
        };
        if prev.is_some_and(|c| c == '第' || c.is_ascii_alphanumeric() || c == '.') {
            continue;
        }
        // A unit glued to more letters (5G) or a range's first number with its own % (handled by u1).
        if doc.chars.get(end).is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        // A minus sign (ASCII, U+2212 or full-width) right before the number: 增长-2%, 涨幅−0.5%.
        let sign = if m.name("sign").is_some() { -1.0 } else { 1.0 };
        let n1: f64 = sign * m["n1"].parse().unwrap_or(f64::NAN);
        let n2 = m.name("n2").and_then(|x| x.as_str().parse::<f64>().ok());
        // A range is the set between its ends, whichever is written first (9%—5%).
        let (n1, n2) = match n2 {
            Some(b) if b < n1 => (b, Some(n1)),
            other => (n1, other),
        };
        let mag = m.name("mag").map_or("", |x| x.as_str());
        let unit_word = &m["unit"];
        if m.name("u1").is_some() && unit_word != "%" {
            continue;
        }
        let Some(unit) = unit_code(mag, unit_word) else {
            continue;
        };
        if !n1.is_finite() {
            continue;
        }
        out.push(Found {
            span: (start, end),
            num_start: start,
            value: n1,
            value_hi: n2,
            unit,
            unit_text: format!("{mag}{unit_word}"),
        });
    }
    for m in p.chinese.captures_iter(&doc.s) {
        let cn = m.name("cn").expect("group");
        let start = doc.c(cn.start());
        let end = doc.c(m.get(0).expect("match").end());
        if doc.in_quotes[start] || out.iter().any(|f| f.span.0 < end && start < f.span.1) {
            continue;
        }
        // A lone numeral is a quantity only right after a verb (新增两个), and never 一 (一批 = "a batch");
        // longer numerals (十二处, 五十所, 二十万套) count anywhere outside quotes and names.
        let numeral_chars = cn.as_str().chars().count();
        let after_verb = m.name("verb").is_some();
        if cn.as_str() == "一" || (numeral_chars < 2 && !after_verb) {
            continue;
        }
        if start > 0 && doc.chars[start - 1] == '第' {
            continue;
        }
        let Some(value) = chinese_number(cn.as_str()) else {
            continue;
        };
        let mag = m.name("mag").map_or("", |x| x.as_str());
        let unit_word = &m["unit"];
        let Some(unit) = unit_code(mag, unit_word) else {
            continue;
        };
        out.push(Found {
            span: (start, end),
            num_start: start,
            value,
            value_hi: None,
            unit,
            unit_text: format!("{mag}{unit_word}"),
        });
    }
    out.sort_by_key(|f| f.span.0);
    out
}

pub(super) struct Mention {
    pub(super) span: (usize, usize),
    pub(super) ids: &'static [(&'static str, &'static str)],
    pub(super) text: &'static str,
}

/// 城乡居民人均可支配收入分别增长6.5%、7.5%: with 分别, 城乡 means urban and rural.
pub(super) const URBAN_RURAL: &[(&str, &str)] = &[
    ("urban_disp_income_growth", "urban_disp_income"),
    ("rural_disp_income_growth", "rural_disp_income"),
];

pub(super) fn find_mentions(doc: &Doc) -> Vec<Mention> {
    patterns()
        .names
        .find_iter(&doc.s)
        .filter_map(|m| {
            let text = m.as_str();
            let name = NAMES.iter().find(|n| n.text == text)?;
            // 万元GDP水耗, 单位GDP电耗: GDP as the denominator of another measure; 人均地区生产总值 is
            // not the region's output either.
            let before = doc.slice(doc.c(m.start()).saturating_sub(2), doc.c(m.start()));
            if name.ids.first().is_some_and(|i| i.0 == "gdp_real_growth")
                && (before == "万元"
                    || before == "单位"
                    || before == "人均"
                    || before.ends_with('每'))
            {
                return None;
            }
            Some(Mention {
                span: (doc.c(m.start()), doc.c(m.end())),
                ids: name.ids,
                text: name.text,
            })
        })
        .collect()
}

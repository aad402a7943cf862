//! Reading targets and reported results straight out of a government work report.
//!
//! The report is decoded ([`text::decode`]: UTF-8 or GB18030/GBK) and normalised one character for one
//! (full-width digits and signs), so every span is a character offset into the decoded text. Then:
//!
//! 1. **Sections.** A heading `一、…` containing 回顾 or 过去 starts the review of the ending year:
//!    quantities there are *results*. Any other heading starts the plan: quantities there are *targets*.
//!    Text before the first heading counts as review.
//! 2. **Years.** The plan year comes from “2023年…目标”, else from the review heading + 1; `--year`
//!    overrides it.
//! 3. **Quantities.** An Arabic number (or a range `X—Y`, `X%-Y%`, `X至Y`) with an optional magnitude
//!    (万, 亿, 万亿) and a unit or measure word, or a Chinese numeral after a verb such as 新增 / 建设 (二十万套).
//!    Skipped: numbers inside quotation marks or book-title marks (“人才金政50条”, 《…》), ordinals (第2位),
//!    numbers glued to letters (5G, PM2.5), and anything without a unit (years, 500强, 二十大).
//! 4. **Qualifier.** 左右 / 约 → about; 以上, 超过, 突破, 不低于 → at least; 以内, 以下, 控制在, 不超过 → at most
//!    (左右 wins over 控制在); a range → range; otherwise other.
//! 5. **Growth or level.** A percentage (or 个百分点) after a change verb in its clause (增长, 提高, 下降,
//!    涨幅…) is a growth rate, negative for decreases; everything else is a level.
//! 6. **Indicator.** The nearest indicator name to the left in the same sentence (see [`lexicon`]),
//!    unless it is more than 25 characters away or a share (比重, 占比) is in between; distributive
//!    sentences (A、B分别增长X、Y; 城镇和农村…分别…X和Y) assign names in order. Otherwise the indicator is
//!    `zh:` + the Chinese noun phrase measured, so nothing is dropped.
//! 7. **Qualitative statements.** Indicator names that no number belongs to (外贸进出口总额和实际使用外资
//!    保持稳定增长) are kept as qualitative rows.

pub mod lexicon;
pub mod text;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::data::{Basis, Qualifier, Region, Target};
use crate::error::{Error, Result};
use lexicon::{
    ALWAYS_GROWTH, ALWAYS_LEVEL, CHANGE_VERBS, COUNT_WORDS, NAMES, QUALIFIER_AFTER,
    QUALIFIER_BEFORE, chinese_number, unit_code,
};

/// Where a sentence stands in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Review of the year ending: quantities are results.
    Review,
    /// Plan for the coming year: quantities are targets.
    Plan,
}

/// One quantity found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Target (plan) or result (review).
    pub section: Section,
    /// Year the quantity refers to.
    pub year: i32,
    /// Indicator id, or `zh:` + the Chinese phrase measured.
    pub indicator: String,
    /// The number in its unit (negative for decreases; lower bound of a range).
    pub value: f64,
    /// Upper bound of a range.
    pub value_hi: Option<f64>,
    /// Normalised unit (`pct`, `100m_CNY`, `count`…).
    pub unit: &'static str,
    /// Unit as written (亿元, 家, %).
    pub unit_text: String,
    /// Qualifier.
    pub qualifier: Qualifier,
    /// Growth rate or level.
    pub basis: Basis,
    /// The text says 预计 (estimated) or gives a bound: a preliminary value.
    pub preliminary: bool,
    /// Character span of the quantity (number through unit and qualifier).
    pub span: (usize, usize),
    /// The sentence it comes from.
    pub sentence: String,
}

/// An indicator statement without a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Qualitative {
    /// Plan or review.
    pub section: Section,
    /// Year referred to.
    pub year: i32,
    /// Indicator id (level id).
    pub indicator: String,
    /// Character span of the indicator name.
    pub span: (usize, usize),
    /// The sentence.
    pub sentence: String,
}

/// Everything extracted from one report.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    /// Encoding the text was read in.
    pub encoding: &'static str,
    /// Region named in the report header (e.g. 淄博市), if found.
    pub region_zh: Option<String>,
    /// The year the report plans for.
    pub plan_year: i32,
    /// Quantities in text order.
    pub quantities: Vec<Quantity>,
    /// Statements without numbers.
    pub qualitative: Vec<Qualitative>,
}

struct Patterns {
    quantity: Regex,
    chinese: Regex,
    names: Regex,
    plan_year: Regex,
    review_year: Regex,
    region: Regex,
}

fn patterns() -> &'static Patterns {
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
            plan_year: Regex::new(r"(\d{4})年[^。\n]{0,16}?(?:目标|预期)").expect("static pattern"),
            review_year: Regex::new(r"(\d{4})年(?:工作)?回顾|过去的(\d{4})年").expect("static pattern"),
            region: Regex::new(r"在(\S{2,8}?[市省县区])第").expect("static pattern"),
        }
    })
}

/// A decoded, normalised document with character/byte offset maps.
struct Doc {
    s: String,
    chars: Vec<char>,
    /// Offset in the original text of each character of `chars`, and of the end.
    orig: Vec<usize>,
    byte_to_char: Vec<usize>,
    in_quotes: Vec<bool>,
}

impl Doc {
    fn new(text: &str) -> Doc {
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
    fn original(&self, span: (usize, usize)) -> (usize, usize) {
        let at = |i: usize| self.orig[i.min(self.orig.len() - 1)];
        (at(span.0), at(span.1))
    }

    fn c(&self, byte: usize) -> usize {
        self.byte_to_char[byte]
    }

    fn slice(&self, a: usize, b: usize) -> String {
        self.chars[a.min(self.chars.len())..b.min(self.chars.len())]
            .iter()
            .collect()
    }
}

/// Characters that are not seen: zero-width space, non-joiner and joiner, left-to-right and
/// right-to-left marks and embeddings, word joiner and invisible operators, byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '!' | '！' | '?' | '？' | '\n')
}

fn is_clause_end(c: char) -> bool {
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
fn sentences(doc: &Doc) -> Vec<(usize, usize)> {
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

/// Section of every character, from the headings.
fn sections(doc: &Doc) -> Vec<(usize, Section)> {
    let mut out = vec![(0, Section::Review)];
    let mut line_start = 0;
    for (i, &c) in doc.chars.iter().chain(std::iter::once(&'\n')).enumerate() {
        if c != '\n' {
            continue;
        }
        let line: String = doc.slice(line_start, i);
        let t = line.trim_start();
        let numeral_len = t
            .chars()
            .take_while(|c| "一二三四五六七八九十".contains(*c))
            .count();
        let is_heading =
            numeral_len > 0 && t.chars().nth(numeral_len) == Some('、') && t.chars().count() < 60;
        if is_heading {
            let section = if t.contains("回顾") || t.contains("过去") {
                Section::Review
            } else {
                Section::Plan
            };
            out.push((line_start, section));
        }
        line_start = i + 1;
    }
    out
}

fn section_at(sections: &[(usize, Section)], pos: usize) -> Section {
    sections
        .iter()
        .rev()
        .find(|(s, _)| *s <= pos)
        .map_or(Section::Review, |s| s.1)
}

/// Infer the year a report plans for.
pub fn infer_plan_year(text: &str) -> Option<i32> {
    let p = patterns();
    let valid = |y: i32| (1949..=2100).contains(&y);
    if let Some(y) = p
        .plan_year
        .captures_iter(text)
        .filter_map(|c| c[1].parse::<i32>().ok())
        .find(|&y| valid(y))
    {
        return Some(y);
    }
    p.review_year
        .captures_iter(text)
        .filter_map(|c| {
            c.get(1)
                .or(c.get(2))
                .and_then(|m| m.as_str().parse::<i32>().ok())
        })
        .find(|&y| valid(y))
        .map(|y| y + 1)
}

struct Found {
    span: (usize, usize),
    num_start: usize,
    value: f64,
    value_hi: Option<f64>,
    unit: &'static str,
    unit_text: String,
}

fn find_quantities(doc: &Doc) -> Vec<Found> {
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

struct Mention {
    span: (usize, usize),
    ids: &'static [(&'static str, &'static str)],
    text: &'static str,
}

/// 城乡居民人均可支配收入分别增长6.5%、7.5%: with 分别, 城乡 means urban and rural.
const URBAN_RURAL: &[(&str, &str)] = &[
    ("urban_disp_income_growth", "urban_disp_income"),
    ("rural_disp_income_growth", "rural_disp_income"),
];

fn find_mentions(doc: &Doc) -> Vec<Mention> {
    patterns()
        .names
        .find_iter(&doc.s)
        .filter_map(|m| {
            let text = m.as_str();
            let name = NAMES.iter().find(|n| n.text == text)?;
            Some(Mention {
                span: (doc.c(m.start()), doc.c(m.end())),
                ids: name.ids,
                text: name.text,
            })
        })
        .collect()
}

const LEADING_VERBS: &[&str] = &[
    "我们",
    "突出抓好",
    "重点抓好",
    "抓好",
    "加快",
    "推动",
    "支持",
    "谋划",
    "储备",
    "落实",
    "组织",
    "新培育",
    "新认定",
    "新登记",
    "新改建",
    "改扩建",
    "新建改建",
    "培育壮大",
    "修复",
    "整治",
    "推出",
    "遴选提出了",
    "预计",
    "全年",
    "全市",
    "全省",
    "全国",
    "累计",
    "新增",
    "新建",
    "建设",
    "建成",
    "改造",
    "实施",
    "完成",
    "实现",
    "提供",
    "发放",
    "拉动",
    "认定",
    "开发",
    "推进",
    "创建",
    "举办",
    "引进",
    "新引进",
    "培育",
    "打造",
    "开工",
    "新开工",
    "达到",
    "突破",
    "超过",
    "力争",
    "确保",
    "争取",
    "其中",
    "共",
    "约",
    "以上",
    "投用",
    "启动",
    "提升",
    "扩大到",
    "扩大",
    "按可比价格计算",
    "按可比口径",
    "可比口径",
    "同口径",
    "同比",
    "比上年",
    "较上年",
];
const TRAILING_WORDS: &[&str] = &[
    "同比分别增长",
    "分别增长",
    "同比增长",
    "分别达到",
    "同比",
    "增长",
    "达到",
    "达",
    "超过",
    "突破",
    "完成",
    "为",
    "约",
    "分别",
    "提高",
    "提升",
    "下降",
    "降低",
    "改善",
    "到",
    "在",
    "以上",
    "不低于",
    "不少于",
    "控制在",
    "保持",
    "其中",
    "增速",
    "涨幅",
];

/// The Chinese phrase a quantity measures: the clause text before the number, without leading verbs and
/// trailing verbs; if nothing is left, the words after the unit.
fn clean(s: String) -> String {
    s.chars()
        .filter(|c| {
            !matches!(
                c,
                '“' | '”' | '"' | '《' | '》' | '(' | ')' | '（' | '）' | ' '
            )
        })
        .collect()
}

/// The noun phrase before a number in its clause, without verbs and function words, if any is left.
fn subject(doc: &Doc, clause_start: usize, num_start: usize) -> Option<String> {
    let mut t = clean(doc.slice(clause_start, num_start));
    loop {
        let before = t.clone();
        for v in LEADING_VERBS {
            if let Some(rest) = t.strip_prefix(v) {
                t = rest.to_string();
            }
        }
        for w in TRAILING_WORDS {
            if let Some(rest) = t.strip_suffix(w) {
                t = rest.to_string();
            }
        }
        if t == before {
            break;
        }
    }
    (t.chars().count() >= 2).then_some(t)
}

fn phrase(doc: &Doc, clause_start: usize, num_start: usize, after: usize) -> String {
    let mut t = subject(doc, clause_start, num_start).unwrap_or_default();
    // A bare verb (修复16处) or nothing before the number: the noun after the unit names the thing.
    if t.chars().count() <= 2 {
        let end = (after..doc.chars.len())
            .find(|&i| is_clause_end(doc.chars[i]) || doc.chars[i] == '、' || doc.chars[i] == '和')
            .unwrap_or(doc.chars.len())
            .min(after + 12);
        let tail = clean(doc.slice(after, end));
        let tail: String = tail
            .trim_start_matches(['以', '上', '左', '右'])
            .to_string();
        if tail.chars().count() >= 2 && !tail.starts_with(|c: char| c.is_ascii_digit()) {
            t = tail;
        }
    }
    let t: String = t
        .chars()
        .rev()
        .take(16)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!(
        "zh:{}",
        if t.is_empty() {
            "未知".to_string()
        } else {
            t
        }
    )
}

fn qualifier_and_end(doc: &Doc, f: &Found, clause_start: usize) -> (Qualifier, usize) {
    let after = doc.slice(f.span.1, f.span.1 + 3);
    let before = doc.slice(clause_start.max(f.num_start.saturating_sub(4)), f.num_start);
    let (mut q, mut end) = (Qualifier::Other, f.span.1);
    if let Some((w, aq)) = QUALIFIER_AFTER.iter().find(|(w, _)| after.starts_with(w)) {
        q = *aq;
        end += w.chars().count();
    } else if let Some((_, bq)) = QUALIFIER_BEFORE.iter().find(|(w, _)| before.ends_with(w)) {
        q = *bq;
    }
    if f.value_hi.is_some() {
        q = Qualifier::Range;
    }
    (q, end)
}

/// Extract everything from a decoded report. `plan_year` overrides the inferred year.
pub fn extract_text(
    text: &str,
    encoding: &'static str,
    plan_year: Option<i32>,
) -> Result<Extraction> {
    let doc = Doc::new(text);
    let plan_year = match plan_year.or_else(|| infer_plan_year(&doc.s)) {
        Some(y) => y,
        None => {
            return Err(Error::Config(
                "cannot tell which year the report plans for (no “20XX年…目标” and no “20XX年工作回顾”); pass --year".into(),
            ));
        }
    };
    let secs = sections(&doc);
    let region_zh = patterns().region.captures(&doc.s).map(|c| c[1].to_string());
    let mut ex = Extraction {
        encoding,
        region_zh,
        plan_year,
        quantities: Vec::new(),
        qualitative: Vec::new(),
    };
    // In text order, so that each sentence finds its own by bisection (linear in the text overall).
    let mut found = find_quantities(&doc);
    found.sort_by_key(|f| f.span.0);
    let mut mentions = find_mentions(&doc);
    mentions.sort_by_key(|m| m.span.0);
    let mut used_mentions = vec![false; mentions.len()];
    for (s0, s1) in sentences(&doc) {
        let section = section_at(&secs, s0);
        let year = match section {
            Section::Plan => plan_year,
            Section::Review => plan_year - 1,
        };
        let sentence = doc.slice(s0, s1).trim().to_string();
        let (f0, f1) = (
            found.partition_point(|f| f.span.0 < s0),
            found.partition_point(|f| f.span.0 < s1),
        );
        let in_sentence: Vec<&Found> = found[f0..f1].iter().filter(|f| f.span.1 <= s1).collect();
        let (m0, m1) = (
            mentions.partition_point(|m| m.span.0 < s0),
            mentions.partition_point(|m| m.span.0 < s1),
        );
        let sentence_mentions: Vec<usize> =
            (m0..m1).filter(|&i| mentions[i].span.1 <= s1).collect();
        let preliminary_sentence = sentence.contains("预计");
        // Distributive assignment: names before 分别, numbers after it.
        let fenbie = doc
            .slice(s0, s1)
            .find("分别")
            .map(|b| s0 + doc.slice(s0, s1)[..b].chars().count());
        let mut distributive: Vec<(&'static str, &'static str)> = Vec::new();
        if let Some(fb) = fenbie {
            for &mi in sentence_mentions
                .iter()
                .filter(|&&mi| mentions[mi].span.1 <= fb)
            {
                // Only names in the clause that leads to 分别.
                let clause_start = (s0..fb)
                    .rev()
                    .find(|&i| is_clause_end(doc.chars[i]))
                    .map_or(s0, |i| i + 1);
                if mentions[mi].span.0 >= clause_start {
                    if mentions[mi].text == "城乡居民人均可支配收入" {
                        distributive.extend_from_slice(URBAN_RURAL);
                    } else {
                        distributive.extend_from_slice(mentions[mi].ids);
                    }
                    used_mentions[mi] = true;
                }
            }
        }
        let mut dist_index = 0;
        let mut prev_change: Option<bool> = None;
        let mut prev_end = s0;
        for &f in &in_sentence {
            let clause_start = (s0..f.num_start)
                .rev()
                .find(|&i| is_clause_end(doc.chars[i]))
                .map_or(s0, |i| i + 1)
                .max(prev_end);
            let (qualifier, end) = qualifier_and_end(&doc, f, clause_start);
            // Change verb in the clause before the number (or inherited inside a 分别 list).
            let window = doc.slice(
                (s0..f.num_start)
                    .rev()
                    .find(|&i| is_clause_end(doc.chars[i]))
                    .map_or(s0, |i| i + 1),
                f.num_start,
            );
            // "提高到 62%" is a level reached, not a change.
            let mut change = CHANGE_VERBS
                .iter()
                .filter_map(|(v, dec)| window.rfind(v).map(|p| (p, p + v.len(), *dec)))
                .max_by_key(|(p, _, _)| *p)
                .filter(|(_, e, _)| {
                    !window[*e..].starts_with('到') && !window[*e..].starts_with('至')
                })
                .map(|(_, _, dec)| dec);
            let after_fenbie = fenbie.is_some_and(|fb| fb < f.num_start);
            if change.is_none() && after_fenbie {
                change = prev_change;
            }
            let is_rate = matches!(f.unit, "pct" | "pp");
            let mut basis = if is_rate && change.is_some() {
                Basis::Growth
            } else {
                Basis::Level
            };
            // Indicator.
            let mut indicator: Option<String> = None;
            if after_fenbie && dist_index < distributive.len() {
                let (g, l) = distributive[dist_index];
                dist_index += 1;
                indicator = Some(if basis == Basis::Growth { g } else { l }.to_string());
            } else if let Some(&mi) = sentence_mentions
                .iter()
                .filter(|&&mi| mentions[mi].span.1 <= f.num_start)
                .max_by_key(|&&mi| mentions[mi].span.1)
            {
                let between = doc.slice(mentions[mi].span.1, f.num_start);
                let share = ["比重", "占比", "比例", "占", "率"]
                    .iter()
                    .any(|w| between.contains(w));
                // Across a clause boundary the name carries over only when the number's own clause has
                // no subject of its own (…完成4500亿元，同比增长4% vs …增长5%，其中税收收入增长6%).
                let own_subject = between.contains(is_clause_end)
                    && subject(&doc, clause_start, f.num_start).is_some();
                if between.chars().count() <= 25
                    && !share
                    && !own_subject
                    && mentions[mi].ids.len() == 1
                {
                    let (g, l) = mentions[mi].ids[0];
                    let mut g = g;
                    let mut l = l;
                    if between.contains("扣除留抵退税") && l == "gpbr" {
                        g = "gpbr_excl_vat_refund_growth";
                        l = "gpbr_excl_vat_refund";
                    }
                    if ALWAYS_LEVEL.contains(&l) {
                        basis = Basis::Level;
                    }
                    if ALWAYS_GROWTH.contains(&g) && is_rate {
                        basis = Basis::Growth;
                    }
                    indicator = Some(if basis == Basis::Growth { g } else { l }.to_string());
                    used_mentions[mi] = true;
                }
            }
            let indicator =
                indicator.unwrap_or_else(|| phrase(&doc, clause_start, f.num_start, f.span.1));
            let decrease = basis == Basis::Growth && change == Some(true);
            let sign = if decrease { -1.0 } else { 1.0 };
            // A decrease turns the qualifier round: 下降2%以上 (down by 2% or more) is growth ≤ −2, and
            // a range of decreases 下降2%—3% is growth between −3 and −2.
            let qualifier = match qualifier {
                Qualifier::AtLeast if decrease => Qualifier::AtMost,
                Qualifier::AtMost if decrease => Qualifier::AtLeast,
                q => q,
            };
            let (value, value_hi) = match f.value_hi {
                Some(hi) if decrease => (-hi, Some(-f.value)),
                hi => (sign * f.value, hi.map(|v| sign * v)),
            };
            prev_change = change;
            prev_end = end;
            ex.quantities.push(Quantity {
                section,
                year,
                indicator,
                value,
                value_hi,
                unit: f.unit,
                unit_text: f.unit_text.clone(),
                qualifier,
                basis,
                preliminary: section == Section::Review
                    && (preliminary_sentence
                        || matches!(qualifier, Qualifier::AtLeast | Qualifier::About)),
                span: doc.original((f.span.0, end)),
                sentence: sentence.clone(),
            });
        }
        for &mi in &sentence_mentions {
            if used_mentions[mi] {
                continue;
            }
            // A name a number belongs to later in its own clause is not a statement without number.
            let clause_end = (mentions[mi].span.1..s1)
                .find(|&i| is_clause_end(doc.chars[i]))
                .unwrap_or(s1);
            if in_sentence
                .iter()
                .any(|f| f.span.0 >= mentions[mi].span.1 && f.span.0 < clause_end)
            {
                continue;
            }
            for (_, level) in mentions[mi].ids {
                ex.qualitative.push(Qualitative {
                    section,
                    year,
                    indicator: (*level).to_string(),
                    span: doc.original(mentions[mi].span),
                    sentence: sentence.clone(),
                });
            }
        }
    }
    Ok(ex)
}

/// The bundled report (`seeds/`), from which `indicast run` takes the targets of the coming year.
pub const BUNDLED_REPORT: (&str, &str) = (
    "seeds/zibo-2023-government-work-report.txt",
    include_str!("../../seeds/zibo-2023-government-work-report.txt"),
);

/// Region key of a report: `--region` if given, else the header's Chinese name (淄博市) looked up in
/// `regions.csv` (`name_zh`), else the Chinese name itself.
pub fn region_key(
    ex: &Extraction,
    regions: &BTreeMap<String, Region>,
    given: Option<&str>,
) -> Option<String> {
    if let Some(g) = given {
        return Some(g.to_string());
    }
    let zh = ex.region_zh.as_ref()?;
    Some(
        regions
            .values()
            .find(|r| !r.name_zh.is_empty() && (r.name_zh == *zh || zh.starts_with(&r.name_zh)))
            .map_or_else(|| zh.clone(), |r| r.name.clone()),
    )
}

/// A text's characters and line starts, for many lookups by character offset (each in logarithmic or
/// bounded time, so writing the rows of a long report stays linear).
pub struct TextIndex {
    chars: Vec<char>,
    newlines: Vec<usize>,
}

impl TextIndex {
    /// Index `text`.
    pub fn new(text: &str) -> TextIndex {
        let chars: Vec<char> = text.chars().collect();
        let newlines = (0..chars.len()).filter(|&i| chars[i] == '\n').collect();
        TextIndex { chars, newlines }
    }

    /// 1-based line of a character offset.
    pub fn line_of(&self, char_offset: usize) -> usize {
        1 + self.newlines.partition_point(|&p| p < char_offset)
    }

    /// The clause a quantity stands in, up to the end of the quantity (e.g. 地区生产总值增长5.5%左右),
    /// starting at most [`MAX_CLAUSE_CHARS`] before it.
    pub fn clause_text(&self, q: &Quantity) -> String {
        let end = q.span.1.min(self.chars.len());
        let from = q.span.0.min(end);
        let start = (from.saturating_sub(MAX_CLAUSE_CHARS)..from)
            .rev()
            .find(|&i| is_clause_end(self.chars[i]) || self.chars[i] == '、')
            .map_or(from.saturating_sub(MAX_CLAUSE_CHARS), |i| i + 1);
        self.chars[start..end]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    }
}

/// The clause a quantity stands in, up to the end of the quantity (e.g. 地区生产总值增长5.5%左右); for
/// many quantities, use a [`TextIndex`].
pub fn clause_text(text: &str, q: &Quantity) -> String {
    TextIndex::new(text).clause_text(q)
}

/// Targets of the plan year in the form `indicast run` assesses: quantities of the plan section whose
/// indicator the engine knows (`known`).
pub fn engine_targets(
    ex: &Extraction,
    text: &str,
    region: &str,
    source: &str,
    known: &dyn Fn(&str) -> bool,
) -> Vec<Target> {
    let index = TextIndex::new(text);
    ex.quantities
        .iter()
        .filter(|q| q.section == Section::Plan && q.year == ex.plan_year && known(&q.indicator))
        .map(|q| Target {
            region: region.to_string(),
            year: q.year,
            indicator: q.indicator.clone(),
            value: q.value,
            qualifier: q.qualifier,
            basis: q.basis,
            text: index.clause_text(q),
            outcome: None,
            source: format!("{source}:{}", index.line_of(q.span.0)),
        })
        .collect()
}

/// Decode and extract a report given as bytes. `file` is used in error messages.
pub fn extract_bytes(file: &str, bytes: &[u8], plan_year: Option<i32>) -> Result<Extraction> {
    let (text, encoding) = text::decode(file, bytes)?;
    extract_text(&text, encoding, plan_year)
}

/// Extract the quantities of one sentence, as if it stood in `section` of a report for `plan_year`.
pub fn extract_sentence(sentence: &str, section: Section, plan_year: i32) -> Vec<Quantity> {
    let heading = match section {
        Section::Plan => "二、计划\n",
        Section::Review => "一、回顾\n",
    };
    let text = format!("{heading}{sentence}");
    let offset = heading.chars().count();
    extract_text(&text, "UTF-8", Some(plan_year))
        .map(|ex| {
            ex.quantities
                .into_iter()
                .map(|mut q| {
                    q.span = (q.span.0 - offset, q.span.1 - offset);
                    q
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(s: &str) -> Vec<Quantity> {
        extract_sentence(s, Section::Plan, 2023)
    }

    #[test]
    fn headline_targets() {
        let q = plan("地区生产总值增长5.5%左右，一般公共预算收入增长5%以上");
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].indicator, "gdp_real_growth");
        assert_eq!(q[0].value, 5.5);
        assert_eq!(q[0].qualifier, Qualifier::About);
        assert_eq!(q[0].basis, Basis::Growth);
        assert_eq!(q[1].indicator, "gpbr_growth");
        assert_eq!(q[1].qualifier, Qualifier::AtLeast);
    }

    #[test]
    fn distributive_sentence_gives_two_targets() {
        let q = plan("城镇和农村居民人均可支配收入分别增长7%左右和7%以上");
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].indicator, "urban_disp_income_growth");
        assert_eq!(q[0].qualifier, Qualifier::About);
        assert_eq!(q[1].indicator, "rural_disp_income_growth");
        assert_eq!(q[1].qualifier, Qualifier::AtLeast);
    }

    #[test]
    fn ranges_levels_and_decreases() {
        let q = plan("国内生产总值增长6%—6.5%");
        assert_eq!(
            (q[0].value, q[0].value_hi, q[0].qualifier),
            (6.0, Some(6.5), Qualifier::Range)
        );
        let q = plan("改造老旧小区2—3万户");
        assert_eq!(
            (q[0].value, q[0].value_hi, q[0].unit),
            (2.0, Some(3.0), "10k_count")
        );
        // Invisible marks inside a number or a name are skipped; spans stay offsets of the text.
        let text = "地区生产总值增长5\u{200b}.5%左\u{200e}右";
        let q = plan(text);
        assert_eq!(
            (q[0].value, q[0].qualifier),
            (5.5, Qualifier::About),
            "{q:?}"
        );
        assert_eq!(q[0].span.1, text.chars().count());
        // Minus signs, a decrease with 以上 (the direction turns), ranges either way round.
        let q = plan("工业增加值增长-2%，居民消费价格涨幅−0.5%，进出口总额增长－3%");
        let v: Vec<f64> = q.iter().map(|x| x.value).collect();
        assert_eq!(v, vec![-2.0, -0.5, -3.0], "{q:?}");
        assert!(q.iter().all(|x| !x.indicator.ends_with('-')), "{q:?}");
        let q = plan("单位生产总值能耗下降2%以上");
        assert_eq!((q[0].value, q[0].qualifier), (-2.0, Qualifier::AtMost));
        let q = plan("单位生产总值能耗下降3%以内");
        assert_eq!((q[0].value, q[0].qualifier), (-3.0, Qualifier::AtLeast));
        let q = plan("单位生产总值能耗下降2%—3%");
        assert_eq!((q[0].value, q[0].value_hi), (-3.0, Some(-2.0)));
        let q = plan("一般公共预算收入增长9%—5%");
        assert_eq!((q[0].value, q[0].value_hi), (5.0, Some(9.0)));
        let q = plan("国内生产总值增长5%-6%");
        assert_eq!((q[0].value, q[0].value_hi), (5.0, Some(6.0)));
        let q = plan("单位生产总值能耗降低3%左右");
        assert_eq!(
            (q[0].indicator.as_str(), q[0].value),
            ("energy_intensity_growth", -3.0)
        );
        let q = plan("一般公共预算收入完成1260亿元以上");
        assert_eq!(
            (q[0].indicator.as_str(), q[0].unit, q[0].basis),
            ("gpbr", "100m_CNY", Basis::Level)
        );
    }

    #[test]
    fn names_quotes_ordinals_and_years_are_not_quantities() {
        assert!(plan("深入学习党的二十大精神，落实“人才金政50条”，居全省第2位，2023年").is_empty());
        assert!(
            plan("2家企业入选中国企业500强")
                .iter()
                .all(|q| q.value == 2.0)
        );
    }

    #[test]
    fn chinese_numerals_after_a_verb() {
        let q = plan("新开工棚户区改造二十万套");
        assert_eq!((q[0].value, q[0].unit), (20.0, "10k_count"));
    }

    #[test]
    fn ceiling_cpi_is_a_growth_target() {
        let q = plan("居民消费价格涨幅控制在3%左右");
        assert_eq!(
            (q[0].indicator.as_str(), q[0].qualifier, q[0].basis),
            ("cpi", Qualifier::About, Basis::Growth)
        );
    }

    #[test]
    fn plan_year_is_inferred() {
        assert_eq!(
            infer_plan_year("二、2023年经济社会发展目标任务"),
            Some(2023)
        );
        assert_eq!(infer_plan_year("一、2022年工作回顾"), Some(2023));
        assert_eq!(infer_plan_year("没有年份"), None);
    }
}

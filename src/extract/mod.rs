//! Reading targets and reported results straight out of a government work report.
//!
//! The report is decoded ([`text::decode`]: UTF-8 or GB18030/GBK) and normalised one character for one
//! (full-width digits and signs), so every span is a character offset into the decoded text. Then:
//!
//! 1. **Target or result** is decided per quantity from what its sentence says ([`cues`]): a time
//!    reference (2023年, 今年, 明年, 过去一年), plan words (预期目标, 力争, 确保) against result words
//!    (预计全年, 增长了, 同比增长), then the sentence before it in the paragraph; a section heading
//!    (`一、2022年工作回顾` → results, any other `一、…` → targets) is only the prior for a paragraph
//!    that says nothing. A pasted paragraph, a page and a whole report are read the same way.
//! 2. **Years.** The plan year comes from `--year`, else the title (…2023年政府工作报告), else a review
//!    heading + 1, else “2023年…目标”, else the report's date (given in December → the next year). 今年
//!    is the plan year, or the ending year in a report given in December (or one that plans for 明年). A
//!    year a sentence names stands for its quantities (a goal of 2025, a result of 2018).
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

mod cues;
mod phrases;
mod scan;
use phrases::*;
pub use scan::*;

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
                "cannot tell which year the report plans for (no “20XX年…目标”, no “20XX年工作回顾” and no date such as “2022年12月28日”); pass --year".into(),
            ));
        }
    };
    let reading = cues::Reading::new(&doc, plan_year);
    // The region: "…在淄博市第十七届人民代表大会…", else a title line.
    let region_zh = patterns()
        .region
        .captures(&doc.s)
        .or_else(|| title_lines(&doc.s).find_map(|l| patterns().title_region.captures(l)))
        .map(|c| c[1].to_string());
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
    // The decision brought forward from the text before (see `cues`).
    let mut carry: Option<(Section, Option<i32>)> = None;
    let mut colon_before = false;
    // A named year stands (a goal of 2025, a result of 2018 in a five-year review); otherwise the plan
    // year for targets and the year before for results.
    let year_of = |section: Section, named: Option<i32>| match section {
        Section::Plan => named.filter(|&y| y > plan_year).unwrap_or(plan_year),
        Section::Review => named.filter(|&y| y < plan_year).unwrap_or(plan_year - 1),
    };
    let mut list_continues = false;
    for (s0, s1) in sentences(&doc) {
        let first_in_line = s0 == 0 || doc.chars[s0 - 1] == '\n';
        if first_in_line
            && !colon_before
            && let Some(h) = reading.heading_at(s0)
        {
            carry = Some((h, None));
        }
        let sentence_text = doc.slice(s0, s1);
        colon_before = sentence_text.trim_end().ends_with(['：', ':']);
        // The year a sentence named carries over the ；-separated clauses of its list, not past 。.
        if !list_continues {
            carry = carry.map(|(section, _)| (section, None));
        }
        list_continues = matches!(doc.chars[s1 - 1], '；' | ';');
        let cues = reading.cues(&doc, s0, s1);
        let carry_in = carry;
        let (section, named) = cues::decide(&cues, s1, carry_in);
        let year = year_of(section, None);
        if cues::decides(&cues) {
            carry = Some((section, named));
        }
        let sentence = sentence_text.trim().to_string();
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
        // Distributive assignment: names before each 分别, numbers after it (a sentence may have
        // several lists: …分别增长8%和9%，规模以上工业增加值、社会消费品零售总额分别增长6%、9%).
        let fenbies: Vec<usize> = sentence_text
            .match_indices("分别")
            .map(|(b, _)| s0 + sentence_text[..b].chars().count())
            .collect();
        let mut lists: Vec<Vec<(String, String)>> = Vec::new();
        // Lists whose lead clause names nothing: the items are the quantities before 分别 (filled
        // when the list is reached, from the quantities of the sentence read by then).
        let mut from_quantities: Vec<Option<usize>> = Vec::new();
        for (k, &fb) in fenbies.iter().enumerate() {
            let from = if k == 0 { s0 } else { fenbies[k - 1] + 2 };
            // The names in the clause that leads to 分别; if it has none, those before it since the
            // previous list (城镇居民人均可支配收入X元，农民人均纯收入Y元，扣除价格因素，分别增长a%和b%).
            let lead = (from..fb)
                .rev()
                .find(|&i| is_clause_end(doc.chars[i]))
                .map_or(from, |i| i + 1);
            let before: Vec<usize> = sentence_mentions
                .iter()
                .copied()
                .filter(|&mi| mentions[mi].span.0 >= from && mentions[mi].span.1 <= fb)
                .collect();
            let clause_start = if before.iter().any(|&mi| mentions[mi].span.0 >= lead)
                || subject(&doc, lead, fb).is_some()
            {
                lead
            } else {
                from
            };
            let mut names = Vec::new();
            let mut in_clause = Vec::new();
            for &mi in &before {
                if mentions[mi].span.0 >= clause_start {
                    names.extend(
                        list_ids(&mentions[mi])
                            .iter()
                            .map(|(g, l)| (g.to_string(), l.to_string())),
                    );
                    in_clause.push(&mentions[mi]);
                    used_mentions[mi] = true;
                }
            }
            // A listed phrase the lexicon does not know keeps its place in the list.
            if clause_start == lead
                && let Some(items) = list_items(&doc, &in_clause, lead, fb)
            {
                names = items;
            }
            lists.push(names);
            from_quantities.push((clause_start == from).then_some(from));
        }
        let first_in_sentence = ex.quantities.len();
        let mut list_of = usize::MAX;
        let mut list_basis: Option<Basis> = None;
        let mut dist_index = 0;
        let mut prev_change: Option<bool> = None;
        let mut prev_end = s0;
        let mut list: Vec<usize> = Vec::new();
        let mut prev_start: Option<usize> = None;
        let mut prev_mention: Option<usize> = None;
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
            // The list this number is in: the last 分别 before it.
            let in_list = fenbies
                .partition_point(|&fb| fb < f.num_start)
                .checked_sub(1);
            let after_fenbie = in_list.is_some();
            if let Some(k) = in_list
                && k != list_of
            {
                list_of = k;
                dist_index = 0;
                // 财政总收入X亿元，地方财政收入Y亿元，分别增长a%和b%: the items are the amounts before.
                if let Some(from) = from_quantities[k] {
                    let items: Vec<(String, String)> = ex.quantities[first_in_sentence..]
                        .iter()
                        .filter(|q| q.span.0 >= doc.orig[from] && q.span.0 < doc.orig[fenbies[k]])
                        .map(|q| {
                            lexicon::id_pair(&q.indicator).map_or_else(
                                || (q.indicator.clone(), q.indicator.clone()),
                                |(g, l)| (g.to_string(), l.to_string()),
                            )
                        })
                        .collect();
                    if items.len() >= 2 {
                        lists[k] = items;
                    }
                }
            }
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
            let mut named_by: Option<usize> = None;
            let distributive: &[(String, String)] = in_list.map_or(&[], |k| &lists[k]);
            // 分别达到12566元和5207元，增长9.7%和5.1%: a second run of the list, with a verb of its own.
            if after_fenbie
                && distributive.len() >= 2
                && dist_index == distributive.len()
                && list_basis.is_some_and(|b| b != basis)
            {
                dist_index = 0;
            }
            list_basis = after_fenbie.then_some(basis);
            if after_fenbie && dist_index < distributive.len() {
                let (g, l) = &distributive[dist_index];
                dist_index += 1;
                indicator = Some(if basis == Basis::Growth { g } else { l }.clone());
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
                // An average over several years (“十三五”时期年均增长6.4%) is not the year's figure.
                let average = window.contains("年均");
                // Past a quantity that did not take this name (经济总量跨越4万亿元、5万亿元), it does not
                // carry to the next one either.
                let passed = prev_start.is_some_and(|p| mentions[mi].span.1 <= p)
                    && prev_mention != Some(mi);
                if between.chars().count() <= 25
                    && !share
                    && !own_subject
                    && !average
                    && !passed
                    && mentions[mi].ids.len() == 1
                    && (basis == Basis::Growth
                        || lexicon::level_unit_fits(mentions[mi].ids[0].1, f.unit))
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
                    named_by = Some(mi);
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
            // A list after 分别 with one qualifier at its end (分别增长6%、9%左右): it belongs to every
            // bare number of the list.
            let joined = after_fenbie
                && doc
                    .slice(prev_end, f.num_start)
                    .chars()
                    .all(|c| matches!(c, '、' | '和' | '及' | '与' | ' '));
            if !joined {
                list.clear();
            }
            if after_fenbie && f.value_hi.is_none() {
                if qualifier == Qualifier::Other {
                    list.push(ex.quantities.len());
                } else {
                    for &i in &list {
                        let q = &mut ex.quantities[i];
                        q.qualifier = qualifier;
                        q.preliminary |= q.section == Section::Review
                            && matches!(qualifier, Qualifier::AtLeast | Qualifier::About);
                    }
                    list.clear();
                }
            }
            prev_change = change;
            prev_end = end;
            prev_start = Some(f.num_start);
            prev_mention = named_by;
            let (section, named) = cues::decide(&cues, f.num_start, carry_in);
            ex.quantities.push(Quantity {
                section,
                year: year_of(section, named),
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
    // The exact name, else the last place named (山东省淄博市 is Zibo), else a name it begins with.
    let named = regions.values().filter(|r| !r.name_zh.is_empty());
    let found = named
        .clone()
        .find(|r| r.name_zh == *zh)
        .or_else(|| named.clone().find(|r| zh.ends_with(&r.name_zh)))
        .or_else(|| named.clone().find(|r| zh.starts_with(&r.name_zh)));
    Some(found.map_or_else(|| zh.clone(), |r| r.name.clone()))
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
mod tests;

//! Target or result: decided per sentence from what it says, with section headings only as a prior.
//!
//! A quantity is a *target* of the plan year or a *result* of the ending year. Reports say which in
//! their words far more reliably than in their layout (a pasted paragraph has no heading at all), so
//! each quantity is read against the cues of its own sentence, strongest first:
//!
//! 1. **Time.** The nearest time reference before it in the sentence: a year (the plan year or later →
//!    target; earlier → result), 明年 / 新的一年 (target), 过去一年 / 去年 / 即将过去 (result), and 今年,
//!    which is the plan year in a report given in the plan year and the ending year in one given in
//!    December (the report's date, else whether it speaks of 明年); a five-year plan's period (“十四五”时期,
//!    十三五期间, 到“十四五”末) or 今后五年 stands for its last year (a target of 2025 in a 2021 report, not
//!    of 2021). Not a base of comparison (比2022年, 比去年增加) and not a start (2018年以来).
//! 2. **Plan or result words** anywhere in the sentence, the nearest before the quantity first:
//!    预期目标, 主要目标, 目标是, 力争, 确保 against 预计全年, 增长了, 完成了, 五年来, 同比增长; a 目标 word
//!    after 超过 / 完成 / 实现 (超过全年预期目标) speaks of a result.
//! 3. **Carry-over.** The decision of the sentence before it in the paragraph (a target list runs over
//!    several clauses split at ；), of the paragraph before when that one ended with a colon, else the
//!    section heading's (一、…回顾 or a heading naming the ending year → results; any other → targets),
//!    else the last decision in the text.
//! 4. **Weak words**, where nothing above decides: 要, 将, 争取, 计划 (target) against 预计 (result).
//! 5. Otherwise a target: the tool is asked for a plan.

use super::*;

/// How much a cue says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Weak,
    Word,
    Time,
}

/// One cue of a sentence: where it ends, what it says, and (for a year) which year.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cue {
    end: usize,
    section: Section,
    year: Option<i32>,
    strength: Strength,
}

const PLAN_WORDS: &[&str] = &[
    "预期目标",
    "主要目标",
    "目标是",
    "目标为",
    "目标任务是",
    "力争",
    "确保",
];
const RESULT_WORDS: &[&str] = &[
    "预计全年",
    "增长了",
    "完成了",
    "实现了",
    "提高了",
    "下降了",
    "五年来",
    "五年间",
    "同比增长",
    "同比下降",
];
/// Words before a 目标 word that make it a result (超过全年预期目标, 完成了主要目标).
const MET: &[&str] = &["超过", "超出", "超额", "完成", "实现"];
/// Weak words: they decide only a sentence nothing else decides (争取 is also 争取中央资金 in a review,
/// 计划 also 计划单列市; 完成 / 实现 / 达到 stand in targets as often as in results).
const WEAK_PLAN: &[&str] = &["要", "将", "争取", "计划"];
const WEAK_RESULT: &[&str] = &["预计"];
/// Time words with a fixed meaning; 今年 is decided per report.
const PLAN_TIMES: &[&str] = &["明年", "新的一年"];
const RESULT_TIMES: &[&str] = &[
    "过去一年",
    "过去的一年",
    "过去五年",
    "去年",
    "即将过去",
    "刚刚过去",
];
/// Five-year plan periods and their last year.
const PLAN_PERIODS: &[(&str, i32)] = &[
    ("十一五", 2010),
    ("十二五", 2015),
    ("十三五", 2020),
    ("十四五", 2025),
    ("十五五", 2030),
];
/// Characters before a year that make it a base of comparison, not the time a sentence speaks of.
const COMPARISON: &[char] = &['比', '较', '于', '与', '同', '从', '自', '在'];

/// The document-wide facts the per-sentence reading needs.
pub(super) struct Reading {
    plan_year: i32,
    /// What 今年 refers to in this report.
    this_year: Section,
    /// Line start of each `一、…` heading and the section it opens.
    headings: Vec<(usize, Section)>,
}

impl Reading {
    pub(super) fn new(doc: &Doc, plan_year: i32) -> Reading {
        let this_year = match report_date(&doc.s) {
            Some((y, _)) if y >= plan_year => Section::Plan,
            Some(_) => Section::Review,
            None if speaks_of_next_year_plan(&doc.chars) => Section::Review,
            None => Section::Plan,
        };
        let mut reading = Reading {
            plan_year,
            this_year,
            headings: Vec::new(),
        };
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
            if numeral_len > 0 && t.chars().nth(numeral_len) == Some('、') && t.chars().count() < 60
            {
                let lead = line_start + (line.chars().count() - t.chars().count());
                let cues = reading.cues(doc, lead, i);
                let section = match cues.iter().max_by_key(|c| (c.strength, c.end)) {
                    Some(c) if c.strength > Strength::Weak => c.section,
                    _ if t.contains("回顾") || t.contains("总结") => Section::Review,
                    _ => Section::Plan,
                };
                reading.headings.push((line_start, section));
            }
            line_start = i + 1;
        }
        reading
    }

    /// The section of the last heading at or before `pos`, if any.
    pub(super) fn heading_at(&self, pos: usize) -> Option<Section> {
        let i = self.headings.partition_point(|(s, _)| *s <= pos);
        i.checked_sub(1).map(|i| self.headings[i].1)
    }

    /// The cues of the sentence `s0..s1`, in text order.
    pub(super) fn cues(&self, doc: &Doc, s0: usize, s1: usize) -> Vec<Cue> {
        let chars = &doc.chars[s0..s1.min(doc.chars.len())];
        let mut out = Vec::new();
        let mut push = |end: usize, section: Section, year: Option<i32>, strength: Strength| {
            out.push(Cue {
                end: s0 + end,
                section,
                year,
                strength,
            })
        };
        let at = |i: usize, w: &str| (i..).zip(w.chars()).all(|(k, c)| chars.get(k) == Some(&c));
        // Characters that can start a cue: most characters are skipped after one lookup.
        static FIRST: OnceLock<Vec<char>> = OnceLock::new();
        let first = FIRST.get_or_init(|| {
            let mut f: Vec<char> = [
                PLAN_WORDS,
                RESULT_WORDS,
                WEAK_PLAN,
                WEAK_RESULT,
                PLAN_TIMES,
                RESULT_TIMES,
                &["今年", "今后五年", "未来五年"],
            ]
            .iter()
            .flat_map(|words| words.iter().filter_map(|w| w.chars().next()))
            .chain(PLAN_PERIODS.iter().filter_map(|(w, _)| w.chars().next()))
            .collect();
            f.sort_unstable();
            f.dedup();
            f
        });
        for i in 0..chars.len() {
            if !chars[i].is_ascii_digit() && first.binary_search(&chars[i]).is_err() {
                continue;
            }
            // A year: four digits and 年 (also of a date), not a base of comparison or a start.
            if i + 4 < chars.len()
                && chars[i..i + 4].iter().all(char::is_ascii_digit)
                && chars[i + 4] == '年'
                && (i == 0 || !chars[i - 1].is_ascii_digit())
                && (i == 0 || !COMPARISON.contains(&chars[i - 1]))
                && !at(i + 5, "以来")
            {
                let year: i32 = chars[i..i + 4]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .unwrap_or(0);
                let section = if year >= self.plan_year {
                    Section::Plan
                } else {
                    Section::Review
                };
                push(i + 5, section, Some(year), Strength::Time);
                continue;
            }
            // A time word after 比 / 较 / 与 is a base of comparison (比去年增加8000亿元).
            let compared = i > 0 && COMPARISON.contains(&chars[i - 1]);
            if at(i, "今年") && !at(i + 2, "以来") && !compared {
                push(i + 2, self.this_year, None, Strength::Time);
            }
            // A five-year plan's period (“十四五”时期, 十三五期间, 到“十四五”末) or 今后五年: its end year.
            if let Some(end) = PLAN_PERIODS.iter().find_map(|(w, end)| {
                let after = i + w.chars().count() + usize::from(chars.get(i + 3) == Some(&'”'));
                (at(i, w) && ["时期", "期间", "末"].iter().any(|p| at(after, p))).then_some(*end)
            }) {
                let section = if end >= self.plan_year {
                    Section::Plan
                } else {
                    Section::Review
                };
                push(i + 3, section, Some(end), Strength::Time);
            }
            if at(i, "今后五年") || at(i, "未来五年") {
                push(
                    i + 4,
                    Section::Plan,
                    Some(self.plan_year + 4),
                    Strength::Time,
                );
            }
            if at(i, "今年以来") {
                push(i + 4, Section::Review, None, Strength::Time);
            }
            let lists: [(&[&str], Section, Strength); 6] = [
                (PLAN_TIMES, Section::Plan, Strength::Time),
                (RESULT_TIMES, Section::Review, Strength::Time),
                (PLAN_WORDS, Section::Plan, Strength::Word),
                (RESULT_WORDS, Section::Review, Strength::Word),
                (WEAK_PLAN, Section::Plan, Strength::Weak),
                (WEAK_RESULT, Section::Review, Strength::Weak),
            ];
            for (words, section, strength) in lists {
                if strength == Strength::Time && compared {
                    continue;
                }
                for w in words {
                    if at(i, w) {
                        let met = section == Section::Plan
                            && strength == Strength::Word
                            && w.contains("目标")
                            && (i.saturating_sub(6)..i).any(|k| MET.iter().any(|m| at(k, m)));
                        let section = if met { Section::Review } else { section };
                        push(i + w.chars().count(), section, None, strength);
                    }
                }
            }
        }
        out
    }
}

/// Does the text plan for 明年 (明年…目标 / 预期 / 主要 / 经济社会发展 / 工作安排 / 总体要求 within a few
/// characters)?
/// Then it was given in December and its 今年 is the ending year; a passing 为明年打下基础 says nothing.
fn speaks_of_next_year_plan(chars: &[char]) -> bool {
    const PLAN: &[&str] = &[
        "目标",
        "预期",
        "主要",
        "经济社会发展",
        "工作安排",
        "总体要求",
    ];
    (0..chars.len().saturating_sub(1)).any(|i| {
        chars[i] == '明'
            && chars[i + 1] == '年'
            && (i + 2..(i + 14).min(chars.len())).any(|k| {
                PLAN.iter()
                    .any(|w| (k..).zip(w.chars()).all(|(j, c)| chars.get(j) == Some(&c)))
            })
    })
}

/// The decision for a position in a sentence: the strongest kind of cue wins, and within it the nearest
/// before the position (else the first after it; time references only before it). `carry` is the
/// decision brought from the text before, with the year it named (a list of “十二五”时期的主要目标 runs
/// over several ；-separated clauses). Returns the section and the year a time cue names.
pub(super) fn decide(
    cues: &[Cue],
    pos: usize,
    carry: Option<(Section, Option<i32>)>,
) -> (Section, Option<i32>) {
    let pick = |strength: Strength, after_too: bool| {
        cues.iter()
            .rev()
            .find(|c| c.strength == strength && c.end <= pos)
            .or_else(|| {
                cues.iter()
                    .find(|c| after_too && c.strength == strength && c.end > pos)
            })
            .copied()
    };
    if let Some(c) = pick(Strength::Time, false) {
        return (c.section, c.year);
    }
    if let Some(c) = pick(Strength::Word, true) {
        return (c.section, None);
    }
    if let Some(c) = carry {
        return c;
    }
    if let Some(c) = pick(Strength::Weak, true) {
        return (c.section, None);
    }
    (Section::Plan, None)
}

/// Does the sentence say anything (above weak words) that decides it?
pub(super) fn decides(cues: &[Cue]) -> bool {
    cues.iter().any(|c| c.strength > Strength::Weak)
}

/// The date the report was given, `(year, month)`: the first `YYYY年M月D日` in its opening lines
/// (——2022年12月28日在淄博市第十六届人民代表大会第三次会议上).
pub(super) fn report_date(text: &str) -> Option<(i32, u32)> {
    let head: String = text.chars().take(400).collect();
    patterns()
        .date
        .captures(&head)
        .and_then(|c| Some((c[1].parse().ok()?, c[2].parse().ok()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections_of(text: &str, plan_year: Option<i32>) -> Vec<(Section, i32)> {
        extract_text(text, "UTF-8", plan_year)
            .unwrap()
            .quantities
            .iter()
            .map(|q| (q.section, q.year))
            .collect()
    }

    #[test]
    fn a_bare_target_paragraph_is_read_as_targets() {
        let s = sections_of(
            "今年经济社会发展的主要预期目标是：地区生产总值增长6.5%左右；一般公共预算收入增长5%；城镇新增就业10万人以上。",
            Some(2019),
        );
        assert_eq!(s, vec![(Section::Plan, 2019); 3]);
    }

    #[test]
    fn a_december_report_reads_this_year_as_the_ending_year() {
        let text = "——2022年12月28日在某市人民代表大会上\n今年以来，预计全市地区生产总值增长4%以上。明年全市生产总值增长5.5%左右。";
        assert_eq!(
            sections_of(text, None),
            vec![(Section::Review, 2022), (Section::Plan, 2023)]
        );
    }

    #[test]
    fn a_named_year_decides_each_quantity() {
        let s = sections_of(
            "2018年全省生产总值增长6.8%，2019年发展的主要预期目标是：全省生产总值增长6.5%左右。",
            None,
        );
        assert_eq!(s, vec![(Section::Review, 2018), (Section::Plan, 2019)]);
    }

    #[test]
    fn a_five_year_plan_period_is_its_last_year() {
        let s = sections_of(
            "今年是“十四五”开局之年，地区生产总值增长6%以上。“十四五”时期，城镇调查失业率控制在5.5%以内。",
            Some(2021),
        );
        assert_eq!(s, vec![(Section::Plan, 2021), (Section::Plan, 2025)]);
    }

    /// Inputs a review of this module found misread (争取中央资金, 计划单列市, 摒弃过去的, 低于3%，确保,
    /// a passing 明年, a bare 达到, a goal of 2025 carried past 。, a five-year review's own years).
    #[test]
    fn words_that_stand_in_plans_and_reviews_alike_do_not_decide() {
        let review = "一、2022年工作回顾\n累计争取中央预算内投资12.5亿元，一般公共预算收入增长6%。\n地区生产总值增长6.5%，增速居5个计划单列市首位。";
        assert!(
            sections_of(review, None)
                .iter()
                .all(|s| *s == (Section::Review, 2022)),
            "{:?}",
            sections_of(review, None)
        );
        for plan in [
            "二、2023年工作安排\n坚决摒弃过去的粗放模式，规模以上工业增加值增长7%，单位GDP能耗下降3%。",
            "二、2023年工作安排\n粮食产量稳定在100万吨，居民消费价格涨幅低于3%，确保城镇新增就业3万人。",
        ] {
            let s = sections_of(plan, None);
            assert!(
                s.iter().all(|x| *x == (Section::Plan, 2023)),
                "{plan}: {s:?}"
            );
        }
        let s = sections_of(
            "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右；一般公共预算收入增长5%。\n做好今年工作，为明年发展打下坚实基础。",
            Some(2020),
        );
        assert_eq!(s, vec![(Section::Plan, 2020); 2]);
        let s = sections_of(
            "地区生产总值增长6%左右，一般公共预算收入达到300亿元，城镇新增就业3万人。",
            Some(2023),
        );
        assert_eq!(s, vec![(Section::Plan, 2023); 3]);
        let s = sections_of(
            "二、2023年工作安排\n今年主要预期目标是：地区生产总值增长6%左右。到2025年，地区生产总值突破6000亿元。一般公共预算收入增长5%，城镇新增就业3万人。",
            None,
        );
        let years: Vec<i32> = s.iter().map(|x| x.1).collect();
        assert_eq!(years, vec![2023, 2025, 2023, 2023]);
        let s = sections_of(
            "一、过去五年工作回顾\n2018年，地区生产总值增长6.8%。2020年地区生产总值增长3.6%。",
            Some(2021),
        );
        assert_eq!(s, vec![(Section::Review, 2018), (Section::Review, 2020)]);
        assert_eq!(
            infer_plan_year(
                "各位代表：\n一、2022年工作回顾\n过去一年，2022年政府工作报告确定的目标任务圆满完成，地区生产总值增长5%。\n二、2023年工作安排\n地区生产总值增长6%左右。"
            ),
            Some(2023)
        );
    }

    #[test]
    fn headings_are_a_prior_that_words_override() {
        let text = "一、过去一年的工作\n地区生产总值增长7%。\n二、今年的工作\n地区生产总值增长6.5%左右。过去一年投资增长8%。";
        assert_eq!(
            sections_of(text, Some(2020)),
            vec![
                (Section::Review, 2019),
                (Section::Plan, 2020),
                (Section::Review, 2019)
            ]
        );
    }
}

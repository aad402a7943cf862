//! The words around a number: the clause's subject, the target's phrase, and its qualifier.

use super::*;

pub(super) const LEADING_VERBS: &[&str] = &[
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
    "扣除价格因素",
    "实际",
    "名义",
    "按可比口径",
    "可比口径",
    "同口径",
    "同比",
    "比上年",
    "较上年",
];
pub(super) const TRAILING_WORDS: &[&str] = &[
    "增长了",
    "下降了",
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
pub(super) fn clean(s: String) -> String {
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
pub(super) fn subject(doc: &Doc, clause_start: usize, num_start: usize) -> Option<String> {
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

pub(super) fn phrase(doc: &Doc, clause_start: usize, num_start: usize, after: usize) -> String {
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

pub(super) fn qualifier_and_end(doc: &Doc, f: &Found, clause_start: usize) -> (Qualifier, usize) {
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

/// The items of a 分别 list's lead clause `from..to`, split at 、/和/及/与 outside the indicator names
/// (`mentions`, in text order): each a known name's (growth, level) ids, or `zh:` and the phrase for one
/// the lexicon does not know (全部财政收入和公共财政预算收入分别增长9%和10%). `None` when every item is a
/// known name (the caller keeps its list of names).
pub(super) fn list_items(
    doc: &Doc,
    mentions: &[&Mention],
    from: usize,
    to: usize,
) -> Option<Vec<(String, String)>> {
    let inside = |i: usize| mentions.iter().any(|m| m.span.0 <= i && i < m.span.1);
    let mut cuts = vec![from];
    for i in from..to {
        if matches!(doc.chars[i], '、' | '和' | '及' | '与') && !inside(i) {
            cuts.push(i + 1);
        }
    }
    cuts.push(to + 1);
    let mut items = Vec::new();
    let mut unknown = false;
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1] - 1);
        let named: Vec<&&Mention> = mentions
            .iter()
            .filter(|m| m.span.0 >= a && m.span.1 <= b)
            .collect();
        if named.is_empty() {
            let phrase = subject(doc, a, b)?;
            unknown = true;
            items.push((format!("zh:{phrase}"), format!("zh:{phrase}")));
        } else {
            for m in named {
                items.extend(
                    list_ids(m)
                        .iter()
                        .map(|(g, l)| (g.to_string(), l.to_string())),
                );
            }
        }
    }
    unknown.then_some(items)
}

/// The ids a name stands for in a 分别 list: 城乡居民人均可支配收入分别增长a%、b% is urban and rural.
pub(super) fn list_ids(m: &Mention) -> &'static [(&'static str, &'static str)] {
    if matches!(
        m.text,
        "城乡居民人均可支配收入" | "城乡常住居民人均可支配收入"
    ) {
        URBAN_RURAL
    } else {
        m.ids
    }
}

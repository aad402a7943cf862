//! The words of targets: the qualifier of a target (about, at least, at most…) with its CSV words and
//! its Chinese spellings, the measure words counted as `count`, and the unit codes of Chinese units.
//! One table each, read by the data loader (CSV words and Chinese spellings in data files) and by the
//! report extractor; below both.

/// The qualifier of a target, as in 左右 / 以上 / 以下.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// 左右: about.
    About,
    /// 以上 / 不低于: at least.
    AtLeast,
    /// 以下 / 以内: at most.
    AtMost,
    /// X–Y%: the target column holds the lower bound.
    Range,
    /// No qualifier stated; treated as at least (growth) or at most (ceiling indicators).
    Other,
}

impl Qualifier {
    /// The word used in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::About => "about",
            Qualifier::AtLeast => "at_least",
            Qualifier::AtMost => "at_most",
            Qualifier::Range => "range",
            Qualifier::Other => "other",
        }
    }
}

/// The words of the `qualifier` column.
pub const QUALIFIERS: &[(&str, Qualifier)] = &[
    ("about", Qualifier::About),
    ("at_least", Qualifier::AtLeast),
    ("at_most", Qualifier::AtMost),
    ("range", Qualifier::Range),
    ("other", Qualifier::Other),
];

impl Qualifier {
    /// The qualifier of a `qualifier` column word, if it is one.
    pub fn parse(word: &str) -> Option<Qualifier> {
        QUALIFIERS.iter().find(|(w, _)| *w == word).map(|(_, q)| *q)
    }
}

/// Words right after a number (5.5%左右) and the qualifier they give.
pub const QUALIFIER_AFTER: &[(&str, Qualifier)] = &[
    ("左右", Qualifier::About),
    ("以上", Qualifier::AtLeast),
    ("以内", Qualifier::AtMost),
    ("以下", Qualifier::AtMost),
];

/// Words before a number and the qualifier they give, negated forms first (不少于 is not 少于).
pub const QUALIFIER_BEFORE: &[(&str, Qualifier)] = &[
    ("不低于", Qualifier::AtLeast),
    ("不少于", Qualifier::AtLeast),
    ("不超过", Qualifier::AtMost),
    ("不高于", Qualifier::AtMost),
    ("控制在", Qualifier::AtMost),
    ("超过", Qualifier::AtLeast),
    ("突破", Qualifier::AtLeast),
    ("高于", Qualifier::AtLeast),
    ("多于", Qualifier::AtLeast),
    ("低于", Qualifier::AtMost),
    ("少于", Qualifier::AtMost),
    ("约为", Qualifier::About),
    ("约", Qualifier::About),
];

/// Measure words counted as `count`.
pub const COUNT_WORDS: &str =
    "个|家|条|处|所|项|户|种|类|台|座|套|辆|场|张|批|宗|件|栋|间|支|只|头|艘|架|部|颗|块|所";

/// Normalised unit code of a magnitude prefix (万, 亿…) and a unit word.
pub fn unit_code(magnitude: &str, unit: &str) -> Option<&'static str> {
    let code = match (magnitude, unit) {
        ("", "%") => "pct",
        ("", "人次") => "count",
        ("万", "人次") => "10k_count",
        ("", "个百分点") => "pp",
        ("", "元") => "CNY",
        ("万", "元") => "10k_CNY",
        ("亿", "元") => "100m_CNY",
        ("万亿", "元") => "1t_CNY",
        ("", "美元") => "USD",
        ("万", "美元") => "10k_USD",
        ("亿", "美元") => "100m_USD",
        ("", "人" | "名") => "persons",
        ("万", "人" | "名") => "10k_persons",
        ("亿", "人") => "100m_persons",
        ("", "亩") => "mu",
        ("万", "亩") => "10k_mu",
        ("", "平方米") => "m2",
        ("万", "平方米") => "10k_m2",
        ("", "吨") => "t",
        ("万", "吨") => "10k_t",
        ("亿", "吨") => "100m_t",
        ("", "斤") => "jin",
        ("万", "斤") => "10k_jin",
        ("亿", "斤") => "100m_jin",
        ("万亿", "斤") => "1t_jin",
        ("", "公里") => "km",
        ("万", "公里") => "10k_km",
        ("", "公顷") => "ha",
        ("万", "公顷") => "10k_ha",
        ("", "千瓦") => "kW",
        ("万", "千瓦") => "10k_kW",
        ("", "天") => "days",
        ("", "倍") => "times",
        ("", _) => "count",
        ("万", _) => "10k_count",
        ("亿", _) => "100m_count",
        _ => return None,
    };
    Some(code)
}

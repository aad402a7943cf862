//! Indicator names as they appear in work reports, mapped to the ids of `data/indicators.csv`, and the
//! units and words the extractor recognises.

/// One indicator name: the ids for a growth rate and for a level of it.
#[derive(Debug, Clone, Copy)]
pub struct Name {
    /// Text as it appears in reports.
    pub text: &'static str,
    /// Ids of the indicators named (several for 城镇和农村… distributive names): (growth id, level id).
    pub ids: &'static [(&'static str, &'static str)],
}

const GDP: &[(&str, &str)] = &[("gdp_real_growth", "gdp_nominal")];
const GPBR: &[(&str, &str)] = &[("gpbr_growth", "gpbr")];
const FAI: &[(&str, &str)] = &[("fai_growth", "fai")];
const RETAIL: &[(&str, &str)] = &[("retail_sales_growth", "retail_sales")];
const INCOME: &[(&str, &str)] = &[("disp_income_all_growth", "disp_income_all")];
const URBAN_INCOME: &[(&str, &str)] = &[("urban_disp_income_growth", "urban_disp_income")];
const RURAL_INCOME: &[(&str, &str)] = &[("rural_disp_income_growth", "rural_disp_income")];
const RURAL_NET: &[(&str, &str)] = &[("rural_net_income_growth", "rural_net_income")];
const INDUSTRY: &[(&str, &str)] = &[(
    "industrial_va_above_size_growth",
    "industrial_va_above_size",
)];
const TRADE: &[(&str, &str)] = &[("trade_total_growth", "trade_total")];
const FDI: &[(&str, &str)] = &[("fdi_actual_growth", "fdi_actual")];
const CPI: &[(&str, &str)] = &[("cpi", "cpi")];
const JOBS: &[(&str, &str)] = &[("urban_new_jobs", "urban_new_jobs")];
const UNEMPLOYMENT: &[(&str, &str)] = &[("urban_unemployment_rate", "urban_unemployment_rate")];
const ENERGY: &[(&str, &str)] = &[("energy_intensity_growth", "energy_intensity")];

/// Indicator names, longest first where one contains another.
pub const NAMES: &[Name] = &[
    Name {
        text: "城镇和农村居民人均可支配收入",
        ids: &[URBAN_INCOME[0], RURAL_INCOME[0]],
    },
    Name {
        text: "城镇、农村居民人均可支配收入",
        ids: &[URBAN_INCOME[0], RURAL_INCOME[0]],
    },
    Name {
        text: "城镇居民和农村居民人均可支配收入",
        ids: &[URBAN_INCOME[0], RURAL_INCOME[0]],
    },
    Name {
        text: "城镇和农村常住居民人均可支配收入",
        ids: &[URBAN_INCOME[0], RURAL_INCOME[0]],
    },
    Name {
        text: "城乡常住居民人均可支配收入",
        ids: INCOME,
    },
    Name {
        text: "城乡居民人均可支配收入",
        ids: INCOME,
    },
    Name {
        text: "全体居民人均可支配收入",
        ids: INCOME,
    },
    Name {
        text: "全体常住居民人均可支配收入",
        ids: INCOME,
    },
    Name {
        text: "城镇常住居民人均可支配收入",
        ids: URBAN_INCOME,
    },
    Name {
        text: "城市常住居民人均可支配收入",
        ids: URBAN_INCOME,
    },
    Name {
        text: "农村常住居民人均可支配收入",
        ids: RURAL_INCOME,
    },
    Name {
        text: "常住居民人均可支配收入",
        ids: INCOME,
    },
    Name {
        text: "城镇居民人均可支配收入",
        ids: URBAN_INCOME,
    },
    Name {
        text: "城市居民人均可支配收入",
        ids: URBAN_INCOME,
    },
    Name {
        text: "农村居民人均可支配收入",
        ids: RURAL_INCOME,
    },
    Name {
        text: "居民人均可支配收入",
        ids: INCOME,
    },
    Name {
        text: "农村居民人均纯收入",
        ids: RURAL_NET,
    },
    Name {
        text: "农民人均纯收入",
        ids: RURAL_NET,
    },
    Name {
        text: "万元地区生产总值能耗",
        ids: ENERGY,
    },
    Name {
        text: "万元生产总值能耗",
        ids: ENERGY,
    },
    Name {
        text: "万元GDP能耗",
        ids: ENERGY,
    },
    Name {
        text: "单位地区生产总值能耗",
        ids: ENERGY,
    },
    Name {
        text: "单位国内生产总值能耗",
        ids: ENERGY,
    },
    Name {
        text: "单位生产总值能耗",
        ids: ENERGY,
    },
    Name {
        text: "单位GDP能耗",
        ids: ENERGY,
    },
    Name {
        text: "单位生产总值综合能耗",
        ids: ENERGY,
    },
    Name {
        text: "单位地区生产总值综合能耗",
        ids: ENERGY,
    },
    Name {
        text: "万元生产总值综合能耗",
        ids: ENERGY,
    },
    Name {
        text: "能耗强度",
        ids: ENERGY,
    },
    Name {
        text: "单位国内生产总值能源消耗",
        ids: ENERGY,
    },
    Name {
        text: "单位地区生产总值能源消耗",
        ids: ENERGY,
    },
    Name {
        text: "单位生产总值能源消耗",
        ids: ENERGY,
    },
    Name {
        text: "地区生产总值",
        ids: GDP,
    },
    Name {
        text: "国内生产总值",
        ids: GDP,
    },
    Name {
        text: "生产总值",
        ids: GDP,
    },
    Name {
        text: "GDP",
        ids: GDP,
    },
    Name {
        text: "经济增长",
        ids: GDP,
    },
    Name {
        text: "地方一般公共预算收入",
        ids: GPBR,
    },
    Name {
        text: "一般公共预算收入",
        ids: GPBR,
    },
    Name {
        text: "公共财政预算收入",
        ids: GPBR,
    },
    Name {
        text: "地方财政收入",
        ids: GPBR,
    },
    Name {
        text: "地方财政一般预算收入",
        ids: GPBR,
    },
    Name {
        text: "地方一般预算收入",
        ids: GPBR,
    },
    Name {
        text: "一般预算收入",
        ids: GPBR,
    },
    Name {
        text: "公共财政收入",
        ids: GPBR,
    },
    Name {
        text: "全社会固定资产投资",
        ids: FAI,
    },
    Name {
        text: "固定资产投资",
        ids: FAI,
    },
    Name {
        text: "社会消费品零售总额",
        ids: RETAIL,
    },
    Name {
        text: "社会消费品零售额",
        ids: RETAIL,
    },
    Name {
        text: "规模以上工业增加值",
        ids: INDUSTRY,
    },
    Name {
        text: "规上工业增加值",
        ids: INDUSTRY,
    },
    Name {
        text: "外贸进出口总额",
        ids: TRADE,
    },
    Name {
        text: "外贸进出口",
        ids: TRADE,
    },
    Name {
        text: "进出口总额",
        ids: TRADE,
    },
    Name {
        text: "进出口",
        ids: TRADE,
    },
    Name {
        text: "实际使用外商直接投资",
        ids: FDI,
    },
    Name {
        text: "实际利用外商直接投资",
        ids: FDI,
    },
    Name {
        text: "实际使用外资",
        ids: FDI,
    },
    Name {
        text: "实际利用外资",
        ids: FDI,
    },
    Name {
        text: "居民消费价格总水平涨幅",
        ids: CPI,
    },
    Name {
        text: "居民消费价格涨幅",
        ids: CPI,
    },
    Name {
        text: "居民消费价格",
        ids: CPI,
    },
    Name {
        text: "CPI",
        ids: CPI,
    },
    Name {
        text: "城镇新增就业",
        ids: JOBS,
    },
    Name {
        text: "新增城镇就业",
        ids: JOBS,
    },
    Name {
        text: "城镇调查失业率",
        ids: UNEMPLOYMENT,
    },
    Name {
        text: "城镇登记失业率",
        ids: UNEMPLOYMENT,
    },
    Name {
        text: "登记失业率",
        ids: UNEMPLOYMENT,
    },
    Name {
        text: "调查失业率",
        ids: UNEMPLOYMENT,
    },
];

/// The (growth id, level id) pair a headline id belongs to, given either (`gpbr` or `gpbr_growth` →
/// (`gpbr_growth`, `gpbr`)).
pub fn id_pair(id: &str) -> Option<(&'static str, &'static str)> {
    NAMES
        .iter()
        .flat_map(|n| n.ids.iter())
        .find(|(g, l)| *g == id || *l == id)
        .copied()
}

/// Can a level of this indicator be measured in `unit`? Amounts need a currency, jobs persons, rates a
/// percentage; a count (在15个副省级城市中) near 地区生产总值 is not the region's output.
pub fn level_unit_fits(level_id: &str, unit: &str) -> bool {
    match level_id {
        "urban_new_jobs" => unit.ends_with("persons"),
        "urban_unemployment_rate" | "cpi" => unit == "pct",
        "energy_intensity" => true,
        _ => unit.ends_with("CNY") || unit.ends_with("USD"),
    }
}

/// Indicators that are always levels whatever the verb (counts, rates).
pub const ALWAYS_LEVEL: &[&str] = &["urban_new_jobs", "urban_unemployment_rate"];
/// Indicators that are always growth rates (price inflation).
pub const ALWAYS_GROWTH: &[&str] = &["cpi"];

/// Verbs that make a following percentage a rate of change, and whether they mean a decrease.
pub const CHANGE_VERBS: &[(&str, bool)] = &[
    ("增长", false),
    ("增速", false),
    ("提高", false),
    ("提升", false),
    ("改善", false),
    ("上涨", false),
    ("涨幅", false),
    ("上升", false),
    ("增幅", false),
    ("下降", true),
    ("降低", true),
    ("减少", true),
    ("压减", true),
    ("回落", true),
    ("下调", true),
];

pub use crate::vocab::{COUNT_WORDS, QUALIFIER_AFTER, QUALIFIER_BEFORE, unit_code};

/// Value of a Chinese numeral (一 … 九千九百九十九, with 两), if it is one.
pub fn chinese_number(s: &str) -> Option<f64> {
    let digit = |c: char| match c {
        '零' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    let mut any = false;
    for c in s.chars() {
        any = true;
        if let Some(d) = digit(c) {
            current = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        };
        total += current.unwrap_or(1) * unit;
        current = None;
    }
    if !any {
        return None;
    }
    Some(f64::from(total + current.unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number("二十"), Some(20.0));
        assert_eq!(chinese_number("两"), Some(2.0));
        assert_eq!(chinese_number("十五"), Some(15.0));
        assert_eq!(chinese_number("三百零五"), Some(305.0));
        assert_eq!(chinese_number("强"), None);
    }

    #[test]
    fn units_are_normalised() {
        assert_eq!(unit_code("亿", "元"), Some("100m_CNY"));
        assert_eq!(unit_code("万", "户"), Some("10k_count"));
        assert_eq!(unit_code("", "个百分点"), Some("pp"));
    }
}

//! Unit tests of the extractor on single sentences.

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
fn a_list_without_names_takes_the_amounts_before_it() {
    let q = plan("财政总收入1245.4亿元，地方财政收入671.3亿元，分别增长18.6%和20.3%");
    let ids: Vec<&str> = q.iter().map(|x| x.indicator.as_str()).collect();
    assert_eq!(
        ids,
        vec!["zh:财政总收入", "gpbr", "zh:财政总收入", "gpbr_growth"],
        "{q:?}"
    );
}

#[test]
fn unknown_names_keep_their_place_in_a_list_and_per_capita_gdp_is_not_gdp() {
    let q = plan("全部财政收入和公共财政预算收入分别增长9%和10%");
    let ids: Vec<&str> = q.iter().map(|x| x.indicator.as_str()).collect();
    assert_eq!(ids, vec!["zh:全部财政收入", "gpbr_growth"], "{q:?}");
    let q = plan("地区生产总值增长13%以上，人均地区生产总值突破5万元");
    assert_eq!(q[0].indicator, "gdp_real_growth");
    assert!(q[1].indicator.starts_with("zh:"), "{q:?}");
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

#[test]
fn a_list_runs_again_with_a_verb_of_its_own() {
    let q = plan("城镇居民人均可支配收入和农民人均纯收入分别达到12566元和5207元，增长9.7%和5.1%");
    let ids: Vec<&str> = q.iter().map(|x| x.indicator.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "urban_disp_income",
            "rural_net_income",
            "urban_disp_income_growth",
            "rural_net_income_growth"
        ],
        "{q:?}"
    );
}

#[test]
fn the_title_year_wins_over_a_comparison_year() {
    assert_eq!(
        infer_plan_year("广州市2021年政府工作报告\n城乡居民收入比2010年翻一番的目标如期实现"),
        Some(2021)
    );
    assert_eq!(
        infer_plan_year("城乡居民收入比2010年翻一番的目标如期实现"),
        None
    );
}

#[test]
fn amounts_after_a_list_of_rates_get_the_level_ids() {
    let q = plan("城镇和农村居民人均可支配收入分别增长6%和7%，分别达到42000元和21000元");
    let ids: Vec<&str> = q.iter().map(|x| x.indicator.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "urban_disp_income_growth",
            "rural_disp_income_growth",
            "urban_disp_income",
            "rural_disp_income"
        ],
        "{q:?}"
    );
}

#[test]
fn the_region_of_a_title_line() {
    let region = |text: &str| extract_text(text, "UTF-8", None).unwrap().region_zh;
    let body = "\n2023年主要预期目标是：地区生产总值增长5.5%左右。\n";
    for title in [
        "2023年淄博市政府工作报告",
        "淄博市人民政府 2023年政府工作报告",
        "淄博市2023年政府工作报告",
    ] {
        assert_eq!(
            region(&format!("{title}{body}")).as_deref(),
            Some("淄博市"),
            "{title}"
        );
    }
    assert_eq!(
        region(&format!("山东省2023年政府工作报告{body}")).as_deref(),
        Some("山东省")
    );
    for title in ["2023年山东省淄博市政府工作报告", "淄博市人民政府工作报告"]
    {
        assert_eq!(
            region(&format!("{title}{body}")).as_deref(),
            Some("淄博市"),
            "{title}"
        );
    }
    // The delegates' line, where present, decides; a title without a region names none.
    assert_eq!(
        region(&format!(
            "潍坊市2023年政府工作报告\n——在淄博市第十七届人民代表大会上{body}"
        ))
        .as_deref(),
        Some("淄博市")
    );
    assert_eq!(region(&format!("2023年政府工作报告{body}")), None);
}

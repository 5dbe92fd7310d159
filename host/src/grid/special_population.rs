//! Special populations (特殊人群): the categories, the control levels, and who may see
//! them. These records are among the most sensitive the platform keeps, so visibility is a
//! rule here, not a choice of each handler.

/// The categories (stored name, Chinese name).
pub const CATEGORIES: [(&str, &str); 6] = [
    ("released-prisoner", "刑满释放人员"),
    ("community-correction", "社区矫正人员"),
    ("drug-user", "吸毒人员"),
    ("severe-mental-disorder", "严重精神障碍患者"),
    ("hiv-risk", "艾滋病危险人员"),
    ("at-risk-youth", "重点青少年"),
];

/// Control levels, closest attention first (stored name, Chinese name).
pub const CONTROL_LEVELS: [(&str, &str); 3] = [("1", "一级"), ("2", "二级"), ("3", "三级")];

/// The stored category name for `text` (English or Chinese).
pub fn parse_category(text: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|(name, zh)| *name == text || *zh == text)
        .map(|(name, _)| *name)
}

/// The stored control level for `text` (`1`, `一级`, …).
pub fn parse_control_level(text: &str) -> Option<&'static str> {
    CONTROL_LEVELS
        .iter()
        .find(|(name, zh)| *name == text || *zh == text)
        .map(|(name, _)| *name)
}

/// The Chinese name of a stored category.
pub fn category_zh(name: &str) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("?", |(_, zh)| zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_in_both_languages() {
        assert_eq!(parse_category("社区矫正人员"), Some("community-correction"));
        assert_eq!(parse_category("drug-user"), Some("drug-user"));
        assert_eq!(parse_category("小偷"), None);
        assert_eq!(parse_control_level("二级"), Some("2"));
        assert_eq!(parse_control_level("4"), None);
        assert_eq!(category_zh("hiv-risk"), "艾滋病危险人员");
    }
}

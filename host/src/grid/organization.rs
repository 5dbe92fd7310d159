//! An organization record (实有单位/组织) and its validation, including the unified social
//! credit code (统一社会信用代码) with its GB 32100 check character.

/// Kinds of organization (stored name, Chinese name).
pub const KINDS: [(&str, &str); 5] = [
    ("enterprise", "企业"),
    ("individual-business", "个体工商户"),
    ("social-organization", "社会组织"),
    ("public-institution", "机关事业单位"),
    ("other", "其他"),
];

/// The characters of a credit code, in the order GB 32100 gives them values 0 to 30
/// (no I, O, S, V, Z).
const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the first seventeen characters.
const CREDIT_CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character of the first seventeen characters of a credit code.
fn check_character(values: &[u32]) -> u32 {
    let sum: u32 = values
        .iter()
        .zip(CREDIT_CODE_WEIGHTS)
        .map(|(value, weight)| value * weight)
        .sum();
    (31 - sum % 31) % 31
}

/// The value of one credit-code character, if it is in the alphabet.
fn value_of(c: char) -> Option<u32> {
    CREDIT_CODE_CHARS
        .find(c)
        .and_then(|i| u32::try_from(i).ok())
}

/// `body` (seventeen characters of the alphabet) completed with its check character.
pub fn with_check_character(body: &str) -> Option<String> {
    let values: Vec<u32> = body.chars().map(value_of).collect::<Option<_>>()?;
    if values.len() != 17 {
        return None;
    }
    let check = CREDIT_CODE_CHARS
        .chars()
        .nth(usize::try_from(check_character(&values)).ok()?)?;
    Some(format!("{body}{check}"))
}

/// The stored kind for `text` (English or Chinese).
pub fn parse_kind(text: &str) -> Option<&'static str> {
    KINDS
        .iter()
        .find(|(name, zh)| *name == text || *zh == text)
        .map(|(name, _)| *name)
}

/// Checks a unified social credit code: eighteen characters from the GB 32100 alphabet
/// whose last is the check character of the other seventeen. Returns what is wrong.
pub fn check_credit_code(code: &str) -> Result<(), String> {
    let values: Option<Vec<u32>> = code.chars().map(value_of).collect();
    let Some(values) = values.filter(|v| v.len() == 18) else {
        return Err(format!(
            "`{code}`: expected 18 characters of 0-9 and A-Y without I, O, S, V, Z"
        ));
    };
    if values[17] == check_character(&values[..17]) {
        Ok(())
    } else {
        Err(format!(
            "`{code}`: the check character does not match (GB 32100)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_checked() {
        // The example code printed in GB 32100-2015, and a code with a letter check.
        assert_eq!(check_credit_code("91350100M000100Y43"), Ok(()));
        assert_eq!(check_credit_code("91110000600037341L"), Ok(()));
        let wrong_check = check_credit_code("91350100M000100Y44").expect_err("check");
        assert!(wrong_check.contains("check character"), "{wrong_check}");
        assert!(
            check_credit_code("91350100M000100I43").is_err(),
            "I is not in the alphabet"
        );
        assert!(check_credit_code("9135").is_err(), "too short");
        assert_eq!(
            with_check_character("91350100M000100Y4").as_deref(),
            Some("91350100M000100Y43")
        );
        assert_eq!(with_check_character("9135"), None);
        assert_eq!(parse_kind("社会组织"), Some("social-organization"));
        assert_eq!(parse_kind("castle"), None);
    }
}

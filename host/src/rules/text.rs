//! Free text as the platform keeps it: trimmed, and within a length counted in characters
//! (a Chinese character is one, as a person counts it).

use super::error::{RuleError, RuleResult};

/// `text` trimmed, if it has `min` to `max` characters; else `Invalid` naming `field`.
pub fn within<'a>(
    field: &'static str,
    text: &'a str,
    min: usize,
    max: usize,
) -> RuleResult<&'a str> {
    let text = text.trim();
    let chars = text.chars().count();
    if (min..=max).contains(&chars) {
        Ok(text)
    } else {
        Err(RuleError::invalid(
            field,
            format!("expected {min} to {max} characters, got {chars}"),
        ))
    }
}

/// `text` trimmed, `None` when absent or blank, else at most `max` characters.
pub fn optional(field: &'static str, text: Option<&str>, max: usize) -> RuleResult<Option<String>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Ok(Some(within(field, text, 1, max)?.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_after_trimming() {
        assert_eq!(
            within("title", "  楼道堵塞 ", 1, 4).expect("four"),
            "楼道堵塞"
        );
        let refused = within("title", "   ", 1, 4).expect_err("blank");
        assert_eq!(
            refused.to_string(),
            "title: expected 1 to 4 characters, got 0"
        );
        assert_eq!(optional("note", Some(" "), 3).expect("blank"), None);
        assert!(optional("note", Some("四个字啊"), 3).is_err());
    }
}

//! Free text as the platform takes it: at most so many characters as given (a Chinese
//! character is one, as a person counts it), at least so many that are not white space, and
//! kept trimmed. The JSON API's document states exactly these bounds (`maxLength`, and a
//! pattern counting the characters that are not white space), so what the document calls
//! valid is what the rules take.

use super::error::{RuleError, RuleResult};

/// `text` trimmed, if it has at most `max` characters and at least `min` that are not white
/// space (Unicode's `White_Space`, as `char::is_whitespace` has it); else `Invalid` naming
/// `field`.
pub fn within<'a>(
    field: &'static str,
    text: &'a str,
    min: usize,
    max: usize,
) -> RuleResult<&'a str> {
    let chars = text.chars().count();
    let visible = text.chars().filter(|c| !c.is_whitespace()).count();
    if chars > max {
        return Err(RuleError::invalid(
            field,
            format!("expected at most {max} characters, got {chars}"),
        ));
    }
    if visible < min {
        return Err(RuleError::invalid(
            field,
            format!("expected {min} to {max} characters (not counting spaces), got {visible}"),
        ));
    }
    Ok(text.trim())
}

/// `text` trimmed, `None` when absent or blank, else at most `max` characters.
pub fn optional(field: &'static str, text: Option<&str>, max: usize) -> RuleResult<Option<String>> {
    let Some(text) = text else {
        return Ok(None);
    };
    let kept = within(field, text, 0, max)?;
    Ok((!kept.is_empty()).then(|| kept.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_and_blanks_do_not_count() {
        assert_eq!(
            within("title", "  楼道堵塞 ", 1, 7).expect("seven"),
            "楼道堵塞"
        );
        let refused = within("title", "   ", 1, 4).expect_err("blank");
        assert_eq!(
            refused.to_string(),
            "title: expected 1 to 4 characters (not counting spaces), got 0"
        );
        assert!(within("title", "楼道堵塞 ", 1, 4).is_err(), "five as given");
        assert!(within("reason", "a b c", 4, 10).is_err(), "three visible");
        assert_eq!(optional("note", Some("\u{3000} "), 3).expect("blank"), None);
        assert!(optional("note", Some("四个字啊"), 3).is_err());
        assert!(
            optional("note", Some("     "), 3).is_err(),
            "too long, blank or not"
        );
    }
}

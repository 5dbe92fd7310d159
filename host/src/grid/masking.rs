//! Masking of sensitive fields for every response, page and export, unless the viewer
//! holds the sensitive-data grant: `420202********1234`, `138****5678`.

/// Shortest reason accepted for an unmasked read, from a person or a plugin: a word or two
/// is not a reason.
pub const MIN_UNMASK_REASON_CHARS: usize = 4;

/// Longest reason kept: a sentence or two for the audit log.
pub const MAX_UNMASK_REASON_CHARS: usize = 500;

/// The reason for an unmasked read, trimmed, if it has at least
/// [`MIN_UNMASK_REASON_CHARS`] characters besides spaces and at most
/// [`MAX_UNMASK_REASON_CHARS`] in all; else what is wrong.
pub fn checked_unmask_reason(reason: &str) -> Result<&str, String> {
    let visible = reason.chars().filter(|c| !c.is_whitespace()).count();
    if visible < MIN_UNMASK_REASON_CHARS {
        return Err(format!(
            "state why the unmasked record is needed (at least {MIN_UNMASK_REASON_CHARS} characters, not counting spaces)"
        ));
    }
    let chars = reason.chars().count();
    if chars > MAX_UNMASK_REASON_CHARS {
        return Err(format!(
            "expected at most {MAX_UNMASK_REASON_CHARS} characters, got {chars}"
        ));
    }
    Ok(reason.trim())
}

/// An 18-character ID number keeps its 6-digit region and last 4 characters.
pub fn mask_id_number(id_number: &str) -> String {
    mask_middle(id_number, 6, 4)
}

/// A mobile number keeps its first 3 and last 4 digits.
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone, 3, 4)
}

/// Keeps `head` and `tail` characters and stars the rest. Text too short to keep both is
/// starred entirely: partial masking of a malformed value could reveal most of it.
fn mask_middle(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - head - tail;
    let mut masked: String = chars[..head].iter().collect();
    masked.push_str(&"*".repeat(hidden));
    masked.extend(&chars[chars.len() - tail..]);
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_and_phones_are_masked_as_specified() {
        assert_eq!(mask_id_number("42020219900307123X"), "420202********123X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }

    #[test]
    fn short_values_are_masked_entirely() {
        assert_eq!(mask_phone("1234567"), "*******");
        assert_eq!(mask_id_number(""), "");
    }
}

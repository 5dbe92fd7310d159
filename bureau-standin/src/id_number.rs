//! The 18-character resident ID number (GB 11643): check digit, birth date and sex.

use jiff::civil::Date;

/// The weights of the first 17 digits in the check-digit sum.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each remainder of the weighted sum mod 11.
const CHECK: &[u8; 11] = b"10X98765432";

/// A well-formed ID number: 17 digits, a valid check character and a real birth date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    /// The number, with a lowercase `x` check character made uppercase.
    canonical: String,
    birth_date: Date,
    male: bool,
}

impl IdNumber {
    /// Parses `text`, or `None` if it is not a valid GB 11643 number.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
            return None;
        }
        if bytes[17].to_ascii_uppercase() != check_char(&bytes[..17])? {
            return None;
        }
        let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i16>().ok();
        let year = number(6..10)?;
        let month = i8::try_from(number(10..12)?).ok()?;
        let day = i8::try_from(number(12..14)?).ok()?;
        let birth_date = Date::new(year, month, day).ok()?;
        let male = (bytes[16] - b'0') % 2 == 1;
        Some(Self {
            canonical: text.to_ascii_uppercase(),
            birth_date,
            male,
        })
    }

    /// The number itself (check character uppercase).
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The birth date, from characters 7–14.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Whether the person is male (character 17 odd).
    pub fn is_male(&self) -> bool {
        self.male
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: Date) -> i32 {
        let birth = self.birth_date;
        let mut age = i32::from(today.year()) - i32::from(birth.year());
        if (today.month(), today.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age
    }
}

/// The check character of 17 ASCII digits, or `None` if they are not 17 digits.
pub fn check_char(digits: &[u8]) -> Option<u8> {
    if digits.len() != 17 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    CHECK.get((sum % 11) as usize).copied()
}

/// Completes 17 digits into a valid number with its check character (tests and examples).
#[cfg(test)]
pub fn with_check(first17: &str) -> String {
    let check = check_char(first17.as_bytes()).expect("17 digits");
    format!("{first17}{}", char::from(check))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_documented_example_is_valid() {
        let id = IdNumber::parse("420202194405120116").expect("valid");
        assert_eq!(id.birth_date(), date(1944, 5, 12));
        assert!(id.is_male());
        assert_eq!(id.age_on(date(2026, 5, 11)), 81);
        assert_eq!(id.age_on(date(2026, 5, 12)), 82);
    }

    #[test]
    fn check_digits() {
        // Remainder 2 gives X; known real-format examples.
        assert_eq!(check_char(b"11010519491231002"), Some(b'X'));
        assert_eq!(check_char(b"42020219440512011"), Some(b'6'));
        assert_eq!(check_char(b"4202021944051201"), None);
        assert!(IdNumber::parse("11010519491231002X").is_some());
        assert!(IdNumber::parse("11010519491231002x").is_some());
        assert_eq!(
            IdNumber::parse("11010519491231002x").map(|id| id.as_str().to_owned()),
            Some("11010519491231002X".to_owned())
        );
        // Every wrong check character is refused.
        for wrong in "0123457890X".chars().filter(|c| *c != '6') {
            assert!(IdNumber::parse(&format!("42020219440512011{wrong}")).is_none());
        }
    }

    #[test]
    fn malformed_numbers_are_refused() {
        assert!(IdNumber::parse("").is_none());
        assert!(IdNumber::parse("42020219440512011").is_none());
        assert!(IdNumber::parse("4202021944051201166").is_none());
        assert!(IdNumber::parse("42020219440512011六").is_none());
        assert!(IdNumber::parse("4202021944051201a6").is_none());
        // A valid check character on an impossible birth date.
        assert!(IdNumber::parse(&with_check("42020219440230011")).is_none());
        assert!(IdNumber::parse(&with_check("42020219441312011")).is_none());
    }

    #[test]
    fn sex_from_the_seventeenth_character() {
        let female = IdNumber::parse(&with_check("42020219700301002")).expect("valid");
        assert!(!female.is_male());
        let male = IdNumber::parse(&with_check("42020219700301003")).expect("valid");
        assert!(male.is_male());
    }
}

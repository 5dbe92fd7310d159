//! Resident ID numbers (身份证号) by GB 11643-1999: 6-digit region, 8-digit birth date,
//! 3-digit sequence whose last digit is odd for men and even for women, and a check
//! character computed over the first 17 digits.

use jiff::civil::Date;

use super::masking::mask_id_number;

/// Weights of the first 17 digits in the check sum.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each value of the weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Gender as the ID number encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// Odd sequence digit.
    Male,
    /// Even sequence digit.
    Female,
}

/// A valid ID number with what it encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    text: String,
    birth_date: Date,
    gender: Gender,
}

/// Why an ID number was refused. Messages name what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Not 18 characters.
    #[error("ID number: expected 18 characters, got {0}")]
    Length(usize),
    /// Not 17 digits and a digit or X.
    #[error("ID number: expected 17 digits followed by a digit or X")]
    Characters,
    /// Characters 7–14 are not a real date.
    #[error("ID number: characters 7 to 14 are not a valid birth date ({0})")]
    BirthDate(String),
    /// The birth date lies in the future.
    #[error("ID number: birth date {0} is in the future")]
    FutureBirth(Date),
    /// The check character does not match.
    #[error("ID number: check character should be {expected}, found {found}")]
    CheckDigit {
        /// What the first 17 digits require.
        expected: char,
        /// What the number ends with.
        found: char,
    },
    /// The recorded birth date differs from the number's.
    #[error("ID number encodes birth date {encoded}, but the record says {recorded}")]
    BirthDateMismatch {
        /// From the number.
        encoded: Date,
        /// From the record.
        recorded: Date,
    },
    /// The recorded gender differs from the number's.
    #[error("ID number encodes gender {encoded:?}, but the record says {recorded:?}")]
    GenderMismatch {
        /// From the number.
        encoded: Gender,
        /// From the record.
        recorded: Gender,
    },
}

/// The check character GB 11643 requires after `first17`, or `None` unless `first17` is
/// exactly 17 ASCII digits. Generators build valid numbers with it.
pub fn check_character(first17: &str) -> Option<char> {
    let digits: Vec<u32> = first17
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    (digits.len() == 17).then(|| check_character_of(&digits))
}

fn check_character_of(digits: &[u32]) -> char {
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl IdNumber {
    /// Validates `text` (a lowercase `x` is accepted) against GB 11643 and `today`.
    pub fn parse(text: &str, today: Date) -> Result<Self, IdNumberError> {
        let text = text.trim().to_ascii_uppercase();
        let chars: Vec<char> = text.chars().collect();
        if chars.len() != 18 {
            return Err(IdNumberError::Length(chars.len()));
        }
        let digits: Vec<u32> = chars[..17]
            .iter()
            .map(|c| c.to_digit(10))
            .collect::<Option<_>>()
            .ok_or(IdNumberError::Characters)?;
        let found = chars[17];
        if !(found.is_ascii_digit() || found == 'X') {
            return Err(IdNumberError::Characters);
        }
        let expected = check_character_of(&digits);
        if expected != found {
            return Err(IdNumberError::CheckDigit { expected, found });
        }
        let birth = &text[6..14];
        let birth_date = Date::strptime("%Y%m%d", birth)
            .map_err(|_| IdNumberError::BirthDate(birth.to_owned()))?;
        if birth_date > today {
            return Err(IdNumberError::FutureBirth(birth_date));
        }
        let gender = if digits[16] % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        };
        Ok(Self {
            text,
            birth_date,
            gender,
        })
    }

    /// Checks that a record's birth date and gender agree with the number.
    pub fn check_consistent(&self, birth_date: Date, gender: Gender) -> Result<(), IdNumberError> {
        if birth_date != self.birth_date {
            return Err(IdNumberError::BirthDateMismatch {
                encoded: self.birth_date,
                recorded: birth_date,
            });
        }
        if gender != self.gender {
            return Err(IdNumberError::GenderMismatch {
                encoded: self.gender,
                recorded: gender,
            });
        }
        Ok(())
    }

    /// The number, uppercase.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The encoded birth date.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// The encoded gender.
    pub fn gender(&self) -> Gender {
        self.gender
    }

    /// The number as shown to viewers without the sensitive-data grant.
    pub fn masked(&self) -> String {
        mask_id_number(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const TODAY: Date = date(2026, 11, 28);

    /// A number with a correct check character for the given first 17 digits.
    fn with_check(first17: &str) -> String {
        let sum: u32 = first17
            .chars()
            .zip(WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        format!("{first17}{}", CHECK_CHARS[(sum % 11) as usize])
    }

    #[test]
    fn the_standard_example_is_valid() {
        // The example of GB 11643-1999 itself.
        let id = IdNumber::parse("11010519491231002x", TODAY).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn the_check_character_is_public_for_generators() {
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("1101051949123100"), None);
        assert_eq!(check_character("1101051949123100a"), None);
    }

    #[test]
    fn each_defect_is_named() {
        assert_eq!(
            IdNumber::parse("4202021990", TODAY),
            Err(IdNumberError::Length(10))
        );
        assert_eq!(
            IdNumber::parse("42020219900A071234", TODAY),
            Err(IdNumberError::Characters)
        );
        let valid = with_check("42020219900307123");
        let last = valid.chars().last().unwrap_or('0');
        let wrong = if last == '0' { '1' } else { '0' };
        let tampered = format!("{}{wrong}", &valid[..17]);
        assert!(matches!(
            IdNumber::parse(&tampered, TODAY),
            Err(IdNumberError::CheckDigit { .. })
        ));
        assert!(matches!(
            IdNumber::parse(&with_check("42020219900230123"), TODAY),
            Err(IdNumberError::BirthDate(_))
        ));
        assert!(matches!(
            IdNumber::parse(&with_check("42020220300101123"), TODAY),
            Err(IdNumberError::FutureBirth(_))
        ));
    }

    #[test]
    fn records_must_agree_with_the_number() {
        let id = IdNumber::parse(&with_check("42020219900307123"), TODAY).expect("valid");
        assert_eq!(id.gender(), Gender::Male);
        assert!(id.check_consistent(date(1990, 3, 7), Gender::Male).is_ok());
        assert!(matches!(
            id.check_consistent(date(1990, 3, 8), Gender::Male),
            Err(IdNumberError::BirthDateMismatch { .. })
        ));
        assert!(matches!(
            id.check_consistent(date(1990, 3, 7), Gender::Female),
            Err(IdNumberError::GenderMismatch { .. })
        ));
    }
}

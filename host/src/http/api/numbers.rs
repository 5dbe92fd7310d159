//! Whole numbers in JSON bodies as JSON Schema reads `integer`: `7` and `7.0` alike (a
//! number whose fraction is zero), which serde's `i64` alone would refuse.

use serde::{Deserialize, Deserializer};

/// 2^63: exactly representable, and the first whole number past `i64`.
const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;

/// Reads an `i64` from a JSON integer, or from a number with no fraction within range.
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Whole(i64),
        Float(f64),
    }
    match Number::deserialize(deserializer)? {
        Number::Whole(whole) => Ok(whole),
        Number::Float(float)
            if float.fract() == 0.0 && (-I64_LIMIT..I64_LIMIT).contains(&float) =>
        {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "checked whole and in range above"
            )]
            Ok(float as i64)
        }
        Number::Float(float) => Err(serde::de::Error::custom(format!(
            "expected a whole number, got {float}"
        ))),
    }
}

/// Reads an optional `i64` as [`integer`] does; `null` (or nothing, with
/// `#[serde(default)]`) is `None`.
pub fn optional_integer<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "integer")] i64);
    Ok(Option::<Whole>::deserialize(deserializer)?.map(|Whole(n)| n))
}

/// Reads a field of a change that may be left out (`None`: stays as it is), `null`
/// (`Some(None)`: cleared) or a whole number (`Some(Some(n))`). Use with
/// `#[serde(default)]`, which gives `None` for a field left out.
pub fn present_integer<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<i64>>, D::Error> {
    optional_integer(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::integer")]
        id: i64,
    }

    fn id(json: &str) -> Result<i64, serde_json::Error> {
        serde_json::from_str::<Body>(json).map(|b| b.id)
    }

    #[derive(Debug, Deserialize)]
    struct Change {
        #[serde(default, deserialize_with = "super::present_integer")]
        house_id: Option<Option<i64>>,
    }

    #[test]
    fn a_change_tells_left_out_from_cleared() {
        let read = |json: &str| serde_json::from_str::<Change>(json).map(|c| c.house_id);
        assert_eq!(read("{}").expect("left out"), None);
        assert_eq!(read(r#"{"house_id": null}"#).expect("cleared"), Some(None));
        assert_eq!(read(r#"{"house_id": 3.0}"#).expect("set"), Some(Some(3)));
        assert!(read(r#"{"house_id": "3"}"#).is_err());
    }

    #[test]
    fn whole_numbers_are_read_however_written() {
        assert_eq!(id(r#"{"id": 7}"#).expect("7"), 7);
        assert_eq!(id(r#"{"id": 7.0}"#).expect("7.0"), 7);
        assert_eq!(id(r#"{"id": -3}"#).expect("-3"), -3);
        assert!(id(r#"{"id": 7.5}"#).is_err());
        assert!(id(r#"{"id": 1e300}"#).is_err());
        assert!(id(r#"{"id": "7"}"#).is_err());
    }
}

//! Urlencoded forms and query strings into typed values, with errors that name the field.
//!
//! `serde_urlencoded` decodes the pairs; the values then go through a small deserializer of
//! our own, because `serde_urlencoded` reports `invalid digit found in string` without
//! saying which field held the digit, and a form page wants to tell the user which input
//! to fix.

use std::fmt;

use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, MapAccess, Visitor};

use crate::Error;

/// The decoded `name=value` pairs of an urlencoded body or query string, in order.
pub(crate) fn pairs(input: &[u8]) -> Vec<(String, String)> {
    // Decoding pairs into strings cannot fail: invalid UTF-8 is replaced, not rejected.
    serde_urlencoded::from_bytes(input).unwrap_or_default()
}

/// `T` from an urlencoded body or query string. A value that does not parse gives
/// `Error::Invalid` with ``field `name`: …``; a missing field keeps serde's
/// ``missing field `name` ``.
pub(crate) fn from_urlencoded<T: DeserializeOwned>(input: &[u8]) -> Result<T, Error> {
    T::deserialize(Fields(pairs(input))).map_err(|error| Error::Invalid(error.0))
}

/// What went wrong, already phrased for the user.
#[derive(Debug)]
struct FieldError(String);

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FieldError {}

impl de::Error for FieldError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

/// The whole form: a map from field names to values.
struct Fields(Vec<(String, String)>);

impl<'de> Deserializer<'de> for Fields {
    type Error = FieldError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
        visitor.visit_map(FieldAccess {
            pairs: self.0.into_iter(),
            current: None,
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Walks the pairs, remembering the current field so a value's error can name it.
struct FieldAccess {
    pairs: std::vec::IntoIter<(String, String)>,
    current: Option<(String, String)>,
}

impl<'de> MapAccess<'de> for FieldAccess {
    type Error = FieldError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, FieldError> {
        let Some((name, value)) = self.pairs.next() else {
            return Ok(None);
        };
        let key = seed.deserialize(Value(name.clone()))?;
        self.current = Some((name, value));
        Ok(Some(key))
    }

    fn next_value_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, FieldError> {
        let (name, value) = self
            .current
            .take()
            .ok_or_else(|| FieldError("a form value was asked for before its name".into()))?;
        seed.deserialize(Value(value))
            .map_err(|error| FieldError(format!("field `{name}`: {error}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len())
    }
}

/// One name or value: text that becomes whatever the field's type asks for, as
/// `serde_urlencoded` does, except that an empty value of an `Option` field is `None`
/// (an HTML form sends every input, filled in or not).
struct Value(String);

/// Parses the text for each primitive type the visitor may ask for.
macro_rules! parse_as {
    ($($method:ident => $visit:ident,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
                visitor.$visit(self.0.parse().map_err(de::Error::custom)?)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Value {
    type Error = FieldError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
        visitor.visit_string(self.0)
    }

    parse_as! {
        deserialize_bool => visit_bool,
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_i128 => visit_i128,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_u128 => visit_u128,
        deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64,
        deserialize_char => visit_char,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
        if self.0.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        let text: StringDeserializer<FieldError> = self.0.into_deserializer();
        visitor.visit_enum(text)
    }

    serde::forward_to_deserialize_any! {
        str string bytes byte_buf unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Food,
        Rent,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Claim {
        name: String,
        amount: u32,
        kind: Kind,
        urgent: bool,
        note: Option<String>,
        age: Option<u8>,
    }

    fn invalid_text<T: DeserializeOwned + fmt::Debug>(input: &str) -> String {
        match from_urlencoded::<T>(input.as_bytes()) {
            Err(Error::Invalid(text)) => text,
            other => panic!("expected an invalid error, got {other:?}"),
        }
    }

    #[test]
    fn a_form_becomes_a_struct() {
        let claim: Claim = from_urlencoded(
            b"name=%E5%B0%8F%E6%98%8E+li&amount=12&kind=rent&urgent=true&note=&age=7",
        )
        .expect("valid form");
        assert_eq!(
            claim,
            Claim {
                name: "小明 li".into(),
                amount: 12,
                kind: Kind::Rent,
                urgent: true,
                note: None,
                age: Some(7),
            }
        );
        assert_eq!(
            Kind::Food,
            from_urlencoded::<BTreeMap<String, Kind>>(b"k=food").expect("map")["k"]
        );
    }

    #[test]
    fn a_bad_value_names_its_field() {
        assert_eq!(
            invalid_text::<Claim>("name=a&amount=12x&kind=food&urgent=false"),
            "field `amount`: invalid digit found in string"
        );
        assert!(
            invalid_text::<Claim>("name=a&amount=1&kind=boat&urgent=false")
                .starts_with("field `kind`: unknown variant `boat`")
        );
        assert!(
            invalid_text::<Claim>("name=a&amount=1&kind=food&urgent=yes")
                .starts_with("field `urgent`:")
        );
    }

    #[test]
    fn a_missing_field_keeps_serdes_message() {
        assert_eq!(
            invalid_text::<Claim>("name=a&kind=food&urgent=false"),
            "missing field `amount`"
        );
    }

    #[test]
    fn pairs_are_decoded_in_order() {
        assert_eq!(
            pairs(b"b=2&a=%E4%BD%A0&a=x+y&flag"),
            [
                ("b".into(), "2".into()),
                ("a".into(), "你".into()),
                ("a".into(), "x y".into()),
                ("flag".into(), String::new())
            ]
        );
        assert!(pairs(b"").is_empty());
    }
}

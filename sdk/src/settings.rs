//! Typed reads of the installation's configuration: the text the admin set, parsed into
//! the type the plugin wants.

use std::fmt::Display;
use std::str::FromStr;

use crate::{Error, config};

/// The config value of `key` parsed as a `T`; `None` if it is neither set nor defaulted in
/// the manifest. Text that does not parse is [`Error::Invalid`] naming the key.
///
/// ```no_run
/// # fn run() -> Result<(), wangge_sdk::Error> {
/// let threshold: Option<u32> = wangge_sdk::config_value("alert-age")?;
/// # Ok(()) }
/// ```
pub fn config_value<T>(key: &str) -> Result<Option<T>, Error>
where
    T: FromStr,
    T::Err: Display,
{
    parse(key, config::get(key))
}

/// The config value of `key` parsed as a `T`, or `default` when it is not set.
///
/// ```no_run
/// # fn run() -> Result<(), wangge_sdk::Error> {
/// let greeting: String = wangge_sdk::config_or("greeting", "你好".to_owned())?;
/// let age: u32 = wangge_sdk::config_or("alert-age", 80)?;
/// # Ok(()) }
/// ```
pub fn config_or<T>(key: &str, default: T) -> Result<T, Error>
where
    T: FromStr,
    T::Err: Display,
{
    Ok(config_value(key)?.unwrap_or(default))
}

fn parse<T>(key: &str, text: Option<String>) -> Result<Option<T>, Error>
where
    T: FromStr,
    T::Err: Display,
{
    text.map(|text| {
        text.parse().map_err(|error| {
            Error::Invalid(format!("config `{key}` has the value {text:?}: {error}"))
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_into_the_asked_type() {
        assert_eq!(
            parse::<u32>("age", Some("80".into())).expect("parses"),
            Some(80)
        );
        assert_eq!(parse::<u32>("age", None).expect("absent"), None);
        assert_eq!(
            parse::<String>("greeting", Some("早".into())).expect("text"),
            Some("早".to_owned())
        );
    }

    #[test]
    fn text_that_does_not_parse_names_the_key() {
        let error = parse::<u32>("alert-age", Some("eighty".into())).expect_err("not a number");
        assert!(
            matches!(error, Error::Invalid(ref m) if m.contains("`alert-age`") && m.contains("eighty")),
            "{error:?}"
        );
    }
}

//! How pages write times and links: China Standard Time to the minute, query values
//! percent-encoded, and `next=` targets kept on this site.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a query value keeps as it is: letters, digits, `-_.~` and `/` (paths stay
/// readable in `next=`).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes `text` for a query value.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// `next` if it is a path on this site (`/…`, not `//…` or `/\…`, which browsers take as
/// another host), else `/`.
pub fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local { next } else { "/" }
}

/// A time in ms as China Standard Time, `YYYY-MM-DD HH:MM` (the rules' messages write
/// times the same way).
pub use crate::grid::calendar::china_time;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/reports/3"), "/reports/3");
        assert_eq!(local_path("/inbox?x=1"), "/inbox?x=1");
        for foreign in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "",
            "reports",
        ] {
            assert_eq!(local_path(foreign), "/", "{foreign}");
        }
    }

    #[test]
    fn next_is_encoded() {
        assert_eq!(encode("/reports?a=1&b=2"), "/reports%3Fa%3D1%26b%3D2");
    }

    #[test]
    fn times_are_in_china() {
        assert_eq!(china_time(0), "1970-01-01 08:00");
    }
}

//! The response format in the URL: GeoReport allows `.json` and `.xml`; only JSON is served.

use super::error::Open311Error;

const ONLY_JSON: &str = "only the JSON format is served: use the .json URL";

/// The name before `.json` in a `{name}.json` path segment; `.xml` (and anything else) is
/// refused.
pub(super) fn json_name(segment: &str) -> Result<&str, Open311Error> {
    if let Some(name) = segment.strip_suffix(".json") {
        return Ok(name);
    }
    if segment.ends_with(".xml") {
        return Err(Open311Error::bad_request(ONLY_JSON));
    }
    Err(Open311Error::not_found(format!(
        "{segment} not found ({ONLY_JSON})"
    )))
}

/// Any `.xml` list URL.
pub(super) async fn xml_refused() -> Open311Error {
    Open311Error::bad_request(ONLY_JSON)
}

//! The client of the medical insurance bureau's API (docs/bureau-api.md): which residents
//! have not paid for the campaign year, and the designated hospitals of a county. The base
//! URL is the `bureau_url` config value; the host only lets the plugin reach the host its
//! `outbound:` permission names.

use serde::{Deserialize, Serialize};
use wangge_sdk::prelude::*;
use wangge_sdk::{OutboundResponse, log};

/// Where the bureau is when the admin did not say: the stand-in's demo address.
pub const DEFAULT_URL: &str = "http://127.0.0.1:9300";

/// What the page says when the bureau cannot be reached or fails.
pub const DOWN_MESSAGE: &str = "医保经办机构暂时无法访问，请稍后再试。";

/// The most ID numbers the bureau takes in one `unpaid` request.
pub const MAX_BATCH: usize = 500;

/// Why a bureau call failed.
#[derive(Debug)]
pub enum BureauError {
    /// Unreachable, timed out, or a 5xx: try again later.
    Down,
    /// The bureau refused the request (a 4xx) or answered something unexpected.
    Refused(String),
    /// The host refused the call (no permission, bad config …): the plugin's or the
    /// admin's mistake, shown as it is.
    Host(Error),
}

impl BureauError {
    /// The error as the page shows it: 503 with [`DOWN_MESSAGE`] when the bureau is down.
    pub fn into_error(self) -> Error {
        match self {
            Self::Down => Error::unavailable(DOWN_MESSAGE),
            Self::Refused(message) => {
                Error::unavailable(format!("医保经办机构拒绝了请求：{message}"))
            }
            Self::Host(error) => error,
        }
    }
}

/// The bureau's base URL, without a trailing `/`.
pub fn base_url() -> Result<String, Error> {
    let url: String = config_or("bureau_url", DEFAULT_URL.to_owned())?;
    Ok(url.trim().trim_end_matches('/').to_owned())
}

/// The bureau's error body.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
}

/// Sorts an outbound answer into success, down and refused.
fn check(
    path: &str,
    answer: Result<OutboundResponse, Error>,
) -> Result<OutboundResponse, BureauError> {
    let response = match answer {
        Ok(response) => response,
        Err(Error::Unavailable(message)) => {
            log::write(
                log::Level::Warn,
                "bureau unreachable",
                &[
                    ("path".to_owned(), path.to_owned()),
                    ("error".to_owned(), message),
                ],
            );
            return Err(BureauError::Down);
        }
        Err(other) => return Err(BureauError::Host(other)),
    };
    if response.is_success() {
        return Ok(response);
    }
    log::write(
        log::Level::Warn,
        "bureau answered an error",
        &[
            ("path".to_owned(), path.to_owned()),
            ("status".to_owned(), response.status.to_string()),
        ],
    );
    if response.status >= 500 {
        return Err(BureauError::Down);
    }
    let message = response
        .json::<ErrorBody>()
        .map(|body| body.message)
        .ok()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| format!("HTTP {}", response.status));
    Err(BureauError::Refused(message))
}

fn decode<T: for<'de> Deserialize<'de>>(response: &OutboundResponse) -> Result<T, BureauError> {
    response
        .json()
        .map_err(|error| BureauError::Refused(format!("答复格式不正确（{}）", error.message())))
}

#[derive(Serialize)]
struct IdNumbers<'a> {
    id_numbers: &'a [String],
}

/// The bureau's answer to `unpaid`.
#[derive(Debug, Deserialize)]
pub struct Unpaid {
    /// The year the campaign collects for.
    pub campaign_year: i64,
    /// The ID numbers of those not yet paid, in the order given.
    pub unpaid: Vec<String>,
}

/// Which of `id_numbers` have not paid for the campaign year, asked in batches of
/// [`MAX_BATCH`]. With no numbers the bureau is not asked and the year is `None`.
pub fn unpaid(id_numbers: &[String]) -> Result<Option<Unpaid>, BureauError> {
    let base = base_url().map_err(BureauError::Host)?;
    let path = "/api/v1/medical/unpaid";
    let mut all: Option<Unpaid> = None;
    for batch in id_numbers.chunks(MAX_BATCH) {
        let answer = http_post_json(&format!("{base}{path}"), &IdNumbers { id_numbers: batch });
        let response = check(path, answer)?;
        let part: Unpaid = decode(&response)?;
        match &mut all {
            Some(all) => all.unpaid.extend(part.unpaid),
            None => all = Some(part),
        }
    }
    Ok(all)
}

/// A designated hospital (定点医疗机构).
#[derive(Debug, Clone, Deserialize)]
pub struct Hospital {
    /// The bureau's code for it.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its grade, e.g. `三级甲等`.
    #[serde(default)]
    pub level: String,
    /// Its address.
    #[serde(default)]
    pub address: String,
}

#[derive(Deserialize)]
struct Hospitals {
    hospitals: Vec<Hospital>,
}

/// The designated hospitals of `county` (6 digits); an unknown county has none.
pub fn hospitals(county: &str) -> Result<Vec<Hospital>, BureauError> {
    let base = base_url().map_err(BureauError::Host)?;
    let path = format!("/api/v1/medical/hospitals?county={county}");
    let answer = http_get(&format!("{base}{path}"));
    let response = check(&path, answer)?;
    Ok(decode::<Hospitals>(&response)?.hospitals)
}

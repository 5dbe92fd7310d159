//! The insurance bureau's API (docs/bureau-api.md) through the host's `outbound` import:
//! what each call answers, and every way it can fail, in terms a page can explain.

use serde::{Deserialize, Serialize};
use wangge_sdk::{Error, OutboundResponse, config_or, http_get, http_post_json, log};

use crate::model::{Method, PensionRecord};

/// The stand-in's demo address; the manifest's default for `bureau_url`.
pub const DEFAULT_URL: &str = "http://127.0.0.1:9300";

/// Most ID numbers the bureau takes in one batch.
pub const MAX_BATCH: usize = 500;

/// Why a bureau call gave no answer to use.
#[derive(Debug, Clone, PartialEq)]
pub enum BureauError {
    /// Down, unreachable, too slow or failing (5xx): try again later. Nothing changed.
    Unavailable(String),
    /// The installation may not reach `bureau_url`: the config names a host the admin did
    /// not grant (`outbound:HOST`), or is not an http(s) URL.
    Misconfigured(String),
    /// 404 `unknown-person`: the bureau has no such ID number.
    UnknownPerson,
    /// 409 `not-a-pensioner`.
    NotPensioner,
    /// 400 `invalid` or another answer this plugin does not expect: the text says which.
    Refused(String),
}

impl BureauError {
    /// What the page says, in Chinese.
    pub fn message(&self) -> String {
        match self {
            BureauError::Unavailable(_) => UNAVAILABLE_MESSAGE.to_owned(),
            BureauError::Misconfigured(_) => {
                "社保经办机构接口地址配置有误或未获授权访问，请联系本单位管理员核对 bureau_url 配置与授予的外部访问权限。"
                    .to_owned()
            }
            BureauError::UnknownPerson => "社保经办机构未查到该身份证号的参保信息。".to_owned(),
            BureauError::NotPensioner => {
                "该人员不是养老金领取人员，无需进行待遇资格认证。".to_owned()
            }
            BureauError::Refused(text) => format!("社保经办机构未受理本次请求：{text}"),
        }
    }

    /// The HTTP status of the page that explains it.
    pub fn status(&self) -> u16 {
        match self {
            BureauError::Unavailable(_) | BureauError::Misconfigured(_) => 503,
            BureauError::UnknownPerson => 404,
            BureauError::NotPensioner => 409,
            BureauError::Refused(_) => 502,
        }
    }

    /// As the contract's error, for hooks.
    #[cfg_attr(
        feature = "release-1-0",
        expect(dead_code, reason = "1.0.0 has no scheduled reminders")
    )]
    pub fn into_error(self) -> Error {
        match self {
            BureauError::Unavailable(text) | BureauError::Misconfigured(text) => {
                Error::Unavailable(format!("the insurance bureau: {text}"))
            }
            other => Error::Invalid(format!("the insurance bureau: {other:?}")),
        }
    }
}

/// The message every page shows while the bureau cannot be reached.
pub const UNAVAILABLE_MESSAGE: &str = "社保经办机构暂时无法访问，请稍后再试。";

/// The bureau's error body.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    message: String,
}

/// The base URL from config, without a trailing `/`.
fn base_url() -> Result<String, BureauError> {
    let url: String = config_or("bureau_url", DEFAULT_URL.to_owned())
        .map_err(|e| BureauError::Misconfigured(e.message().to_owned()))?;
    let url = url.trim().trim_end_matches('/').to_owned();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(BureauError::Misconfigured(format!(
            "bureau_url `{url}` is not an http(s) URL"
        )));
    }
    Ok(url)
}

/// An ID number as a URL path segment: only digits and `X` ever reach the bureau.
fn path_segment(id_number: &str) -> Result<&str, BureauError> {
    if !id_number.is_empty()
        && id_number
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'X' || b == b'x')
    {
        Ok(id_number)
    } else {
        Err(BureauError::UnknownPerson)
    }
}

fn transport(error: Error) -> BureauError {
    match error {
        Error::Unavailable(text) => BureauError::Unavailable(text),
        Error::Denied(text) | Error::Invalid(text) => BureauError::Misconfigured(text),
        Error::NotFound(text) | Error::QuotaExceeded(text) => BureauError::Unavailable(text),
    }
}

/// The answer's body as a `T` for 2xx; the bureau's error otherwise.
fn decode<T: serde::de::DeserializeOwned>(
    what: &str,
    response: OutboundResponse,
) -> Result<T, BureauError> {
    if response.is_success() {
        return response.json().map_err(|e| {
            log::write(
                log::Level::Warn,
                "unexpected answer from the insurance bureau",
                &[("call".to_owned(), what.to_owned())],
            );
            BureauError::Unavailable(e.message().to_owned())
        });
    }
    if response.status >= 500 {
        return Err(BureauError::Unavailable(format!(
            "{what} answered HTTP {}",
            response.status
        )));
    }
    let body: ErrorBody = response.json().unwrap_or(ErrorBody {
        error: String::new(),
        message: String::new(),
    });
    match (response.status, body.error.as_str()) {
        (404, _) => Err(BureauError::UnknownPerson),
        (409, "not-a-pensioner") => Err(BureauError::NotPensioner),
        (status, _) => {
            let text = if body.message.is_empty() {
                format!("HTTP {status}")
            } else {
                body.message
            };
            Err(BureauError::Refused(text))
        }
    }
}

/// `GET /api/v1/pension/{id_number}`.
pub fn pension(id_number: &str) -> Result<PensionRecord, BureauError> {
    let url = format!(
        "{}/api/v1/pension/{}",
        base_url()?,
        path_segment(id_number)?
    );
    let response = http_get(&url).map_err(transport)?;
    decode("GET /api/v1/pension", response)
}

#[derive(Serialize)]
struct CertifyBody<'a> {
    method: &'a str,
    recorded_by: &'a str,
}

/// `POST /api/v1/pension/{id_number}/certification`: certifies this year; answers the
/// updated record.
pub fn certify(
    id_number: &str,
    method: Method,
    recorded_by: &str,
) -> Result<PensionRecord, BureauError> {
    let url = format!(
        "{}/api/v1/pension/{}/certification",
        base_url()?,
        path_segment(id_number)?
    );
    let body = CertifyBody {
        method: method.code(),
        recorded_by,
    };
    let response = http_post_json(&url, &body).map_err(transport)?;
    decode("POST /api/v1/pension/…/certification", response)
}

#[derive(Serialize)]
struct DueRequest<'a> {
    id_numbers: &'a [String],
}

#[derive(Deserialize)]
struct DueAnswer {
    due: Vec<String>,
}

/// `POST /api/v1/pension/certification-due`, in batches of [`MAX_BATCH`]: those of
/// `id_numbers` who are pensioners not yet certified this year, in the order given.
pub fn certification_due(id_numbers: &[String]) -> Result<Vec<String>, BureauError> {
    let url = format!("{}/api/v1/pension/certification-due", base_url()?);
    let mut due = Vec::new();
    for batch in id_numbers.chunks(MAX_BATCH) {
        let response =
            http_post_json(&url, &DueRequest { id_numbers: batch }).map_err(transport)?;
        let answer: DueAnswer = decode("POST /api/v1/pension/certification-due", response)?;
        due.extend(answer.due);
    }
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> OutboundResponse {
        OutboundResponse {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn errors_map_to_what_a_page_can_say() {
        let not = decode::<DueAnswer>(
            "t",
            answer(
                409,
                r#"{"error":"not-a-pensioner","message":"非养老金领取人员"}"#,
            ),
        );
        assert!(matches!(not, Err(BureauError::NotPensioner)));
        let down = decode::<DueAnswer>("t", answer(502, "bad gateway"));
        assert!(matches!(down, Err(BureauError::Unavailable(_))));
        let unknown = decode::<DueAnswer>("t", answer(404, "{}"));
        assert!(matches!(unknown, Err(BureauError::UnknownPerson)));
        let invalid = decode::<DueAnswer>(
            "t",
            answer(400, r#"{"error":"invalid","message":"缺少 recorded_by"}"#),
        );
        assert_eq!(
            invalid.err().map(|e| e.message()),
            Some("社保经办机构未受理本次请求：缺少 recorded_by".to_owned())
        );
        let ok = decode::<DueAnswer>("t", answer(200, r#"{"due":["1"]}"#)).expect("ok");
        assert_eq!(ok.due, ["1"]);
        assert_eq!(BureauError::Unavailable(String::new()).status(), 503);
        assert!(path_segment("42/../x").is_err());
    }
}

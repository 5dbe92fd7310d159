//! Outbound HTTP in one call: GET, GET of JSON and POST of JSON to the hosts the admin
//! allowed (`outbound:<host>` permissions), with the answer's status left to the caller.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::outbound::{self, Request};

/// The answer to an outbound request: `status`, `headers` and `body` as received, whatever
/// the status. Use [`is_success`](OutboundResponse::is_success) or
/// [`error_for_status`](OutboundResponse::error_for_status) to act on it.
pub type OutboundResponse = outbound::Response;

impl OutboundResponse {
    /// True for a `2xx` status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The value of a response header; `name` is matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as text; bytes that are not UTF-8 become `�`.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded from JSON as a `T`; a body that is not a `T` is
    /// [`Error::Invalid`].
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|error| {
            Error::Invalid(format!(
                "the HTTP {} answer is not the expected JSON: {error}",
                self.status
            ))
        })
    }

    /// The response itself for a `2xx` status; otherwise [`Error::Unavailable`] naming
    /// the status, for code that has nothing better to do with a failure.
    pub fn error_for_status(self) -> Result<Self, Error> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(Error::Unavailable(format!(
                "the server answered HTTP {}",
                self.status
            )))
        }
    }
}

/// `GET url`, answered with any status.
///
/// ```no_run
/// # fn run() -> Result<(), wangge_sdk::Error> {
/// let response = wangge_sdk::http_get("https://weather.example/today")?;
/// if response.status == 404 {
///     // no forecast today
/// } else {
///     let text = response.error_for_status()?.text();
/// }
/// # Ok(()) }
/// ```
pub fn http_get(url: &str) -> Result<OutboundResponse, Error> {
    outbound::fetch(&Request {
        method: "GET".to_owned(),
        url: url.to_owned(),
        headers: Vec::new(),
        body: Vec::new(),
    })
}

/// `GET url` asking for JSON, decoded as a `T`. A status other than `2xx` is
/// [`Error::Unavailable`] naming the status and URL; call [`http_get`] to handle statuses
/// yourself.
pub fn http_get_json<T: DeserializeOwned>(url: &str) -> Result<T, Error> {
    let response = outbound::fetch(&Request {
        method: "GET".to_owned(),
        url: url.to_owned(),
        headers: vec![("accept".to_owned(), "application/json".to_owned())],
        body: Vec::new(),
    })?;
    if !response.is_success() {
        return Err(Error::Unavailable(format!(
            "GET {url} answered HTTP {}",
            response.status
        )));
    }
    response.json()
}

/// `POST url` with `body` as JSON, answered with any status.
pub fn http_post_json<B: Serialize + ?Sized>(
    url: &str,
    body: &B,
) -> Result<OutboundResponse, Error> {
    let body = serde_json::to_vec(body)
        .map_err(|error| Error::Invalid(format!("cannot send the body to {url}: {error}")))?;
    outbound::fetch(&Request {
        method: "POST".to_owned(),
        url: url.to_owned(),
        headers: vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("accept".to_owned(), "application/json".to_owned()),
        ],
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> OutboundResponse {
        OutboundResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn responses_keep_their_status_and_decode_on_request() {
        let ok = response(200, "[1,2]");
        assert!(ok.is_success());
        assert_eq!(ok.header("content-type"), Some("application/json"));
        assert_eq!(ok.json::<Vec<u8>>().expect("json"), [1, 2]);
        assert_eq!(ok.text(), "[1,2]");
        assert!(matches!(ok.json::<String>(), Err(Error::Invalid(_))));

        let missing = response(404, "gone");
        assert!(!missing.is_success());
        assert!(matches!(
            missing.error_for_status(),
            Err(Error::Unavailable(m)) if m.contains("404")
        ));
    }
}

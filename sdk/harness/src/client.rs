//! Requests to the host as one user (or nobody), through the whole HTTP stack in process.

use axum::body::Body;
use axum::http::{Method, Request, header};
use tower::ServiceExt;

use crate::TestHost;

/// A page as the browser would get it.
#[derive(Debug, Clone)]
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// Response headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as text (the host's pages are UTF-8).
    pub body: String,
}

impl Page {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Sends requests as one user; from [`TestHost::as_user`] or [`TestHost::anonymous`].
pub struct Client<'a> {
    pub(crate) host: &'a TestHost,
    pub(crate) token: Option<String>,
}

impl Client<'_> {
    /// `GET path` (with its query string, if any).
    pub fn get(&self, path: &str) -> Page {
        self.send(Method::GET, path, None)
    }

    /// `POST path` with an urlencoded form.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields
            .iter()
            .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(Method::POST, path, Some(body))
    }

    fn send(&self, method: Method, path: &str, form: Option<String>) -> Page {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match form {
            Some(form) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(form)
            }
            None => Body::empty(),
        };
        let request = request
            .body(body)
            .unwrap_or_else(|e| panic!("cannot build a request for {path}: {e}"));
        let router = self.host.router.clone();
        self.host.block_on(async move {
            let response = match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap_or_else(|e| panic!("cannot read the body of {path}: {e}"));
            Page {
                status,
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }
        })
    }
}

/// Percent-encodes a form key or value (`application/x-www-form-urlencoded`).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(encode("a b&c=d"), "a+b%26c%3Dd");
        assert_eq!(encode("张"), "%E5%BC%A0");
        assert_eq!(encode("x-y_z.1*"), "x-y_z.1*");
    }
}

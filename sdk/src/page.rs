//! Page responses from hand-written HTML strings, and query-string lookup.
//!
//! New code should build pages with [`html!`](crate::html::html) and
//! [`html::page`](crate::html::page), which escape every interpolated value; these string
//! helpers stay for fixed markup and for plugins written before them.

use crate::Response;

/// A `200 OK` HTML fragment with a title; the host frames it in its layout.
///
/// The fragment is written by the plugin and sent as it is: escape anything that came from
/// a user with [`escape_html`] before putting it in. [`html!`](crate::html::html) with
/// [`html::page`](crate::html::page) does that by default and is the safer choice.
pub fn html(title: &str, fragment: String) -> Response {
    html_response(200, title, fragment)
}

/// An HTML fragment response with any status; shared with [`crate::html`].
pub(crate) fn html_response(status: u16, title: &str, fragment: String) -> Response {
    Response {
        status,
        title: Some(title.to_owned()),
        headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
        body: fragment.into_bytes(),
    }
}

/// Escapes text for HTML element content and attribute values. Not needed inside
/// [`html!`](crate::html::html), which escapes on its own.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The value of `name` in an `a=1&b=2` query string, percent-decoding `+` and `%XX`.
/// In a [`Router`](crate::Router) handler, [`Ctx::query_param`](crate::Ctx::query_param)
/// does the same for the request's query.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key) == name).then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(
            escape_html("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn query_parameters_are_found_and_decoded() {
        let query = "a=1&name=%E5%B0%8F%E6%98%8E+li&empty&bad=%zz";
        assert_eq!(query_param(query, "name").as_deref(), Some("小明 li"));
        assert_eq!(query_param(query, "a").as_deref(), Some("1"));
        assert_eq!(query_param(query, "empty").as_deref(), Some(""));
        assert_eq!(query_param(query, "bad").as_deref(), Some("%zz"));
        assert_eq!(query_param(query, "missing"), None);
    }

    #[test]
    fn html_pages_carry_their_title_and_type() {
        let response = html("标题", "<p>x</p>".into());
        assert_eq!(response.status, 200);
        assert_eq!(response.title.as_deref(), Some("标题"));
        assert_eq!(response.body, b"<p>x</p>");
        assert!(
            response
                .headers
                .iter()
                .any(|(k, v)| k == "content-type" && v.starts_with("text/html"))
        );
    }
}

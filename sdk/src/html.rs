//! HTML pages that are safe by default: maud's [`html!`] escapes every value put into it,
//! so text from a user can never become markup.
//!
//! ```
//! use wangge_sdk::html::{html, page};
//!
//! let name = "<script>alert(1)</script>";
//! let response = page("你好", html! { h1 { "你好，" (name) "！" } });
//! assert_eq!(
//!     response.body,
//!     "<h1>你好，&lt;script&gt;alert(1)&lt;/script&gt;！</h1>".as_bytes()
//! );
//! ```
//!
//! `html!` expands to code that names the `maud` crate, so a plugin that uses it lists
//! `maud = "0.27"` among its own dependencies next to `wangge-sdk`. Markup that must not be
//! escaped (fixed HTML the plugin wrote itself) goes in as [`PreEscaped`]. See the
//! [maud book](https://maud.lambda.xyz/) for the syntax.

pub use maud::{DOCTYPE, Markup, PreEscaped, Render, html};

use crate::Response;
use crate::page::html_response;

/// A `200 OK` page: `markup` is the fragment the host frames in its layout under `title`.
pub fn page(title: &str, markup: Markup) -> Response {
    page_with_status(200, title, markup)
}

/// A page with another status, e.g. `422` for a form that needs correcting.
pub fn page_with_status(status: u16, title: &str, markup: Markup) -> Response {
    html_response(status, title, markup.into_string())
}

/// A `303 See Other` to `path`, the usual answer to a form post so that reloading the
/// result does not post again. `path` is below the plugin's mount point and starts with
/// `/` (`/claims/7` leads to `/p/{plugin-id}/claims/7`); the host drops any other
/// location.
pub fn redirect(path: &str) -> Response {
    Response {
        status: 303,
        title: None,
        headers: vec![("location".into(), path.to_owned())],
        body: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
        response
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn interpolated_values_are_escaped() {
        let hostile = "\"><img src=x onerror=alert(1)>&";
        let markup = html! { p title=(hostile) { (hostile) } };
        assert_eq!(
            markup.into_string(),
            "<p title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;\">\
             &quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;</p>"
        );
        let trusted = html! { (PreEscaped("<b>ok</b>")) };
        assert_eq!(trusted.into_string(), "<b>ok</b>");
    }

    #[test]
    fn pages_are_html_fragments_with_a_title() {
        let response = page_with_status(422, "表单", html! { p { "x" } });
        assert_eq!(response.status, 422);
        assert_eq!(response.title.as_deref(), Some("表单"));
        assert_eq!(response.body, b"<p>x</p>");
        assert!(header(&response, "content-type").is_some_and(|v| v.starts_with("text/html")));
        assert_eq!(page("t", html! {}).status, 200);
    }

    #[test]
    fn redirects_are_see_other_with_a_location() {
        let response = redirect("/claims/7");
        assert_eq!(response.status, 303);
        assert_eq!(header(&response, "location"), Some("/claims/7"));
        assert!(response.body.is_empty());
        assert_eq!(response.title, None);
    }
}

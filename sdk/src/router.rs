//! A router for a plugin's pages: maps method and path to a handler, extracts `{name}`
//! path parameters and answers unknown paths and wrong methods.

use serde::de::DeserializeOwned;

use crate::html::{html, page_with_status};
use crate::{Caller, Error, Request, Response, form, page};

/// The request header in which the host names the caller's own resident record.
pub const RESIDENT_ID_HEADER: &str = "x-wangge-resident-id";

/// What a handler returns: a page (or redirect), or the error the host turns into an
/// error page.
pub type HandlerResult = Result<Response, Error>;

type Handler = Box<dyn Fn(&Ctx) -> HandlerResult>;

/// Routes requests to handlers by method and path.
///
/// Paths match exactly, segment by segment; a segment written `{name}` matches any one
/// non-empty segment and is read with [`Ctx::param`]. Routes are tried in the order they
/// were added, so `/claims/new` added before `/claims/{id}` wins for that path. A path no
/// route matches is [`Error::NotFound`]; a path that matches only routes of other methods
/// is a `405` page with an `allow` header.
///
/// A fresh instance serves every request, so the router is built in
/// [`Plugin::handle`](crate::Plugin::handle) each time; building it is cheap.
///
/// ```no_run
/// use wangge_sdk::prelude::*;
///
/// fn home(_ctx: &Ctx) -> Result<Response, Error> {
///     Ok(page("首页", html! { h1 { "首页" } }))
/// }
///
/// fn show(ctx: &Ctx) -> Result<Response, Error> {
///     let id = ctx.param("id")?;
///     Ok(page("申领", html! { p { "申领 " (id) } }))
/// }
///
/// # fn run(caller: Caller, request: Request) -> Result<Response, Error> {
/// Router::new()
///     .get("/", home)
///     .get("/claims/{id}", show)
///     .post("/claims", |_| Ok(redirect("/")))
///     .handle(caller, request)
/// # }
/// ```
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
}

struct Route {
    method: String,
    pattern: String,
    segments: Vec<Segment>,
    handler: Handler,
}

enum Segment {
    Literal(String),
    Param(String),
}

impl Router {
    /// A router with no routes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes `GET pattern` to `handler`.
    #[must_use]
    pub fn get(self, pattern: &str, handler: impl Fn(&Ctx) -> HandlerResult + 'static) -> Self {
        self.route("GET", pattern, handler)
    }

    /// Routes `POST pattern` to `handler`.
    #[must_use]
    pub fn post(self, pattern: &str, handler: impl Fn(&Ctx) -> HandlerResult + 'static) -> Self {
        self.route("POST", pattern, handler)
    }

    /// Routes requests of `method` (upper case, as HTTP writes it) and `pattern` to
    /// `handler`.
    ///
    /// # Panics
    ///
    /// If `pattern` does not start with `/`: that is a mistake in the plugin's code, found
    /// on the first request.
    #[must_use]
    pub fn route(
        mut self,
        method: &str,
        pattern: &str,
        handler: impl Fn(&Ctx) -> HandlerResult + 'static,
    ) -> Self {
        let Some(rest) = pattern.strip_prefix('/') else {
            panic!("route pattern `{pattern}` must start with `/`");
        };
        let segments = rest
            .split('/')
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Segment::Param(name.to_owned()),
                    None => Segment::Literal(segment.to_owned()),
                },
            )
            .collect();
        self.routes.push(Route {
            method: method.to_owned(),
            pattern: pattern.to_owned(),
            segments,
            handler: Box::new(handler),
        });
        self
    }

    /// Calls the handler of the first route matching the request's method and path.
    pub fn handle(&self, caller: Caller, request: Request) -> HandlerResult {
        let mut allowed: Vec<&str> = Vec::new();
        for route in &self.routes {
            let Some(params) = route.matches(&request.path) else {
                continue;
            };
            if route.method != request.method {
                if !allowed.contains(&route.method.as_str()) {
                    allowed.push(&route.method);
                }
                continue;
            }
            let ctx = Ctx {
                caller,
                request,
                pattern: route.pattern.clone(),
                params,
            };
            return (route.handler)(&ctx);
        }
        if allowed.is_empty() {
            return Err(Error::NotFound(format!("no page at {}", request.path)));
        }
        Ok(method_not_allowed(&request.method, &allowed.join(", ")))
    }
}

impl Route {
    /// The path parameters if `path` matches this route's pattern.
    fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let mut parts = path.strip_prefix('/')?.split('/');
        let mut params = Vec::new();
        for segment in &self.segments {
            let part = parts.next()?;
            match segment {
                Segment::Literal(literal) if literal == part => {}
                Segment::Param(name) if !part.is_empty() => {
                    params.push((name.clone(), part.to_owned()));
                }
                _ => return None,
            }
        }
        parts.next().is_none().then_some(params)
    }
}

fn method_not_allowed(method: &str, allow: &str) -> Response {
    let mut response = page_with_status(
        405,
        "请求方法不被允许",
        html! { p { "此页面不接受 " (method) " 请求，只接受 " (allow) "。" } },
    );
    response.headers.push(("allow".into(), allow.to_owned()));
    response
}

/// One request as a handler sees it: the caller, the request, and the path parameters
/// of the route that matched.
pub struct Ctx {
    caller: Caller,
    request: Request,
    pattern: String,
    params: Vec<(String, String)>,
}

impl Ctx {
    /// Who is asking, already authenticated by the host.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The whole request.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// `GET`, `POST` …
    pub fn method(&self) -> &str {
        &self.request.method
    }

    /// The path below the plugin's mount point, starting with `/`.
    pub fn path(&self) -> &str {
        &self.request.path
    }

    /// The path segment matched by `{name}` in the route's pattern.
    ///
    /// A name the pattern does not have is [`Error::Invalid`] naming it: a mistake in the
    /// plugin, shown on the page rather than hidden.
    pub fn param(&self, name: &str) -> Result<&str, Error> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "route `{}` has no path parameter `{name}`",
                    self.pattern
                ))
            })
    }

    /// The value of `name` in the query string, decoded; `None` if absent.
    pub fn query_param(&self, name: &str) -> Option<String> {
        page::query_param(&self.request.query, name)
    }

    /// The whole query string as a `T`, e.g. a struct deriving `Deserialize`. A value
    /// that does not parse is [`Error::Invalid`] naming its field (``field `page`: …``),
    /// a missing one says ``missing field `page` ``. An empty value of an `Option` field
    /// is `None`.
    pub fn query<T: DeserializeOwned>(&self) -> Result<T, Error> {
        form::from_urlencoded(self.request.query.as_bytes())
    }

    /// The urlencoded form in the body (an HTML `<form method="post">`) as a `T`, with the
    /// same rules and errors as [`Ctx::query`].
    pub fn form<T: DeserializeOwned>(&self) -> Result<T, Error> {
        form::from_urlencoded(&self.request.body)
    }

    /// The form's `name=value` pairs as sent, in order and decoded; a name may repeat
    /// (checkboxes).
    pub fn form_fields(&self) -> Vec<(String, String)> {
        form::pairs(&self.request.body)
    }

    /// The id of the signed-in caller's own resident record (实有人口), when their account
    /// is linked to one: the host passes it in the `x-wangge-resident-id` request header.
    /// Use it to let residents see and act on their own records only.
    pub fn resident_id(&self) -> Option<&str> {
        self.header(RESIDENT_ID_HEADER).filter(|id| !id.is_empty())
    }

    /// The value of a request header; `name` is matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request
            .headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::bindings::wangge::plugin::types::{Level, Unit};

    fn caller() -> Caller {
        Caller {
            user_id: Some("u1".into()),
            display_name: Some("小王".into()),
            unit: Unit {
                code: "420202".into(),
                name: "黄石港区".into(),
                level: Level::County,
                parent: Some("4202".into()),
            },
            roles: Vec::new(),
        }
    }

    fn request(method: &str, path: &str, query: &str, body: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// A page whose body is `text`, to see which handler answered.
    fn text(text: &str) -> HandlerResult {
        Ok(page::html("t", text.to_owned()))
    }

    fn router() -> Router {
        Router::new()
            .get("/", |_| text("home"))
            .get("/claims/new", |_| text("new"))
            .get("/claims/{id}", |ctx| {
                text(&format!("claim {}", ctx.param("id")?))
            })
            .get("/claims/{id}/notes/{note}", |ctx| {
                text(&format!("{} {}", ctx.param("id")?, ctx.param("note")?))
            })
            .post("/claims", |ctx| text(&format!("{:?}", ctx.form_fields())))
            .route("DELETE", "/claims/{id}", |_| text("deleted"))
    }

    fn body(method: &str, path: &str) -> Result<String, Error> {
        let response = router().handle(caller(), request(method, path, "", "a=1&b=%E4%BD%A0"))?;
        Ok(String::from_utf8(response.body).expect("utf-8"))
    }

    #[test]
    fn routes_match_exactly_and_extract_params() {
        assert_eq!(body("GET", "/").expect("home"), "home");
        assert_eq!(body("GET", "/claims/new").expect("new"), "new");
        assert_eq!(body("GET", "/claims/7").expect("claim"), "claim 7");
        assert_eq!(body("GET", "/claims/7/notes/2").expect("note"), "7 2");
        assert_eq!(body("DELETE", "/claims/7").expect("delete"), "deleted");
        assert_eq!(
            body("POST", "/claims").expect("post"),
            r#"[("a", "1"), ("b", "你")]"#
        );
    }

    #[test]
    fn unknown_paths_are_not_found() {
        for path in [
            "/nope",
            "/claims/",
            "/claims/7/",
            "//",
            "/claims/7/notes",
            "",
        ] {
            assert!(
                matches!(body("GET", path), Err(Error::NotFound(ref m)) if m.contains("no page")),
                "{path:?}"
            );
        }
    }

    #[test]
    fn a_wrong_method_is_405_with_allow() {
        let response = router()
            .handle(caller(), request("PUT", "/claims/7", "", ""))
            .expect("a 405 page, not an error");
        assert_eq!(response.status, 405);
        assert!(
            response
                .headers
                .iter()
                .any(|(k, v)| k == "allow" && v == "GET, DELETE")
        );
        let response = router()
            .handle(caller(), request("GET", "/claims", "", ""))
            .expect("405");
        assert_eq!(response.status, 405);
        assert!(
            response
                .headers
                .iter()
                .any(|(k, v)| k == "allow" && v == "POST")
        );
    }

    #[test]
    fn a_param_the_route_lacks_is_invalid_and_named() {
        let result = Router::new()
            .get("/x/{id}", |ctx| text(ctx.param("name")?))
            .handle(caller(), request("GET", "/x/1", "", ""));
        assert!(
            matches!(result, Err(Error::Invalid(ref m)) if m.contains("`name`") && m.contains("/x/{id}")),
            "{result:?}"
        );
    }

    #[derive(Debug, Deserialize)]
    struct Search {
        q: String,
        page: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "only its parse errors are looked at")]
    struct Payment {
        amount: u64,
    }

    #[test]
    fn ctx_reads_query_form_and_headers() {
        let ctx = Ctx {
            caller: caller(),
            request: request("POST", "/pay", "q=%E7%8E%8B&page=2&name=a+b", "amount=12x"),
            pattern: "/pay".into(),
            params: Vec::new(),
        };
        assert_eq!(ctx.method(), "POST");
        assert_eq!(ctx.path(), "/pay");
        assert_eq!(ctx.caller().display_name.as_deref(), Some("小王"));
        assert_eq!(ctx.query_param("name").as_deref(), Some("a b"));
        assert_eq!(ctx.query_param("missing"), None);
        let search: Search = ctx.query().expect("query");
        assert_eq!((search.q.as_str(), search.page), ("王", Some(2)));
        assert!(matches!(
            ctx.form::<Payment>(),
            Err(Error::Invalid(m)) if m == "field `amount`: invalid digit found in string"
        ));
        assert!(matches!(
            ctx.query::<Payment>(),
            Err(Error::Invalid(m)) if m == "missing field `amount`"
        ));
        assert_eq!(ctx.header("content-type"), Some("text/plain"));
        assert_eq!(ctx.request().body, b"amount=12x");
    }
}

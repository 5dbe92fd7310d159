//! The OpenAPI 3.1 description of the JSON API (`GET /api/openapi.json`), written by hand
//! in `openapi.json` next to this file and kept honest by the tests below, which compare
//! its paths and methods with the `.route(...)` calls of the handlers.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;

/// The document, as written: served byte for byte, so what clients read is what is reviewed.
const DOCUMENT: &str = include_str!("openapi.json");

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(document))
}

/// Public on purpose: a client needs the description before it can sign in.
async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use serde_json::Value;

    use super::DOCUMENT;

    /// HTTP methods an OpenAPI path item may hold, as axum's routing functions name them.
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];

    fn document() -> Value {
        serde_json::from_str(DOCUMENT).expect("openapi.json is JSON")
    }

    #[test]
    fn is_openapi_3_1_with_the_crate_version() {
        let doc = document();
        let version = doc["openapi"].as_str().expect("an `openapi` string");
        assert!(version.starts_with("3.1"), "openapi is {version}");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    }

    fn collect_refs<'a>(value: &'a Value, at: String, refs: &mut Vec<(String, &'a str)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if key == "$ref" {
                        if let Some(target) = child.as_str() {
                            refs.push((at.clone(), target));
                        }
                    } else {
                        collect_refs(child, format!("{at}/{key}"), refs);
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    collect_refs(child, format!("{at}/{index}"), refs);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_ref_resolves_inside_the_document() {
        let doc = document();
        let mut refs = Vec::new();
        collect_refs(&doc, String::new(), &mut refs);
        assert!(
            !refs.is_empty(),
            "no $ref at all: the test would prove nothing"
        );
        let broken: Vec<String> = refs
            .iter()
            .filter(|(_, target)| {
                target
                    .strip_prefix('#')
                    .and_then(|pointer| doc.pointer(pointer))
                    .is_none()
            })
            .map(|(at, target)| format!("{at}: {target}"))
            .collect();
        assert!(broken.is_empty(), "unresolved $ref:\n{}", broken.join("\n"));
    }

    #[test]
    fn every_operation_is_described_and_signed_in_ones_document_401() {
        let doc = document();
        let mut problems = Vec::new();
        for (path, method) in documented(&doc) {
            let operation = &doc["paths"][&path][&method];
            for key in ["summary", "description"] {
                if operation[key].as_str().is_none_or(str::is_empty) {
                    problems.push(format!("{method} {path}: no {key}"));
                }
            }
            let public = operation["security"].as_array().is_some_and(Vec::is_empty);
            if !public && operation["responses"]["401"].is_null() {
                problems.push(format!(
                    "{method} {path}: needs a session but documents no 401"
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// (path, lowercase method) of every operation in the document.
    fn documented(doc: &Value) -> BTreeSet<(String, String)> {
        let mut operations = BTreeSet::new();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, item) in paths {
                for method in METHODS {
                    if item.get(method).is_some() {
                        operations.insert((path.clone(), method.to_owned()));
                    }
                }
            }
        }
        operations
    }

    /// A token of Rust source, as much as the route scanner needs.
    #[derive(Debug, Clone, PartialEq)]
    enum Token {
        Ident(String),
        Str(String),
        Punct(char),
    }

    /// Tokens of `source` with their line numbers: comments, character literals, lifetimes
    /// and numbers are dropped, so a `.route(` in a comment or a string is not a route.
    fn tokenize(source: &str) -> Vec<(usize, Token)> {
        let chars: Vec<char> = source.chars().collect();
        let mut tokens = Vec::new();
        let mut line = 1;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if c == '\n' {
                line += 1;
                i += 1;
            } else if c.is_whitespace() {
                i += 1;
            } else if c == '/' && next == Some('/') {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            } else if c == '/' && next == Some('*') {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            } else if c == '"' || (c == 'r' && matches!(next, Some('"' | '#'))) {
                // A plain or raw string; raw strings end at `"` followed by as many `#`.
                let start_line = line;
                let raw = c == 'r';
                let mut hashes = 0;
                i += 1;
                if raw {
                    while chars.get(i) == Some(&'#') {
                        hashes += 1;
                        i += 1;
                    }
                    if chars.get(i) != Some(&'"') {
                        // `r#ident`, a raw identifier, not a string.
                        tokens.push((line, Token::Ident("r".into())));
                        continue;
                    }
                    i += 1;
                }
                let mut text = String::new();
                while i < chars.len() {
                    let d = chars[i];
                    if d == '\n' {
                        line += 1;
                    }
                    if !raw && d == '\\' {
                        if let Some(escaped) = chars.get(i + 1) {
                            text.push(*escaped);
                        }
                        i += 2;
                        continue;
                    }
                    if d == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                        i += 1 + hashes;
                        break;
                    }
                    text.push(d);
                    i += 1;
                }
                tokens.push((start_line, Token::Str(text)));
            } else if c == '\'' {
                // A character literal (`'a'`, `'\n'`, `'"'`) or a lifetime (`'a`).
                if next == Some('\\') {
                    // Past the quote, the backslash and the escaped character (`'\''`).
                    i += 3;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            } else if c.is_alphanumeric() || c == '_' {
                let mut word = String::new();
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    word.push(chars[i]);
                    i += 1;
                }
                if !c.is_ascii_digit() {
                    tokens.push((line, Token::Ident(word)));
                }
            } else {
                tokens.push((line, Token::Punct(c)));
                i += 1;
            }
        }
        tokens
    }

    /// Method-router combinators that add no method.
    const COMBINATORS: [&str; 5] = [
        "layer",
        "route_layer",
        "with_state",
        "fallback",
        "handle_error",
    ];

    /// Every `.route("PATH", METHODS)` in `source`, as (path, lowercase method) pairs, and
    /// the calls it could not read (`file:line: why`), so nothing is skipped silently.
    fn routes_in(file: &str, source: &str) -> (Vec<(String, String)>, Vec<String>) {
        let tokens = tokenize(source);
        let mut routes = Vec::new();
        let mut unreadable = Vec::new();
        let punct = |i: usize, c: char| tokens.get(i).map(|(_, t)| t) == Some(&Token::Punct(c));
        let mut i = 0;
        while i + 2 < tokens.len() {
            let (line, token) = &tokens[i];
            let call = match token {
                Token::Ident(name) if punct(i + 1, '(') && i > 0 && punct(i - 1, '.') => {
                    name.as_str()
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            if !matches!(call, "route" | "nest" | "route_service" | "nest_service") {
                i += 1;
                continue;
            }
            let path = match tokens.get(i + 2) {
                Some((_, Token::Str(path))) if punct(i + 3, ',') => path.clone(),
                _ => {
                    // A computed path (Open311 builds its own): readable only if it is not
                    // the JSON API's, which always spells its paths out.
                    let literal_api = tokens[i + 2..]
                        .iter()
                        .take_while(|(_, t)| *t != Token::Punct(','))
                        .any(|(_, t)| matches!(t, Token::Str(s) if s.starts_with("/api")));
                    if literal_api {
                        unreadable.push(format!("{file}:{line}: `.{call}(` with a computed path"));
                    }
                    i += 1;
                    continue;
                }
            };
            if call != "route" {
                if path.starts_with("/api") {
                    unreadable.push(format!(
                        "{file}:{line}: `.{call}(\"{path}\"` is not scanned"
                    ));
                }
                i += 1;
                continue;
            }
            // The method router: from after the comma to the `)` closing `.route(`.
            let mut depth = 0;
            let mut j = i + 4;
            let mut methods = Vec::new();
            while let Some((line, token)) = tokens.get(j) {
                match token {
                    Token::Punct('(' | '[' | '{') => depth += 1,
                    Token::Punct(')' | ']' | '}') if depth == 0 => break,
                    Token::Punct(')' | ']' | '}') => depth -= 1,
                    Token::Ident(name) if depth == 0 && punct(j + 1, '(') => {
                        if METHODS.contains(&name.as_str()) {
                            methods.push(name.clone());
                        } else if !COMBINATORS.contains(&name.as_str()) {
                            unreadable.push(format!(
                                "{file}:{line}: `{name}(..)` in the route of {path} is no method \
                                 this scanner knows"
                            ));
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if methods.is_empty() {
                unreadable.push(format!("{file}:{line}: no method found for {path}"));
            }
            routes.extend(methods.into_iter().map(|m| (path.clone(), m)));
            i = j;
        }
        (routes, unreadable)
    }

    #[test]
    fn the_scanner_reads_routes_as_they_are_written() {
        let source = r##"
            // .route("/api/commented", get(x))
            Router::new()
                .route("/api/a", get(list).post(report))
                .route("/api/a/{id}", axum::routing::delete(remove))
                .route(
                    "/api/b",
                    post(make::<u8>).layer(DefaultBodyLimit::max(1)),
                )
                .route(&format!("{BASE}/x"), get(y))
                .route("/other", any(z));
            let s = ".route(\"/api/in-a-string\", get(x))";
            let r = r#".route("/api/in-a-raw-string", get(x))"#;
            let c = '"';
        "##;
        let (routes, unreadable) = routes_in("sample.rs", source);
        let pairs: Vec<(&str, &str)> = routes
            .iter()
            .map(|(p, m)| (p.as_str(), m.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("/api/a", "get"),
                ("/api/a", "post"),
                ("/api/a/{id}", "delete"),
                ("/api/b", "post"),
            ]
        );
        // `any` on a non-API path is reported too; the caller keeps only `/api/` problems.
        assert_eq!(unreadable.len(), 2, "{unreadable:?}");
        assert!(
            unreadable.iter().all(|u| u.contains("/other")),
            "{unreadable:?}"
        );
    }

    #[test]
    fn the_document_matches_the_router() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
        let mut in_code = BTreeSet::new();
        let mut unreadable = Vec::new();
        let entries = std::fs::read_dir(&dir).expect("src/http is readable");
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let file = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let source = std::fs::read_to_string(&path).expect("a readable source file");
            let (routes, problems) = routes_in(&file, &source);
            in_code.extend(routes.into_iter().filter(|(p, _)| p.starts_with("/api/")));
            unreadable.extend(problems.into_iter().filter(|p| p.contains("/api")));
        }
        assert!(
            unreadable.is_empty(),
            "routes the scanner cannot read:\n{}",
            unreadable.join("\n")
        );
        assert!(
            in_code.len() > 10,
            "only {} API routes found in {}: is the scanner still reading them?",
            in_code.len(),
            dir.display()
        );
        let in_document = documented(&document());
        let show = |set: Vec<&(String, String)>| -> String {
            set.iter()
                .map(|(path, method)| format!("  {} {path}", method.to_uppercase()))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let undocumented: Vec<_> = in_code.difference(&in_document).collect();
        let unrouted: Vec<_> = in_document.difference(&in_code).collect();
        assert!(
            undocumented.is_empty() && unrouted.is_empty(),
            "host/src/http/openapi.json and the router disagree\nrouted but not documented:\n{}\n\
             documented but not routed:\n{}",
            show(undocumented),
            show(unrouted)
        );
    }
}

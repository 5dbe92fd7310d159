//! The OpenAPI 3.1 document of the JSON API and the registry API (`GET /api/openapi.json`),
//! derived from the code: each handler's `#[utoipa::path]` and its request and response
//! types, registered with its route by `utoipa_axum::routes!`, so a route cannot be served
//! undocumented or documented unserved.
//!
//! Operations document the answers their rules give (403, 404, 409 …). The answers the
//! framework gives before a handler runs are the same for every operation of a kind, so
//! [`with_framework_answers`] adds them once: 401 where a session is needed, 400 where a
//! query or path parameter must parse, 400, 413, 415 and 422 where a JSON body must, 413
//! wherever a body is read, 403 on every post and delete (the cross-site check of
//! `http::same_origin` refuses a cookie-authenticated one that does not come from this
//! site), and 500 everywhere.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi as Document, Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ErrorBody, ErrorDetail};
use super::responses::{
    Conflict, Forbidden, Internal, Invalid, NotFound, TooLarge, TooManyRequests, Unauthorized,
    Unprocessable, UnsupportedMediaType,
};
use crate::state::AppState;

/// The document's root: what every operation shares.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wangge (网格) JSON API",
        description = "The JSON API of the Wangge grid-management platform host, and the \
            registry API every host embeds. Sign in with `POST /api/session`, then send the \
            token as `Authorization: Bearer TOKEN` (or let a browser send the `wangge_session` \
            cookie). Every operation checks the caller's roles over a unit; a grant at a unit \
            covers its subtree. Every error has one shape, `{\"error\": {\"code\", \"message\", \
            \"field\"}}` (`ErrorBody`), including the requests refused before a handler runs.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "/")),
    security(("bearer" = []), ("cookie" = [])),
    components(
        schemas(ErrorBody, ErrorDetail),
        responses(
            Invalid,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            TooManyRequests,
            TooLarge,
            UnsupportedMediaType,
            Unprocessable,
            Internal
        )
    ),
    tags(
        (name = "session", description = "Signing in and out, who am I, granting and revoking roles."),
        (name = "accounts", description = "Users and departments' service accounts, for unit admins."),
        (name = "residents", description = "实有人口."),
        (name = "units", description = "The unit tree."),
        (name = "houses", description = "实有房屋 and 户."),
        (name = "organizations", description = "实有单位."),
        (name = "special-populations", description = "特殊人群 and their visits (走访/帮教)."),
        (name = "imports", description = "部门推送: department data pushed in and matched (关联核录)."),
        (name = "events", description = "事件 and their workflow."),
        (name = "disputes", description = "矛盾纠纷调处: a dispute event's items, parties and mediation sessions."),
        (name = "stats", description = "Dashboard aggregates."),
        (name = "warnings", description = "风险预警 and unit inboxes."),
        (name = "inbox", description = "Messages from plugins."),
        (name = "notices", description = "The progress of my reports."),
        (name = "audit", description = "The audit log."),
        (name = "registry", description = "The plugin registry."),
        (name = "meta", description = "This document."),
    ),
    modifiers(&SecuritySchemes),
)]
pub struct Root;

/// The two ways a request carries its session.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token `POST /api/session` returns."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::http::credentials::SESSION_COOKIE,
                "The HttpOnly session cookie a browser gets with the token.",
            ))),
        );
    }
}

/// The route serving the document.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(document))
}

/// The whole document: the root, every operation of `routes`, and the framework's answers.
pub fn finished(routes: OpenApiRouter<AppState>) -> Document {
    let (_, mut document) = routes.split_for_parts();
    with_framework_answers(&mut document);
    document
}

/// The document as served, built once from the code (it never changes while running).
static SERVED: LazyLock<String> = LazyLock::new(|| {
    serde_json::to_string(&finished(super::routes())).unwrap_or_else(|error| {
        tracing::error!("the OpenAPI document does not serialize: {error}");
        "{}".to_owned()
    })
});

/// The OpenAPI document
///
/// Public on purpose: a client needs the description before it can sign in.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    operation_id = "openApiDocument",
    security(()),
    responses((status = 200, description = "This document.", content_type = "application/json", body = serde_json::Value))
)]
async fn document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        SERVED.as_str(),
    )
}

/// Adds the framework's answers to every operation they apply to (see the module's notes),
/// and writes a public operation's `security` as `[]`.
fn with_framework_answers(document: &mut Document) {
    for item in document.paths.paths.values_mut() {
        let operations = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
        ];
        for (operation, changes_state) in operations {
            if let Some(operation) = operation {
                add_answers(operation, changes_state);
            }
        }
    }
}

fn add_answers(operation: &mut Operation, changes_state: bool) {
    let public = operation
        .security
        .as_ref()
        .is_some_and(|alternatives| alternatives.iter().any(is_anonymous));
    if public {
        operation.security = Some(Vec::new());
    }
    let mut add = |status: &str, response: &str| {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
    };
    if !public {
        add("401", "Unauthorized");
    }
    if changes_state {
        add("403", "Forbidden");
    }
    if operation.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
        add("400", "Invalid");
    }
    match &operation.request_body {
        Some(RefOr::T(body)) => {
            add("413", "TooLarge");
            add("415", "UnsupportedMediaType");
            if body.content.contains_key("application/json") {
                add("400", "Invalid");
                add("422", "Unprocessable");
            }
        }
        Some(RefOr::Ref(_)) => add("413", "TooLarge"),
        None => {}
    }
    add("500", "Internal");
}

/// Whether a security alternative is the empty one (`{}`: no credentials needed).
fn is_anonymous(requirement: &SecurityRequirement) -> bool {
    serde_json::to_value(requirement)
        .is_ok_and(|value| value.as_object().is_some_and(|o| o.is_empty()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use serde_json::Value;

    use super::finished;

    /// HTTP methods an OpenAPI path item may hold.
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];

    fn document() -> Value {
        serde_json::to_value(finished(super::super::routes())).expect("the document serializes")
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

    #[test]
    fn every_operation_is_described_named_and_signed_in_ones_document_401() {
        let doc = document();
        let operations = documented(&doc);
        assert!(
            operations.len() > 20,
            "only {} operations documented",
            operations.len()
        );
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        for (path, method) in operations {
            let operation = &doc["paths"][&path][&method];
            for key in ["summary", "description", "operationId"] {
                if operation[key].as_str().is_none_or(str::is_empty) {
                    problems.push(format!("{method} {path}: no {key}"));
                }
            }
            if !ids.insert(operation["operationId"].to_string()) {
                problems.push(format!("{method} {path}: operationId used twice"));
            }
            let public = operation["security"].as_array().is_some_and(Vec::is_empty);
            if !public && operation["responses"]["401"].is_null() {
                problems.push(format!(
                    "{method} {path}: needs a session but documents no 401"
                ));
            }
            if operation["responses"]["500"].is_null() {
                problems.push(format!("{method} {path}: documents no 500"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn json_bodies_document_the_framework_refusals_and_events_list_urgent() {
        let doc = document();
        let report = &doc["paths"]["/api/events"]["post"]["responses"];
        for status in ["201", "400", "401", "403", "413", "415", "422", "500"] {
            assert!(!report[status].is_null(), "POST /api/events: no {status}");
        }
        let event = &doc["components"]["schemas"]["EventJson"]["properties"];
        assert!(!event["urgent"].is_null(), "the Event schema lists urgent");
        let category = &doc["components"]["schemas"]["CategoryJson"]["properties"];
        assert!(!category["owner_plugin"].is_null());
    }

    /// Every `.route(` call under `src/http/` whose path starts with one of `prefixes`: an
    /// API route registered past `routes!` would be served without documentation.
    fn plain_routes(dir: &Path, prefixes: &[&str], found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                plain_routes(&path, prefixes, found);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("a readable source file");
            for (number, line) in source.lines().enumerate() {
                let compact: String = line.split_whitespace().collect();
                if prefixes
                    .iter()
                    .any(|p| compact.contains(&format!(".route(\"{p}")))
                {
                    found.push(format!(
                        "{}:{}: {}",
                        path.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }

    #[test]
    fn every_api_route_goes_through_the_document() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
        let mut found = Vec::new();
        plain_routes(&dir, &["/api/", "/registry/api/"], &mut found);
        assert!(
            found.is_empty(),
            "API routes added with `.route(` instead of `routes!` (undocumented):\n{}",
            found.join("\n")
        );
    }
}

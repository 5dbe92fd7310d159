//! The registry's HTTP API at `/registry/api/…`: merged into the host's application, or
//! served alone by `wangge registry serve` ([`app`]). Publishing is authenticated by the
//! package signature (see [`super::publish`]); adding publishers, reviewing and yanking
//! need a session of a user with the `registry-reviewer` role at a province.

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use wangge_registry::package::layout::MAX_PACKAGE_BYTES;
use wangge_registry::{Level, SignatureError};

use super::{Actor, Decision, RegistryError, Visibility};
use crate::auth::{Role, token};
use crate::db::audit::AuditEntry;
use crate::grid::unit_code::level_of;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::{CurrentUser, request_token};
use crate::runtime::limits::MAX_REQUEST_BODY_BYTES;

/// The media type of a `.wgp` package.
pub const PACKAGE_MEDIA_TYPE: &str = "application/vnd.wangge.package";
/// The header carrying the publisher's signature (`ed25519:<base64>`).
pub const SIGNATURE_HEADER: &str = "x-wangge-signature";
/// The header carrying the package digest on download.
pub const DIGEST_HEADER: &str = "x-wangge-digest";

/// The routes, for merging into the host's application.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/registry/api/packages",
            // Only this route takes packages; every other keeps the host's small limit.
            post(publish).layer(DefaultBodyLimit::max(
                usize::try_from(MAX_PACKAGE_BYTES).unwrap_or(usize::MAX),
            )),
        )
        .route("/registry/api/publishers", post(add_publisher))
        .route("/registry/api/plugins", get(search))
        .route("/registry/api/plugins/{id}", get(plugin))
        .route(
            "/registry/api/plugins/{id}/{version}/package.wgp",
            get(download),
        )
        .route("/registry/api/plugins/{id}/{version}/review", post(review))
        .route("/registry/api/plugins/{id}/{version}/yank", post(yank))
}

/// The registry alone, with the host's error shape and body limit: what `wangge registry
/// serve` runs.
pub fn app(state: AppState) -> Router {
    router()
        .fallback(|| async { ApiError::NotFound("route".to_owned()) })
        .layer(axum::middleware::from_fn(
            crate::http::api_rejections::json_rejections,
        ))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY_BYTES))
        .with_state(state)
}

impl From<RegistryError> for ApiError {
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::Invalid { field, problem } => ApiError::Invalid { field, problem },
            RegistryError::Package(error) => ApiError::Invalid {
                field: "package",
                problem: error.to_string(),
            },
            RegistryError::Signature(error @ SignatureError::Malformed { .. }) => {
                ApiError::Invalid {
                    field: SIGNATURE_HEADER,
                    problem: error.to_string(),
                }
            }
            error @ (RegistryError::Signature(_) | RegistryError::UnknownPublisher { .. }) => {
                ApiError::Forbidden(error.to_string())
            }
            error @ (RegistryError::PublisherExists { .. }
            | RegistryError::VersionTaken { .. }
            | RegistryError::WrongState { .. }) => ApiError::Conflict(error.to_string()),
            RegistryError::NotFound { plugin, version } => {
                ApiError::NotFound(format!("plugin {plugin} version {version}"))
            }
            RegistryError::Database(error) => ApiError::Internal(error.into()),
        }
    }
}

/// Whether these grants make their holder a registry reviewer: the role held at a
/// province, since review is a provincial task.
fn is_reviewer(current: &CurrentUser) -> bool {
    current
        .grants
        .0
        .iter()
        .any(|grant| grant.role == Role::RegistryReviewer && province(&grant.unit_code))
}

fn province(unit_code: &str) -> bool {
    level_of(unit_code) == Ok(Level::Province)
}

/// The reviewer acting, or 403 (audited) naming the role needed for `what`.
async fn reviewer(
    state: &AppState,
    current: &CurrentUser,
    what: &str,
    subject: &str,
) -> Result<Actor, ApiError> {
    let audit = format!("user:{}", current.user.username);
    if !is_reviewer(current) {
        state
            .database()
            .audit(AuditEntry {
                actor: &audit,
                action: "registry.refused",
                subject,
                unit_code: None,
                detail: json!({ "wanted": what, "reason": "not a registry reviewer" }),
            })
            .await?;
        return Err(ApiError::Forbidden(format!(
            "{what} needs the registry-reviewer role at a province"
        )));
    }
    let unit = current
        .grants
        .0
        .iter()
        .find(|grant| grant.role == Role::RegistryReviewer && province(&grant.unit_code))
        .map(|grant| grant.unit_code.clone());
    Ok(Actor {
        audit,
        name: current.user.username.clone(),
        unit,
    })
}

/// What the caller of a public route may see: everything for a signed-in reviewer, the
/// public view for anyone else (an expired or unknown token reads as anonymous).
async fn visibility(state: &AppState, headers: &HeaderMap) -> Result<Visibility, ApiError> {
    let Some(token) = request_token(headers) else {
        return Ok(Visibility::Public);
    };
    let db = state.database();
    let Some(user) = db.session_user(&token::digest(&token)).await? else {
        return Ok(Visibility::Public);
    };
    let grants = db.grants_of(user.id).await?;
    let current = CurrentUser {
        user,
        grants,
        token_digest: String::new(),
    };
    Ok(if is_reviewer(&current) {
        Visibility::Reviewer
    } else {
        Visibility::Public
    })
}

async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type != PACKAGE_MEDIA_TYPE {
        return Ok((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({ "error": {
                "code": "unsupported_media_type",
                "message": format!("send the .wgp bytes as `content-type: {PACKAGE_MEDIA_TYPE}`"),
                "field": "content-type",
            }})),
        )
            .into_response());
    }
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Invalid {
            field: SIGNATURE_HEADER,
            problem: "send the publisher's signature of the package digest \
                      (`ed25519:<base64>`, `wangge registry publish` makes it)"
                .to_owned(),
        })?;
    let published = super::publish(state.database(), &body, signature, "registry-api").await?;
    let status = if published.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({
            "digest": published.digest,
            "plugin": published.plugin_id,
            "version": published.version,
            "publisher": published.publisher,
            "state": published.state.name(),
        })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPublisher {
    name: String,
    public_key: String,
}

async fn add_publisher(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<NewPublisher>,
) -> Result<Response, ApiError> {
    let subject = format!("publisher:{}", body.name.trim());
    let actor = reviewer(&state, &current, "registering a publisher", &subject).await?;
    let key = super::add_publisher(state.database(), &body.name, &body.public_key, &actor).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "name": body.name.trim(), "public_key": key })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let visibility = visibility(&state, &headers).await?;
    let plugins = super::search(state.database(), &query.q, visibility).await?;
    Ok(Json(json!({ "plugins": plugins })))
}

async fn plugin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<super::PluginSummary>, ApiError> {
    let visibility = visibility(&state, &headers).await?;
    super::plugin(state.database(), &id, visibility)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("plugin {id}")))
}

async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let visibility = visibility(&state, &headers).await?;
    let download = super::download(state.database(), &id, &version, visibility).await?;
    let header_value = |text: &str| {
        HeaderValue::from_str(text).map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))
    };
    let mut response = Response::new(Body::from(download.bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(PACKAGE_MEDIA_TYPE),
    );
    headers.insert(DIGEST_HEADER, header_value(&download.record.digest)?);
    headers.insert(SIGNATURE_HEADER, header_value(&download.signature)?);
    headers.insert(
        header::CONTENT_DISPOSITION,
        header_value(&format!(
            "attachment; filename=\"{}-{}.wgp\"",
            download.record.plugin_id, download.record.version
        ))?,
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    decision: String,
    #[serde(default)]
    note: String,
}

async fn review(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, version)): Path<(String, String)>,
    Json(body): Json<ReviewBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subject = format!("plugin:{id}@{version}");
    let actor = reviewer(&state, &current, "reviewing a plugin version", &subject).await?;
    let decision: Decision = body.decision.parse().map_err(|problem| ApiError::Invalid {
        field: "decision",
        problem,
    })?;
    let new_state = super::review(
        state.database(),
        &id,
        &version,
        decision,
        &body.note,
        &actor,
    )
    .await?;
    Ok(Json(
        json!({ "plugin": id, "version": version, "state": new_state.name() }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YankBody {
    reason: String,
}

async fn yank(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, version)): Path<(String, String)>,
    Json(body): Json<YankBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subject = format!("plugin:{id}@{version}");
    let actor = reviewer(&state, &current, "yanking a plugin version", &subject).await?;
    let new_state = super::yank(state.database(), &id, &version, &body.reason, &actor).await?;
    Ok(Json(
        json!({ "plugin": id, "version": version, "state": new_state.name() }),
    ))
}

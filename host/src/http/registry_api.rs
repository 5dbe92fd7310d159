//! The registry's HTTP API at `/registry/api/…`, the door of [`crate::registry_service`]:
//! merged into the host's application and its OpenAPI document, or served alone by
//! `wangge registry serve` ([`registry_app`](super::registry_app)). Publishing is
//! authenticated by the package signature (see [`registry_service::publish`]); adding
//! publishers, reviewing and yanking need a session of a user with the `registry-reviewer`
//! role at a province ([`registry_service::reviewers`]).

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use wangge_registry::SignatureError;
use wangge_registry::package::layout::MAX_PACKAGE_BYTES;

use super::api::responses::{Conflict, Forbidden, Invalid, NotFound, UnsupportedMediaType};
use super::api::{ApiError, ApiUser, schemas};
use super::credentials::request_token;
use crate::registry_service::{
    self, DIGEST_HEADER, Decision, PACKAGE_MEDIA_TYPE, PluginSummary, RegistryError,
    SIGNATURE_HEADER, reviewers,
};
use crate::rules::{RuleError, sessions};
use crate::state::AppState;

/// The routes, with their documentation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // Only this route takes packages; every other keeps the host's small limit.
        .routes(routes!(publish).layer(DefaultBodyLimit::max(
            usize::try_from(MAX_PACKAGE_BYTES).unwrap_or(usize::MAX),
        )))
        .routes(routes!(add_publisher))
        .routes(routes!(search))
        .routes(routes!(plugin))
        .routes(routes!(download))
        .routes(routes!(review))
        .routes(routes!(yank))
}

impl From<RegistryError> for ApiError {
    fn from(error: RegistryError) -> Self {
        Self::Rule(match error {
            RegistryError::Invalid { field, problem } => RuleError::invalid(field, problem),
            RegistryError::Package(error) => RuleError::invalid("package", error.to_string()),
            RegistryError::Signature(error @ SignatureError::Malformed { .. }) => {
                RuleError::invalid(SIGNATURE_HEADER, error.to_string())
            }
            error @ (RegistryError::Signature(_) | RegistryError::UnknownPublisher { .. }) => {
                RuleError::Forbidden(error.to_string())
            }
            error @ (RegistryError::PublisherExists { .. }
            | RegistryError::VersionTaken { .. }
            | RegistryError::WrongState { .. }) => RuleError::Conflict(error.to_string()),
            RegistryError::NotFound { plugin, version } => {
                RuleError::NotFound(format!("plugin {plugin} version {version}"))
            }
            RegistryError::Database(error) => RuleError::from(error),
        })
    }
}

/// What the caller of a public route may see: everything for a signed-in reviewer, the
/// public view for anyone else (an expired or unknown token reads as anonymous).
async fn visibility(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<registry_service::Visibility, ApiError> {
    let signed_in = match request_token(headers) {
        Some(token) => sessions::person_of(state.db(), &token).await?,
        None => None,
    };
    Ok(reviewers::visibility(signed_in.as_ref().map(|s| &s.person)))
}

/// A published version.
#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    /// `sha256:<hex>` of the package.
    pub digest: String,
    /// The plugin's id.
    pub plugin: String,
    /// The version.
    pub version: String,
    /// Its publisher.
    pub publisher: String,
    /// `submitted` for a new version (or its state, for the same bytes again).
    pub state: String,
}

/// A package's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "documents the package body")]
pub struct PackageBytes(Vec<u8>);

/// Publish a package
///
/// Authenticated by the signature, not a session: the manifest's `publisher` must be
/// registered and `x-wangge-signature` (`ed25519:<base64>` over the package digest) must
/// verify with its key. 201 for a new version, 200 for the same bytes again; other bytes
/// for a published version are a 409. Up to 48 MiB.
#[utoipa::path(
    post,
    path = "/registry/api/packages",
    tag = "registry",
    operation_id = "publishPackage",
    security(()),
    params(("x-wangge-signature" = String, Header, description = "`ed25519:<base64>`: the publisher's signature of the package digest.")),
    request_body(content = PackageBytes, content_type = "application/vnd.wangge.package", description = "The `.wgp` package."),
    responses(
        (status = 201, description = "Published, for review.", body = Published),
        (status = 200, description = "The same bytes were published before.", body = Published),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 415, response = UnsupportedMediaType),
    )
)]
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
        let body = super::api::ErrorBody::new(
            "unsupported_media_type",
            format!("send the .wgp bytes as `content-type: {PACKAGE_MEDIA_TYPE}`"),
            Some("content-type".to_owned()),
        );
        return Ok((StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(body)).into_response());
    }
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            RuleError::invalid(
                SIGNATURE_HEADER,
                "send the publisher's signature of the package digest \
                 (`ed25519:<base64>`, `wangge registry publish` makes it)",
            )
        })?;
    let published = registry_service::publish(state.db(), &body, signature, "registry-api").await?;
    let status = if published.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(Published {
            digest: published.digest,
            plugin: published.plugin_id,
            version: published.version,
            publisher: published.publisher,
            state: published.state.name().to_owned(),
        }),
    )
        .into_response())
}

/// A publisher to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPublisher {
    /// The name manifests give as `publisher`.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    /// Its public key, `ed25519:<base64>` (`wangge registry keygen` prints it).
    #[schema(pattern = r"^\s*ed25519:[A-Za-z0-9+/]{43}=\s*$")]
    pub public_key: String,
}

/// A registered publisher.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublisherJson {
    /// Its name.
    pub name: String,
    /// Its public key.
    pub public_key: String,
}

/// Register a publisher
///
/// Registry reviewers at a province. Audited `registry.publisher_added`; a refused attempt
/// `registry.refused`.
#[utoipa::path(
    post,
    path = "/registry/api/publishers",
    tag = "registry",
    operation_id = "addPublisher",
    request_body = NewPublisher,
    responses(
        (status = 201, description = "Registered.", body = PublisherJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
async fn add_publisher(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<NewPublisher>,
) -> Result<(StatusCode, Json<PublisherJson>), ApiError> {
    let subject = format!("publisher:{}", body.name.trim());
    let actor = reviewers::reviewer(
        state.db(),
        user.person(),
        "registering a publisher",
        &subject,
    )
    .await?;
    let key =
        registry_service::add_publisher(state.db(), &body.name, &body.public_key, &actor).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublisherJson {
            name: body.name.trim().to_owned(),
            public_key: key,
        }),
    ))
}

/// A search of the registry.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Text in a plugin's id or name; everything without it.
    #[serde(default)]
    pub q: String,
}

/// The plugins found.
#[derive(Debug, Serialize, ToSchema)]
pub struct Plugins {
    /// By id.
    pub plugins: Vec<PluginSummary>,
}

/// Search the registry
///
/// Anyone: plugins by id or name, with the newest approved version and every version the
/// caller may see (reviewers see every state; anyone else approved and yanked ones only).
#[utoipa::path(
    get,
    path = "/registry/api/plugins",
    tag = "registry",
    operation_id = "searchRegistry",
    security(()),
    params(SearchQuery),
    responses((status = 200, description = "The plugins.", body = Plugins))
)]
async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Plugins>, ApiError> {
    let visibility = visibility(&state, &headers).await?;
    let plugins = registry_service::search(state.db(), &query.q, visibility).await?;
    Ok(Json(Plugins { plugins }))
}

/// Read a plugin
///
/// Anyone: one plugin's versions as the caller may see them. A plugin with no version the
/// caller may see is a 404.
#[utoipa::path(
    get,
    path = "/registry/api/plugins/{id}",
    tag = "registry",
    operation_id = "readRegistryPlugin",
    security(()),
    params(("id" = String, Path, description = "The plugin's id.")),
    responses(
        (status = 200, description = "The plugin.", body = PluginSummary),
        (status = 404, response = NotFound),
    )
)]
async fn plugin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<PluginSummary>, ApiError> {
    let visibility = visibility(&state, &headers).await?;
    registry_service::plugin(state.db(), &id, visibility)
        .await?
        .map(Json)
        .ok_or_else(|| RuleError::NotFound(format!("plugin {id}")).into())
}

/// Download a package
///
/// Anyone for approved versions; reviewers for any. The bytes come with their digest and
/// signature, which an installing host checks against its own pinned key.
#[utoipa::path(
    get,
    path = "/registry/api/plugins/{id}/{version}/package.wgp",
    tag = "registry",
    operation_id = "downloadPackage",
    security(()),
    params(
        ("id" = String, Path, description = "The plugin's id."),
        ("version" = String, Path, description = "The version."),
    ),
    responses(
        (status = 200, description = "The package.", content_type = "application/vnd.wangge.package", body = PackageBytes, headers(
            ("x-wangge-digest" = String, description = "`sha256:<hex>` of the bytes."),
            ("x-wangge-signature" = String, description = "The publisher's signature of the digest."),
        )),
        (status = 404, response = NotFound),
    )
)]
async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let visibility = visibility(&state, &headers).await?;
    let download = registry_service::download(state.db(), &id, &version, visibility).await?;
    let header_value = |text: &str| {
        HeaderValue::from_str(text).map_err(|e| ApiError::from(anyhow::anyhow!("{e}")))
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

/// A review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// The decision.
    #[schema(schema_with = schemas::review_decision)]
    pub decision: String,
    /// Why: required for a rejection.
    #[serde(default)]
    pub note: String,
}

/// A version's new state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reviewed {
    /// The plugin.
    pub plugin: String,
    /// The version.
    pub version: String,
    /// `approved`, `rejected` or `yanked`.
    pub state: String,
}

/// Review a version
///
/// Registry reviewers at a province: a submitted version becomes approved or rejected (a
/// rejection needs a note). Audited `registry.reviewed`.
#[utoipa::path(
    post,
    path = "/registry/api/plugins/{id}/{version}/review",
    tag = "registry",
    operation_id = "reviewVersion",
    params(
        ("id" = String, Path, description = "The plugin's id."),
        ("version" = String, Path, description = "The version."),
    ),
    request_body = ReviewBody,
    responses(
        (status = 200, description = "Reviewed.", body = Reviewed),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn review(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, version)): Path<(String, String)>,
    Json(body): Json<ReviewBody>,
) -> Result<Json<Reviewed>, ApiError> {
    let subject = format!("plugin:{id}@{version}");
    let actor = reviewers::reviewer(
        state.db(),
        user.person(),
        "reviewing a plugin version",
        &subject,
    )
    .await?;
    let decision: Decision = body
        .decision
        .parse()
        .map_err(|problem: String| RuleError::invalid("decision", problem))?;
    let new_state =
        registry_service::review(state.db(), &id, &version, decision, &body.note, &actor).await?;
    Ok(Json(Reviewed {
        plugin: id,
        version,
        state: new_state.name().to_owned(),
    }))
}

/// Why a version is withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YankBody {
    /// The reason, shown with the version.
    pub reason: String,
}

/// Yank a version
///
/// Registry reviewers at a province: an approved version is withdrawn (installations keep
/// running; new installs refuse it). Audited `registry.yanked`.
#[utoipa::path(
    post,
    path = "/registry/api/plugins/{id}/{version}/yank",
    tag = "registry",
    operation_id = "yankVersion",
    params(
        ("id" = String, Path, description = "The plugin's id."),
        ("version" = String, Path, description = "The version."),
    ),
    request_body = YankBody,
    responses(
        (status = 200, description = "Yanked.", body = Reviewed),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn yank(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, version)): Path<(String, String)>,
    Json(body): Json<YankBody>,
) -> Result<Json<Reviewed>, ApiError> {
    let subject = format!("plugin:{id}@{version}");
    let actor = reviewers::reviewer(
        state.db(),
        user.person(),
        "yanking a plugin version",
        &subject,
    )
    .await?;
    let new_state = registry_service::yank(state.db(), &id, &version, &body.reason, &actor).await?;
    Ok(Json(Reviewed {
        plugin: id,
        version,
        state: new_state.name().to_owned(),
    }))
}

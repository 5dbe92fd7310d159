//! The HTTP API of docs/bureau-api.md: the router, error bodies and request bodies.

pub mod hospitals;
pub mod medical;
pub mod pension;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::state::Bureau;

/// The most ID numbers one list request may carry.
pub const MAX_LIST: usize = 500;

/// The whole API over `bureau`.
pub fn router(bureau: Arc<Bureau>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/pension/{id_number}", get(pension::get))
        .route(
            "/api/v1/pension/{id_number}/certification",
            post(pension::certify),
        )
        .route(
            "/api/v1/pension/certification-due",
            post(pension::certification_due),
        )
        .route("/api/v1/medical/hospitals", get(hospitals::list))
        .route("/api/v1/medical/unpaid", post(medical::unpaid))
        .route("/api/v1/medical/{id_number}", get(medical::get))
        .route("/api/v1/medical/{id_number}/payment", post(medical::pay))
        .with_state(bureau)
}

/// An error answer: `{"error": CODE, "message": 中文说明}` with its status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// 400 `invalid`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid",
            message: message.into(),
        }
    }

    /// 404 `unknown-person`.
    pub fn unknown_person() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "unknown-person",
            message: "查无此人：身份证号无效或未登记".to_owned(),
        }
    }

    /// 409 `not-a-pensioner`.
    pub fn not_a_pensioner() -> Self {
        Self {
            status: StatusCode::CONFLICT,
            code: "not-a-pensioner",
            message: "此人不是养老保险待遇领取人员，无需资格认证".to_owned(),
        }
    }

    /// 409 `already-paid`.
    pub fn already_paid(year: i16) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            code: "already-paid",
            message: format!("此人已缴纳 {year} 年度城乡居民医保费"),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code,
            message: &self.message,
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// A JSON request body, read whatever its `Content-Type`; a body that does not parse is a
/// 400 `invalid` in the API's error format.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::invalid("无法读取请求体"))?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|error| ApiError::invalid(format!("请求体格式不正确：{error}")))
    }
}

/// The body of the list requests: `{"id_numbers": [...]}`.
#[derive(Debug, serde::Deserialize)]
pub struct IdList {
    /// The ID numbers asked about.
    pub id_numbers: Vec<String>,
}

impl IdList {
    /// The numbers, or 400 `invalid` if there are more than [`MAX_LIST`].
    pub fn checked(self) -> Result<Vec<String>, ApiError> {
        if self.id_numbers.len() > MAX_LIST {
            return Err(ApiError::invalid(format!(
                "一次最多查询 {MAX_LIST} 个身份证号，本次 {} 个",
                self.id_numbers.len()
            )));
        }
        Ok(self.id_numbers)
    }
}

/// Calling the router in tests.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::id_number::{IdNumber, with_check};
    use axum::body::Body;
    use jiff::civil::{Date, date};
    use serde_json::Value;
    use tower::ServiceExt;

    /// The date the router tests run on.
    pub const TODAY: Date = date(2026, 5, 14);

    /// A fresh bureau on [`TODAY`] and its router.
    pub fn app() -> (Arc<Bureau>, Router) {
        let bureau = Arc::new(Bureau::on(TODAY));
        (Arc::clone(&bureau), router(bureau))
    }

    /// Sends `method path` with `body` (raw JSON text, if any); answers status and body.
    pub async fn call_raw(
        app: &Router,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> (u16, String) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .body(body.map(|b| Body::from(b.to_owned())).unwrap_or_default())
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, String::from_utf8(bytes.to_vec()).expect("utf-8"))
    }

    /// Sends `method path` with a JSON `body`; answers status and JSON body.
    pub async fn call(app: &Router, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let text = body.map(|b| b.to_string());
        let (status, answer) = call_raw(app, method, path, text.as_deref()).await;
        let json = serde_json::from_str(&answer)
            .unwrap_or_else(|e| panic!("{method} {path}: {status} {answer:?} is not JSON: {e}"));
        (status, json)
    }

    /// The first person born on `birth` (YYYYMMDD) in 黄石港区 whose number satisfies `wanted`.
    pub fn person_where(birth: &str, wanted: impl Fn(&IdNumber) -> bool) -> String {
        (0..1000)
            .map(|n| with_check(&format!("420202{birth}{n:03}")))
            .find(|text| IdNumber::parse(text).is_some_and(|id| wanted(&id)))
            .expect("such a person among 1000")
    }

    #[tokio::test]
    async fn health() {
        let (_, app) = app();
        assert_eq!(
            call_raw(&app, "GET", "/healthz", None).await,
            (200, "ok".to_owned())
        );
    }
}

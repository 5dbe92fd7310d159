//! Pension (养老保险): a person's record, their annual certification, and who is due.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

use super::{ApiError, IdList, JsonBody};
use crate::records::{CertificationStatus, Method, PensionRecord};
use crate::state::{Bureau, CertifyError};

/// `GET /api/v1/pension/{id_number}`.
pub async fn get(
    State(bureau): State<Arc<Bureau>>,
    Path(id_number): Path<String>,
) -> Result<Json<PensionRecord>, ApiError> {
    let id = bureau
        .person(&id_number)
        .ok_or_else(ApiError::unknown_person)?;
    Ok(Json(bureau.pension(&id)))
}

/// The body of a certification. Both fields are checked by hand so that a missing one
/// gets its own message.
#[derive(Debug, Deserialize)]
pub struct CertifyBody {
    method: Option<String>,
    recorded_by: Option<String>,
}

/// `POST /api/v1/pension/{id_number}/certification`.
pub async fn certify(
    State(bureau): State<Arc<Bureau>>,
    Path(id_number): Path<String>,
    JsonBody(body): JsonBody<CertifyBody>,
) -> Result<Json<PensionRecord>, ApiError> {
    let id = bureau
        .person(&id_number)
        .ok_or_else(ApiError::unknown_person)?;
    let method = body
        .method
        .as_deref()
        .and_then(Method::parse)
        .ok_or_else(|| ApiError::invalid("认证方式（method）必须是 in-person 或 self"))?;
    let recorded_by = body.recorded_by.as_deref().map(str::trim).unwrap_or("");
    if recorded_by.is_empty() {
        return Err(ApiError::invalid("缺少记录人（recorded_by）"));
    }
    match bureau.certify(&id, method) {
        Ok(record) => {
            tracing::info!(id = %id.as_str(), ?method, recorded_by, "certification");
            Ok(Json(record))
        }
        Err(CertifyError::NotAPensioner) => Err(ApiError::not_a_pensioner()),
    }
}

/// `{"due": [...]}`.
#[derive(Debug, Serialize)]
pub struct Due {
    due: Vec<String>,
}

/// `POST /api/v1/pension/certification-due`: the pensioners among the given people who are
/// not yet certified this year, in the order given; unknown numbers are skipped.
pub async fn certification_due(
    State(bureau): State<Arc<Bureau>>,
    JsonBody(body): JsonBody<IdList>,
) -> Result<Json<Due>, ApiError> {
    let due = body
        .checked()?
        .into_iter()
        .filter(|text| {
            bureau.person(text).is_some_and(|id| {
                bureau.pension(&id).certification.map(|c| c.status)
                    == Some(CertificationStatus::Due)
            })
        })
        .collect();
    Ok(Json(Due { due }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TODAY, app, call, person_where};
    use crate::records;
    use serde_json::{Value, json};

    fn certification_status(bureau: &crate::state::Bureau, text: &str) -> Option<&'static str> {
        let id = bureau.person(text)?;
        let record = bureau.pension(&id);
        record.certification.map(|c| match c.status {
            records::CertificationStatus::Due => "due",
            records::CertificationStatus::Certified => "certified",
        })
    }

    #[tokio::test]
    async fn record_is_deterministic_and_shaped_as_documented() {
        let (_, app) = app();
        let path = "/api/v1/pension/420202194405120116";
        let (status, first) = call(&app, "GET", path, None).await;
        assert_eq!(status, 200);
        let (_, second) = call(&app, "GET", path, None).await;
        assert_eq!(first, second);
        // A second process answers the same.
        let (_, other) = super::super::testing::app();
        assert_eq!(call(&other, "GET", path, None).await.1, first);
        let object = first.as_object().expect("an object");
        let mut keys: Vec<_> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "certification",
                "contribution_years",
                "enrolled",
                "id_number",
                "is_pensioner",
                "monthly_contribution_yuan",
                "monthly_pension_yuan",
                "scheme"
            ]
        );
        assert_eq!(first["id_number"], "420202194405120116");
        assert!(matches!(
            first["scheme"].as_str(),
            Some("城乡居民" | "城镇职工")
        ));
        if first["is_pensioner"] == true {
            assert!(first["monthly_pension_yuan"].is_f64());
            assert_eq!(first["certification"]["year"], 2026);
        } else {
            assert_eq!(first["monthly_pension_yuan"], Value::Null);
            assert_eq!(first["certification"], Value::Null);
        }
    }

    #[tokio::test]
    async fn invalid_numbers_are_unknown_people() {
        let (_, app) = app();
        // Wrong check digit, too short, not a number, born after today.
        let unborn = crate::id_number::with_check("42020220300101001");
        for bad in ["420202194405120117", "42020219440512011", "abc", &unborn] {
            let (status, body) = call(&app, "GET", &format!("/api/v1/pension/{bad}"), None).await;
            assert_eq!(status, 404, "{bad}");
            assert_eq!(body["error"], "unknown-person");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }

    #[tokio::test]
    async fn certification_flow() {
        let (bureau, app) = app();
        let person = person_where("19450101", |id| {
            records::pension(id, TODAY).certification.map(|c| c.status)
                == Some(records::CertificationStatus::Due)
        });
        let path = format!("/api/v1/pension/{person}/certification");
        let (status, record) = call(
            &app,
            "POST",
            &path,
            Some(json!({"method": "in-person", "recorded_by": "张网格"})),
        )
        .await;
        assert_eq!(status, 200, "{record}");
        assert_eq!(
            record["certification"],
            json!({"year": 2026, "status": "certified", "certified_on": "2026-05-14", "method": "in-person"})
        );
        assert_eq!(certification_status(&bureau, &person), Some("certified"));
        // Certifying again is not an error, and the first certification stands.
        let (status, again) = call(
            &app,
            "POST",
            &path,
            Some(json!({"method": "self", "recorded_by": "本人"})),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(again["certification"], record["certification"]);
        let (_, fetched) = call(&app, "GET", &format!("/api/v1/pension/{person}"), None).await;
        assert_eq!(fetched, record);
    }

    #[tokio::test]
    async fn certification_refusals() {
        let (_, app) = app();
        let young = person_where("19900101", |_| true);
        let body = json!({"method": "in-person", "recorded_by": "张网格"});
        let (status, error) = call(
            &app,
            "POST",
            &format!("/api/v1/pension/{young}/certification"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, error["error"].as_str()),
            (409, Some("not-a-pensioner"))
        );
        let (status, error) = call(
            &app,
            "POST",
            "/api/v1/pension/420202194405120117/certification",
            Some(body),
        )
        .await;
        assert_eq!(
            (status, error["error"].as_str()),
            (404, Some("unknown-person"))
        );
        let pensioner = person_where("19450101", |id| records::pension(id, TODAY).is_pensioner);
        let path = format!("/api/v1/pension/{pensioner}/certification");
        for bad in [
            json!({"method": "phone", "recorded_by": "张网格"}),
            json!({"recorded_by": "张网格"}),
            json!({"method": "in-person"}),
            json!({"method": "in-person", "recorded_by": "  "}),
            json!({"method": "in-person", "recorded_by": 7}),
            json!([]),
        ] {
            let (status, error) = call(&app, "POST", &path, Some(bad.clone())).await;
            assert_eq!(
                (status, error["error"].as_str()),
                (400, Some("invalid")),
                "{bad}"
            );
        }
    }

    #[tokio::test]
    async fn due_lists_uncertified_pensioners_in_order() {
        let (bureau, app) = app();
        let due = |id: &crate::id_number::IdNumber| {
            records::pension(id, TODAY).certification.map(|c| c.status)
                == Some(records::CertificationStatus::Due)
        };
        let first = person_where("19400101", due);
        let second = person_where("19410101", due);
        let third = person_where("19420101", due);
        let certified = person_where("19430101", |id| {
            records::pension(id, TODAY).certification.map(|c| c.status)
                == Some(records::CertificationStatus::Certified)
        });
        let young = person_where("19900101", |_| true);
        let asked = json!({"id_numbers": [
            third, "420202194405120117", young, first, certified, second, "x"
        ]});
        let path = "/api/v1/pension/certification-due";
        let (status, body) = call(&app, "POST", path, Some(asked.clone())).await;
        assert_eq!(status, 200);
        assert_eq!(body, json!({"due": [third, first, second]}));
        // Certifying one takes them off the list.
        let id = bureau.person(&first).expect("known");
        bureau
            .certify(&id, records::Method::SelfService)
            .expect("certified");
        let (_, body) = call(&app, "POST", path, Some(asked)).await;
        assert_eq!(body, json!({"due": [third, second]}));
        assert_eq!(certification_status(&bureau, &first), Some("certified"));
    }

    #[tokio::test]
    async fn due_lists_are_limited() {
        let (_, app) = app();
        let path = "/api/v1/pension/certification-due";
        let numbers = vec!["420202194405120116"; 500];
        let (status, _) = call(&app, "POST", path, Some(json!({ "id_numbers": numbers }))).await;
        assert_eq!(status, 200);
        let numbers = vec!["420202194405120116"; 501];
        let (status, error) =
            call(&app, "POST", path, Some(json!({ "id_numbers": numbers }))).await;
        assert_eq!((status, error["error"].as_str()), (400, Some("invalid")));
        let (status, _) = call(&app, "POST", path, Some(json!({"ids": []}))).await;
        assert_eq!(status, 400);
    }
}

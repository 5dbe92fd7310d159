//! Medical insurance (城乡居民医保): a person's record, payments, and who has not paid.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

use super::{ApiError, IdList, JsonBody};
use crate::records::MedicalRecord;
use crate::state::{Bureau, PayError};

/// `GET /api/v1/medical/{id_number}`.
pub async fn get(
    State(bureau): State<Arc<Bureau>>,
    Path(id_number): Path<String>,
) -> Result<Json<MedicalRecord>, ApiError> {
    let id = bureau
        .person(&id_number)
        .ok_or_else(ApiError::unknown_person)?;
    Ok(Json(bureau.medical(&id)))
}

/// `{"campaign_year": …, "unpaid": [...]}`.
#[derive(Debug, Serialize)]
pub struct Unpaid {
    campaign_year: i16,
    unpaid: Vec<String>,
}

/// `POST /api/v1/medical/unpaid`: those of the given people who have not paid for the
/// campaign year, in the order given; unknown numbers are skipped.
pub async fn unpaid(
    State(bureau): State<Arc<Bureau>>,
    JsonBody(body): JsonBody<IdList>,
) -> Result<Json<Unpaid>, ApiError> {
    let unpaid = body
        .checked()?
        .into_iter()
        .filter(|text| {
            bureau
                .person(text)
                .is_some_and(|id| !bureau.medical(&id).campaign_paid)
        })
        .collect();
    Ok(Json(Unpaid {
        campaign_year: bureau.today().year() + 1,
        unpaid,
    }))
}

/// The body of a payment.
#[derive(Debug, Deserialize)]
pub struct PaymentBody {
    year: i16,
}

/// `POST /api/v1/medical/{id_number}/payment`: answers the updated record.
pub async fn pay(
    State(bureau): State<Arc<Bureau>>,
    Path(id_number): Path<String>,
    JsonBody(body): JsonBody<PaymentBody>,
) -> Result<Json<MedicalRecord>, ApiError> {
    let id = bureau
        .person(&id_number)
        .ok_or_else(ApiError::unknown_person)?;
    match bureau.pay(&id, body.year) {
        Ok(record) => {
            tracing::info!(id = %id.as_str(), year = body.year, "payment");
            Ok(Json(record))
        }
        Err(PayError::AlreadyPaid) => Err(ApiError::already_paid(body.year)),
        Err(PayError::NotTheCampaignYear(campaign)) => Err(ApiError::invalid(format!(
            "只能缴纳本期（{campaign} 年度）的医保费，不能缴纳 {} 年度",
            body.year
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TODAY, app, call, person_where};
    use crate::records;
    use serde_json::json;

    #[tokio::test]
    async fn record_is_deterministic_and_shaped_as_documented() {
        let (_, app) = app();
        let path = "/api/v1/medical/420202194405120116";
        let (status, first) = call(&app, "GET", path, None).await;
        assert_eq!(status, 200);
        assert_eq!(call(&app, "GET", path, None).await.1, first);
        assert_eq!(
            call(&super::super::testing::app().1, "GET", path, None)
                .await
                .1,
            first
        );
        let object = first.as_object().expect("an object");
        let mut keys: Vec<_> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "annual_premium_yuan",
                "campaign_paid",
                "campaign_year",
                "enrolled",
                "id_number",
                "paid_years",
                "scheme"
            ]
        );
        assert_eq!(first["scheme"], "城乡居民医保");
        assert_eq!(first["campaign_year"], 2027);
        assert_eq!(first["annual_premium_yuan"], 400.0);
        let (status, error) = call(&app, "GET", "/api/v1/medical/42020219440512011X", None).await;
        assert_eq!(
            (status, error["error"].as_str()),
            (404, Some("unknown-person"))
        );
    }

    #[tokio::test]
    async fn payment_flow() {
        let (_, app) = app();
        let person = person_where("19800101", |id| {
            let record = records::medical(id, TODAY);
            record.enrolled && !record.campaign_paid && record.paid_years.len() == 3
        });
        let (_, before) = call(&app, "GET", &format!("/api/v1/medical/{person}"), None).await;
        assert_eq!(before["paid_years"], json!([2024, 2025, 2026]));
        assert_eq!(before["campaign_paid"], false);
        let path = format!("/api/v1/medical/{person}/payment");
        let (status, error) = call(&app, "POST", &path, Some(json!({"year": 2026}))).await;
        assert_eq!((status, error["error"].as_str()), (400, Some("invalid")));
        let (status, error) = call(&app, "POST", &path, Some(json!({}))).await;
        assert_eq!((status, error["error"].as_str()), (400, Some("invalid")));
        let (status, paid) = call(&app, "POST", &path, Some(json!({"year": 2027}))).await;
        assert_eq!(status, 200, "{paid}");
        assert_eq!(paid["campaign_paid"], true);
        assert_eq!(paid["paid_years"], json!([2024, 2025, 2026, 2027]));
        let (_, after) = call(&app, "GET", &format!("/api/v1/medical/{person}"), None).await;
        assert_eq!(after, paid);
        let (status, error) = call(&app, "POST", &path, Some(json!({"year": 2027}))).await;
        assert_eq!(
            (status, error["error"].as_str()),
            (409, Some("already-paid"))
        );
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("2027"))
        );
        let (status, error) = call(
            &app,
            "POST",
            "/api/v1/medical/420202194405120117/payment",
            Some(json!({"year": 2027})),
        )
        .await;
        assert_eq!(
            (status, error["error"].as_str()),
            (404, Some("unknown-person"))
        );
    }

    #[tokio::test]
    async fn paying_enrolls() {
        let (_, app) = app();
        let person = person_where("19800101", |id| !records::medical(id, TODAY).enrolled);
        let path = format!("/api/v1/medical/{person}/payment");
        let (status, paid) = call(&app, "POST", &path, Some(json!({"year": 2027}))).await;
        assert_eq!(status, 200);
        assert_eq!(paid["enrolled"], true);
        assert_eq!(paid["paid_years"], json!([2027]));
    }

    #[tokio::test]
    async fn unpaid_lists_in_order() {
        let (_, app) = app();
        let unpaid = |id: &crate::id_number::IdNumber| !records::medical(id, TODAY).campaign_paid;
        let first = person_where("19700101", unpaid);
        let second = person_where("19710101", unpaid);
        let paid = person_where("19720101", |id| records::medical(id, TODAY).campaign_paid);
        let asked = json!({"id_numbers": [second, paid, "420202194405120117", first]});
        let path = "/api/v1/medical/unpaid";
        let (status, body) = call(&app, "POST", path, Some(asked.clone())).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"campaign_year": 2027, "unpaid": [second, first]})
        );
        let payment = format!("/api/v1/medical/{second}/payment");
        let (status, _) = call(&app, "POST", &payment, Some(json!({"year": 2027}))).await;
        assert_eq!(status, 200);
        let (_, body) = call(&app, "POST", path, Some(asked)).await;
        assert_eq!(body, json!({"campaign_year": 2027, "unpaid": [first]}));
        let too_many = vec![first; 501];
        let (status, error) =
            call(&app, "POST", path, Some(json!({ "id_numbers": too_many }))).await;
        assert_eq!((status, error["error"].as_str()), (400, Some("invalid")));
        let (status, error) = call(&app, "POST", path, Some(json!({"id_numbers": [1, 2]}))).await;
        assert_eq!((status, error["error"].as_str()), (400, Some("invalid")));
    }
}

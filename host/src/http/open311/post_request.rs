//! `POST requests.json`: a citizen app reports an event, form-encoded as GeoReport says.
//!
//! Read: `service_code` (the category), `lat` and `long` or `address_string` (one is
//! required), `description` (up to 4000 characters), `attribute[NAME]` (the category's
//! custom fields, typed and validated as in `POST /api/events`), `api_key` (in the body,
//! the URL's query string or as `Authorization: Bearer`) and `jurisdiction_id` (the unit
//! code the event belongs to: one the caller holds a role over; it may be left out when all
//! of the caller's grants are at one unit).
//!
//! Accepted and ignored: `email`, `device_id`, `account_id`, `first_name`, `last_name`,
//! `phone` (the reporter is the signed-in user, whose contact details the platform already
//! has, so none is collected twice), `address_id` (no address registry is shared) and
//! `media_url` (media are not stored yet). Any other parameter is refused by name.
//!
//! The event's title is the first non-blank line of the description, cut to 40
//! characters, or the category's name when there is no description.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Map, Value, json};

use super::auth::{Caller, caller};
use super::error::Open311Error;
use crate::db::events::NewEvent;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::events_api::{category_fields, check_attributes, checked_place, known_category};
use crate::plugins::hooks::{Notice, spawn_delivery};

/// GeoReport's limit on a description.
const MAX_DESCRIPTION_CHARS: usize = 4000;

/// Characters of the description kept as the title.
const TITLE_CHARS: usize = 40;

const IGNORED: &[&str] = &[
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "address_id",
    "media_url",
];

/// The parameters, one value each.
struct Params {
    values: Vec<(String, String)>,
}

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    fn number(&self, name: &str) -> Result<Option<f64>, Open311Error> {
        self.get(name)
            .map(|text| {
                text.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| {
                        Open311Error::bad_request(format!(
                            "{name}: expected decimal degrees, got \"{text}\""
                        ))
                    })
            })
            .transpose()
    }

    /// `attribute[NAME]` parameters, by NAME.
    fn attributes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().filter_map(|(k, v)| {
            k.strip_prefix("attribute[")
                .and_then(|rest| rest.strip_suffix(']'))
                .map(|name| (name, v.as_str()))
        })
    }
}

const READ: &[&str] = &[
    "service_code",
    "lat",
    "long",
    "address_string",
    "description",
    "api_key",
    "jurisdiction_id",
];

fn check_names(values: &[(String, String)]) -> Result<(), Open311Error> {
    let mut seen = BTreeSet::new();
    for (name, _) in values {
        let known = READ.contains(&name.as_str())
            || IGNORED.contains(&name.as_str())
            || (name.starts_with("attribute[") && name.ends_with(']'));
        if !known {
            return Err(Open311Error::bad_request(format!(
                "{name}: not a GeoReport v2 parameter of POST requests"
            )));
        }
        if !seen.insert(name.as_str()) {
            return Err(Open311Error::bad_request(format!(
                "{name}: given more than once"
            )));
        }
    }
    Ok(())
}

/// The title: the first non-blank line of the description, at most 40 characters.
fn title_of(description: &str) -> Option<String> {
    description
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(|line| line.chars().take(TITLE_CHARS).collect())
}

/// The unit the event belongs to: `jurisdiction_id` if the caller holds a role over it,
/// else the caller's one grant unit.
fn unit_of(caller: &Caller, jurisdiction: Option<&str>) -> Result<String, Open311Error> {
    if let Some(unit) = jurisdiction.map(str::trim) {
        if caller.grants.reaches(unit) {
            return Ok(unit.to_owned());
        }
        return Err(Open311Error::new(
            StatusCode::FORBIDDEN,
            format!("jurisdiction_id: you hold no role at unit {unit}"),
        ));
    }
    let units: BTreeSet<&str> = caller
        .grants
        .0
        .iter()
        .map(|g| g.unit_code.as_str())
        .collect();
    match units.into_iter().collect::<Vec<_>>().as_slice() {
        [only] => Ok((*only).to_owned()),
        _ => Err(Open311Error::bad_request(
            "jurisdiction_id: your roles are at several units (or none); give the code of \
             the unit the request belongs to",
        )),
    }
}

/// `POST requests.json`.
pub(super) async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(StatusCode, Json<Value>), Open311Error> {
    let Form(values) = form.map_err(|rejection| {
        Open311Error::bad_request(format!(
            "expected an application/x-www-form-urlencoded body: {rejection}"
        ))
    })?;
    check_names(&values)?;
    let params = Params { values };
    // Some clients put api_key in the URL even on a POST.
    let url_key = query.as_ref().ok().and_then(|Query(pairs)| {
        pairs
            .iter()
            .find(|(k, _)| k == "api_key")
            .map(|(_, v)| v.as_str())
    });
    let caller = caller(&state, &headers, params.get("api_key").or(url_key)).await?;
    let code = params.get("service_code").ok_or_else(|| {
        Open311Error::bad_request("service_code: required (services.json lists them)")
    })?;
    let category = known_category(&state, "service_code", code).await?;
    let latitude = params.number("lat")?;
    let longitude = params.number("long")?;
    let place = checked_place(
        ["lat", "long", "address_string"],
        latitude,
        longitude,
        params.get("address_string"),
    )?;
    if place.latitude.is_none() && place.address.is_none() {
        return Err(Open311Error::bad_request(
            "lat: give lat and long, or address_string, to say where",
        ));
    }
    let description = params.get("description").unwrap_or_default().trim();
    let description_chars = description.chars().count();
    if description_chars > MAX_DESCRIPTION_CHARS {
        return Err(Open311Error::bad_request(format!(
            "description: expected at most {MAX_DESCRIPTION_CHARS} characters, got \
             {description_chars}"
        )));
    }
    let fields = category_fields(&category)?;
    let mut attributes = Map::new();
    for (name, text) in params.attributes() {
        let field = fields
            .as_ref()
            .and_then(|f| f.fields().iter().find(|field| field.name == name));
        let value = match field {
            Some(field) => field.value_from_text(text).map_err(|problem| {
                Open311Error::bad_request(format!("attribute[{name}]: {}: {problem}", field.title))
            })?,
            // Left as text: the check below names the unknown field.
            None => Value::String(text.to_owned()),
        };
        attributes.insert(name.to_owned(), value);
    }
    let attributes = Value::Object(attributes);
    check_attributes(&category, &attributes).map_err(|error| match error {
        ApiError::InvalidAttribute { name, problem } => {
            Open311Error::bad_request(format!("attribute[{name}]: {problem}"))
        }
        other => other.into(),
    })?;
    let unit = unit_of(&caller, params.get("jurisdiction_id"))?;
    let Some(unit_row) = state.db().unit(&unit).await? else {
        return Err(Open311Error::bad_request(format!(
            "jurisdiction_id: no unit has the code {unit}"
        )));
    };
    let title = title_of(description).unwrap_or_else(|| category.name.clone());
    let reporter = format!("user:{}", caller.username);
    let id = state
        .db()
        .report_event(&NewEvent {
            category: &category.code,
            title: &title,
            description,
            unit_code: &unit,
            reporter: &reporter,
            latitude: place.latitude,
            longitude: place.longitude,
            address: place.address,
            attributes: Some(&attributes),
        })
        .await?;
    spawn_delivery(&state, Notice::EventReported { event_id: id });
    let notice = format!(
        "已上报至{}，受理后 {} 个工作日内办结",
        unit_row.name, category.sla_working_days
    );
    Ok((
        StatusCode::CREATED,
        Json(json!([{
            "service_request_id": id.to_string(),
            "service_notice": notice,
            "account_id": null,
        }])),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_is_the_first_line_cut_to_forty_characters() {
        assert_eq!(
            title_of("\n  楼道堵塞 \n三单元").as_deref(),
            Some("楼道堵塞")
        );
        let long = "很".repeat(50);
        assert_eq!(title_of(&long).map(|t| t.chars().count()), Some(40));
        assert_eq!(title_of("  \n "), None);
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        let pairs = |names: &[&str]| -> Vec<(String, String)> {
            names
                .iter()
                .map(|n| ((*n).to_owned(), "x".to_owned()))
                .collect()
        };
        assert!(check_names(&pairs(&["service_code", "email", "attribute[a]"])).is_ok());
        assert!(check_names(&pairs(&["service_code", "colour"])).is_err());
        assert!(check_names(&pairs(&["lat", "lat"])).is_err());
    }
}

//! `POST requests.json`: a citizen app reports an event, form-encoded as GeoReport says.
//!
//! Read: `service_code` (the category), `lat` and `long` or `address_string` (one is
//! required), `description` (up to 2000 characters, as every report), `attribute[NAME]` (the category's
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

use super::auth::caller;
use super::error::Open311Error;
use crate::rules::events::{self, NewReport, categories};
use crate::rules::{Actor, Person};
use crate::state::AppState;

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

/// The unit the event belongs to: `jurisdiction_id` (the rule checks the caller holds a
/// role there), else the caller's one grant unit.
fn unit_of(person: &Person, jurisdiction: Option<&str>) -> Result<String, Open311Error> {
    if let Some(unit) = jurisdiction.map(str::trim) {
        return Ok(unit.to_owned());
    }
    match person.grant_units().as_slice() {
        [only] => Ok(only.clone()),
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
    let person = caller(&state, &headers, params.get("api_key").or(url_key)).await?;
    let code = params.get("service_code").ok_or_else(|| {
        Open311Error::bad_request("service_code: required (services.json lists them)")
    })?;
    let latitude = params.number("lat")?;
    let longitude = params.number("long")?;
    if latitude.is_none() && longitude.is_none() && params.get("address_string").is_none() {
        return Err(Open311Error::bad_request(
            "lat: give lat and long, or address_string, to say where",
        ));
    }
    let description = params.get("description").unwrap_or_default().trim();
    let attributes = typed_attributes(&state, &params, code).await?;
    let unit = unit_of(&person, params.get("jurisdiction_id"))?;
    let title = match title_of(description) {
        Some(title) => title,
        None => categories::all(state.db())
            .await?
            .into_iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_owned(), |c| c.name),
    };
    let reported = events::report(
        state.ground(),
        Actor::Person(&person),
        &NewReport {
            category: code,
            title: &title,
            description,
            unit: &unit,
            latitude,
            longitude,
            address: params.get("address_string"),
            attributes: &attributes,
            urgent: false,
            repeat_of: None,
        },
    )
    .await
    .map_err(|error| match error {
        // The unit is the jurisdiction GeoReport asked for.
        crate::rules::RuleError::Forbidden(why) => {
            Open311Error::new(StatusCode::FORBIDDEN, format!("jurisdiction_id: {why}"))
        }
        other => other.into(),
    })?;
    let notice = format!(
        "已上报至{}，受理后 {} 个工作日内办结",
        reported.unit.name, reported.category.sla_working_days
    );
    Ok((
        StatusCode::CREATED,
        Json(json!([{
            "service_request_id": reported.event.id.to_string(),
            "service_notice": notice,
            "account_id": null,
        }])),
    ))
}

/// The `attribute[NAME]` parameters as the category's custom fields type them (a number
/// field's text as a number …); a name the category does not have is kept as text, for
/// the rule to name.
async fn typed_attributes(
    state: &AppState,
    params: &Params,
    code: &str,
) -> Result<Value, Open311Error> {
    let category = categories::all(state.db())
        .await?
        .into_iter()
        .find(|c| c.code == code);
    let fields = category
        .as_ref()
        .map(categories::fields_of)
        .transpose()?
        .flatten();
    let mut attributes = Map::new();
    for (name, text) in params.attributes() {
        let field = fields
            .as_ref()
            .and_then(|f| f.fields().iter().find(|field| field.name == name));
        let value = match field {
            Some(field) => field.value_from_text(text).map_err(|problem| {
                Open311Error::bad_request(format!("attribute[{name}]: {}: {problem}", field.title))
            })?,
            None => Value::String(text.to_owned()),
        };
        attributes.insert(name.to_owned(), value);
    }
    Ok(Value::Object(attributes))
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

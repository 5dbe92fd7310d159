//! `GET requests.json` and `GET requests/{id}.json`: with an `api_key`, the full requests
//! within the caller's grants; without one, the public view anyone may read
//! (`rules::events::public`: no description, address or notes, the place to about 100 m,
//! no disputes or petitions). A request out of reach looks exactly like one that does not
//! exist.
//!
//! Filters of the list, as GeoReport defines them: `service_request_id` (a comma list; the
//! other filters are then ignored), `service_code`, `start_date` and `end_date` (ISO 8601;
//! a plain `YYYY-MM-DD` means midnight in China; by default the 90 days up to now), `status`
//! (`open`, `closed` or both, comma-separated) and `jurisdiction_id` (one unit of the
//! caller's scope). Newest first, at most 1000.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde_json::Value;

use super::auth::caller_if_any;
use super::error::Open311Error;
use super::format::json_name;
use super::request_json::{Shown, request_json, states_of};
use crate::db::events::StoredEvent;
use crate::rules::events::public::{self, PublicEvent, PublicSearch};
use crate::rules::events::{self, Search, categories};
use crate::rules::{Actor, RuleError};
use crate::state::AppState;

/// GeoReport's cap on one answer.
const MAX_REQUESTS: i64 = 1000;

/// GeoReport's default window when no dates are given.
const DEFAULT_WINDOW_DAYS: i64 = 90;

const MS_PER_DAY: i64 = 24 * 60 * 60 * 1000;

const FILTERS: &[&str] = &[
    "api_key",
    "jurisdiction_id",
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
];

type Params = Vec<(String, String)>;

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn query_params(query: Result<Query<Params>, QueryRejection>) -> Result<Params, Open311Error> {
    let Query(params) = query
        .map_err(|rejection| Open311Error::bad_request(format!("bad query string: {rejection}")))?;
    if let Some((name, _)) = params.iter().find(|(k, _)| !FILTERS.contains(&k.as_str())) {
        return Err(Open311Error::bad_request(format!(
            "{name}: not a filter of GET requests (filters: {})",
            FILTERS.join(", ")
        )));
    }
    Ok(params)
}

/// Milliseconds since the epoch of an ISO 8601 datetime with offset, or of a date (midnight
/// in China).
fn instant(name: &str, text: &str) -> Result<i64, Open311Error> {
    let parsed = text.parse::<jiff::Timestamp>().or_else(|_| {
        text.parse::<jiff::civil::Date>().and_then(|date| {
            date.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .map(|z| z.timestamp())
        })
    });
    parsed.map(|t| t.as_millisecond()).map_err(|_| {
        Open311Error::bad_request(format!(
            "{name}: expected an ISO 8601 datetime like 2026-11-28T09:30:00+08:00, got \"{text}\""
        ))
    })
}

/// The names of the categories, by code.
async fn service_names(state: &AppState) -> Result<HashMap<String, String>, Open311Error> {
    Ok(categories::all(state.db())
        .await?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect())
}

/// The names of the units `codes`, by code (a unit since removed by its code).
async fn unit_names<'a>(
    state: &AppState,
    codes: impl Iterator<Item = &'a str>,
) -> Result<HashMap<&'a str, String>, Open311Error> {
    let mut names = HashMap::new();
    for code in codes {
        if !names.contains_key(code) {
            let name = state
                .db()
                .unit(code)
                .await?
                .map_or_else(|| code.to_owned(), |u| u.name);
            names.insert(code, name);
        }
    }
    Ok(names)
}

/// The events as requests, with their category and unit names.
async fn requests_json(state: &AppState, shown: &[Shown<'_>]) -> Result<Value, Open311Error> {
    let services = service_names(state).await?;
    let units = unit_names(state, shown.iter().map(|s| s.unit_code)).await?;
    let requests: Vec<Value> = shown
        .iter()
        .map(|s| {
            request_json(
                s,
                services.get(s.category).map_or("", String::as_str),
                units.get(s.unit_code).map_or("", String::as_str),
            )
        })
        .collect();
    Ok(Value::from(requests))
}

/// The events in full, with their latest notes, as requests.
async fn full_requests_json(
    state: &AppState,
    events: &[StoredEvent],
) -> Result<Value, Open311Error> {
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let notes = state.db().latest_notes(&ids).await?;
    let shown: Vec<Shown<'_>> = events
        .iter()
        .map(|e| Shown::full(e, notes.get(&e.id).map(String::as_str)))
        .collect();
    requests_json(state, &shown).await
}

/// The public events as requests.
async fn public_requests_json(
    state: &AppState,
    events: &[PublicEvent],
) -> Result<Value, Open311Error> {
    let shown: Vec<Shown<'_>> = events.iter().map(Shown::public).collect();
    requests_json(state, &shown).await
}

/// The filters of a list, as given.
struct Filters<'a> {
    jurisdiction: Option<&'a str>,
    ids: Option<Vec<i64>>,
    category: Option<&'a str>,
    from: Option<i64>,
    until: Option<i64>,
    states: Option<Vec<&'static str>>,
}

impl<'a> Filters<'a> {
    fn parse(params: &'a Params) -> Result<Self, Open311Error> {
        let jurisdiction = param(params, "jurisdiction_id");
        let ids: Option<Vec<i64>> = param(params, "service_request_id")
            .map(|list| {
                list.split(',')
                    .map(|id| {
                        id.trim().parse::<i64>().map_err(|_| {
                            Open311Error::bad_request(format!(
                                "service_request_id: expected ids separated by commas, got \"{id}\""
                            ))
                        })
                    })
                    .collect()
            })
            .transpose()?;
        if ids.is_some() {
            // GeoReport: with ids given, the other filters are ignored.
            return Ok(Self {
                jurisdiction,
                ids,
                category: None,
                from: None,
                until: None,
                states: None,
            });
        }
        let until = param(params, "end_date")
            .map(|t| instant("end_date", t))
            .transpose()?
            .unwrap_or_else(crate::db::now_ms);
        let from = param(params, "start_date")
            .map(|t| instant("start_date", t))
            .transpose()?
            .unwrap_or(until - DEFAULT_WINDOW_DAYS * MS_PER_DAY);
        if from > until {
            return Err(Open311Error::bad_request(
                "start_date: must not be after end_date",
            ));
        }
        let states = param(params, "status")
            .map(|list| {
                let mut wanted = Vec::new();
                for status in list.split(',').map(str::trim) {
                    let found = states_of(status).ok_or_else(|| {
                        Open311Error::bad_request(format!(
                            "status: expected open or closed, got \"{status}\""
                        ))
                    })?;
                    wanted.extend_from_slice(found);
                }
                Ok::<_, Open311Error>(wanted)
            })
            .transpose()?;
        Ok(Self {
            jurisdiction,
            ids: None,
            category: param(params, "service_code"),
            from: Some(from),
            until: Some(until),
            states,
        })
    }
}

/// A rule's refusal of `jurisdiction_id` as GeoReport words it.
fn jurisdiction_refused(error: RuleError) -> Open311Error {
    match error {
        RuleError::Forbidden(why) => Open311Error::new(
            axum::http::StatusCode::FORBIDDEN,
            format!("jurisdiction_id: {why}"),
        ),
        other => other.into(),
    }
}

/// `GET requests.json`.
pub(super) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, Open311Error> {
    let params = query_params(query)?;
    let filters = Filters::parse(&params)?;
    let Some(person) = caller_if_any(&state, &headers, param(&params, "api_key")).await? else {
        let events = public::search(
            state.db(),
            &PublicSearch {
                within: filters.jurisdiction,
                ids: filters.ids.as_deref(),
                category: filters.category,
                reported_from: filters.from,
                reported_until: filters.until,
                states: filters.states.as_deref(),
                limit: MAX_REQUESTS,
            },
        )
        .await?;
        return Ok(Json(public_requests_json(&state, &events).await?));
    };
    let events = events::search(
        state.db(),
        &Actor::Person(&person),
        &Search {
            within: filters.jurisdiction,
            ids: filters.ids.as_deref(),
            category: filters.category,
            reported_from: filters.from,
            reported_until: filters.until,
            states: filters.states.as_deref(),
            limit: MAX_REQUESTS,
            ..Search::default()
        },
    )
    .await
    .map_err(jurisdiction_refused)?;
    Ok(Json(full_requests_json(&state, &events).await?))
}

/// `GET requests/{id}.json`: a one-element array, as GeoReport answers it.
pub(super) async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, Open311Error> {
    let params = query_params(query)?;
    let id_text = json_name(&file)?;
    let person = caller_if_any(&state, &headers, param(&params, "api_key")).await?;
    let not_found = || Open311Error::not_found(format!("service request {id_text} not found"));
    let id: i64 = id_text.parse().map_err(|_| not_found())?;
    let Some(person) = person else {
        return match public::event(state.db(), id).await {
            Ok(event) => Ok(Json(public_requests_json(&state, &[event]).await?)),
            // Not public looks exactly like absent.
            Err(RuleError::NotFound(_)) => Err(not_found()),
            Err(other) => Err(other.into()),
        };
    };
    let event = match events::in_scope(state.db(), &Actor::Person(&person), id).await {
        Ok(event) => event,
        // Out of scope looks exactly like absent.
        Err(RuleError::NotFound(_)) => return Err(not_found()),
        Err(other) => return Err(other.into()),
    };
    Ok(Json(full_requests_json(&state, &[event]).await?))
}

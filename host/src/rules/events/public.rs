//! What anyone may read of the events without signing in (Open311's anonymous reads, as
//! citizen apps and public dashboards make them): which service, its status, when it was
//! reported and last moved, its deadline, the unit or department responsible, and where to
//! about 100 m. Never the description, the title, the address, photos, the reporter, the
//! timeline's notes or the exact place: those can name or point at a person.
//!
//! Some events are not public at all, since their very existence at a place can expose
//! someone: disputes (矛盾纠纷, a family's or neighbours' quarrel), petitions (信访) and the
//! categories plugins add (an elder's emergency call is one). Public are the built-in
//! categories about shared space: safety hazards, environment, public facilities. An event
//! that is not public looks exactly like one that does not exist.

use crate::db::Db;
use crate::db::events::{Category, EventQuery, StoredEvent};
use crate::grid::unit_code::level_of;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::events::categories;

/// Decimal places a public location keeps: 0.001° is 111 m of latitude, and 96 m of
/// longitude at 30° N (Hubei) — a block, not a door.
pub const PUBLIC_LOCATION_DECIMALS: i32 = 3;

/// Categories whose events are never public, by code prefix.
const PRIVATE_PREFIXES: [&str; 2] = ["dispute.", "petition"];

/// Whether events of `category` may be read by anyone.
pub fn is_public(category: &Category) -> bool {
    category.owner_plugin.is_none()
        && !PRIVATE_PREFIXES
            .iter()
            .any(|prefix| category.code.starts_with(prefix))
}

/// An event as anyone may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicEvent {
    /// Its id.
    pub id: i64,
    /// Its category's code.
    pub category: String,
    /// Its state.
    pub state: crate::grid::workflow::EventState,
    /// The unit it sits at.
    pub unit_code: String,
    /// The name of the department or unit it was dispatched to, if it was.
    pub dispatched_to: Option<String>,
    /// Reported (ms).
    pub reported_at: i64,
    /// Last moved (ms).
    pub updated_at: i64,
    /// Its deadline (`YYYY-MM-DD`), once accepted.
    pub deadline: Option<String>,
    /// Where, rounded to [`PUBLIC_LOCATION_DECIMALS`].
    pub latitude: Option<f64>,
    /// Where, rounded to [`PUBLIC_LOCATION_DECIMALS`].
    pub longitude: Option<f64>,
}

fn rounded(degrees: Option<f64>) -> Option<f64> {
    let scale = 10f64.powi(PUBLIC_LOCATION_DECIMALS);
    degrees.map(|d| (d * scale).round() / scale)
}

impl From<StoredEvent> for PublicEvent {
    fn from(event: StoredEvent) -> Self {
        Self {
            id: event.id,
            category: event.category,
            state: event.state,
            unit_code: event.unit_code,
            dispatched_to: event.dispatched_to,
            reported_at: event.reported_at,
            updated_at: event.updated_at,
            deadline: event.deadline,
            latitude: rounded(event.latitude),
            longitude: rounded(event.longitude),
        }
    }
}

/// What a public list asks for; everything given must hold.
#[derive(Debug, Clone, Default)]
pub struct PublicSearch<'a> {
    /// A unit whose subtree is searched, or the whole tree.
    pub within: Option<&'a str>,
    /// Only these ids.
    pub ids: Option<&'a [i64]>,
    /// Only this category.
    pub category: Option<&'a str>,
    /// Reported at or after (ms).
    pub reported_from: Option<i64>,
    /// Reported at or before (ms).
    pub reported_until: Option<i64>,
    /// Only in these states.
    pub states: Option<&'a [&'a str]>,
    /// At most this many, newest first.
    pub limit: i64,
}

/// The public events matching `search`, newest first.
pub async fn search(db: &Db, search: &PublicSearch<'_>) -> RuleResult<Vec<PublicEvent>> {
    let subtree = match search.within {
        Some(unit) => {
            level_of(unit).map_err(|e| RuleError::invalid("jurisdiction_id", e.to_string()))?;
            if db.unit(unit).await?.is_none() {
                return Err(RuleError::invalid(
                    "jurisdiction_id",
                    format!("no unit {unit}"),
                ));
            }
            unit.to_owned()
        }
        // Every unit code starts with a digit, so the empty code's subtree is the tree.
        None => String::new(),
    };
    let public: Vec<String> = categories::all(db)
        .await?
        .into_iter()
        .filter(is_public)
        .map(|c| c.code)
        .collect();
    let found = db
        .events_matching(&EventQuery {
            subtrees: std::slice::from_ref(&subtree),
            ids: search.ids,
            category: search.category,
            categories: Some(&public),
            reported_from: search.reported_from,
            reported_until: search.reported_until,
            states: search.states,
            limit: search.limit,
            ..EventQuery::default()
        })
        .await?;
    Ok(found.into_iter().map(PublicEvent::from).collect())
}

/// The event `id` if it is public; else `NotFound`, as for one that does not exist.
pub async fn event(db: &Db, id: i64) -> RuleResult<PublicEvent> {
    let not_found = || RuleError::NotFound(format!("event {id}"));
    let event = db.event(id).await?.ok_or_else(not_found)?;
    let category = categories::all(db)
        .await?
        .into_iter()
        .find(|c| c.code == event.category);
    match category {
        Some(category) if is_public(&category) => Ok(event.into()),
        _ => Err(not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(code: &str, owner: Option<&str>) -> Category {
        Category {
            code: code.to_owned(),
            name: String::new(),
            sla_working_days: 5,
            description: None,
            fields_schema: None,
            owner_plugin: owner.map(str::to_owned),
        }
    }

    #[test]
    fn only_shared_space_is_public() {
        for code in ["safety-hazard", "environment", "public-facility"] {
            assert!(is_public(&category(code, None)), "{code}");
        }
        for code in ["dispute.neighbour", "dispute.marriage-family", "petition"] {
            assert!(!is_public(&category(code, None)), "{code}");
        }
        assert!(!is_public(&category(
            "elder-care.emergency",
            Some("elder-care")
        )));
    }

    #[test]
    fn locations_keep_about_a_hundred_metres() {
        assert_eq!(rounded(Some(30.201_234)), Some(30.201));
        assert_eq!(rounded(Some(115.078_9)), Some(115.079));
        assert_eq!(rounded(None), None);
    }
}

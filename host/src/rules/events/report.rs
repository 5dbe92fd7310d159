//! 上报: reporting an event. One function for every way in: the JSON API and the resident
//! portal's form, Open311 (a person each, `user:NAME`) and the `events.report` import (a
//! plugin installation, `plugin:ID#N`).
//!
//! The checks, in this order: the unit lies in the actor's scope (said without looking the
//! unit up, so nobody learns whether a unit outside their scope exists); the category is
//! one the actor may report in (any for a person, only its own for a plugin); the unit
//! exists; title, description and place fit; the custom fields answer the category's
//! schema; an earlier event it repeats (重复反映) is one the actor reported or may read
//! (its timeline is told). Nothing is stored unless all pass.
//!
//! After it is stored: a plugin's report is audited (`event.reported`), as every write a
//! plugin makes to the shared workflow is; a person's is announced to the plugins that
//! subscribed to `event-reported`. A plugin's own report is not announced, so that no
//! plugin's hook can set off another plugin's hook, and that one another's, without end.

use serde_json::{Value, json};

use super::categories;
use crate::db::audit::AuditEntry;
use crate::db::events::{Category, NewEvent, StoredEvent};
use crate::db::units::StoredUnit;
use crate::grid::place::Place;
use crate::plugins::hooks::Notice;
use crate::rules::actor::Actor;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::text;
use crate::state::Ground;

/// Characters of a title.
pub const MAX_TITLE_CHARS: usize = 100;

/// Characters of a description.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// An event to report, as the door read it.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    /// The category's code.
    pub category: &'a str,
    /// A short title (1 to [`MAX_TITLE_CHARS`] characters).
    pub title: &'a str,
    /// What happened (at most [`MAX_DESCRIPTION_CHARS`] characters).
    pub description: &'a str,
    /// The code of the unit where it happened.
    pub unit: &'a str,
    /// Degrees north; with `longitude` or not at all.
    pub latitude: Option<f64>,
    /// Degrees east; with `latitude` or not at all.
    pub longitude: Option<f64>,
    /// The address as given.
    pub address: Option<&'a str>,
    /// The answers to the category's custom fields (a JSON object).
    pub attributes: &'a Value,
    /// An emergency (a plugin's 一键求助): listed first while it waits for acceptance.
    pub urgent: bool,
    /// The earlier event this one repeats (重复反映): one the actor reported or may read.
    pub repeat_of: Option<i64>,
}

/// A stored report: the event, its category and its unit.
#[derive(Debug, Clone)]
pub struct Reported {
    /// The event as stored.
    pub event: StoredEvent,
    /// Its category (the SLA the reporter is told).
    pub category: Category,
    /// Its unit (the name the reporter is told).
    pub unit: StoredUnit,
}

/// Checks `new` and stores it as reported by `actor`; then audits or announces it (see the
/// module's notes).
pub async fn report(
    ground: &Ground,
    actor: Actor<'_>,
    new: &NewReport<'_>,
) -> RuleResult<Reported> {
    let db = &ground.db;
    if !actor.reaches(new.unit) {
        return Err(actor.outside(new.unit));
    }
    let category = categories::to_report_in(db, &actor, new.category).await?;
    let Some(unit) = db.unit(new.unit).await? else {
        return Err(RuleError::invalid(
            "unit",
            format!("no unit has the code {}", new.unit),
        ));
    };
    let title = text::within("title", new.title, 1, MAX_TITLE_CHARS)?;
    let description = text::within("description", new.description, 0, MAX_DESCRIPTION_CHARS)?;
    let place = Place::checked(new.latitude, new.longitude, new.address)
        .map_err(|p| RuleError::invalid(p.field, p.problem))?;
    categories::check_attributes(&category, new.attributes)?;
    if let Some(earlier) = new.repeat_of
        && super::read::visible(db, &actor, earlier).await.is_err()
    {
        // The same words whether the event exists or lies outside the actor's reach.
        return Err(RuleError::invalid(
            "repeat_of",
            format!("no event #{earlier} that you reported or may read"),
        ));
    }
    let reporter = actor.name();
    let id = db
        .report_event_with_urgency(
            &NewEvent {
                category: &category.code,
                title,
                description,
                unit_code: &unit.code,
                reporter: &reporter,
                latitude: place.latitude,
                longitude: place.longitude,
                address: place.address,
                attributes: Some(new.attributes),
                repeat_of: new.repeat_of,
            },
            new.urgent,
        )
        .await?;
    let event = db
        .event(id)
        .await?
        .ok_or_else(|| RuleError::Internal(anyhow::anyhow!("event {id} vanished")))?;
    match actor {
        Actor::Plugin(_) => {
            db.audit(AuditEntry {
                actor: &reporter,
                action: "event.reported",
                subject: &format!("event:{id}"),
                unit_code: Some(&event.unit_code),
                detail: json!({ "category": event.category, "urgent": event.urgent }),
            })
            .await?;
        }
        Actor::Person(_) => ground
            .hooks
            .announce(Notice::EventReported { event_id: id }),
    }
    Ok(Reported {
        event,
        category,
        unit,
    })
}

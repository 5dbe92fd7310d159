//! `events`: the event workflow as a plugin sees it. Every answer stays within the
//! installation's scope (its unit's subtree); an event outside it is answered like a
//! missing one.
//!
//! - `categories` (`events:read` or `events:report`): every category with its owner.
//! - `report` (`events:report`): only the plugin's own categories, at a unit in scope,
//!   custom fields checked against the category's schema; the reporter is the installation
//!   (`plugin:ID#N`). Audited, like every write a plugin makes to the shared workflow.
//! - `get`, `query` (`events:read`): ordinary reads, not audited. `query` lists newest first
//!   (by id, descending); `after` is the id of the last event of the previous page.
//! - `transition` (`events:handle`): only the actions the workflow marks `by_plugins` (the
//!   handling of a dispatched event); the timeline names the installation. Audited.

use serde_json::{Value, json};
use wangge_registry::Permission;

use super::event_contract::{stored_state, to_contract};
use crate::db::audit::AuditEntry;
use crate::db::events::{Category as StoredCategory, StoredEvent};
use crate::db::events::{EventQuery, MoveDetails, MoveError, NewEvent as StoredNewEvent};
use crate::grid::custom_fields::FieldsSchema;
use crate::grid::unit_code::is_within;
use crate::grid::workflow::{TRANSITIONS, plugin_actions, plugin_transition};
use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::events::{EventFilter, Host, NewEvent};
use crate::runtime::bindings::wangge::plugin::types::{Category, Event};
use crate::runtime::call_state::CallState;

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

/// Rows one query may return: as many as the JSON API lists; plugins page with `after`.
const MAX_ROWS: u32 = 200;
/// Title length, as `POST /api/events` allows.
const MAX_TITLE_CHARS: usize = 100;
/// Description length, as `POST /api/events` allows.
const MAX_DESCRIPTION_CHARS: usize = 2000;
/// A note on the timeline: as long as a description.
const MAX_NOTE_CHARS: usize = 2000;

fn host_fault(error: impl std::fmt::Display) -> wasmtime::Error {
    wasmtime::format_err!("event records: {error}")
}

fn not_found(id: &str) -> PluginError {
    PluginError::NotFound(format!("no event `{id}` in scope"))
}

fn text<'a>(field: &str, value: &'a str, min: usize, max: usize) -> Result<&'a str, PluginError> {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    if (min..=max).contains(&chars) {
        Ok(trimmed)
    } else {
        Err(PluginError::Invalid(format!(
            "{field}: expected {min} to {max} characters, got {chars}"
        )))
    }
}

/// The custom fields as JSON, checked against the category's schema; errors name
/// `custom-fields` or `custom-fields.NAME`. A blank string means no custom fields.
fn checked_custom_fields(
    category: &StoredCategory,
    text: &str,
) -> wasmtime::Result<Result<Value, PluginError>> {
    let given: Value = if text.trim().is_empty() {
        json!({})
    } else {
        match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) => {
                return Ok(Err(PluginError::Invalid(format!(
                    "custom-fields: expected a JSON object: {e}"
                ))));
            }
        }
    };
    // Registration checked the schema, so one outside the subset is the host's fault.
    let schema = category
        .fields_schema
        .as_ref()
        .map(FieldsSchema::parse)
        .transpose()
        .map_err(|e| host_fault(format!("category {}: {e}", category.code)))?;
    let checked = crate::grid::custom_fields::validate_attributes(schema.as_ref(), &given);
    Ok(match checked {
        Ok(()) => Ok(given),
        Err(problem) => {
            let field = match problem.path.strip_prefix("attributes") {
                Some(rest) => format!("custom-fields{rest}"),
                None => problem.path.clone(),
            };
            Err(PluginError::Invalid(format!(
                "{field}: {}",
                problem.message
            )))
        }
    })
}

impl CallState {
    /// The event with `id` if its unit lies in the installation's scope.
    async fn event_in_scope(
        &mut self,
        id: &str,
    ) -> wasmtime::Result<Result<StoredEvent, PluginError>> {
        let Ok(numeric) = id.parse::<i64>() else {
            return Ok(Err(not_found(id)));
        };
        let found = self
            .installation
            .db
            .event(numeric)
            .await
            .map_err(host_fault)?;
        Ok(match found {
            Some(event) if is_within(&event.unit_code, &self.installation.unit.code) => Ok(event),
            _ => Err(not_found(id)),
        })
    }

    /// The subtree a query asked for, within the installation's: a narrower prefix is
    /// honoured, a broader one clipped to the scope, another one denied.
    fn unit_prefix_in_scope(&self, prefix: Option<&str>) -> Result<String, PluginError> {
        let scope = &self.installation.unit.code;
        match prefix {
            None => Ok(scope.clone()),
            Some(prefix) if is_within(prefix, scope) => Ok(prefix.to_owned()),
            Some(prefix) if is_within(scope, prefix) => Ok(scope.clone()),
            Some(prefix) => Err(PluginError::Denied(format!(
                "unit-prefix `{prefix}` lies outside this installation's unit {scope}"
            ))),
        }
    }

    async fn audit_event_write(
        &mut self,
        action: &str,
        event: &StoredEvent,
        detail: Value,
    ) -> wasmtime::Result<()> {
        let installation = &self.installation;
        installation
            .db
            .audit(AuditEntry {
                actor: &installation.actor(),
                action,
                subject: &format!("event:{}", event.id),
                unit_code: Some(&event.unit_code),
                detail,
            })
            .await
            .map_err(host_fault)
    }

    async fn stored_event(&mut self, id: i64) -> wasmtime::Result<StoredEvent> {
        self.installation
            .db
            .event(id)
            .await
            .map_err(host_fault)?
            .ok_or_else(|| host_fault(format!("event {id} vanished")))
    }
}

impl Host for CallState {
    async fn categories(&mut self) -> Answer<Vec<Category>> {
        // Reporting needs the codes as much as reading does, so either grant lists them.
        let reported = if self.installation.is_granted(&Permission::EventsReport) {
            self.enter()?;
            Ok(())
        } else {
            self.gate(Permission::EventsRead, "events.categories")
                .await?
        };
        if let Err(e) = reported {
            return Ok(Err(e));
        }
        let categories = self
            .installation
            .db
            .event_categories()
            .await
            .map_err(host_fault)?;
        Ok(Ok(categories
            .into_iter()
            .map(|c| Category {
                code: c.code,
                name: c.name,
                sla_working_days: c.sla_working_days,
                owner_plugin: c.owner_plugin,
            })
            .collect()))
    }

    async fn report(&mut self, event: NewEvent) -> Answer<Event> {
        if let Err(e) = self.gate(Permission::EventsReport, "events.report").await? {
            return Ok(Err(e));
        }
        let plugin_id = self.installation.plugin_id().to_owned();
        let category = self
            .installation
            .db
            .event_categories()
            .await
            .map_err(host_fault)?
            .into_iter()
            .find(|c| c.code == event.category && c.owner_plugin.as_deref() == Some(&plugin_id));
        let Some(category) = category else {
            let own: Vec<&str> = self
                .installation
                .manifest
                .categories
                .iter()
                .map(|c| c.code.as_str())
                .collect();
            return Ok(Err(PluginError::Denied(format!(
                "category `{}` is not one of this plugin's own categories (it owns: {})",
                event.category,
                if own.is_empty() {
                    "none".to_owned()
                } else {
                    own.join(", ")
                }
            ))));
        };
        let scope = self.installation.unit.code.clone();
        if !is_within(&event.unit_code, &scope) {
            // Said without looking the unit up: the plugin learns nothing about units
            // outside its scope, not even whether they exist.
            return Ok(Err(PluginError::Denied(format!(
                "unit-code `{}` lies outside this installation's unit {scope}",
                event.unit_code
            ))));
        }
        let unit = self
            .installation
            .db
            .unit(&event.unit_code)
            .await
            .map_err(host_fault)?;
        if unit.is_none() {
            return Ok(Err(PluginError::NotFound(format!(
                "no unit `{}` in scope",
                event.unit_code
            ))));
        }
        let title = match text("title", &event.title, 1, MAX_TITLE_CHARS) {
            Ok(title) => title,
            Err(e) => return Ok(Err(e)),
        };
        let description = match text("description", &event.description, 0, MAX_DESCRIPTION_CHARS) {
            Ok(description) => description,
            Err(e) => return Ok(Err(e)),
        };
        let attributes = match checked_custom_fields(&category, &event.custom_fields)? {
            Ok(attributes) => attributes,
            Err(e) => return Ok(Err(e)),
        };
        let reporter = self.installation.actor();
        let id = self
            .installation
            .db
            .report_event_with_urgency(
                &StoredNewEvent {
                    category: &category.code,
                    title,
                    description,
                    unit_code: &event.unit_code,
                    reporter: &reporter,
                    attributes: Some(&attributes),
                    ..StoredNewEvent::default()
                },
                event.urgent,
            )
            .await
            .map_err(host_fault)?;
        let stored = self.stored_event(id).await?;
        self.audit_event_write(
            "event.reported",
            &stored,
            json!({ "category": stored.category, "urgent": stored.urgent }),
        )
        .await?;
        Ok(Ok(to_contract(&stored)))
    }

    async fn get(&mut self, id: String) -> Answer<Event> {
        if let Err(e) = self.gate(Permission::EventsRead, "events.get").await? {
            return Ok(Err(e));
        }
        Ok(self.event_in_scope(&id).await?.map(|e| to_contract(&e)))
    }

    async fn query(&mut self, filter: EventFilter) -> Answer<Vec<Event>> {
        if let Err(e) = self.gate(Permission::EventsRead, "events.query").await? {
            return Ok(Err(e));
        }
        let unit = match self.unit_prefix_in_scope(filter.unit_prefix.as_deref()) {
            Ok(unit) => unit,
            Err(e) => return Ok(Err(e)),
        };
        let before_id = match filter.after.as_deref().map(str::parse::<i64>) {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => {
                return Ok(Err(PluginError::Invalid(
                    "after: expected the id of the last event of the previous page".into(),
                )));
            }
        };
        let states = filter.state.map(|s| [stored_state(s).name()]);
        let subtrees = [unit];
        let query = EventQuery {
            subtrees: &subtrees,
            category: filter.category.as_deref(),
            states: states.as_ref().map(|s| &s[..]),
            before_id,
            limit: i64::from(filter.limit.clamp(1, MAX_ROWS)),
            ..EventQuery::default()
        };
        let rows = self
            .installation
            .db
            .events_matching(&query)
            .await
            .map_err(host_fault)?;
        Ok(Ok(rows.iter().map(to_contract).collect()))
    }

    async fn transition(&mut self, id: String, action: String, note: String) -> Answer<Event> {
        if let Err(e) = self
            .gate(Permission::EventsHandle, "events.transition")
            .await?
        {
            return Ok(Err(e));
        }
        let event = match self.event_in_scope(&id).await? {
            Ok(event) => event,
            Err(e) => return Ok(Err(e)),
        };
        let allowed = plugin_actions();
        if !allowed.contains(&action.as_str()) {
            let known = TRANSITIONS.iter().find(|t| t.action == action);
            return Ok(Err(match known {
                Some(t) => PluginError::Denied(format!(
                    "`{action}` ({}) is decided by people, not plugins; a plugin may take: {}",
                    t.action_zh,
                    allowed.join(", ")
                )),
                None => PluginError::Invalid(format!(
                    "action: unknown action `{action}`; a plugin may take: {}",
                    allowed.join(", ")
                )),
            }));
        }
        let Some(transition) = plugin_transition(event.state, &action) else {
            return Ok(Err(PluginError::Invalid(format!(
                "action: `{action}` is not possible while the event is {} ({})",
                event.state.name(),
                event.state.name_zh()
            ))));
        };
        let note = match text("note", &note, 0, MAX_NOTE_CHARS) {
            Ok(note) => note,
            Err(e) => return Ok(Err(e)),
        };
        let actor = self.installation.actor();
        let moved = self
            .installation
            .db
            .move_event(&event, transition, &actor, note, &MoveDetails::default())
            .await;
        match moved {
            Ok(()) => {}
            Err(MoveError::Database(e)) => return Err(host_fault(e)),
            // Someone moved it first: the plugin reads it again and decides.
            Err(other) => return Ok(Err(PluginError::Invalid(other.to_string()))),
        }
        let stored = self.stored_event(event.id).await?;
        self.audit_event_write(
            "event.transitioned",
            &stored,
            json!({
                "action": transition.action,
                "from": transition.from.name(),
                "to": transition.to.name(),
                "note": note,
            }),
        )
        .await?;
        Ok(Ok(to_contract(&stored)))
    }
}

//! `events`: the event workflow as a plugin sees it, through the same rules as the JSON
//! API (`rules::events`) with the installation as the actor. Every answer stays within the
//! installation's scope (its unit's subtree); an event outside it is answered like a
//! missing one. This file checks the permissions and speaks the contract.
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

use crate::rules::RuleError;
use crate::rules::events::{self, Action, NewReport, Search, categories};
use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::events::{EventFilter, Host, NewEvent};
use crate::runtime::bindings::wangge::plugin::types::{Category, Event};
use crate::runtime::call_state::CallState;
use crate::runtime::conversions::event::{stored_state, to_contract};

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

/// Rows one query may return: as many as the JSON API lists; plugins page with `after`.
const MAX_ROWS: u32 = 200;

fn host_fault(error: impl std::fmt::Display) -> wasmtime::Error {
    wasmtime::format_err!("event records: {error}")
}

/// What a rule refused, as the contract's `error` (the rule's field names spelled as the
/// contract's records spell them), or a trap for the host's own failure.
fn answer<T>(result: Result<T, RuleError>) -> Answer<T> {
    let contract_field = |field: &str| match field {
        "unit" => "unit-code".to_owned(),
        "attributes" => "custom-fields".to_owned(),
        other => other.replace('_', "-"),
    };
    Ok(Err(match result {
        Ok(value) => return Ok(Ok(value)),
        Err(RuleError::Invalid { field, problem }) => {
            PluginError::Invalid(format!("{}: {problem}", contract_field(&field)))
        }
        Err(RuleError::InvalidAttribute { name, problem }) => {
            PluginError::Invalid(format!("custom-fields.{name}: {problem}"))
        }
        Err(error @ RuleError::InvalidFields(_)) => PluginError::Invalid(error.to_string()),
        Err(RuleError::Forbidden(why)) => PluginError::Denied(why),
        Err(RuleError::BadCredentials) => PluginError::Denied("not signed in".to_owned()),
        Err(RuleError::NotFound(what)) => PluginError::NotFound(format!("no {what} in scope")),
        // Someone moved it first, or the action does not start from its state: the plugin
        // reads it again and decides.
        Err(RuleError::Conflict(why)) => PluginError::Invalid(format!("action: {why}")),
        Err(RuleError::TooManyRequests(why)) => PluginError::QuotaExceeded(why),
        Err(RuleError::Internal(error)) => return Err(host_fault(format!("{error:#}"))),
    }))
}

/// The custom fields as JSON; a blank string means none. Errors name `custom-fields`.
fn custom_fields(text: &str) -> Result<Value, PluginError> {
    if text.trim().is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_str(text)
        .map_err(|e| PluginError::Invalid(format!("custom-fields: expected a JSON object: {e}")))
}

/// An event id as the contract gives it, or the answer for an event that is not there.
fn event_id(id: &str) -> Result<i64, PluginError> {
    id.parse::<i64>()
        .map_err(|_| PluginError::NotFound(format!("no event `{id}` in scope")))
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
        let all = categories::all(self.installation.db()).await;
        answer(all.map(|all| {
            all.into_iter()
                .map(|c| Category {
                    code: c.code,
                    name: c.name,
                    sla_working_days: c.sla_working_days,
                    owner_plugin: c.owner_plugin,
                })
                .collect()
        }))
    }

    async fn report(&mut self, event: NewEvent) -> Answer<Event> {
        if let Err(e) = self.gate(Permission::EventsReport, "events.report").await? {
            return Ok(Err(e));
        }
        let attributes = match custom_fields(&event.custom_fields) {
            Ok(attributes) => attributes,
            Err(e) => return Ok(Err(e)),
        };
        let installation = &self.installation;
        let reported = events::report(
            &installation.ground,
            installation.as_actor(),
            &NewReport {
                category: &event.category,
                title: &event.title,
                description: &event.description,
                unit: &event.unit_code,
                latitude: None,
                longitude: None,
                address: None,
                attributes: &attributes,
                urgent: event.urgent,
                repeat_of: None,
            },
        )
        .await;
        answer(reported.map(|reported| to_contract(&reported.event)))
    }

    async fn get(&mut self, id: String) -> Answer<Event> {
        if let Err(e) = self.gate(Permission::EventsRead, "events.get").await? {
            return Ok(Err(e));
        }
        let id = match event_id(&id) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let installation = &self.installation;
        let found = events::in_scope(installation.db(), &installation.as_actor(), id).await;
        answer(found.map(|event| to_contract(&event)))
    }

    async fn query(&mut self, filter: EventFilter) -> Answer<Vec<Event>> {
        if let Err(e) = self.gate(Permission::EventsRead, "events.query").await? {
            return Ok(Err(e));
        }
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
        let installation = &self.installation;
        let found = events::search(
            installation.db(),
            &installation.as_actor(),
            &Search {
                within: filter.unit_prefix.as_deref(),
                category: filter.category.as_deref(),
                states: states.as_ref().map(|s| &s[..]),
                before_id,
                limit: i64::from(filter.limit.clamp(1, MAX_ROWS)),
                ..Search::default()
            },
        )
        .await;
        answer(found.map(|rows| rows.iter().map(to_contract).collect()))
    }

    async fn transition(&mut self, id: String, action: String, note: String) -> Answer<Event> {
        if let Err(e) = self
            .gate(Permission::EventsHandle, "events.transition")
            .await?
        {
            return Ok(Err(e));
        }
        let id = match event_id(&id) {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let installation = &self.installation;
        let moved = events::act(
            &installation.ground,
            installation.as_actor(),
            Action {
                event_id: id,
                action: &action,
                note: &note,
                dispatched_to: None,
                deadline: None,
                summon: &[],
                rating: None,
            },
        )
        .await;
        answer(moved.map(|event| to_contract(&event)))
    }
}

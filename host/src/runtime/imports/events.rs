//! `events`: permission-checked today; the event workflow arrives with the grid core.

use wangge_registry::Permission;

use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::events::{EventFilter, Host, NewEvent};
use crate::runtime::bindings::wangge::plugin::types::{Category, Event};
use crate::runtime::call_state::CallState;

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

const BACKEND: &str = "event workflow (it arrives with the grid core)";

impl Host for CallState {
    async fn categories(&mut self) -> Answer<Vec<Category>> {
        self.backend_missing(&Permission::EventsRead, "events.categories", BACKEND)
            .await
    }

    async fn report(&mut self, _event: NewEvent) -> Answer<Event> {
        self.backend_missing(&Permission::EventsReport, "events.report", BACKEND)
            .await
    }

    async fn get(&mut self, _id: String) -> Answer<Event> {
        self.backend_missing(&Permission::EventsRead, "events.get", BACKEND)
            .await
    }

    async fn query(&mut self, _filter: EventFilter) -> Answer<Vec<Event>> {
        self.backend_missing(&Permission::EventsRead, "events.query", BACKEND)
            .await
    }

    async fn transition(&mut self, _id: String, _action: String, _note: String) -> Answer<Event> {
        self.backend_missing(&Permission::EventsHandle, "events.transition", BACKEND)
            .await
    }
}

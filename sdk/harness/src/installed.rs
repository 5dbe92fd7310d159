//! A plugin installed in the test host: its page paths, its storage, and its hooks called
//! the way the host calls them.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use wangge_host::plugins::catalog::Served;
use wangge_host::runtime::bindings::exports::wangge::plugin::hooks::ChangeKind;
pub use wangge_host::runtime::bindings::wangge::plugin::types::EventState;
use wangge_host::runtime::loaded_plugin::{HookCall, LoadedPlugin};
use wangge_host::runtime::{event_payload, resident_payload};

use crate::TestHost;

/// How a resident changed, for [`Installed::resident_changed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Newly registered.
    Added,
    /// Fields changed.
    Updated,
    /// Moved out or deceased.
    Removed,
}

/// A plugin installed in a [`TestHost`].
pub struct Installed<'a> {
    pub(crate) host: &'a TestHost,
    pub(crate) plugin_id: String,
    pub(crate) unit: String,
}

impl Installed<'_> {
    /// The plugin id.
    pub fn id(&self) -> &str {
        &self.plugin_id
    }

    /// The URL path of the plugin's page `page` (`/` → `/p/ID/`), with `?unit=` naming the
    /// installation's unit so the request reaches this installation.
    pub fn path(&self, page: &str) -> String {
        let page = page.strip_prefix('/').unwrap_or(page);
        let (page, query) = page.split_once('?').unwrap_or((page, ""));
        let separator = if query.is_empty() { "" } else { "&" };
        format!(
            "/p/{}/{page}?{query}{separator}unit={}",
            self.plugin_id, self.unit
        )
    }

    fn loaded(&self) -> Arc<LoadedPlugin> {
        let catalog = self.host.state.catalog();
        match catalog.resolve(&self.plugin_id, std::slice::from_ref(&self.unit)) {
            Some(Served::Enabled(plugin)) => Arc::clone(plugin),
            _ => panic!(
                "{} is not installed and enabled at {}",
                self.plugin_id, self.unit
            ),
        }
    }

    /// The raw value under `key` in the installation's storage.
    pub fn storage(&self, key: &str) -> Option<Vec<u8>> {
        let plugin = self.loaded();
        self.host
            .block_on(plugin.installation.storage.get(key))
            .unwrap_or_else(|e| panic!("cannot read storage key {key}: {e}"))
    }

    /// The JSON value under `key` (as the SDK's typed storage writes it), decoded.
    pub fn storage_json<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.storage(key).map(|bytes| {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("storage key {key} does not hold the type asked: {e}"))
        })
    }

    /// Calls the `resident-changed` hook with the fixture resident `resident_id` (as the
    /// plugin sees them: sensitive fields masked). `Err` carries the plugin's error or the
    /// fault, as text.
    pub fn resident_changed(&self, change: Change, resident_id: &str) -> Result<(), String> {
        let db = self.host.state.db();
        let id = parse_id(resident_id);
        let resident = self
            .host
            .block_on(resident_payload(db, id))
            .unwrap_or_else(|e| panic!("cannot read resident {resident_id}: {e}"))
            .unwrap_or_else(|| panic!("no resident {resident_id}"));
        let kind = match change {
            Change::Added => ChangeKind::Added,
            Change::Updated => ChangeKind::Updated,
            Change::Removed => ChangeKind::Removed,
        };
        self.call(HookCall::ResidentChanged(kind, resident))
    }

    /// Calls the `event-reported` hook with event `event_id`.
    pub fn event_reported(&self, event_id: &str) -> Result<(), String> {
        let event = self.event(event_id);
        self.call(HookCall::EventReported(event))
    }

    /// Calls the `event-transitioned` hook with event `event_id` (in its current state),
    /// as if it had just left `from` by `action`.
    pub fn event_transitioned(
        &self,
        event_id: &str,
        from: EventState,
        action: &str,
    ) -> Result<(), String> {
        let event = self.event(event_id);
        self.call(HookCall::EventTransitioned(event, from, action.to_owned()))
    }

    /// Calls the `scheduled` hook for schedule `name`, firing now.
    pub fn scheduled(&self, name: &str) -> Result<(), String> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or_default();
        self.call(HookCall::Scheduled(name.to_owned(), now))
    }

    fn event(
        &self,
        event_id: &str,
    ) -> wangge_host::runtime::bindings::wangge::plugin::types::Event {
        let db = self.host.state.db();
        self.host
            .block_on(event_payload(db, parse_id(event_id)))
            .unwrap_or_else(|e| panic!("cannot read event {event_id}: {e}"))
            .unwrap_or_else(|| panic!("no event {event_id}"))
    }

    fn call(&self, call: HookCall) -> Result<(), String> {
        let plugin = self.loaded();
        match self.host.block_on(plugin.hook(call)) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(format!("the plugin refused: {error:?}")),
            Err(fault) => Err(format!("the plugin faulted: {fault}")),
        }
    }
}

fn parse_id(id: &str) -> i64 {
    id.parse()
        .unwrap_or_else(|_| panic!("`{id}` is not a host id (they are numbers)"))
}

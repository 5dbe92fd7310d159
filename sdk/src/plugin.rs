//! The [`Plugin`] trait: one implementation per plugin, defaults for everything but pages.

use crate::bindings::exports::wangge::plugin::{hooks, lifecycle, pages};
use crate::{Caller, ChangeKind, Error, Event, EventState, Request, Resident, Response, Timestamp};

/// What a plugin implements. Only [`Plugin::handle`] is required; hooks a plugin did not
/// subscribe to in its manifest are never called, and the lifecycle defaults do nothing.
pub trait Plugin {
    /// Handles one request for the plugin's pages, in a fresh instance.
    fn handle(caller: Caller, request: Request) -> Result<Response, Error>;

    /// A resident in scope changed (`resident-changed` subscription).
    fn resident_changed(_kind: ChangeKind, _resident: Resident) -> Result<(), Error> {
        Ok(())
    }

    /// An event was reported in scope (`event-reported` subscription).
    fn event_reported(_event: Event) -> Result<(), Error> {
        Ok(())
    }

    /// An event moved in the workflow (`event-transitioned` subscription).
    fn event_transitioned(_event: Event, _from: EventState, _action: String) -> Result<(), Error> {
        Ok(())
    }

    /// A schedule declared in the manifest fired.
    fn scheduled(_schedule: String, _at: Timestamp) -> Result<(), Error> {
        Ok(())
    }

    /// Runs once at installation, before any page is served.
    fn install() -> Result<(), Error> {
        Ok(())
    }

    /// Runs when upgrading from `from_version`; an error rolls the upgrade back.
    fn migrate(_from_version: String) -> Result<(), Error> {
        Ok(())
    }

    /// Runs before the installation is removed.
    fn uninstall() -> Result<(), Error> {
        Ok(())
    }
}

/// Glue between a [`Plugin`] and the generated export traits. Public only so that
/// [`export_plugin!`](crate::export_plugin) can name it.
#[doc(hidden)]
pub struct Exported<P>(std::marker::PhantomData<P>);

impl<P: Plugin> pages::Guest for Exported<P> {
    fn handle(caller: Caller, request: Request) -> Result<Response, Error> {
        // Every component exports `handle`, so this reference keeps the contract-version
        // custom section in every plugin.
        crate::contract::link_contract_section();
        P::handle(caller, request)
    }
}

impl<P: Plugin> hooks::Guest for Exported<P> {
    fn resident_changed(kind: ChangeKind, resident: Resident) -> Result<(), Error> {
        P::resident_changed(kind, resident)
    }
    fn event_reported(event: Event) -> Result<(), Error> {
        P::event_reported(event)
    }
    fn event_transitioned(event: Event, from: EventState, action: String) -> Result<(), Error> {
        P::event_transitioned(event, from, action)
    }
    fn scheduled(schedule: String, at: Timestamp) -> Result<(), Error> {
        P::scheduled(schedule, at)
    }
}

impl<P: Plugin> lifecycle::Guest for Exported<P> {
    fn install() -> Result<(), Error> {
        P::install()
    }
    fn migrate(from_version: String) -> Result<(), Error> {
        P::migrate(from_version)
    }
    fn uninstall() -> Result<(), Error> {
        P::uninstall()
    }
}

/// Exports a type implementing [`Plugin`] as the component's `pages`, `hooks` and
/// `lifecycle`.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        type __WanggeExported = $crate::plugin::Exported<$plugin>;
        $crate::bindings::export!(__WanggeExported with_types_in $crate::bindings);
    };
}

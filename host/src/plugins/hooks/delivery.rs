//! Delivering a change to the plugins that subscribed to it. Delivery happens after the
//! change is committed and off the request's path (a spawned task): a slow or failing
//! plugin never delays or fails the person who made the change. Each installation gets the
//! notice only if the change is inside its unit's subtree, and a resident as every plugin
//! first sees them (masked). A refusal or fault is logged and counted by the plugin's
//! metrics and circuit breaker like any other call; nothing is retried.

use std::sync::{Arc, Weak};

use arc_swap::ArcSwap;
use wangge_registry::HookSubscription;

use crate::db::Db;
use crate::grid::unit_code::is_within;
use crate::grid::workflow::EventState;
use crate::plugins::Catalog;
use crate::runtime::bindings::exports::wangge::plugin::hooks::ChangeKind;
use crate::runtime::loaded_plugin::HookCall;
use crate::runtime::{contract_event_state, event_payload, resident_payload};

/// How a resident changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidentChange {
    /// Newly registered.
    Added,
    /// Fields changed.
    Updated,
    /// Moved out or deceased.
    Removed,
}

/// A committed change that plugins may have subscribed to.
#[derive(Debug, Clone)]
pub enum Notice {
    /// A resident was added, updated or removed.
    ResidentChanged {
        /// How.
        change: ResidentChange,
        /// Who.
        resident_id: i64,
    },
    /// An event was reported.
    EventReported {
        /// The event.
        event_id: i64,
    },
    /// An event moved in the workflow.
    EventTransitioned {
        /// The event.
        event_id: i64,
        /// The state it left.
        from: EventState,
        /// The action that moved it (`accept`, `dispatch` …).
        action: String,
    },
}

/// What a delivery did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Installations that took the notice.
    pub delivered: usize,
    /// Installations whose hook answered with an error.
    pub refused: usize,
    /// Installations whose hook faulted (trap, deadline …) or were suspended.
    pub faulted: usize,
}

/// Where the rules announce committed changes: each notice is delivered in a task of its
/// own, to the catalog in force when it is announced. Cheap to clone.
///
/// The catalog is held weakly: every installation holds the rules' ground, and with it these
/// hooks, so a strong reference would keep each catalog alive through its own installations.
/// Once the state that owns the catalog is gone (a server shutting down, a test's host
/// dropped), announcements are dropped.
#[derive(Clone)]
pub struct Hooks {
    catalog: Weak<ArcSwap<Catalog>>,
    db: Db,
}

impl Hooks {
    /// Hooks delivering to whatever catalog `catalog` holds at each announcement.
    pub fn new(catalog: &Arc<ArcSwap<Catalog>>, db: Db) -> Self {
        Self {
            catalog: Arc::downgrade(catalog),
            db,
        }
    }

    /// Hooks that deliver nothing: for a host that serves no plugins (the standalone
    /// registry) and for tools that deliver by hand (`residents import`).
    pub fn none(db: Db) -> Self {
        Self {
            catalog: Weak::new(),
            db,
        }
    }

    /// Delivers `notice` in a task of its own, with the catalog in force now.
    pub fn announce(&self, notice: Notice) {
        let Some(catalog) = self.catalog.upgrade().map(|swap| swap.load_full()) else {
            return;
        };
        let db = self.db.clone();
        tokio::spawn(async move {
            deliver(&catalog, &db, notice).await;
        });
    }
}

/// Delivers `notice` to every subscribed installation covering it, one after another.
pub async fn deliver(catalog: &Catalog, db: &Db, notice: Notice) -> DeliveryReport {
    let mut report = DeliveryReport::default();
    let (subscription, unit_code, call) = match payload(db, &notice).await {
        Ok(Some(found)) => found,
        Ok(None) => return report,
        Err(error) => {
            tracing::error!(?notice, %error, "hook delivery: cannot read the subject");
            return report;
        }
    };
    for plugin in catalog.all_loaded() {
        let installation = &plugin.installation;
        if !installation.manifest.hooks.contains(&subscription)
            || !is_within(&unit_code, &installation.unit.code)
        {
            continue;
        }
        match plugin.hook(call.clone()).await {
            Ok(Ok(())) => report.delivered += 1,
            Ok(Err(error)) => {
                report.refused += 1;
                tracing::warn!(
                    plugin = installation.plugin_id(),
                    installation = installation.id,
                    ?subscription,
                    "hook refused: {error:?}"
                );
            }
            // The fault itself is logged where it happened (`LoadedPlugin`).
            Err(_) => report.faulted += 1,
        }
    }
    report
}

/// The subscription a notice is for, the unit it happened in, and the hook call.
async fn payload(
    db: &Db,
    notice: &Notice,
) -> sqlx::Result<Option<(HookSubscription, String, HookCall)>> {
    Ok(match notice {
        Notice::ResidentChanged {
            change,
            resident_id,
        } => resident_payload(db, *resident_id).await?.map(|resident| {
            let kind = match change {
                ResidentChange::Added => ChangeKind::Added,
                ResidentChange::Updated => ChangeKind::Updated,
                ResidentChange::Removed => ChangeKind::Removed,
            };
            let grid = resident.grid_code.clone();
            (
                HookSubscription::ResidentChanged,
                grid,
                HookCall::ResidentChanged(kind, resident),
            )
        }),
        Notice::EventReported { event_id } => event_payload(db, *event_id).await?.map(|event| {
            let unit = event.unit_code.clone();
            (
                HookSubscription::EventReported,
                unit,
                HookCall::EventReported(event),
            )
        }),
        Notice::EventTransitioned {
            event_id,
            from,
            action,
        } => event_payload(db, *event_id).await?.map(|event| {
            let unit = event.unit_code.clone();
            (
                HookSubscription::EventTransitioned,
                unit,
                HookCall::EventTransitioned(event, contract_event_state(*from), action.clone()),
            )
        }),
    })
}

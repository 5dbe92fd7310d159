//! Delivering a change to the plugins that subscribed to it. Delivery happens after the
//! change is committed and off the request's path (a spawned task): a slow or failing
//! plugin never delays or fails the person who made the change. Each installation gets the
//! notice only if the change is inside its unit's subtree (a resident who moved out of it
//! is `removed` there), and a resident as every plugin first sees them (masked). A refusal
//! is logged; a fault is counted by the plugin's metrics and circuit breaker like any other
//! call and written down to be retried with back-off (`retries`).

use std::sync::{Arc, Weak};

use arc_swap::ArcSwap;
use serde::{Deserialize, Serialize};
use wangge_registry::HookSubscription;

use crate::db::Db;
use crate::grid::unit_code::is_within;
use crate::grid::workflow::EventState;
use crate::plugins::Catalog;
use crate::runtime::bindings::exports::wangge::plugin::hooks::ChangeKind;
use crate::runtime::loaded_plugin::HookCall;
use crate::runtime::{contract_event_state, event_payload, resident_payload};

use super::retries::RetryPolicy;

/// How a resident changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResidentChange {
    /// Newly registered.
    Added,
    /// Fields changed.
    Updated,
    /// Moved out or deceased.
    Removed,
}

/// A committed change that plugins may have subscribed to. Written down as JSON when a
/// delivery is to be retried.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "hook", rename_all = "kebab-case")]
pub enum Notice {
    /// A resident was added, updated or removed.
    ResidentChanged {
        /// How.
        change: ResidentChange,
        /// Who.
        resident_id: i64,
        /// The grid they moved out of, if they moved: installations covering it but not
        /// the new grid are told `removed`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        left: Option<String>,
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
    retries: RetryPolicy,
}

impl Hooks {
    /// Hooks delivering to whatever catalog `catalog` holds at each announcement, faults
    /// retried by `retries`.
    pub fn new(catalog: &Arc<ArcSwap<Catalog>>, db: Db, retries: RetryPolicy) -> Self {
        Self {
            catalog: Arc::downgrade(catalog),
            db,
            retries,
        }
    }

    /// Hooks that deliver nothing: for a host that serves no plugins (the standalone
    /// registry) and for tools that deliver by hand (`residents import`).
    pub fn none(db: Db) -> Self {
        Self {
            catalog: Weak::new(),
            db,
            retries: RetryPolicy::default(),
        }
    }

    /// Delivers `notice` in a task of its own, with the catalog in force now.
    pub fn announce(&self, notice: Notice) {
        let Some(catalog) = self.catalog.upgrade().map(|swap| swap.load_full()) else {
            return;
        };
        let subscription = notice.subscription();
        if !catalog
            .all_loaded()
            .any(|p| p.installation.manifest.hooks.contains(&subscription))
        {
            // Nobody listens: a push of ten thousand rows spawns nothing.
            return;
        }
        let (db, retries) = (self.db.clone(), self.retries);
        tokio::spawn(async move {
            deliver(&catalog, &db, retries, notice).await;
        });
    }
}

impl Notice {
    /// The subscription it is delivered to.
    pub fn subscription(&self) -> HookSubscription {
        match self {
            Self::ResidentChanged { .. } => HookSubscription::ResidentChanged,
            Self::EventReported { .. } => HookSubscription::EventReported,
            Self::EventTransitioned { .. } => HookSubscription::EventTransitioned,
        }
    }

    /// The notice as an installation at `unit` is to get it (a resident who moved out of
    /// its subtree is `removed` there), or `None` if it is none of its business.
    fn for_unit(&self, unit: &str, happened_in: &str) -> Option<Self> {
        if is_within(happened_in, unit) {
            return Some(match self {
                Self::ResidentChanged {
                    change,
                    resident_id,
                    ..
                } => Self::ResidentChanged {
                    change: *change,
                    resident_id: *resident_id,
                    left: None,
                },
                other => other.clone(),
            });
        }
        match self {
            Self::ResidentChanged {
                resident_id,
                left: Some(left),
                ..
            } if is_within(left, unit) => Some(Self::ResidentChanged {
                change: ResidentChange::Removed,
                resident_id: *resident_id,
                left: None,
            }),
            _ => None,
        }
    }
}

/// Delivers `notice` to every subscribed installation it concerns, one after another;
/// a fault is written down to be retried by `retries`.
pub async fn deliver(
    catalog: &Catalog,
    db: &Db,
    retries: RetryPolicy,
    notice: Notice,
) -> DeliveryReport {
    let mut report = DeliveryReport::default();
    let subscription = notice.subscription();
    let subscribed: Vec<_> = catalog
        .all_loaded()
        .filter(|p| p.installation.manifest.hooks.contains(&subscription))
        .collect();
    if subscribed.is_empty() {
        return report;
    }
    let happened_in = match unit_of(db, &notice).await {
        Ok(Some(unit)) => unit,
        Ok(None) => return report,
        Err(error) => {
            tracing::error!(?notice, %error, "hook delivery: cannot read the subject");
            return report;
        }
    };
    for plugin in subscribed {
        let installation = &plugin.installation;
        let Some(own) = notice.for_unit(&installation.unit.code, &happened_in) else {
            continue;
        };
        let call = match call_for(db, &own).await {
            Ok(Some(call)) => call,
            Ok(None) => return report,
            Err(error) => {
                tracing::error!(?notice, %error, "hook delivery: cannot read the subject");
                return report;
            }
        };
        match plugin.hook(call).await {
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
            Err(fault) => {
                report.faulted += 1;
                super::retries::record_fault(db, retries, plugin, &own, &fault).await;
            }
        }
    }
    report
}

/// The unit a notice's subject is in now (a resident's grid, an event's unit).
async fn unit_of(db: &Db, notice: &Notice) -> sqlx::Result<Option<String>> {
    Ok(match notice {
        Notice::ResidentChanged { resident_id, .. } => db
            .resident(*resident_id)
            .await?
            .map(|resident| resident.grid_code),
        Notice::EventReported { event_id } | Notice::EventTransitioned { event_id, .. } => {
            db.event(*event_id).await?.map(|event| event.unit_code)
        }
    })
}

/// The hook call of `notice`, its subject read as it is now; `None` if it is gone.
pub(super) async fn call_for(db: &Db, notice: &Notice) -> sqlx::Result<Option<HookCall>> {
    Ok(match notice {
        Notice::ResidentChanged {
            change,
            resident_id,
            ..
        } => resident_payload(db, *resident_id).await?.map(|resident| {
            let kind = match change {
                ResidentChange::Added => ChangeKind::Added,
                ResidentChange::Updated => ChangeKind::Updated,
                ResidentChange::Removed => ChangeKind::Removed,
            };
            HookCall::ResidentChanged(kind, resident)
        }),
        Notice::EventReported { event_id } => event_payload(db, *event_id)
            .await?
            .map(HookCall::EventReported),
        Notice::EventTransitioned {
            event_id,
            from,
            action,
        } => event_payload(db, *event_id).await?.map(|event| {
            HookCall::EventTransitioned(event, contract_event_state(*from), action.clone())
        }),
    })
}

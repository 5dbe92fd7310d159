//! What the plugin keeps in its storage, one type per concept, and the keys they live under.
//!
//! | key | value |
//! |---|---|
//! | `elders/{resident}` | [`Elder`]: the register (老年人名册) |
//! | `register-synced` | [`SyncReport`]: the last full sync from 实有人口 |
//! | `allowances/{resident}` | [`Allowance`]: the 高龄津贴 application and approval |
//! | `visit-tasks/{resident}` | [`VisitTask`]: the open visit event of an elder living alone |
//! | `visits/{resident}/{date}` | [`Visit`]: a visit recorded by a worker |
//! | `visit-events/{event}` | the key of the visit whose event still waits to be closed |
//! | `help/{resident}` | [`HelpRequest`]: a resident's last emergency call |
//! | `meals/{date}` (1.0.0), `bookings/{date}/{canteen}/{resident}` (1.1.0) | meal bookings, see `meal_store` |

use serde::{Deserialize, Serialize};
use wangge_sdk::prelude::*;

/// Age from which a resident is in the register.
pub(crate) const ELDER_AGE: i64 = 60;

/// The register: one elder aged 60 or more in the installation's scope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Elder {
    /// The resident's id in 实有人口.
    pub(crate) resident_id: String,
    /// Full name.
    pub(crate) name: String,
    /// The grid that keeps them.
    pub(crate) grid: String,
    /// `YYYY-MM-DD`.
    pub(crate) birth_date: String,
    /// `60+` or `80+`, as of the last change or sync.
    pub(crate) band: String,
    /// Tagged `living-alone` in 实有人口.
    pub(crate) living_alone: bool,
}

impl Elder {
    /// The age today; 0 when the stored birth date does not parse.
    pub(crate) fn age_on(&self, day: Date) -> i64 {
        Date::parse(&self.birth_date).map_or(0, |born| day.years_since(born))
    }
}

/// The band an age falls in.
pub(crate) fn band(age: i64) -> &'static str {
    if age >= 80 { "80+" } else { "60+" }
}

pub(crate) const ELDERS: Collection<Elder> = Collection::new("elders/");

/// The last full sync of the register.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SyncReport {
    /// When, in milliseconds since the epoch.
    pub(crate) at: i64,
    /// Elders found.
    pub(crate) elders: usize,
    /// Entries dropped because the resident is gone or no longer in scope.
    pub(crate) removed: usize,
}

pub(crate) const SYNC_REPORT_KEY: &str = "register-synced";

/// Where a 高龄津贴 application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AllowanceStatus {
    /// 已申请: recorded by a worker, waiting for approval.
    Applied,
    /// 已批准.
    Approved,
}

impl AllowanceStatus {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Applied => "已申请，待审批",
            Self::Approved => "已批准",
        }
    }
}

/// An elder's 高龄津贴 application.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Allowance {
    pub(crate) status: AllowanceStatus,
    /// `YYYY-MM-DD`.
    pub(crate) applied_on: String,
    /// The worker who recorded it.
    pub(crate) applied_by: String,
    pub(crate) approved_on: Option<String>,
    pub(crate) approved_by: Option<String>,
}

pub(crate) const ALLOWANCES: Collection<Allowance> = Collection::new("allowances/");

/// An open visit task: the `elder-care.visit` event reported for an elder living alone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct VisitTask {
    pub(crate) event_id: String,
    /// `YYYY-MM-DD`.
    pub(crate) created_on: String,
}

pub(crate) const VISIT_TASKS: Collection<VisitTask> = Collection::new("visit-tasks/");

/// A visit a worker recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Visit {
    pub(crate) resident_id: String,
    /// `YYYY-MM-DD`.
    pub(crate) date: String,
    pub(crate) note: String,
    /// The worker's display name.
    pub(crate) worker: String,
    /// The visit task's event, if there was one.
    pub(crate) event_id: Option<String>,
    /// Whether the plugin moved that event to 办结.
    pub(crate) event_resolved: bool,
}

/// The key of the visit to `resident` on `date`.
pub(crate) fn visit_key(resident: &str, date: &str) -> String {
    format!("visits/{resident}/{date}")
}

/// Visits waiting for their event to be dispatched before the plugin can close it:
/// `visit-events/{event}` holds the visit's key.
pub(crate) fn visit_event_key(event_id: &str) -> String {
    format!("visit-events/{event_id}")
}

/// The last visit to `resident`: keys sort by date.
pub(crate) fn last_visit(resident: &str) -> Result<Option<Visit>, Error> {
    let keys = store::keys(&format!("visits/{resident}/"))?;
    match keys.last() {
        Some(key) => store::get(key),
        None => Ok(None),
    }
}

/// A resident's last emergency call.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HelpRequest {
    pub(crate) event_id: String,
    /// Milliseconds since the epoch.
    pub(crate) at: i64,
}

pub(crate) const HELP: Collection<HelpRequest> = Collection::new("help/");

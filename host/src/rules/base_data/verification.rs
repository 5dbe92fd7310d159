//! 关联核录: how much of a grid's base data department data has confirmed. A living
//! resident or a house counts as verified once a department push carried it (new, changed
//! or unchanged); a grid's rate is verified records over all, against the seed's target of
//! 80%. Read by the worker's and admin's pages and `/api/stats`.

use crate::auth::Role;
use crate::db::Db;
use crate::db::verification::GridVerification;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};

/// The seed's target: 80% of a grid's records matched with department data.
pub const TARGET_PERCENT: f64 = 80.0;

/// Verified records out of all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rate {
    /// Verified.
    pub verified: i64,
    /// All.
    pub total: i64,
}

impl Rate {
    /// The rate in percent, `None` with no records.
    pub fn percent(self) -> Option<f64> {
        #[expect(
            clippy::cast_precision_loss,
            reason = "record counts are far below 2^52"
        )]
        (self.total > 0).then(|| 100.0 * self.verified as f64 / self.total as f64)
    }

    /// Whether the rate reaches [`TARGET_PERCENT`].
    pub fn meets_target(self) -> bool {
        self.percent().is_some_and(|p| p >= TARGET_PERCENT)
    }

    fn add(self, other: Self) -> Self {
        Self {
            verified: self.verified + other.verified,
            total: self.total + other.total,
        }
    }
}

/// One grid's rate, residents and houses together and apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRate {
    /// The grid.
    pub grid_code: String,
    /// Living residents.
    pub residents: Rate,
    /// Houses.
    pub houses: Rate,
}

impl GridRate {
    /// Rates added up under `code`.
    pub fn sum<'a>(code: &str, rates: impl IntoIterator<Item = &'a GridRate>) -> Self {
        rates.into_iter().fold(
            Self {
                grid_code: code.to_owned(),
                residents: Rate::default(),
                houses: Rate::default(),
            },
            |sum, rate| Self {
                grid_code: sum.grid_code,
                residents: sum.residents.add(rate.residents),
                houses: sum.houses.add(rate.houses),
            },
        )
    }

    /// Residents and houses together.
    pub fn combined(&self) -> Rate {
        self.residents.add(self.houses)
    }
}

impl From<GridVerification> for GridRate {
    fn from(v: GridVerification) -> Self {
        Self {
            grid_code: v.grid_code,
            residents: Rate {
                verified: v.residents_verified,
                total: v.residents,
            },
            houses: Rate {
                verified: v.houses_verified,
                total: v.houses,
            },
        }
    }
}

/// The rate of every grid of `unit` with records, and the unit's own (all its grids
/// together), for anyone who holds a staff or leader role there.
pub async fn of_unit(
    db: &Db,
    person: &Person,
    unit: &str,
) -> RuleResult<(GridRate, Vec<GridRate>)> {
    let allowed = [
        Role::GridWorker,
        Role::DepartmentStaff,
        Role::Leader,
        Role::UnitAdmin,
    ];
    if !person.holds_any(&allowed, unit) {
        return Err(RuleError::Forbidden(format!(
            "the 关联核录 rate of unit {unit} needs a staff or leader role there"
        )));
    }
    rates(db, unit).await
}

/// The rate of `unit` and of each of its grids, for a caller that has checked the reader
/// may see them.
pub async fn rates(db: &Db, unit: &str) -> RuleResult<(GridRate, Vec<GridRate>)> {
    let grids: Vec<GridRate> = db
        .verification_by_grid(unit)
        .await?
        .into_iter()
        .map(GridRate::from)
        .collect();
    Ok((GridRate::sum(unit, &grids), grids))
}

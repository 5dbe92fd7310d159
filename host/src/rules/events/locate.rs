//! Where a grid worker reports from by coordinates (巡查发现 on the spot): the grid, among
//! those the worker keeps base data for, whose boundary holds the point. The worker may
//! also name the grid; coordinates outside every grid of theirs are refused, whether or not
//! they fall in someone else's, so nothing is learnt about other grids.

use crate::auth::BASE_DATA_ROLES;
use crate::db::Db;
use crate::grid::grid_locator::GridLocator;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};

/// A point and the grid found for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// The grid whose boundary holds the point.
    pub grid: String,
}

fn degrees(field: &'static str, text: &str, limit: f64) -> RuleResult<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && v.abs() <= limit)
        .ok_or_else(|| {
            RuleError::invalid(
                field,
                format!(
                    "`{}` is not a number of degrees within ±{limit}",
                    text.trim()
                ),
            )
        })
}

/// The grid of `person`'s at `latitude`, `longitude` (as typed, WGS 84 degrees).
pub async fn grid_at(
    db: &Db,
    person: &Person,
    latitude: &str,
    longitude: &str,
) -> RuleResult<Located> {
    let latitude = degrees("latitude", latitude, 90.0)?;
    let longitude = degrees("longitude", longitude, 180.0)?;
    let mut boundaries = Vec::new();
    for unit in person.units_with(&BASE_DATA_ROLES) {
        boundaries.extend(db.grid_boundaries(&unit).await?);
    }
    boundaries.sort();
    boundaries.dedup();
    let locator = GridLocator::new(boundaries.iter().map(|(c, b)| (c.as_str(), b.as_str())))
        .map_err(|e| RuleError::Internal(anyhow::anyhow!("a stored grid boundary: {e:?}")))?;
    let grid = locator
        .locate(longitude, latitude)
        .ok_or_else(|| {
            RuleError::invalid(
                "latitude",
                "the point lies in none of the grids you work; name the grid instead",
            )
        })?
        .to_owned();
    Ok(Located {
        latitude,
        longitude,
        grid,
    })
}

//! 关联核录 as stored: how many living residents and houses of each grid a department push
//! has carried (`verified_at`), and how many there are.

use std::collections::BTreeMap;

use sqlx::Row;

use super::Db;
use crate::grid::unit_code::subtree_end;

/// One grid's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GridVerification {
    /// The grid.
    pub grid_code: String,
    /// Living residents a push carried.
    pub residents_verified: i64,
    /// Living residents.
    pub residents: i64,
    /// Houses a push carried.
    pub houses_verified: i64,
    /// Houses.
    pub houses: i64,
}

impl Db {
    /// The counts of every grid of `unit_code`'s subtree that has residents or houses, by
    /// grid code.
    pub async fn verification_by_grid(
        &self,
        unit_code: &str,
    ) -> sqlx::Result<Vec<GridVerification>> {
        let mut grids: BTreeMap<String, GridVerification> = BTreeMap::new();
        let residents = sqlx::query(
            "SELECT grid_code, CAST(COUNT(verified_at) AS BIGINT) AS verified, \
             CAST(COUNT(*) AS BIGINT) AS total FROM residents \
             WHERE grid_code >= $1 AND grid_code < $2 AND closed_at IS NULL \
             GROUP BY grid_code",
        )
        .bind(unit_code)
        .bind(subtree_end(unit_code))
        .fetch_all(self.pool())
        .await?;
        for row in &residents {
            let code: String = row.try_get("grid_code")?;
            let entry = grids
                .entry(code.clone())
                .or_insert_with(|| GridVerification {
                    grid_code: code,
                    ..GridVerification::default()
                });
            entry.residents_verified = row.try_get("verified")?;
            entry.residents = row.try_get("total")?;
        }
        let houses = sqlx::query(
            "SELECT grid_code, CAST(COUNT(verified_at) AS BIGINT) AS verified, \
             CAST(COUNT(*) AS BIGINT) AS total FROM houses \
             WHERE grid_code >= $1 AND grid_code < $2 GROUP BY grid_code",
        )
        .bind(unit_code)
        .bind(subtree_end(unit_code))
        .fetch_all(self.pool())
        .await?;
        for row in &houses {
            let code: String = row.try_get("grid_code")?;
            let entry = grids
                .entry(code.clone())
                .or_insert_with(|| GridVerification {
                    grid_code: code,
                    ..GridVerification::default()
                });
            entry.houses_verified = row.try_get("verified")?;
            entry.houses = row.try_get("total")?;
        }
        Ok(grids.into_values().collect())
    }
}

//! Special-population records (特殊人群) as stored: one per (resident, category), kept by
//! the resident's grid, read only through scoped queries. Who may read them is decided in
//! `grid::special_population`, not here.

use sqlx::Row;

use super::{Db, now_ms};
use crate::grid::unit_code::subtree_end;

/// A stored record, joined with the resident's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSpecialPopulation {
    /// Id.
    pub id: i64,
    /// The resident.
    pub resident_id: i64,
    /// The resident's name.
    pub resident_name: String,
    /// Category (stored name).
    pub category: String,
    /// Control level (`1` closest attention).
    pub control_level: String,
    /// The responsible worker's username, if assigned.
    pub responsible: Option<String>,
    /// The grid.
    pub grid_code: String,
    /// Free-text note.
    pub note: String,
}

/// A record to store.
#[derive(Debug, Clone)]
pub struct NewSpecialPopulation<'a> {
    /// The resident.
    pub resident_id: i64,
    /// Category (stored name).
    pub category: &'static str,
    /// Control level (stored name).
    pub control_level: &'static str,
    /// The responsible worker's user id.
    pub responsible_user: Option<i64>,
    /// The resident's grid.
    pub grid_code: &'a str,
    /// Note.
    pub note: &'a str,
}

/// Why a record was not stored.
#[derive(Debug, thiserror::Error)]
pub enum SpecialPopulationError {
    /// The resident already has a record in this category.
    #[error("the resident is already registered in this category")]
    Duplicate,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Db {
    /// Stores a record; returns its id.
    pub async fn insert_special_population(
        &self,
        record: &NewSpecialPopulation<'_>,
    ) -> Result<i64, SpecialPopulationError> {
        let mut tx = self.begin_write().await?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM special_populations WHERE resident_id = $1 AND category = $2",
        )
        .bind(record.resident_id)
        .bind(record.category)
        .fetch_optional(&mut *tx)
        .await?;
        if existing.is_some() {
            return Err(SpecialPopulationError::Duplicate);
        }
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO special_populations (resident_id, category, control_level, \
             responsible_user, grid_code, note, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(record.resident_id)
        .bind(record.category)
        .bind(record.control_level)
        .bind(record.responsible_user)
        .bind(record.grid_code)
        .bind(record.note)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records of grids in the subtree of `unit_code`, optionally of one category, in
    /// (grid, id) order after the cursor, at most `limit`.
    pub async fn special_populations_under(
        &self,
        unit_code: &str,
        category: Option<&str>,
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredSpecialPopulation>> {
        let (after_grid, after_id) = after.unwrap_or(("", 0));
        let rows = sqlx::query(
            "SELECT s.id, s.resident_id, r.name AS resident_name, s.category, \
             s.control_level, u.username AS responsible, s.grid_code, s.note \
             FROM special_populations s \
             JOIN residents r ON r.id = s.resident_id \
             LEFT JOIN users u ON u.id = s.responsible_user \
             WHERE (s.grid_code, s.id) > ($3, $4) AND s.grid_code >= $1 AND s.grid_code < $2 \
             AND ($5 IS NULL OR s.category = $5) \
             ORDER BY s.grid_code, s.id LIMIT $6",
        )
        .bind(unit_code)
        .bind(subtree_end(unit_code))
        .bind(after_grid)
        .bind(after_id)
        .bind(category)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredSpecialPopulation {
                    id: row.try_get("id")?,
                    resident_id: row.try_get("resident_id")?,
                    resident_name: row.try_get("resident_name")?,
                    category: row.try_get("category")?,
                    control_level: row.try_get("control_level")?,
                    responsible: row.try_get("responsible")?,
                    grid_code: row.try_get("grid_code")?,
                    note: row.try_get("note")?,
                })
            })
            .collect()
    }
}

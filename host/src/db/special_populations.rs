//! Special-population records (特殊人群) as stored: one per (resident, category), kept by
//! the resident's grid, read only through scoped queries; changed only at the version read;
//! closed (解除) rather than deleted. Who may read them is decided in
//! `rules::base_data::special_populations`, not here.

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
    /// The responsible worker's user id, if assigned.
    pub responsible_user: Option<i64>,
    /// The grid.
    pub grid_code: String,
    /// Free-text note.
    pub note: String,
    /// Bumped by every change.
    pub version: i64,
    /// When it was registered (ms): the start of its first visit interval.
    pub created_at: i64,
    /// When and why it was closed (解除), if it was: (ms, reason).
    pub closed: Option<(i64, String)>,
    /// The day of its latest visit (`YYYY-MM-DD`), if any.
    pub last_visited_on: Option<String>,
}

const RECORD_COLUMNS: &str = "s.id, s.resident_id, r.name AS resident_name, s.category, \
    s.control_level, u.username AS responsible, s.responsible_user, s.grid_code, s.note, \
    s.version, s.created_at, s.closed_at, s.closed_reason, \
    (SELECT MAX(v.visited_on) FROM special_population_visits v WHERE v.record_id = s.id) \
    AS last_visited_on";

const RECORD_FROM: &str = "FROM special_populations s JOIN residents r ON r.id = s.resident_id \
    LEFT JOIN users u ON u.id = s.responsible_user";

fn stored_record(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredSpecialPopulation> {
    Ok(StoredSpecialPopulation {
        id: row.try_get("id")?,
        resident_id: row.try_get("resident_id")?,
        resident_name: row.try_get("resident_name")?,
        category: row.try_get("category")?,
        control_level: row.try_get("control_level")?,
        responsible: row.try_get("responsible")?,
        responsible_user: row.try_get("responsible_user")?,
        grid_code: row.try_get("grid_code")?,
        note: row.try_get("note")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        closed: match row.try_get::<Option<i64>, _>("closed_at")? {
            None => None,
            Some(at) => Some((
                at,
                row.try_get::<Option<String>, _>("closed_reason")?
                    .unwrap_or_default(),
            )),
        },
        last_visited_on: row.try_get("last_visited_on")?,
    })
}

/// A visit (走访/帮教) to a record's resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Id.
    pub id: i64,
    /// The record.
    pub record_id: i64,
    /// The day (`YYYY-MM-DD`).
    pub visited_on: String,
    /// `home` 上门, `phone` 电话 or `talk` 约谈.
    pub kind: String,
    /// What was done and found.
    pub content: String,
    /// Who visited (`user:NAME`).
    pub visitor: String,
    /// When it was recorded (ms).
    pub created_at: i64,
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
    /// Stores a record; returns its id. A closed record of the same resident and category is
    /// opened again with the new values (the category was lifted, and applies again).
    pub async fn insert_special_population(
        &self,
        record: &NewSpecialPopulation<'_>,
    ) -> Result<i64, SpecialPopulationError> {
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query(
            "SELECT id, closed_at FROM special_populations \
             WHERE resident_id = $1 AND category = $2",
        )
        .bind(record.resident_id)
        .bind(record.category)
        .fetch_optional(&mut *tx)
        .await?;
        let now = now_ms();
        if let Some(row) = existing {
            let id: i64 = row.try_get("id")?;
            if row.try_get::<Option<i64>, _>("closed_at")?.is_none() {
                return Err(SpecialPopulationError::Duplicate);
            }
            sqlx::query(
                "UPDATE special_populations SET control_level = $1, responsible_user = $2, \
                 grid_code = $3, note = $4, closed_at = NULL, closed_reason = NULL, \
                 created_at = $5, updated_at = $5, version = version + 1 WHERE id = $6",
            )
            .bind(record.control_level)
            .bind(record.responsible_user)
            .bind(record.grid_code)
            .bind(record.note)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(id);
        }
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
        let sql = format!(
            "SELECT {RECORD_COLUMNS} {RECORD_FROM} \
             WHERE (s.grid_code, s.id) > ($3, $4) AND s.grid_code >= $1 AND s.grid_code < $2 \
             AND s.closed_at IS NULL AND ($5 IS NULL OR s.category = $5) \
             ORDER BY s.grid_code, s.id LIMIT $6"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_code)
            .bind(subtree_end(unit_code))
            .bind(after_grid)
            .bind(after_id)
            .bind(category)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored_record).collect()
    }

    /// One record, open or closed.
    pub async fn special_population(
        &self,
        id: i64,
    ) -> sqlx::Result<Option<StoredSpecialPopulation>> {
        let sql = format!("SELECT {RECORD_COLUMNS} {RECORD_FROM} WHERE s.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(stored_record).transpose()
    }

    /// Every open record of `unit_code`'s subtree with its latest visit: what the overdue
    /// list and its counts are worked out from.
    pub async fn open_special_populations(
        &self,
        unit_code: &str,
    ) -> sqlx::Result<Vec<StoredSpecialPopulation>> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} {RECORD_FROM} \
             WHERE s.grid_code >= $1 AND s.grid_code < $2 AND s.closed_at IS NULL \
             ORDER BY s.grid_code, s.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_code)
            .bind(subtree_end(unit_code))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored_record).collect()
    }

    /// Writes the changeable fields of `record` if it is still at `record.version`.
    /// `false`: someone changed it first, and nothing was written.
    pub async fn save_special_population(
        &self,
        record: &StoredSpecialPopulation,
    ) -> sqlx::Result<bool> {
        let closed = record.closed.as_ref();
        let saved = sqlx::query(
            "UPDATE special_populations SET control_level = $1, responsible_user = $2, \
             note = $3, grid_code = $4, closed_at = $5, closed_reason = $6, \
             version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
        )
        .bind(&record.control_level)
        .bind(record.responsible_user)
        .bind(&record.note)
        .bind(&record.grid_code)
        .bind(closed.map(|(at, _)| *at))
        .bind(closed.map(|(_, reason)| reason.as_str()))
        .bind(now_ms())
        .bind(record.id)
        .bind(record.version)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(saved == 1)
    }

    /// Records a visit; returns its id.
    pub async fn insert_visit(
        &self,
        record_id: i64,
        visited_on: &str,
        kind: &str,
        content: &str,
        visitor: &str,
    ) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO special_population_visits (record_id, visited_on, kind, content, \
             visitor, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(record_id)
        .bind(visited_on)
        .bind(kind)
        .bind(content)
        .bind(visitor)
        .bind(now_ms())
        .fetch_one(self.pool())
        .await
    }

    /// A record's visits, latest first.
    pub async fn visits_of(&self, record_id: i64) -> sqlx::Result<Vec<Visit>> {
        let rows = sqlx::query(
            "SELECT id, record_id, visited_on, kind, content, visitor, created_at \
             FROM special_population_visits WHERE record_id = $1 \
             ORDER BY visited_on DESC, id DESC",
        )
        .bind(record_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Visit {
                    id: row.try_get("id")?,
                    record_id: row.try_get("record_id")?,
                    visited_on: row.try_get("visited_on")?,
                    kind: row.try_get("kind")?,
                    content: row.try_get("content")?,
                    visitor: row.try_get("visitor")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The visit interval of each control level, in days.
    pub async fn visit_intervals(&self) -> sqlx::Result<Vec<(String, i64)>> {
        let rows =
            sqlx::query("SELECT control_level, days FROM visit_intervals ORDER BY control_level")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("control_level")?, row.try_get("days")?)))
            .collect()
    }

    /// Sets the visit interval of `control_level` to `days`.
    pub async fn set_visit_interval(&self, control_level: &str, days: i64) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM visit_intervals WHERE control_level = $1")
            .bind(control_level)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO visit_intervals (control_level, days) VALUES ($1, $2)")
            .bind(control_level)
            .bind(days)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }
}

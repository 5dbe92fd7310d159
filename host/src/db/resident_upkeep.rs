//! Keeping residents' records: searches (a name prefix, an ID number, a phone, an address
//! prefix, each within a unit's subtree), saving a changed record only if nobody changed it
//! since it was read (the version), and the notice a move leaves in the receiving grid's
//! inbox, in the same transaction.

use super::residents::{
    COLUMNS, Living, ResidentLinks, StoredResident, insert_linked_rows, stored,
};
use super::{Db, now_ms};
use crate::grid::resident::NewResident;
use crate::grid::unit_code::subtree_end;

/// What a search looks for.
#[derive(Debug, Clone, Copy)]
pub enum SearchKey<'a> {
    /// Names starting with this.
    NamePrefix(&'a str),
    /// This whole ID number.
    IdNumber(&'a str),
    /// This whole phone number.
    Phone(&'a str),
    /// Residents of houses whose address key (`grid::address::address_key`) starts with
    /// this.
    AddressPrefix(&'a str),
}

/// A note left in a grid's inbox by a change, written with it.
#[derive(Debug, Clone, Copy)]
pub struct UnitNote<'a> {
    /// The grid (or unit) told.
    pub unit_code: &'a str,
    /// The title.
    pub title: &'a str,
    /// The body.
    pub body: &'a str,
}

/// The end of the range of strings starting with `prefix`: the prefix with a character
/// above every one a name or address uses.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10ffff}")
}

impl Db {
    /// Residents of `unit_code`'s subtree matching `key`, `living` or not: by name (then
    /// grid, then id), by address (then id) or by id, after the row with id `after`, at most `limit`.
    pub async fn search_residents(
        &self,
        unit_code: &str,
        key: SearchKey<'_>,
        living: Living,
        after: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredResident>> {
        let living = match living {
            Living::Only => "r.closed_at IS NULL",
            Living::Closed => "r.closed_at IS NOT NULL",
            Living::All => "1 = 1",
        };
        let columns = COLUMNS
            .split(", ")
            .map(|c| format!("r.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let scope = "r.grid_code >= $1 AND r.grid_code < $2";
        let after = after.unwrap_or(0);
        let (sql, text, end) = match key {
            // Ordered by (name, grid, id): the order of the name index, which holds the
            // living residents with their grid, so a page is one range scan of it that
            // checks the scope in the index and reads only the rows it lists, whatever the
            // subtree's size (see BENCHMARKS.md); the cursor is the last row's id.
            SearchKey::NamePrefix(prefix) => (
                format!(
                    "SELECT {columns} FROM residents r WHERE r.name >= $3 AND r.name < $4 \
                     AND {scope} AND {living} AND ($5 = 0 OR (r.name, r.grid_code, r.id) > \
                     (SELECT name, grid_code, id FROM residents WHERE id = $5)) \
                     ORDER BY r.name, r.grid_code, r.id LIMIT $6"
                ),
                prefix.to_owned(),
                prefix_end(prefix),
            ),
            SearchKey::AddressPrefix(prefix) => (
                format!(
                    "SELECT {columns} FROM residents r JOIN houses h ON h.id = r.house_id \
                     WHERE h.address_key >= $3 AND h.address_key < $4 \
                     AND {scope} AND {living} AND r.id > $5 \
                     ORDER BY r.id LIMIT $6"
                ),
                prefix.to_owned(),
                prefix_end(prefix),
            ),
            SearchKey::IdNumber(id_number) => (
                format!(
                    "SELECT {columns} FROM residents r WHERE r.id_number = $3 AND $4 = $4 \
                     AND {scope} AND {living} AND r.id > $5 ORDER BY r.id LIMIT $6"
                ),
                id_number.to_owned(),
                String::new(),
            ),
            SearchKey::Phone(phone) => (
                format!(
                    "SELECT {columns} FROM residents r WHERE r.phone = $3 AND $4 = $4 \
                     AND {scope} AND {living} AND r.id > $5 ORDER BY r.id LIMIT $6"
                ),
                phone.to_owned(),
                String::new(),
            ),
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_code)
            .bind(subtree_end(unit_code))
            .bind(text)
            .bind(end)
            .bind(after)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored).collect()
    }

    /// Writes `resident` (every field the rules change) over the stored record if it is
    /// still at `resident.version` (bumping it), with `note` left in a grid's inbox in the
    /// same transaction. `false`: someone changed it first, and nothing was written.
    pub async fn save_resident(
        &self,
        resident: &StoredResident,
        verified_by: Option<&str>,
        note: Option<UnitNote<'_>>,
    ) -> sqlx::Result<bool> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        if !update_resident(&mut tx, resident, verified_by, now).await? {
            return Ok(false);
        }
        if let Some(note) = note {
            insert_unit_note(&mut tx, note, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Inserts `resident` (its id and version ignored); its id.
    pub async fn insert_resident(
        &self,
        resident: &StoredResident,
        verified_by: Option<&str>,
    ) -> sqlx::Result<i64> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO residents (name, gender, birth_date, id_number, phone, \
             population_type, grid_code, tags, household_id, household_relation, house_id, \
             verified_by, verified_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, \
             $6, $7, $8, $9, $10, $11, $12, CASE WHEN $12 IS NULL THEN NULL ELSE $13 END, \
             $13, $13) RETURNING id",
        )
        .bind(&resident.name)
        .bind(&resident.gender)
        .bind(&resident.birth_date)
        .bind(&resident.id_number)
        .bind(resident.phone.as_deref())
        .bind(&resident.population_type)
        .bind(&resident.grid_code)
        .bind(serde_json::Value::from(resident.tags.clone()).to_string())
        .bind(resident.household_id)
        .bind(resident.household_relation.as_deref())
        .bind(resident.house_id)
        .bind(verified_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A department push of residents, in one transaction: `new` inserted, `changed`
    /// written over their stored records at the version read, `unchanged` left as they
    /// are; all of them marked verified by `by`. `None`, with nothing written, when one of
    /// `changed` was changed by someone else meanwhile; else the new residents' ids.
    pub async fn apply_resident_push(
        &self,
        new: &[(NewResident, ResidentLinks)],
        changed: &[StoredResident],
        unchanged: &[i64],
        by: &str,
    ) -> sqlx::Result<Option<Vec<i64>>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        for resident in changed {
            if !update_resident(&mut tx, resident, Some(by), now).await? {
                return Ok(None);
            }
        }
        let ids = insert_linked_rows(&mut tx, new, now).await?;
        mark_verified(&mut tx, "residents", &ids, by, now).await?;
        mark_verified(&mut tx, "residents", unchanged, by, now).await?;
        tx.commit().await?;
        Ok(Some(ids))
    }

    /// The residents with these ID numbers, whatever their unit.
    pub async fn residents_by_id_number(
        &self,
        id_numbers: &[&str],
    ) -> sqlx::Result<Vec<StoredResident>> {
        let mut found = Vec::new();
        for chunk in id_numbers.chunks(500) {
            let sql = format!(
                "SELECT {COLUMNS} FROM residents WHERE id_number IN {}",
                super::houses::placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id_number in chunk {
                query = query.bind(*id_number);
            }
            for row in query.fetch_all(self.pool()).await? {
                found.push(stored(&row)?);
            }
        }
        Ok(found)
    }

    /// The members of household `household_id`, by id.
    pub async fn household_members(&self, household_id: i64) -> sqlx::Result<Vec<StoredResident>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM residents WHERE household_id = $1 AND closed_at IS NULL \
             ORDER BY id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(household_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored).collect()
    }
}

/// Writes `resident` over the stored record at its version on `conn`, marking it verified
/// by `verified_by` if given; `false` when the version moved on.
async fn update_resident(
    conn: &mut sqlx::AnyConnection,
    resident: &StoredResident,
    verified_by: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let closed = resident.closed.as_ref();
    let saved = sqlx::query(
        "UPDATE residents SET name = $1, gender = $2, birth_date = $3, id_number = $4, \
         phone = $5, population_type = $6, grid_code = $7, tags = $8, household_id = $9, \
         household_relation = $10, house_id = $11, closed_at = $12, closed_reason = $13, \
         closed_on = $14, verified_by = COALESCE($15, verified_by), \
         verified_at = CASE WHEN $15 IS NULL THEN verified_at ELSE $16 END, \
         version = version + 1, updated_at = $16 WHERE id = $17 AND version = $18",
    )
    .bind(&resident.name)
    .bind(&resident.gender)
    .bind(&resident.birth_date)
    .bind(&resident.id_number)
    .bind(resident.phone.as_deref())
    .bind(&resident.population_type)
    .bind(&resident.grid_code)
    .bind(serde_json::Value::from(resident.tags.clone()).to_string())
    .bind(resident.household_id)
    .bind(resident.household_relation.as_deref())
    .bind(resident.house_id)
    .bind(closed.map(|c| c.at))
    .bind(closed.map(|c| c.reason.as_str()))
    .bind(closed.map(|c| c.on.as_str()))
    .bind(verified_by)
    .bind(now)
    .bind(resident.id)
    .bind(resident.version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(saved == 1)
}

/// Marks the rows `ids` of `table` (`residents` or `houses`) verified by `by` at `now`, on
/// `conn`, without changing them otherwise: a few `IN` statements, not one per row.
pub(super) async fn mark_verified(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    ids: &[i64],
    by: &str,
    now: i64,
) -> sqlx::Result<()> {
    for chunk in ids.chunks(500) {
        let sql = format!(
            "UPDATE {table} SET verified_by = $1, verified_at = $2 WHERE id IN {}",
            super::houses::placeholders(3, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(by).bind(now);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Leaves `note` in its unit's inbox (`unit_notifications`), on `tx`.
pub(super) async fn insert_unit_note(
    tx: &mut sqlx::AnyConnection,
    note: UnitNote<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO unit_notifications (unit_code, title, body, event_id, created_at) \
         VALUES ($1, $2, $3, NULL, $4)",
    )
    .bind(note.unit_code)
    .bind(note.title)
    .bind(note.body)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

//! Residents as stored: bulk insert in one transaction, reads scoped to a unit's subtree.
//! Rows leave this module whole; masking happens where they are shown.

use sqlx::Row;

use super::{Db, now_ms};
use crate::grid::resident::{NewResident, gender_name};
use crate::grid::unit_code::subtree_end;

/// A stored resident, unmasked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResident {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `male` or `female`.
    pub gender: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// Whole ID number.
    pub id_number: String,
    /// Whole phone number.
    pub phone: Option<String>,
    /// `registered`, `floating`, `left-behind` or `foreign`.
    pub population_type: String,
    /// The grid.
    pub grid_code: String,
    /// Tags.
    pub tags: Vec<String>,
}

/// Parses a page cursor `GRID_CODE:ID` (the last resident of the previous page).
pub fn parse_cursor(cursor: &str) -> Option<(&str, i64)> {
    let (grid, id) = cursor.split_once(':')?;
    Some((grid, id.parse().ok()?))
}

/// A scoped, filtered page of residents.
#[derive(Debug, Clone, Default)]
pub struct ResidentQuery<'a> {
    /// Only grids in this unit's subtree.
    pub unit_code: &'a str,
    /// Only this population type (stored name).
    pub population_type: Option<&'a str>,
    /// Only residents born on or before this date (`YYYY-MM-DD`): a minimum age.
    pub born_on_or_before: Option<String>,
    /// Only residents born after this date: a maximum age.
    pub born_after: Option<String>,
    /// Only residents with this tag (no `%`, `_`, `"` or `\\`).
    pub tag: Option<&'a str>,
    /// Resume after this (grid code, id).
    pub after: Option<(&'a str, i64)>,
    /// At most this many rows.
    pub limit: i64,
}

const COLUMNS: &str =
    "id, name, gender, birth_date, id_number, phone, population_type, grid_code, tags";

fn stored(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredResident> {
    let tags: String = row.try_get("tags")?;
    Ok(StoredResident {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        gender: row.try_get("gender")?,
        birth_date: row.try_get("birth_date")?,
        id_number: row.try_get("id_number")?,
        phone: row.try_get("phone")?,
        population_type: row.try_get("population_type")?,
        grid_code: row.try_get("grid_code")?,
        tags: serde_json::from_str(&tags).map_err(|e| sqlx::Error::Decode(e.into()))?,
    })
}

impl Db {
    /// Inserts residents in one transaction: all or none.
    pub async fn insert_residents(&self, residents: &[NewResident]) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        for resident in residents {
            sqlx::query(
                "INSERT INTO residents (name, gender, birth_date, id_number, phone, \
                 population_type, grid_code, tags, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(&resident.name)
            .bind(gender_name(resident.gender))
            .bind(resident.birth_date.to_string())
            .bind(resident.id_number.as_str())
            .bind(resident.phone.as_deref())
            .bind(resident.population_type.name())
            .bind(&resident.grid_code)
            .bind(serde_json::Value::from(resident.tags.clone()).to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// The ID numbers among `candidates` already stored.
    pub async fn stored_id_numbers(
        &self,
        candidates: &[&str],
    ) -> sqlx::Result<std::collections::BTreeSet<String>> {
        let mut found = std::collections::BTreeSet::new();
        for id_number in candidates {
            let hit: Option<String> =
                sqlx::query_scalar("SELECT id_number FROM residents WHERE id_number = $1")
                    .bind(*id_number)
                    .fetch_optional(self.pool())
                    .await?;
            found.extend(hit);
        }
        Ok(found)
    }

    /// Residents of grids in the subtree of `unit_code`, in (grid, id) order, after the
    /// cursor `after` (the last row's grid code and id), at most `limit`. The order is the
    /// (grid_code, id) index's own, so a page is one range scan however large the subtree.
    pub async fn residents_under(
        &self,
        unit_code: &str,
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredResident>> {
        self.query_residents(&ResidentQuery {
            unit_code,
            after,
            limit,
            ..ResidentQuery::default()
        })
        .await
    }

    /// Residents matching `query`, in (grid, id) order.
    pub async fn query_residents(
        &self,
        query: &ResidentQuery<'_>,
    ) -> sqlx::Result<Vec<StoredResident>> {
        let (after_grid, after_id) = query.after.unwrap_or(("", 0));
        let tag_pattern = query.tag.map(|tag| format!("%\"{tag}\"%"));
        let sql = format!(
            "SELECT {COLUMNS} FROM residents WHERE grid_code >= $1 AND grid_code < $2 \
             AND (grid_code > $3 OR (grid_code = $3 AND id > $4)) \
             AND ($5 IS NULL OR population_type = $5) \
             AND ($6 IS NULL OR birth_date <= $6) AND ($7 IS NULL OR birth_date > $7) \
             AND ($8 IS NULL OR tags LIKE $8) \
             ORDER BY grid_code, id LIMIT $9"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(query.unit_code)
            .bind(subtree_end(query.unit_code))
            .bind(after_grid)
            .bind(after_id)
            .bind(query.population_type)
            .bind(query.born_on_or_before.as_deref())
            .bind(query.born_after.as_deref())
            .bind(tag_pattern)
            .bind(query.limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored).collect()
    }

    /// Replaces a resident's tags.
    pub async fn set_resident_tags(&self, id: i64, tags: &[String]) -> sqlx::Result<()> {
        sqlx::query("UPDATE residents SET tags = $1, updated_at = $2 WHERE id = $3")
            .bind(serde_json::Value::from(tags.to_vec()).to_string())
            .bind(now_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// One resident.
    pub async fn resident(&self, id: i64) -> sqlx::Result<Option<StoredResident>> {
        let sql = format!("SELECT {COLUMNS} FROM residents WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(stored).transpose()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::db::test_engines::{on_both_engines, with_units};
    use crate::grid::resident::{ResidentFields, validate_resident};

    async fn scenarios(db: Db) {
        with_units(
            &db,
            &[
                "42",
                "4202",
                "420202",
                "420202001",
                "420202001001",
                "420202001001001",
                "420202001001002",
                "420202002",
                "420202002001",
                "420202002001001",
            ],
        )
        .await;
        let people = [
            ("420202001001002", "420202194405120116", "男", "1944-05-12"),
            ("420202001001001", "420202195009030228", "女", "1950-09-03"),
            ("420202002001001", "420202194612250861", "女", "1946-12-25"),
            ("420202001001001", "420202201203180316", "男", "2012-03-18"),
        ];
        let residents: Vec<NewResident> = people
            .iter()
            .enumerate()
            .map(|(i, (grid, id, gender, birth))| {
                let fields = ResidentFields {
                    name: "测试",
                    gender,
                    birth_date: birth,
                    id_number: id,
                    population_type: "户籍",
                    grid_code: grid,
                    ..ResidentFields::default()
                };
                validate_resident(i + 1, &fields, date(2026, 11, 28)).expect("valid")
            })
            .collect();
        db.insert_residents(&residents).await.expect("insert");
        let duplicate = db.insert_residents(&residents[..1]).await;
        assert!(duplicate.is_err(), "ID numbers are unique");

        let street: Vec<String> = db
            .residents_under("420202001", None, 10)
            .await
            .expect("list")
            .into_iter()
            .map(|r| r.id_number)
            .collect();
        assert_eq!(
            street,
            [
                "420202195009030228",
                "420202201203180316",
                "420202194405120116"
            ],
            "by grid then id; the other street left out"
        );
        let first = db
            .residents_under("420202001", None, 2)
            .await
            .expect("page");
        let last = first.last().expect("a row");
        let rest = db
            .residents_under("420202001", Some((&last.grid_code, last.id)), 2)
            .await
            .expect("next page");
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].id_number, "420202194405120116");
        let one = db.resident(rest[0].id).await.expect("get").expect("exists");
        assert_eq!(
            (one.gender.as_str(), one.population_type.as_str()),
            ("male", "registered")
        );
    }

    on_both_engines!(scenarios, residents_on_sqlite, residents_on_postgres);
}

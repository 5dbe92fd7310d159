//! Residents as stored: bulk insert in one transaction, reads scoped to a unit's subtree.
//! Rows leave this module whole; masking happens where they are shown.

use std::collections::BTreeMap;

use sqlx::Row;

use super::houses::placeholders;
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
    /// The household.
    pub household_id: Option<i64>,
    /// Relation to the household's head (`head` for the head).
    pub household_relation: Option<String>,
    /// The house.
    pub house_id: Option<i64>,
    /// Bumped by every change: an edit names the version it read.
    pub version: i64,
    /// When and why the record was closed (注销), if it was.
    pub closed: Option<Closure>,
    /// When a department push last carried the record (关联核录), if one did.
    pub verified_at: Option<i64>,
}

/// Why and when a resident's record was closed. It stays, no longer counted or offered to
/// plugins as a living resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    /// `moved-out` (迁出) or `deceased` (死亡).
    pub reason: String,
    /// The day it happened (`YYYY-MM-DD`).
    pub on: String,
    /// When the record was closed (ms).
    pub at: i64,
}

/// Which residents a query looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Living {
    /// The living residents: every list, count and plugin query.
    #[default]
    Only,
    /// The closed records only.
    Closed,
    /// Both.
    All,
}

impl Living {
    /// The SQL condition on `closed_at`.
    fn condition(self) -> &'static str {
        match self {
            Self::Only => "closed_at IS NULL",
            Self::Closed => "closed_at IS NOT NULL",
            Self::All => "1 = 1",
        }
    }
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
    /// Living residents, closed records, or both.
    pub living: Living,
}

pub(super) const COLUMNS: &str = "id, name, gender, birth_date, id_number, phone, population_type, \
    grid_code, tags, household_id, household_relation, house_id, version, closed_at, \
    closed_reason, closed_on, verified_at";

pub(super) fn stored(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredResident> {
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
        household_id: row.try_get("household_id")?,
        household_relation: row.try_get("household_relation")?,
        house_id: row.try_get("house_id")?,
        version: row.try_get("version")?,
        closed: match row.try_get::<Option<i64>, _>("closed_at")? {
            None => None,
            Some(at) => Some(Closure {
                reason: row
                    .try_get::<Option<String>, _>("closed_reason")?
                    .unwrap_or_default(),
                on: row
                    .try_get::<Option<String>, _>("closed_on")?
                    .unwrap_or_default(),
                at,
            }),
        },
        verified_at: row.try_get("verified_at")?,
    })
}

/// Rows per multi-row `INSERT`: 9 parameters a row stays far below both engines' limits
/// (SQLite 32 766, PostgreSQL 65 535), and one statement per hundred rows instead of per
/// row is what makes bulk loads fast, above all over PostgreSQL's round trips.
const ROWS_PER_INSERT: usize = 100;

/// Inserts `residents` on `conn` (a write transaction the caller commits), a hundred rows
/// per statement, all created at `now`.
pub async fn insert_resident_rows(
    conn: &mut sqlx::AnyConnection,
    residents: &[NewResident],
    now: i64,
) -> sqlx::Result<()> {
    for chunk in residents.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = i * 9;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6,
                    p + 7,
                    p + 8,
                    p + 9,
                    p + 9
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO residents (name, gender, birth_date, id_number, phone, \
             population_type, grid_code, tags, created_at, updated_at) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for resident in chunk {
            query = query
                .bind(&resident.name)
                .bind(gender_name(resident.gender))
                .bind(resident.birth_date.to_string())
                .bind(resident.id_number.as_str())
                .bind(resident.phone.as_deref())
                .bind(resident.population_type.name())
                .bind(&resident.grid_code)
                .bind(serde_json::Value::from(resident.tags.clone()).to_string())
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Where a new resident lives: their household (created with its first member) and house.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResidentLinks {
    /// The household's registration number (户号) and the resident's relation to its head
    /// (`head` for the head).
    pub household: Option<(String, String)>,
    /// The house (实有房屋) they live in.
    pub house_id: Option<i64>,
}

/// The id of household `number`, created at `house_id` in `grid_code` if not stored yet.
async fn household_id(
    conn: &mut sqlx::AnyConnection,
    number: &str,
    house_id: Option<i64>,
    grid_code: &str,
    now: i64,
) -> sqlx::Result<i64> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM households WHERE number = $1")
        .bind(number)
        .fetch_optional(&mut *conn)
        .await?;
    match existing {
        Some(id) => Ok(id),
        None => {
            sqlx::query_scalar(
                "INSERT INTO households (number, house_id, grid_code, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(number)
            .bind(house_id)
            .bind(grid_code)
            .bind(now)
            .fetch_one(&mut *conn)
            .await
        }
    }
}

/// Inserts residents with their household and house on `conn` (a write transaction the
/// caller commits), all created at `now`; their ids, in order. A household number not
/// stored yet is created at its first member's house and grid. One statement per row:
/// imports of base data are a grid's or a street's, not the bulk loads
/// [`insert_resident_rows`] is for.
pub(super) async fn insert_linked_rows(
    conn: &mut sqlx::AnyConnection,
    residents: &[(NewResident, ResidentLinks)],
    now: i64,
) -> sqlx::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(residents.len());
    let mut households: BTreeMap<String, i64> = BTreeMap::new();
    for (resident, links) in residents {
        let household = match &links.household {
            None => None,
            Some((number, _)) => Some(match households.get(number) {
                Some(id) => *id,
                None => {
                    let id = household_id(conn, number, links.house_id, &resident.grid_code, now)
                        .await?;
                    households.insert(number.clone(), id);
                    id
                }
            }),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO residents (name, gender, birth_date, id_number, phone, \
             population_type, grid_code, tags, created_at, updated_at, household_id, \
             household_relation, house_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12) RETURNING id",
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
        .bind(household)
        .bind(
            links
                .household
                .as_ref()
                .map(|(_, relation)| relation.as_str()),
        )
        .bind(links.house_id)
        .fetch_one(&mut *conn)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

impl Db {
    /// Inserts residents with their household and house in one transaction: all or none.
    /// Returns their ids, in order (see [`insert_linked_rows`]).
    pub async fn insert_linked_residents(
        &self,
        residents: &[(NewResident, ResidentLinks)],
    ) -> sqlx::Result<Vec<i64>> {
        let mut tx = self.begin_write().await?;
        let ids = insert_linked_rows(&mut tx, residents, now_ms()).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Inserts residents in one transaction: all or none.
    pub async fn insert_residents(&self, residents: &[NewResident]) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        insert_resident_rows(&mut tx, residents, now_ms()).await?;
        tx.commit().await
    }

    /// The ID numbers among `candidates` already stored.
    pub async fn stored_id_numbers(
        &self,
        candidates: &[&str],
    ) -> sqlx::Result<std::collections::BTreeSet<String>> {
        // A few `IN` queries, not one per row: a city's import is not a million round trips.
        let mut found = std::collections::BTreeSet::new();
        for chunk in candidates.chunks(500) {
            let sql = format!(
                "SELECT id_number FROM residents WHERE id_number IN {}",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
            for id_number in chunk {
                query = query.bind(*id_number);
            }
            found.extend(query.fetch_all(self.pool()).await?);
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
        // The cursor is a row-value comparison, so both engines seek the (grid_code, id)
        // index straight to it. Spelt `grid_code > $3 OR (grid_code = $3 AND id > $4)` it is
        // only a filter, and PostgreSQL read every row of the scope before the cursor: a
        // page cost grew with its depth (22 ms p99 in a community of 12 000, BENCHMARKS.md).
        // SQLite seeks best with the row value written first (p99 2.0 ms against 3.9 ms).
        let living = query.living.condition();
        let sql = format!(
            "SELECT {COLUMNS} FROM residents WHERE (grid_code, id) > ($3, $4) \
             AND grid_code >= $1 AND grid_code < $2 AND {living} \
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

    /// How many residents match `query`'s scope and filters (its cursor and limit are
    /// ignored): the same conditions as [`Db::query_residents`], counted by the database.
    pub async fn count_residents(&self, query: &ResidentQuery<'_>) -> sqlx::Result<i64> {
        let tag_pattern = query.tag.map(|tag| format!("%\"{tag}\"%"));
        let living = query.living.condition();
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM residents \
             WHERE grid_code >= $1 AND grid_code < $2 AND {living} \
             AND ($3 IS NULL OR population_type = $3) \
             AND ($4 IS NULL OR birth_date <= $4) AND ($5 IS NULL OR birth_date > $5) \
             AND ($6 IS NULL OR tags LIKE $6)"
        );
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(query.unit_code)
            .bind(subtree_end(query.unit_code))
            .bind(query.population_type)
            .bind(query.born_on_or_before.as_deref())
            .bind(query.born_after.as_deref())
            .bind(tag_pattern)
            .fetch_one(self.pool())
            .await
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
        let elders = ResidentQuery {
            unit_code: "420202001",
            born_on_or_before: Some("1950-12-31".into()),
            limit: 1,
            ..ResidentQuery::default()
        };
        assert_eq!(db.count_residents(&elders).await.expect("count"), 2);
        let street = ResidentQuery {
            unit_code: "420202001",
            ..ResidentQuery::default()
        };
        assert_eq!(db.count_residents(&street).await.expect("count"), 3);
    }

    on_both_engines!(scenarios, residents_on_sqlite, residents_on_postgres);
}

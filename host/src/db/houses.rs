//! Houses (实有房屋) and households (户) as stored: bulk insert in one transaction, reads
//! scoped to a unit's subtree by the (grid_code, id) index, look-ups by standard address.

use std::collections::BTreeMap;

use sqlx::Row;

use super::{Db, now_ms};
use crate::grid::address::address_key;
use crate::grid::house::NewHouse;
use crate::grid::unit_code::subtree_end;

/// A stored house.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredHouse {
    /// Id.
    pub id: i64,
    /// 标准地址.
    pub address: String,
    /// WGS 84 latitude.
    pub latitude: Option<f64>,
    /// WGS 84 longitude.
    pub longitude: Option<f64>,
    /// Usage (`residential`, `rental`, …).
    pub usage: String,
    /// The grid.
    pub grid_code: String,
    /// `boundary` or `given`.
    pub grid_source: String,
    /// Bumped by every change.
    pub version: i64,
    /// When a department push last carried the record (关联核录), if one did.
    pub verified_at: Option<i64>,
}

/// A stored household with its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHousehold {
    /// Id.
    pub id: i64,
    /// Registration number (户号).
    pub number: String,
    /// The house it lives in.
    pub house_id: Option<i64>,
    /// The grid.
    pub grid_code: String,
    /// The member whose relation is `head`.
    pub head_resident_id: Option<i64>,
    /// Every member's resident id, ascending.
    pub member_ids: Vec<i64>,
    /// Bumped by every change of its own fields or head.
    pub version: i64,
}

/// A household to create with its members.
#[derive(Debug, Clone)]
pub struct NewHousehold<'a> {
    /// Registration number (户号).
    pub number: String,
    /// The house it lives in.
    pub house_id: Option<i64>,
    /// The grid.
    pub grid_code: &'a str,
    /// Members' resident ids with their relation to the head (`head` for the head).
    pub members: &'a [(i64, &'static str)],
}

pub(super) const HOUSE_COLUMNS: &str =
    "id, address, latitude, longitude, usage, grid_code, grid_source, version, verified_at";

/// Most values bound in one `IN (…)` list: well under SQLite's and PostgreSQL's limits.
const IN_CHUNK: usize = 500;

pub(super) fn stored_house(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredHouse> {
    Ok(StoredHouse {
        id: row.try_get("id")?,
        address: row.try_get("address")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        usage: row.try_get("usage")?,
        grid_code: row.try_get("grid_code")?,
        grid_source: row.try_get("grid_source")?,
        version: row.try_get("version")?,
        verified_at: row.try_get("verified_at")?,
    })
}

/// `($first, $first+1, …)` for `count` values.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    let list: Vec<String> = (first..first + count).map(|i| format!("${i}")).collect();
    format!("({})", list.join(", "))
}

impl Db {
    /// Inserts houses in one transaction: all or none.
    pub async fn insert_houses(&self, houses: &[NewHouse]) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        for house in houses {
            sqlx::query(
                "INSERT INTO houses (address, latitude, longitude, usage, grid_code, \
                 grid_source, created_at, updated_at, address_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)",
            )
            .bind(&house.address)
            .bind(house.coordinates.map(|(lat, _)| lat))
            .bind(house.coordinates.map(|(_, lon)| lon))
            .bind(house.usage)
            .bind(&house.grid_code)
            .bind(house.grid_source.name())
            .bind(now)
            .bind(address_key(&house.address))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Creates households — (number, house, grid, members with their relation to the head)
    /// — and links their members, in one transaction. For bulk base data such as the demo's;
    /// imports create households with their members' rows instead.
    pub async fn insert_households_with_members(
        &self,
        households: &[NewHousehold<'_>],
    ) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();
        for NewHousehold {
            number,
            house_id,
            grid_code,
            members,
        } in households
        {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO households (number, house_id, grid_code, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(number)
            .bind(*house_id)
            .bind(*grid_code)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for (resident_id, relation) in *members {
                sqlx::query(
                    "UPDATE residents SET household_id = $1, household_relation = $2, \
                     house_id = $3, updated_at = $4 WHERE id = $5",
                )
                .bind(id)
                .bind(*relation)
                .bind(*house_id)
                .bind(now)
                .bind(*resident_id)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await
    }

    /// The stored houses among `addresses`, by address: a few `IN` queries, not one per row.
    pub async fn houses_at(
        &self,
        addresses: &[&str],
    ) -> sqlx::Result<BTreeMap<String, StoredHouse>> {
        let mut found = BTreeMap::new();
        for chunk in addresses.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT {HOUSE_COLUMNS} FROM houses WHERE address IN {}",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for address in chunk {
                query = query.bind(*address);
            }
            for row in query.fetch_all(self.pool()).await? {
                let house = stored_house(&row)?;
                found.insert(house.address.clone(), house);
            }
        }
        Ok(found)
    }

    /// Houses of grids in the subtree of `unit_code`, in (grid, id) order, after the cursor.
    /// The cursor is a row-value comparison, as for residents, so each page is one index
    /// seek on both engines (see `Db::query_residents`).
    pub async fn houses_under(
        &self,
        unit_code: &str,
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredHouse>> {
        let (after_grid, after_id) = after.unwrap_or(("", 0));
        let sql = format!(
            "SELECT {HOUSE_COLUMNS} FROM houses WHERE (grid_code, id) > ($3, $4) \
             AND grid_code >= $1 AND grid_code < $2 \
             ORDER BY grid_code, id LIMIT $5"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_code)
            .bind(subtree_end(unit_code))
            .bind(after_grid)
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored_house).collect()
    }

    /// One house.
    pub async fn house(&self, id: i64) -> sqlx::Result<Option<StoredHouse>> {
        let sql = format!("SELECT {HOUSE_COLUMNS} FROM houses WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(stored_house).transpose()
    }

    /// One household with its members.
    pub async fn household(&self, id: i64) -> sqlx::Result<Option<StoredHousehold>> {
        let Some(row) = sqlx::query(
            "SELECT id, number, house_id, grid_code, version FROM households WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let members = sqlx::query(
            "SELECT id, household_relation FROM residents WHERE household_id = $1 \
             AND closed_at IS NULL ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut head_resident_id = None;
        let mut member_ids = Vec::with_capacity(members.len());
        for member in &members {
            let member_id: i64 = member.try_get("id")?;
            let relation: Option<String> = member.try_get("household_relation")?;
            if relation.as_deref() == Some("head") {
                head_resident_id.get_or_insert(member_id);
            }
            member_ids.push(member_id);
        }
        Ok(Some(StoredHousehold {
            id: row.try_get("id")?,
            number: row.try_get("number")?,
            house_id: row.try_get("house_id")?,
            grid_code: row.try_get("grid_code")?,
            head_resident_id,
            member_ids,
            version: row.try_get("version")?,
        }))
    }

    /// The grids in the subtree of `unit_code` that have a boundary: `(code, GeoJSON)`.
    pub async fn grid_boundaries(&self, unit_code: &str) -> sqlx::Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT code, boundary FROM units WHERE code >= $1 AND code < $2 \
             AND level = 'grid' AND boundary IS NOT NULL ORDER BY code",
        )
        .bind(unit_code)
        .bind(subtree_end(unit_code))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("code")?, row.try_get("boundary")?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test_engines::{on_both_engines, with_units};
    use crate::grid::house::GridSource;

    fn house(address: &str, grid: &str) -> NewHouse {
        NewHouse {
            address: address.to_owned(),
            coordinates: Some((30.005, 115.005)),
            usage: "residential",
            grid_code: grid.to_owned(),
            grid_source: GridSource::Boundary,
        }
    }

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
                "420202002",
                "420202002001",
                "420202002001001",
            ],
        )
        .await;
        db.insert_houses(&[
            house("江边路1号", "420202001001001"),
            house("江边路2号", "420202001001001"),
            house("胜阳港1号", "420202002001001"),
        ])
        .await
        .expect("insert");
        let again = db
            .insert_houses(&[
                house("江边路9号", "420202001001001"),
                house("江边路1号", "420202001001001"),
            ])
            .await;
        assert!(again.is_err(), "addresses are unique");
        assert!(
            db.houses_at(&["江边路9号"])
                .await
                .expect("look-up")
                .is_empty(),
            "the failed import left nothing behind"
        );

        let street = db.houses_under("420202001", None, 10).await.expect("list");
        let addresses: Vec<&str> = street.iter().map(|h| h.address.as_str()).collect();
        assert_eq!(
            addresses,
            ["江边路1号", "江边路2号"],
            "the other street left out"
        );
        assert_eq!(street[0].latitude, Some(30.005));
        let page = db
            .houses_under("420202001", Some(("420202001001001", street[0].id)), 10)
            .await
            .expect("next page");
        assert_eq!(page.len(), 1);
        let found = db
            .houses_at(&["胜阳港1号", "不存在"])
            .await
            .expect("look-up");
        assert_eq!(found.keys().collect::<Vec<_>>(), ["胜阳港1号"]);
        let one = db.house(street[1].id).await.expect("get").expect("exists");
        assert_eq!(one.grid_source, "boundary");
    }

    on_both_engines!(scenarios, houses_on_sqlite, houses_on_postgres);
}

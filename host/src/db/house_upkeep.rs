//! Keeping houses and households: one added at a time, saved only at the version read,
//! found by address key (department data is matched on it), and the houses' half of the
//! 关联核录 rate. Address keys of rows stored before keys existed are filled in at start-up.

use std::collections::BTreeMap;

use sqlx::Row;

use super::houses::{HOUSE_COLUMNS, StoredHouse, StoredHousehold, placeholders, stored_house};
use super::resident_upkeep::{UnitNote, insert_unit_note};
use super::{Db, now_ms};
use crate::grid::address::address_key;
use crate::grid::house::NewHouse;

/// Why a house or household was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UniqueError {
    /// Another record has the same standard address or household number.
    #[error("already registered")]
    Taken,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Db {
    /// Adds one house; its id. `Taken` for a standard address already registered (as
    /// written, or as its address key reads).
    pub async fn insert_house(
        &self,
        house: &NewHouse,
        verified_by: Option<&str>,
    ) -> Result<i64, UniqueError> {
        let key = address_key(&house.address);
        let mut tx = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM houses WHERE address = $1 OR address_key = $2 LIMIT 1",
        )
        .bind(&house.address)
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(UniqueError::Taken);
        }
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO houses (address, latitude, longitude, usage, grid_code, grid_source, \
             created_at, updated_at, address_key, verified_by, verified_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, \
             CASE WHEN $9 IS NULL THEN NULL ELSE $7 END) RETURNING id",
        )
        .bind(&house.address)
        .bind(house.coordinates.map(|(lat, _)| lat))
        .bind(house.coordinates.map(|(_, lon)| lon))
        .bind(house.usage)
        .bind(&house.grid_code)
        .bind(house.grid_source.name())
        .bind(now)
        .bind(&key)
        .bind(verified_by)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes `house` over the stored record if it is still at `house.version` (bumping it).
    /// When its grid changed, the households at the house and their living residents move
    /// with it in the same transaction. `Ok(None)`: someone changed it first and nothing was
    /// written; `Ok(Some(ids))`: saved, with the residents moved along; `Taken`: its new
    /// address is another house's.
    pub async fn save_house(
        &self,
        house: &StoredHouse,
        verified_by: Option<&str>,
    ) -> Result<Option<Vec<i64>>, UniqueError> {
        let key = address_key(&house.address);
        let mut tx = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM houses WHERE (address = $1 OR address_key = $2) AND id <> $3 LIMIT 1",
        )
        .bind(&house.address)
        .bind(&key)
        .bind(house.id)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            return Err(UniqueError::Taken);
        }
        let now = now_ms();
        let saved = sqlx::query(
            "UPDATE houses SET address = $1, address_key = $2, latitude = $3, longitude = $4, \
             usage = $5, grid_code = $6, grid_source = $7, \
             verified_by = COALESCE($8, verified_by), \
             verified_at = CASE WHEN $8 IS NULL THEN verified_at ELSE $9 END, \
             version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11",
        )
        .bind(&house.address)
        .bind(&key)
        .bind(house.latitude)
        .bind(house.longitude)
        .bind(&house.usage)
        .bind(&house.grid_code)
        .bind(&house.grid_source)
        .bind(verified_by)
        .bind(now)
        .bind(house.id)
        .bind(house.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if saved != 1 {
            return Ok(None);
        }
        let moved: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM residents WHERE house_id = $1 AND grid_code <> $2 \
             AND closed_at IS NULL ORDER BY id",
        )
        .bind(house.id)
        .bind(&house.grid_code)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE residents SET grid_code = $1, version = version + 1, updated_at = $2 \
             WHERE house_id = $3 AND grid_code <> $1 AND closed_at IS NULL",
        )
        .bind(&house.grid_code)
        .bind(now)
        .bind(house.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE households SET grid_code = $1, version = version + 1 \
             WHERE house_id = $2 AND grid_code <> $1",
        )
        .bind(&house.grid_code)
        .bind(house.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(moved))
    }

    /// A department push of houses, in one transaction: `new` inserted, `changed` written
    /// over their stored records at the version read (a push changes no grid, so no
    /// occupant moves), `unchanged` left as they are; all marked verified by `by`. `false`,
    /// with nothing written, when one of `changed` was changed by someone else meanwhile.
    pub async fn apply_house_push(
        &self,
        new: &[NewHouse],
        changed: &[StoredHouse],
        unchanged: &[i64],
        by: &str,
    ) -> sqlx::Result<bool> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        for house in changed {
            let saved = sqlx::query(
                "UPDATE houses SET address = $1, address_key = $2, latitude = $3, \
                 longitude = $4, usage = $5, verified_by = $6, verified_at = $7, \
                 version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
            )
            .bind(&house.address)
            .bind(address_key(&house.address))
            .bind(house.latitude)
            .bind(house.longitude)
            .bind(&house.usage)
            .bind(by)
            .bind(now)
            .bind(house.id)
            .bind(house.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if saved != 1 {
                return Ok(false);
            }
        }
        for house in new {
            sqlx::query(
                "INSERT INTO houses (address, latitude, longitude, usage, grid_code, \
                 grid_source, created_at, updated_at, address_key, verified_by, verified_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $7)",
            )
            .bind(&house.address)
            .bind(house.coordinates.map(|(lat, _)| lat))
            .bind(house.coordinates.map(|(_, lon)| lon))
            .bind(house.usage)
            .bind(&house.grid_code)
            .bind(house.grid_source.name())
            .bind(now)
            .bind(address_key(&house.address))
            .bind(by)
            .execute(&mut *tx)
            .await?;
        }
        super::resident_upkeep::mark_verified(&mut tx, "houses", unchanged, by, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The houses whose address key is one of `keys`, by key: a few `IN` queries.
    pub async fn houses_by_key(
        &self,
        keys: &[String],
    ) -> sqlx::Result<BTreeMap<String, StoredHouse>> {
        let mut found = BTreeMap::new();
        for chunk in keys.chunks(500) {
            let sql = format!(
                "SELECT address_key, {HOUSE_COLUMNS} FROM houses WHERE address_key IN {} \
                 ORDER BY id",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for key in chunk {
                query = query.bind(key.as_str());
            }
            for row in query.fetch_all(self.pool()).await? {
                let key: String = row.try_get("address_key")?;
                found.entry(key).or_insert(stored_house(&row)?);
            }
        }
        Ok(found)
    }

    /// Adds a household; its id. `Taken` for a number already registered.
    pub async fn insert_household(
        &self,
        number: &str,
        house_id: Option<i64>,
        grid_code: &str,
    ) -> Result<i64, UniqueError> {
        let mut tx = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM households WHERE number = $1")
            .bind(number)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(UniqueError::Taken);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO households (number, house_id, grid_code, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(number)
        .bind(house_id)
        .bind(grid_code)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes the household's own fields (house, grid) if it is still at its version.
    pub async fn save_household(&self, household: &StoredHousehold) -> sqlx::Result<bool> {
        let saved = sqlx::query(
            "UPDATE households SET house_id = $1, grid_code = $2, version = version + 1 \
             WHERE id = $3 AND version = $4",
        )
        .bind(household.house_id)
        .bind(&household.grid_code)
        .bind(household.id)
        .bind(household.version)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(saved == 1)
    }

    /// Makes `new_head` the head of household `household` (at its version), the former
    /// head taking `former_relation`, in one transaction. `false`: the household changed
    /// first, or `new_head` is no member, and nothing was written.
    pub async fn set_household_head(
        &self,
        household: &StoredHousehold,
        new_head: i64,
        former_relation: &str,
    ) -> sqlx::Result<bool> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let bumped = sqlx::query(
            "UPDATE households SET version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(household.id)
        .bind(household.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if bumped != 1 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE residents SET household_relation = $1, version = version + 1, \
             updated_at = $2 WHERE household_id = $3 AND household_relation = 'head' \
             AND id <> $4",
        )
        .bind(former_relation)
        .bind(now)
        .bind(household.id)
        .bind(new_head)
        .execute(&mut *tx)
        .await?;
        let made = sqlx::query(
            "UPDATE residents SET household_relation = 'head', version = version + 1, \
             updated_at = $1 WHERE id = $2 AND household_id = $3 AND closed_at IS NULL",
        )
        .bind(now)
        .bind(new_head)
        .bind(household.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if made != 1 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Fills in the address key of every house stored before keys existed.
    pub(super) async fn backfill_address_keys(&self) -> sqlx::Result<()> {
        loop {
            let rows = sqlx::query(
                "SELECT id, address FROM houses WHERE address_key IS NULL ORDER BY id LIMIT 1000",
            )
            .fetch_all(self.pool())
            .await?;
            if rows.is_empty() {
                return Ok(());
            }
            let mut tx = self.begin_write().await?;
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let address: String = row.try_get("address")?;
                sqlx::query("UPDATE houses SET address_key = $1 WHERE id = $2")
                    .bind(address_key(&address))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        }
    }

    /// Leaves `note` in its unit's inbox on its own (a note about a change written apart).
    pub async fn leave_unit_note(&self, note: UnitNote<'_>) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        insert_unit_note(&mut tx, note, now_ms()).await?;
        tx.commit().await
    }
}

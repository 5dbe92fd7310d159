//! Organizations (实有单位/组织) as stored: one insert, reads scoped to a unit's subtree.

use sqlx::Row;

use super::{Db, now_ms};
use crate::grid::unit_code::subtree_end;

/// A validated organization to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganization {
    /// Name.
    pub name: String,
    /// Kind (stored name).
    pub kind: &'static str,
    /// Unified social credit code, checked.
    pub credit_code: Option<String>,
    /// Standard address.
    pub address: String,
    /// The house at that address, when it is registered.
    pub house_id: Option<i64>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact phone (masked like residents' on the way out).
    pub contact_phone: Option<String>,
    /// The grid.
    pub grid_code: String,
}

/// A stored organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrganization {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind (stored name).
    pub kind: String,
    /// Credit code.
    pub credit_code: Option<String>,
    /// Standard address.
    pub address: String,
    /// The house at that address.
    pub house_id: Option<i64>,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact phone, whole: mask it on the way out.
    pub contact_phone: Option<String>,
    /// The grid.
    pub grid_code: String,
    /// Bumped by every change.
    pub version: i64,
}

/// Why an organization was not stored.
#[derive(Debug, thiserror::Error)]
pub enum OrganizationError {
    /// The credit code belongs to an organization already registered.
    #[error("an organization with this credit code is already registered")]
    DuplicateCreditCode,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Db {
    /// Stores an organization; returns its id.
    pub async fn insert_organization(
        &self,
        organization: &NewOrganization,
    ) -> Result<i64, OrganizationError> {
        let mut tx = self.begin_write().await?;
        if let Some(code) = &organization.credit_code {
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM organizations WHERE credit_code = $1")
                    .bind(code)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                return Err(OrganizationError::DuplicateCreditCode);
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organizations (name, kind, credit_code, address, house_id, \
             contact_name, contact_phone, grid_code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&organization.name)
        .bind(organization.kind)
        .bind(organization.credit_code.as_deref())
        .bind(&organization.address)
        .bind(organization.house_id)
        .bind(organization.contact_name.as_deref())
        .bind(organization.contact_phone.as_deref())
        .bind(&organization.grid_code)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Organizations of grids in the subtree of `unit_code`, in (grid, id) order, after the
    /// cursor, at most `limit`.
    pub async fn organizations_under(
        &self,
        unit_code: &str,
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredOrganization>> {
        let (after_grid, after_id) = after.unwrap_or(("", 0));
        let sql = format!(
            "SELECT {ORGANIZATION_COLUMNS} FROM organizations \
             WHERE (grid_code, id) > ($3, $4) AND grid_code >= $1 AND grid_code < $2 \
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
        rows.iter().map(stored_organization).collect()
    }

    /// One organization.
    pub async fn organization(&self, id: i64) -> sqlx::Result<Option<StoredOrganization>> {
        let sql = format!("SELECT {ORGANIZATION_COLUMNS} FROM organizations WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(stored_organization).transpose()
    }

    /// Writes `organization` over the stored record if it is still at its version.
    /// `Ok(false)`: someone changed it first; `DuplicateCreditCode`: another organization
    /// has the new credit code.
    pub async fn save_organization(
        &self,
        organization: &StoredOrganization,
    ) -> Result<bool, OrganizationError> {
        let mut tx = self.begin_write().await?;
        if let Some(code) = &organization.credit_code {
            let taken: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM organizations WHERE credit_code = $1 AND id <> $2",
            )
            .bind(code)
            .bind(organization.id)
            .fetch_optional(&mut *tx)
            .await?;
            if taken.is_some() {
                return Err(OrganizationError::DuplicateCreditCode);
            }
        }
        let saved = sqlx::query(
            "UPDATE organizations SET name = $1, kind = $2, credit_code = $3, address = $4, \
             house_id = $5, contact_name = $6, contact_phone = $7, grid_code = $8, \
             version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11",
        )
        .bind(&organization.name)
        .bind(&organization.kind)
        .bind(organization.credit_code.as_deref())
        .bind(&organization.address)
        .bind(organization.house_id)
        .bind(organization.contact_name.as_deref())
        .bind(organization.contact_phone.as_deref())
        .bind(&organization.grid_code)
        .bind(now_ms())
        .bind(organization.id)
        .bind(organization.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if saved != 1 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }
}

const ORGANIZATION_COLUMNS: &str = "id, name, kind, credit_code, address, house_id, \
    contact_name, contact_phone, grid_code, version";

fn stored_organization(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredOrganization> {
    Ok(StoredOrganization {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        credit_code: row.try_get("credit_code")?,
        address: row.try_get("address")?,
        house_id: row.try_get("house_id")?,
        contact_name: row.try_get("contact_name")?,
        contact_phone: row.try_get("contact_phone")?,
        grid_code: row.try_get("grid_code")?,
        version: row.try_get("version")?,
    })
}

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
        let rows = sqlx::query(
            "SELECT id, name, kind, credit_code, address, house_id, contact_name, \
             contact_phone, grid_code FROM organizations \
             WHERE (grid_code, id) > ($3, $4) AND grid_code >= $1 AND grid_code < $2 \
             ORDER BY grid_code, id LIMIT $5",
        )
        .bind(unit_code)
        .bind(subtree_end(unit_code))
        .bind(after_grid)
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
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
                })
            })
            .collect()
    }
}

//! Keeping accounts, as stored: departments' service accounts (a user of kind `service`
//! with one grant and one session that lasts until revoked), a new password (which ends
//! every session of the user), and a grant taken back.

use sqlx::Row;

use super::{Db, now_ms};
use crate::auth::{Grant, Role};
use crate::grid::unit_code::subtree_end;

/// A department's service account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// The account's id.
    pub id: i64,
    /// Its user's sign-in name (`svc-…`).
    pub username: String,
    /// The department, as pages name it.
    pub display_name: String,
    /// The unit its grant is at.
    pub unit_code: String,
    /// The role of its grant.
    pub role: String,
    /// Who created it (`user:NAME`).
    pub created_by: String,
    /// When (ms).
    pub created_at: i64,
    /// When it was revoked (ms), if it was.
    pub revoked_at: Option<i64>,
}

/// A service account to create.
#[derive(Debug, Clone, Copy)]
pub struct NewServiceAccount<'a> {
    /// Sign-in name (`svc-…`).
    pub username: &'a str,
    /// The department.
    pub display_name: &'a str,
    /// Its one grant.
    pub grant: &'a Grant,
    /// Who creates it.
    pub created_by: &'a str,
    /// The digest of its token.
    pub token_digest: &'a str,
}

/// The password hash of accounts nobody signs in to with a password: no argon2 hash
/// reads like it, so no password matches it.
const NO_PASSWORD: &str = "!service-account";

const SELECT_ACCOUNTS: &str = "SELECT a.id, u.username, u.display_name, a.unit_code, a.role, \
    a.created_by, a.created_at, a.revoked_at FROM service_accounts a \
    JOIN users u ON u.id = a.user_id";

fn stored_account(row: &sqlx::any::AnyRow) -> sqlx::Result<ServiceAccount> {
    Ok(ServiceAccount {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        unit_code: row.try_get("unit_code")?,
        role: row.try_get("role")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

impl Db {
    /// Creates a service account with its user, grant and never-expiring session in one
    /// transaction; its id. `None` when the username is taken.
    pub async fn create_service_account(
        &self,
        new: &NewServiceAccount<'_>,
    ) -> sqlx::Result<Option<i64>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(new.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Ok(None);
        }
        let user_id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, created_at, kind) \
             VALUES ($1, $2, $3, $4, 'service') RETURNING id",
        )
        .bind(new.username)
        .bind(new.display_name)
        .bind(NO_PASSWORD)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO grants (user_id, role, unit_code, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user_id)
        .bind(new.grant.role.name())
        .bind(&new.grant.unit_code)
        .bind(new.created_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO service_accounts (user_id, unit_code, role, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(&new.grant.unit_code)
        .bind(new.grant.role.name())
        .bind(new.created_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO sessions (token_digest, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(new.token_digest)
        .bind(user_id)
        .bind(now)
        .bind(i64::MAX)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The service accounts at or below `unit_code`, newest first.
    pub async fn service_accounts_under(
        &self,
        unit_code: &str,
    ) -> sqlx::Result<Vec<ServiceAccount>> {
        let sql = format!(
            "{SELECT_ACCOUNTS} WHERE a.unit_code >= $1 AND a.unit_code < $2 ORDER BY a.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_code)
            .bind(subtree_end(unit_code))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored_account).collect()
    }

    /// One service account.
    pub async fn service_account(&self, id: i64) -> sqlx::Result<Option<ServiceAccount>> {
        let sql = format!("{SELECT_ACCOUNTS} WHERE a.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(stored_account).transpose()
    }

    /// Revokes service account `id`: its session and grant are gone at once, the account
    /// kept as a record. `false` if it was revoked already.
    pub async fn revoke_service_account(&self, id: i64) -> sqlx::Result<bool> {
        let mut tx = self.begin_write().await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM service_accounts WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user_id) = user_id else {
            return Ok(false);
        };
        sqlx::query("UPDATE service_accounts SET revoked_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM grants WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whether user `user_id` is a service account's.
    pub async fn is_service_user(&self, user_id: i64) -> sqlx::Result<bool> {
        let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(kind.as_deref() == Some("service"))
    }

    /// Sets user `user_id`'s password hash and ends every session of theirs, in one
    /// transaction.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// Takes back `role` at `unit_code` from user `user_id`; `false` if they did not hold it.
    pub async fn remove_grant(
        &self,
        user_id: i64,
        role: Role,
        unit_code: &str,
    ) -> sqlx::Result<bool> {
        let removed =
            sqlx::query("DELETE FROM grants WHERE user_id = $1 AND role = $2 AND unit_code = $3")
                .bind(user_id)
                .bind(role.name())
                .bind(unit_code)
                .execute(self.pool())
                .await?
                .rows_affected();
        Ok(removed == 1)
    }
}

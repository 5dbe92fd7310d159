//! Users, grants and sessions as stored.

use sqlx::Row;

use super::{Db, now_ms};
use crate::auth::{Grant, Grants, Role};

/// A stored user (without the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Name shown in pages.
    pub display_name: String,
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum NewUserError {
    /// The name is taken.
    #[error("username `{0}` is already taken")]
    Taken(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

impl Db {
    /// Creates a user with an already hashed password.
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        password_hash: &str,
    ) -> Result<User, NewUserError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(password_hash)
        .bind(now_ms())
        .fetch_one(self.pool())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                NewUserError::Taken(username.to_owned())
            } else {
                NewUserError::Database(e)
            }
        })?;
        Ok(User {
            id,
            username: username.to_owned(),
            display_name: display_name.to_owned(),
        })
    }

    /// A person's account and their password hash, by sign-in name. Service accounts are
    /// not found here: nobody signs in as one, grants one more roles or names one
    /// responsible for anything.
    pub async fn user_for_sign_in(&self, username: &str) -> sqlx::Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT id, username, display_name, password_hash FROM users \
             WHERE username = $1 AND kind = 'person'",
        )
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok((
                User {
                    id: row.try_get("id")?,
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                },
                row.try_get("password_hash")?,
            ))
        })
        .transpose()
    }

    /// Records a grant (idempotent).
    pub async fn add_grant(
        &self,
        user_id: i64,
        grant: &Grant,
        granted_by: &str,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO grants (user_id, role, unit_code, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, role, unit_code) DO NOTHING",
        )
        .bind(user_id)
        .bind(grant.role.name())
        .bind(&grant.unit_code)
        .bind(granted_by)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Everything a user holds.
    pub async fn grants_of(&self, user_id: i64) -> sqlx::Result<Grants> {
        let rows = sqlx::query(
            "SELECT role, unit_code FROM grants WHERE user_id = $1 ORDER BY unit_code, role",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let mut grants = Vec::new();
        for row in rows {
            let role: String = row.try_get("role")?;
            let role: Role = role
                .parse()
                .map_err(|e: String| sqlx::Error::Decode(e.into()))?;
            grants.push(Grant {
                role,
                unit_code: row.try_get("unit_code")?,
            });
        }
        Ok(Grants(grants))
    }

    /// Stores a session for `user_id` under the digest of its token.
    pub async fn create_session(
        &self,
        token_digest: &str,
        user_id: i64,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_digest, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_digest)
        .bind(user_id)
        .bind(now_ms())
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The user of an unexpired session with the resident record their account is linked
    /// to (and its grid), if any, and whether the account is a service account's: what a
    /// request needs to know of its caller, in one query, since every signed-in request
    /// asks.
    pub async fn session_visitor(
        &self,
        token_digest: &str,
    ) -> sqlx::Result<Option<(User, Option<(i64, String)>, bool)>> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.kind, r.id AS resident_id, r.grid_code \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN residents r ON r.id = u.resident_id \
             WHERE s.token_digest = $1 AND s.expires_at > $2",
        )
        .bind(token_digest)
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            let user = User {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                display_name: row.try_get("display_name")?,
            };
            let resident_id: Option<i64> = row.try_get("resident_id")?;
            let grid: Option<String> = row.try_get("grid_code")?;
            let kind: String = row.try_get("kind")?;
            Ok((user, resident_id.zip(grid), kind == "service"))
        })
        .transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_digest: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_digest = $1")
            .bind(token_digest)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The grants at or below `unit`, by user, unit and role, with the users' and units'
    /// names; at most `limit`.
    pub async fn grants_under(&self, unit: &str, limit: i64) -> sqlx::Result<Vec<ListedGrant>> {
        let rows = sqlx::query(
            "SELECT u.username, u.display_name, g.role, g.unit_code, \
             COALESCE(n.name, '') AS unit_name \
             FROM grants g JOIN users u ON u.id = g.user_id \
             LEFT JOIN units n ON n.code = g.unit_code \
             WHERE g.unit_code >= $1 AND g.unit_code < $2 \
             ORDER BY u.username, g.unit_code, g.role LIMIT $3",
        )
        .bind(unit)
        .bind(crate::grid::unit_code::subtree_end(unit))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ListedGrant {
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    role: row.try_get("role")?,
                    unit_code: row.try_get("unit_code")?,
                    unit_name: row.try_get("unit_name")?,
                })
            })
            .collect()
    }

    /// The grid workers of the grids at or below `unit`: (username, display name), by
    /// username, each once however many grids they hold.
    pub async fn grid_workers_under(&self, unit: &str) -> sqlx::Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT DISTINCT u.username, u.display_name \
             FROM grants g JOIN users u ON u.id = g.user_id \
             WHERE g.role = 'grid-worker' AND g.unit_code >= $1 AND g.unit_code < $2 \
             ORDER BY u.username",
        )
        .bind(unit)
        .bind(crate::grid::unit_code::subtree_end(unit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("username")?, row.try_get("display_name")?)))
            .collect()
    }
}

/// One grant as an admin's user list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedGrant {
    /// The user's sign-in name.
    pub username: String,
    /// Their name as pages show it.
    pub display_name: String,
    /// The role's name.
    pub role: String,
    /// Where.
    pub unit_code: String,
    /// The unit's name (empty if the unit is gone).
    pub unit_name: String,
}

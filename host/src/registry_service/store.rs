//! The registry's tables (`registry_publishers`, `registry_packages`) as the operations use
//! them. Writes that depend on a state (review, yank) are conditional updates, so two
//! reviewers racing cannot both move the same version.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::PackageState;
use crate::db::{Db, now_ms};

/// `SELECT` of a package row's columns (without its bytes, manifest and README) followed
/// by `$rest`; a macro so that every query stays a literal string.
macro_rules! select_records {
    ($rest:literal) => {
        concat!(
            "SELECT digest, plugin_id, version, name, description, publisher, contract, size, \
             state, review_note, reviewer, yank_reason, submitted_at, reviewed_at, yanked_at \
             FROM registry_packages ",
            $rest
        )
    };
}

/// A stored package version, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRecord {
    /// `sha256:<hex>` of the package bytes.
    pub digest: String,
    /// The plugin id.
    pub plugin_id: String,
    /// The version, as in the manifest.
    pub version: String,
    /// The manifest's display name.
    pub name: String,
    /// The manifest's description.
    pub description: String,
    /// The publisher that signed it.
    pub publisher: String,
    /// The contract range it targets.
    pub contract: String,
    /// Bytes of the package.
    pub size: i64,
    /// Review state.
    pub state: PackageState,
    /// The reviewer's note (required for a rejection).
    pub review_note: Option<String>,
    /// Who reviewed it.
    pub reviewer: Option<String>,
    /// Why it was yanked.
    pub yank_reason: Option<String>,
    /// When it was published (ms since the epoch).
    pub submitted_at: i64,
    /// When it was reviewed.
    pub reviewed_at: Option<i64>,
    /// When it was yanked.
    pub yanked_at: Option<i64>,
}

fn record(row: &AnyRow) -> sqlx::Result<PackageRecord> {
    let state: String = row.try_get("state")?;
    Ok(PackageRecord {
        digest: row.try_get("digest")?,
        plugin_id: row.try_get("plugin_id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        publisher: row.try_get("publisher")?,
        contract: row.try_get("contract")?,
        size: row.try_get("size")?,
        state: state
            .parse()
            .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
        review_note: row.try_get("review_note")?,
        reviewer: row.try_get("reviewer")?,
        yank_reason: row.try_get("yank_reason")?,
        submitted_at: row.try_get("submitted_at")?,
        reviewed_at: row.try_get("reviewed_at")?,
        yanked_at: row.try_get("yanked_at")?,
    })
}

/// A package to store, as checked by the publish operation.
#[derive(Debug)]
pub(super) struct NewPackage<'a> {
    pub digest: &'a str,
    pub plugin_id: &'a str,
    pub version: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub publisher: &'a str,
    pub manifest: &'a str,
    pub contract: &'a str,
    pub readme: &'a str,
    pub bytes: &'a [u8],
    pub signature: &'a str,
    /// `submitted` for a publish; `approved` for a package mirrored from another registry
    /// that approved it, with who vouched for it as the review.
    pub review: Option<MirrorReview<'a>>,
}

/// The review recorded with a mirrored package: the remote registry approved it.
#[derive(Debug)]
pub(super) struct MirrorReview<'a> {
    /// Stored as the reviewer (`mirror`).
    pub reviewer: &'a str,
    /// Stored as the review note: where it came from.
    pub note: &'a str,
}

/// What storing a new package did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Stored {
    /// Stored as `submitted`.
    Inserted,
    /// The version already existed; here is its row.
    Existing(Box<PackageRecord>),
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

impl Db {
    /// Registers a publisher; `false` if the name is taken.
    pub(super) async fn registry_insert_publisher(
        &self,
        name: &str,
        public_key: &str,
        created_by: &str,
    ) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "INSERT INTO registry_publishers (name, public_key, created_at, created_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(public_key)
        .bind(now_ms())
        .bind(created_by)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// The public key of publisher `name`, as text.
    pub(super) async fn registry_publisher_key(&self, name: &str) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT public_key FROM registry_publishers WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await
    }

    /// One version of a plugin.
    pub(super) async fn registry_package(
        &self,
        plugin_id: &str,
        version: &str,
    ) -> sqlx::Result<Option<PackageRecord>> {
        let row = sqlx::query(select_records!("WHERE plugin_id = $1 AND version = $2"))
            .bind(plugin_id)
            .bind(version)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(record).transpose()
    }

    /// Stores a new version as `submitted` (or `approved`, for a mirror), unless the version exists: then its row is
    /// returned and nothing is written. The check and the insert share one write
    /// transaction, and a concurrent insert that wins the race is read back the same way.
    pub(super) async fn registry_insert_package(
        &self,
        package: &NewPackage<'_>,
    ) -> sqlx::Result<Stored> {
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query(select_records!("WHERE plugin_id = $1 AND version = $2"))
            .bind(package.plugin_id)
            .bind(package.version)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            return Ok(Stored::Existing(Box::new(record(&row)?)));
        }
        let inserted = sqlx::query(
            "INSERT INTO registry_packages (digest, plugin_id, version, name, description, \
             publisher, manifest, contract, readme, bytes, size, signature, state, submitted_at, \
             reviewer, review_note, reviewed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(package.digest)
        .bind(package.plugin_id)
        .bind(package.version)
        .bind(package.name)
        .bind(package.description)
        .bind(package.publisher)
        .bind(package.manifest)
        .bind(package.contract)
        .bind(package.readme)
        .bind(package.bytes)
        .bind(i64::try_from(package.bytes.len()).unwrap_or(i64::MAX))
        .bind(package.signature)
        .bind(if package.review.is_some() {
            PackageState::Approved.name()
        } else {
            PackageState::Submitted.name()
        })
        .bind(now_ms())
        .bind(package.review.as_ref().map(|r| r.reviewer))
        .bind(package.review.as_ref().map(|r| r.note))
        .bind(package.review.as_ref().map(|_| now_ms()))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {
                tx.commit().await?;
                Ok(Stored::Inserted)
            }
            Err(error) if is_unique_violation(&error) => {
                drop(tx);
                match self
                    .registry_package(package.plugin_id, package.version)
                    .await?
                {
                    Some(row) => Ok(Stored::Existing(Box::new(row))),
                    None => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Moves a `submitted` version to `approved` or `rejected`; `false` if it was not
    /// `submitted` any more.
    pub(super) async fn registry_set_review(
        &self,
        plugin_id: &str,
        version: &str,
        state: PackageState,
        note: Option<&str>,
        reviewer: &str,
    ) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "UPDATE registry_packages SET state = $1, review_note = $2, reviewer = $3, \
             reviewed_at = $4 WHERE plugin_id = $5 AND version = $6 AND state = 'submitted'",
        )
        .bind(state.name())
        .bind(note)
        .bind(reviewer)
        .bind(now_ms())
        .bind(plugin_id)
        .bind(version)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Moves an `approved` version to `yanked`; `false` if it was not `approved`.
    pub(super) async fn registry_set_yanked(
        &self,
        plugin_id: &str,
        version: &str,
        reason: &str,
    ) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "UPDATE registry_packages SET state = 'yanked', yank_reason = $1, yanked_at = $2 \
             WHERE plugin_id = $3 AND version = $4 AND state = 'approved'",
        )
        .bind(reason)
        .bind(now_ms())
        .bind(plugin_id)
        .bind(version)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Every version of the plugins whose id or name contains `text` (ignoring ASCII case),
    /// or of all plugins when `text` is empty; by plugin id.
    pub(super) async fn registry_search(&self, text: &str) -> sqlx::Result<Vec<PackageRecord>> {
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        let rows = sqlx::query(select_records!(
            "WHERE $1 = '' OR LOWER(plugin_id) LIKE $2 ESCAPE '\\' \
             OR LOWER(name) LIKE $2 ESCAPE '\\' ORDER BY plugin_id, submitted_at"
        ))
        .bind(text)
        .bind(pattern)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record).collect()
    }

    /// Every version of one plugin.
    pub(super) async fn registry_versions(
        &self,
        plugin_id: &str,
    ) -> sqlx::Result<Vec<PackageRecord>> {
        let rows = sqlx::query(select_records!(
            "WHERE plugin_id = $1 ORDER BY submitted_at"
        ))
        .bind(plugin_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record).collect()
    }

    /// A version's bytes and signature.
    pub(super) async fn registry_package_bytes(
        &self,
        digest: &str,
    ) -> sqlx::Result<Option<(Vec<u8>, String)>> {
        let row = sqlx::query("SELECT bytes, signature FROM registry_packages WHERE digest = $1")
            .bind(digest)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| Ok((row.try_get("bytes")?, row.try_get("signature")?)))
            .transpose()
    }
}

/// `text` with LIKE's wildcards and the escape character escaped, so a search for `50%`
/// finds that text and not everything.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

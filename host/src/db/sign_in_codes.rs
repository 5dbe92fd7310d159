//! One-time sign-in codes as stored (migration 0015): at most one per user, kept as a
//! digest, valid until it expires, is used, or has had [`MAX_WRONG_TRIES`] tries. Each
//! decision is one statement, so two requests at once (or two host nodes) cannot both use
//! a code, or both get a code inside the resend interval. Times are passed in (ms) so that
//! expiry is testable without waiting.

use sqlx::Row;

use super::Db;
use crate::auth::sign_in_code::{CODE_LIFETIME_MS, MAX_WRONG_TRIES, RESEND_INTERVAL_MS};

/// What asking for a code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeIssue {
    /// Stored, replacing the user's earlier code: send it.
    Issued,
    /// The user got a code less than [`RESEND_INTERVAL_MS`] ago: nothing changed.
    TooSoon,
}

/// What trying a code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// The code was right and live; it is now used.
    Accepted,
    /// Wrong, expired, used, voided by too many tries, or no code at all.
    Rejected,
}

impl Db {
    /// Stores `code_digest` as `user_id`'s code at `now`, valid [`CODE_LIFETIME_MS`],
    /// voiding any earlier one, unless the earlier one was issued less than
    /// [`RESEND_INTERVAL_MS`] ago.
    pub async fn issue_sign_in_code(
        &self,
        user_id: i64,
        code_digest: &str,
        now: i64,
    ) -> sqlx::Result<CodeIssue> {
        let stored = sqlx::query(
            "INSERT INTO sign_in_codes (user_id, code_digest, created_at, expires_at, tries) \
             VALUES ($1, $2, $3, $4, 0) \
             ON CONFLICT (user_id) DO UPDATE SET code_digest = excluded.code_digest, \
             created_at = excluded.created_at, expires_at = excluded.expires_at, tries = 0, \
             used_at = NULL \
             WHERE sign_in_codes.created_at <= $5",
        )
        .bind(user_id)
        .bind(code_digest)
        .bind(now)
        .bind(now + CODE_LIFETIME_MS)
        .bind(now - RESEND_INTERVAL_MS)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(if stored == 1 {
            CodeIssue::Issued
        } else {
            CodeIssue::TooSoon
        })
    }

    /// Tries `code_digest` as `user_id`'s code at `now`. The try is counted first, in the
    /// same statement that checks the code is live, so no more than [`MAX_WRONG_TRIES`]
    /// guesses are ever compared however many arrive at once; a right code is then marked
    /// used only if nobody used it in between.
    pub async fn use_sign_in_code(
        &self,
        user_id: i64,
        code_digest: &str,
        now: i64,
    ) -> sqlx::Result<CodeCheck> {
        let counted = sqlx::query(
            "UPDATE sign_in_codes SET tries = tries + 1 \
             WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2 AND tries < $3 \
             RETURNING code_digest",
        )
        .bind(user_id)
        .bind(now)
        .bind(MAX_WRONG_TRIES)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = counted else {
            return Ok(CodeCheck::Rejected);
        };
        let stored: String = row.try_get("code_digest")?;
        if stored != code_digest {
            return Ok(CodeCheck::Rejected);
        }
        let used = sqlx::query(
            "UPDATE sign_in_codes SET used_at = $2 \
             WHERE user_id = $1 AND code_digest = $3 AND used_at IS NULL",
        )
        .bind(user_id)
        .bind(now)
        .bind(code_digest)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(if used == 1 {
            CodeCheck::Accepted
        } else {
            CodeCheck::Rejected
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{CodeCheck, CodeIssue};
    use crate::auth::sign_in_code::{
        CODE_LIFETIME_MS, MAX_WRONG_TRIES, RESEND_INTERVAL_MS, digest,
    };
    use crate::db::Db;
    use crate::db::test_engines::on_both_engines;

    /// A start time well away from zero, so `now - interval` stays positive.
    const T0: i64 = 1_700_000_000_000;

    async fn a_user(db: &Db, name: &str) -> i64 {
        db.create_user(name, name, "not a real hash")
            .await
            .expect("user")
            .id
    }

    async fn a_code_is_used_once_and_only_while_valid(db: Db) {
        let user = a_user(&db, "resident").await;
        let other = a_user(&db, "neighbour").await;
        let code = digest(user, "123456");
        assert_eq!(
            db.use_sign_in_code(user, &code, T0).await.ok(),
            Some(CodeCheck::Rejected),
            "no code issued yet"
        );
        assert_eq!(
            db.issue_sign_in_code(user, &code, T0).await.ok(),
            Some(CodeIssue::Issued)
        );
        assert_eq!(
            db.use_sign_in_code(other, &code, T0 + 1).await.ok(),
            Some(CodeCheck::Rejected),
            "another user's code"
        );
        assert_eq!(
            db.use_sign_in_code(user, &code, T0 + 1_000).await.ok(),
            Some(CodeCheck::Accepted)
        );
        assert_eq!(
            db.use_sign_in_code(user, &code, T0 + 2_000).await.ok(),
            Some(CodeCheck::Rejected),
            "used already"
        );

        let later = T0 + RESEND_INTERVAL_MS;
        let fresh = digest(user, "654321");
        assert_eq!(
            db.issue_sign_in_code(user, &fresh, later).await.ok(),
            Some(CodeIssue::Issued)
        );
        assert_eq!(
            db.use_sign_in_code(user, &fresh, later + CODE_LIFETIME_MS)
                .await
                .ok(),
            Some(CodeCheck::Rejected),
            "expired"
        );
    }

    on_both_engines!(
        a_code_is_used_once_and_only_while_valid,
        a_code_is_used_once_and_only_while_valid_on_sqlite,
        a_code_is_used_once_and_only_while_valid_on_postgres
    );

    async fn wrong_tries_void_a_code(db: Db) {
        let user = a_user(&db, "resident").await;
        let code = digest(user, "123456");
        let wrong = digest(user, "000000");
        db.issue_sign_in_code(user, &code, T0).await.expect("issue");
        for _ in 1..MAX_WRONG_TRIES {
            assert_eq!(
                db.use_sign_in_code(user, &wrong, T0).await.ok(),
                Some(CodeCheck::Rejected)
            );
        }
        assert_eq!(
            db.use_sign_in_code(user, &code, T0).await.ok(),
            Some(CodeCheck::Accepted),
            "the last try still counts"
        );

        let later = T0 + RESEND_INTERVAL_MS;
        db.issue_sign_in_code(user, &code, later)
            .await
            .expect("issue");
        for _ in 0..MAX_WRONG_TRIES {
            db.use_sign_in_code(user, &wrong, later)
                .await
                .expect("a wrong try");
        }
        assert_eq!(
            db.use_sign_in_code(user, &code, later).await.ok(),
            Some(CodeCheck::Rejected),
            "void after {MAX_WRONG_TRIES} wrong tries"
        );
    }

    on_both_engines!(
        wrong_tries_void_a_code,
        wrong_tries_void_a_code_on_sqlite,
        wrong_tries_void_a_code_on_postgres
    );

    async fn a_new_code_waits_and_voids_the_old(db: Db) {
        let user = a_user(&db, "resident").await;
        let first = digest(user, "111111");
        let second = digest(user, "222222");
        assert_eq!(
            db.issue_sign_in_code(user, &first, T0).await.ok(),
            Some(CodeIssue::Issued)
        );
        assert_eq!(
            db.issue_sign_in_code(user, &second, T0 + RESEND_INTERVAL_MS - 1)
                .await
                .ok(),
            Some(CodeIssue::TooSoon)
        );
        assert_eq!(
            db.use_sign_in_code(user, &second, T0 + RESEND_INTERVAL_MS)
                .await
                .ok(),
            Some(CodeCheck::Rejected),
            "refused, so never stored"
        );
        assert_eq!(
            db.issue_sign_in_code(user, &second, T0 + RESEND_INTERVAL_MS)
                .await
                .ok(),
            Some(CodeIssue::Issued)
        );
        assert_eq!(
            db.use_sign_in_code(user, &first, T0 + RESEND_INTERVAL_MS + 1)
                .await
                .ok(),
            Some(CodeCheck::Rejected),
            "voided by the new one"
        );
        assert_eq!(
            db.use_sign_in_code(user, &second, T0 + RESEND_INTERVAL_MS + 2)
                .await
                .ok(),
            Some(CodeCheck::Accepted),
            "the wrong try above did not void it"
        );
        let stored: String = sqlx::query_scalar("SELECT code_digest FROM sign_in_codes")
            .fetch_one(db.pool())
            .await
            .expect("one row");
        assert_eq!(
            stored, second,
            "only the digest is stored, one row per user"
        );
    }

    on_both_engines!(
        a_new_code_waits_and_voids_the_old,
        a_new_code_waits_and_voids_the_old_on_sqlite,
        a_new_code_waits_and_voids_the_old_on_postgres
    );
}

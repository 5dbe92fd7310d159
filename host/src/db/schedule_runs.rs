//! When installations' schedules last fired, and claiming a firing so that only one host
//! node fires it (see migration 0013).

use super::Db;

impl Db {
    /// When `schedule` of `installation_id` last fired (ms), if ever.
    pub async fn schedule_last_fired(
        &self,
        installation_id: i64,
        schedule: &str,
    ) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT last_fired_at FROM schedule_runs WHERE installation_id = $1 AND schedule = $2",
        )
        .bind(installation_id)
        .bind(schedule)
        .fetch_optional(self.pool())
        .await
    }

    /// Records that `schedule` fires at `now`, if its last firing is still `seen` (what the
    /// caller read): true when this caller won the firing, false when another node (or an
    /// earlier tick) already moved it.
    pub async fn claim_schedule_firing(
        &self,
        installation_id: i64,
        schedule: &str,
        seen: Option<i64>,
        now: i64,
    ) -> sqlx::Result<bool> {
        let claimed = match seen {
            None => sqlx::query(
                "INSERT INTO schedule_runs (installation_id, schedule, last_fired_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (installation_id, schedule) DO NOTHING",
            )
            .bind(installation_id)
            .bind(schedule)
            .bind(now)
            .execute(self.pool())
            .await?
            .rows_affected(),
            Some(seen) => sqlx::query(
                "UPDATE schedule_runs SET last_fired_at = $3 \
                 WHERE installation_id = $1 AND schedule = $2 AND last_fired_at = $4",
            )
            .bind(installation_id)
            .bind(schedule)
            .bind(now)
            .bind(seen)
            .execute(self.pool())
            .await?
            .rows_affected(),
        };
        Ok(claimed == 1)
    }
}

#[cfg(test)]
mod tests {
    use crate::db::Db;
    use crate::db::test_engines::on_both_engines;

    /// One installation row to hang schedule runs on (its plugin and component too, for
    /// the foreign keys).
    async fn an_installation(db: &Db) -> i64 {
        sqlx::query("INSERT INTO plugin_components (digest, bytes, added_at) VALUES ('d', $1, 0)")
            .bind(Vec::<u8>::new())
            .execute(db.pool())
            .await
            .expect("component row");
        sqlx::query(
            "INSERT INTO plugins (id, version, name, manifest, digest, added_at) \
             VALUES ('probe', '1.0.0', 'probe', '', 'd', 0)",
        )
        .execute(db.pool())
        .await
        .expect("plugin row");
        sqlx::query_scalar(
            "INSERT INTO installations \
             (plugin_id, version, unit_code, unit_name, grants, config, installed_at) \
             VALUES ('probe', '1.0.0', '42', '湖北省', '[]', '{}', 0) RETURNING id",
        )
        .fetch_one(db.pool())
        .await
        .expect("installation")
    }

    async fn a_firing_is_claimed_once(db: Db) {
        let id = an_installation(&db).await;
        let claim = |seen, now| db.claim_schedule_firing(id, "daily", seen, now);
        assert_eq!(db.schedule_last_fired(id, "daily").await.ok(), Some(None));
        assert!(claim(None, 1_000).await.expect("claim"));
        assert!(!claim(None, 1_001).await.expect("claim"), "already fired");
        assert!(claim(Some(1_000), 2_000).await.expect("claim"));
        assert!(
            !claim(Some(1_000), 2_001).await.expect("claim"),
            "someone moved it"
        );
        assert_eq!(
            db.schedule_last_fired(id, "daily").await.ok(),
            Some(Some(2_000))
        );
    }

    on_both_engines!(
        a_firing_is_claimed_once,
        a_firing_is_claimed_once_on_sqlite,
        a_firing_is_claimed_once_on_postgres
    );
}

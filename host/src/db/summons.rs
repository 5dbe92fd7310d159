//! 吹哨报到 in the store (`event_summons`): the departments summoned to an event with the
//! dispatch to their lead (written inside that move, so a summons exists exactly when the
//! dispatch does), and each department's 报到, with its timeline entry, in one
//! transaction. Who may summon or check in is `rules::events::summons`'s to say.

use sqlx::Row;

use super::events::{Handler, StoredEvent, add_timeline, notify_unit};
use super::{Db, now_ms};

/// One department summoned to an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summons {
    /// The department's code.
    pub department: String,
    /// Its name.
    pub name: String,
    /// Whether it leads (牵头): the event's handler, who resolves it.
    pub lead: bool,
    /// When it was summoned (ms).
    pub summoned_at: i64,
    /// When it checked in (报到, ms).
    pub reported_at: Option<i64>,
    /// Who checked in (`user:NAME`).
    pub reported_by: Option<String>,
    /// What it said.
    pub note: Option<String>,
}

/// Records on `tx` that `by` summoned `lead` and `others` to `event` (replacing an earlier
/// summons of it), and tells the others' inboxes; the lead hears of the dispatch itself.
pub(super) async fn record_summons(
    tx: &mut sqlx::AnyConnection,
    event: &StoredEvent,
    lead: &Handler,
    others: &[Handler],
    by: &str,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM event_summons WHERE event_id = $1")
        .bind(event.id)
        .execute(&mut *tx)
        .await?;
    for (department, is_lead) in
        std::iter::once((lead, true)).chain(others.iter().map(|o| (o, false)))
    {
        sqlx::query(
            "INSERT INTO event_summons (event_id, department, name, lead, summoned_by, summoned_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(event.id)
        .bind(&department.code)
        .bind(&department.name)
        .bind(i64::from(is_lead))
        .bind(by)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    for other in others {
        notify_unit(
            tx,
            &other.code,
            &format!("吹哨报到：{}", event.title),
            &format!(
                "事件「{}」（单位 {}）召集{}配合办理，由{}牵头，请到场后在事件页报到。",
                event.title, event.unit_code, other.name, lead.name
            ),
            event.id,
        )
        .await?;
    }
    Ok(())
}

fn summons(row: &sqlx::any::AnyRow) -> sqlx::Result<Summons> {
    Ok(Summons {
        department: row.try_get("department")?,
        name: row.try_get("name")?,
        lead: row.try_get::<i64, _>("lead")? != 0,
        summoned_at: row.try_get("summoned_at")?,
        reported_at: row.try_get("reported_at")?,
        reported_by: row.try_get("reported_by")?,
        note: row.try_get("note")?,
    })
}

impl Db {
    /// The departments summoned to event `id`: the lead first, then by code.
    pub async fn event_summons(&self, id: i64) -> sqlx::Result<Vec<Summons>> {
        let rows = sqlx::query(
            "SELECT department, name, lead, summoned_at, reported_at, reported_by, note \
             FROM event_summons WHERE event_id = $1 ORDER BY lead DESC, department",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(summons).collect()
    }

    /// Records `department`'s check-in (报到) on `event` by `by` with `note`, on the
    /// timeline too (the state stays); false if it had checked in already.
    pub async fn report_in(
        &self,
        event: &StoredEvent,
        department: &Summons,
        by: &str,
        note: &str,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE event_summons SET reported_at = $3, reported_by = $4, note = $5 \
             WHERE event_id = $1 AND department = $2 AND reported_at IS NULL",
        )
        .bind(event.id)
        .bind(&department.department)
        .bind(now_ms())
        .bind(by)
        .bind(note)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done != 1 {
            return Ok(false);
        }
        let said = if note.is_empty() {
            department.name.clone()
        } else {
            format!("{}：{note}", department.name)
        };
        add_timeline(
            &mut tx,
            event.id,
            by,
            "report-in",
            Some(event.state),
            event.state,
            &said,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Up to `limit` open events `departments` were summoned to and have not checked in
    /// on, newest first.
    pub async fn summons_waiting(
        &self,
        departments: &[String],
        limit: i64,
    ) -> sqlx::Result<Vec<StoredEvent>> {
        if departments.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (0..departments.len())
            .map(|i| format!("${}", i + 2))
            .collect();
        // The select list sees only `events e`: the subqueries' tables are out of its scope.
        let columns = super::events::EVENT_COLUMNS;
        let sql = format!(
            "SELECT {columns} FROM events e WHERE EXISTS (SELECT 1 FROM event_summons s \
             WHERE s.event_id = e.id AND s.reported_at IS NULL AND s.department IN ({})) \
             AND e.state IN ('dispatched', 'handling') ORDER BY e.id DESC LIMIT $1",
            list.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit);
        for department in departments {
            query = query.bind(department);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(super::events::stored).collect()
    }
}

//! Workflow notices to the users who reported an event (migration 0016): written in the
//! transaction of each move someone else makes, so no move goes unnoticed and no notice
//! tells of a move that did not happen; read and marked read in the portal's inbox.
//!
//! Only users report as `user:NAME`; events reported by plugins (`plugin:…`) or through
//! Open311 anonymously have nobody to tell.

use sqlx::Row;

use super::{Db, now_ms};
use crate::grid::workflow::EventState;

/// One notice, with the title of its event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventNotice {
    /// Id.
    pub id: i64,
    /// The event moved.
    pub event_id: i64,
    /// The event's title.
    pub title: String,
    /// The workflow action taken (`accept`, `dispatch` …).
    pub action: String,
    /// The state it moved to.
    pub to_state: EventState,
    /// The note the actor wrote, if any.
    pub note: String,
    /// When, in ms.
    pub created_at: i64,
    /// When the reporter read it.
    pub read_at: Option<i64>,
}

/// Writes a notice of `action` on event `event_id` (moved to `to`) for its reporter, when
/// the reporter is a user other than `actor`. Part of the move's transaction.
pub(super) async fn notify_reporter(
    tx: &mut sqlx::AnyConnection,
    reporter: Option<&str>,
    event_id: i64,
    actor: &str,
    action: &str,
    to: EventState,
    note: &str,
) -> sqlx::Result<()> {
    let Some(username) = reporter.and_then(|r| r.strip_prefix("user:")) else {
        return Ok(());
    };
    if reporter == Some(actor) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO event_notices (user_id, event_id, action, to_state, note, created_at) \
         SELECT id, $2, $3, $4, $5, $6 FROM users WHERE username = $1",
    )
    .bind(username)
    .bind(event_id)
    .bind(action)
    .bind(to.name())
    .bind(note)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Db {
    /// Up to `limit` of user `user_id`'s notices with an id below `before`, newest first.
    pub async fn event_notices(
        &self,
        user_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<EventNotice>> {
        let rows = sqlx::query(
            "SELECT n.id, n.event_id, e.title, n.action, n.to_state, n.note, n.created_at, \
             n.read_at FROM event_notices n JOIN events e ON e.id = n.event_id \
             WHERE n.user_id = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3",
        )
        .bind(user_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let to_state: String = row.try_get("to_state")?;
                Ok(EventNotice {
                    id: row.try_get("id")?,
                    event_id: row.try_get("event_id")?,
                    title: row.try_get("title")?,
                    action: row.try_get("action")?,
                    to_state: EventState::parse(&to_state).ok_or_else(|| {
                        sqlx::Error::Decode(format!("unknown event state `{to_state}`").into())
                    })?,
                    note: row.try_get("note")?,
                    created_at: row.try_get("created_at")?,
                    read_at: row.try_get("read_at")?,
                })
            })
            .collect()
    }

    /// Marks notice `id` of user `user_id` read, keeping the first read time. False if the
    /// user has no such notice (someone else's looks the same).
    pub async fn mark_event_notice_read(&self, user_id: i64, id: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE event_notices SET read_at = COALESCE(read_at, $1) \
             WHERE id = $2 AND user_id = $3",
        )
        .bind(now_ms())
        .bind(id)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks every notice of user `user_id` about event `event_id` read: they opened it.
    pub async fn mark_event_notices_seen(&self, user_id: i64, event_id: i64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE event_notices SET read_at = $1 \
             WHERE user_id = $2 AND event_id = $3 AND read_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(event_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::events::{MoveDetails, NewEvent};
    use crate::db::test_engines::{on_both_engines, with_units};
    use crate::grid::workflow::transition;

    async fn report(db: &Db, reporter: &str) -> i64 {
        db.report_event(&NewEvent {
            category: "environment",
            title: "垃圾未清运",
            description: "",
            unit_code: "420202001",
            reporter,
            latitude: None,
            longitude: None,
            address: None,
            attributes: Some(&serde_json::json!({ "issue": "污水" })),
            repeat_of: None,
        })
        .await
        .expect("report")
    }

    async fn take(db: &Db, id: i64, from: EventState, action: &str, actor: &str) {
        let event = db.event(id).await.expect("get").expect("exists");
        let step = transition(from, action).expect("a transition");
        db.move_event(&event, step, actor, "已安排清运", &MoveDetails::default())
            .await
            .expect("move");
    }

    async fn scenarios(db: Db) {
        with_units(&db, &["42", "4202", "420202", "420202001"]).await;
        let li = db.create_user("li", "李", "x").await.expect("li").id;
        let wang = db.create_user("wang", "王", "x").await.expect("wang").id;
        let mine = report(&db, "user:li").await;
        let theirs = report(&db, "user:wang").await;
        let a_plugin_s = report(&db, "plugin:elder-care#1").await;

        // Moves by someone else are noticed, with the note; the reporter's own are not.
        take(&db, mine, EventState::Reported, "accept", "user:worker").await;
        take(
            &db,
            a_plugin_s,
            EventState::Reported,
            "accept",
            "user:worker",
        )
        .await;
        take(&db, theirs, EventState::Reported, "reject", "user:wang").await;
        let notices = db.event_notices(li, None, 10).await.expect("notices");
        assert_eq!(notices.len(), 1, "{notices:?}");
        let notice = &notices[0];
        assert_eq!(
            (notice.event_id, notice.action.as_str(), notice.to_state),
            (mine, "accept", EventState::Accepted)
        );
        assert_eq!(
            (notice.title.as_str(), notice.note.as_str()),
            ("垃圾未清运", "已安排清运")
        );
        assert_eq!(notice.read_at, None);
        assert!(
            db.event_notices(wang, None, 10)
                .await
                .expect("none")
                .is_empty()
        );

        // Read: by id for its user only; or every notice of an event the user opened.
        assert!(
            !db.mark_event_notice_read(wang, notice.id)
                .await
                .expect("not wang's")
        );
        assert!(
            db.mark_event_notice_read(li, notice.id)
                .await
                .expect("li's")
        );
        take(&db, mine, EventState::Accepted, "dispatch", "user:worker").await;
        let newest = db.event_notices(li, None, 10).await.expect("notices");
        assert_eq!(newest.len(), 2);
        assert_eq!(newest[0].action, "dispatch");
        assert!(newest[0].read_at.is_none() && newest[1].read_at.is_some());
        db.mark_event_notices_seen(li, mine).await.expect("seen");
        let seen = db.event_notices(li, None, 10).await.expect("notices");
        assert!(seen.iter().all(|n| n.read_at.is_some()), "{seen:?}");
        // Keyset pages: below the newest, the older one.
        let older = db
            .event_notices(li, Some(seen[0].id), 10)
            .await
            .expect("older");
        assert_eq!(older, seen[1..]);
    }

    on_both_engines!(scenarios, sqlite_event_notices, postgres_event_notices);
}

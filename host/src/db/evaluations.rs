//! What assessment counts beside the event row: the reporter's ratings (`event_evaluations`,
//! one per closing) and the handlers' returns (`event_returns`: a return clears the event's
//! handler, so who returned it is kept here). Written inside the move that causes them.

use sqlx::Row;

use super::Db;
use super::events::StoredEvent;
use crate::grid::evaluation::Rating;

/// A rating to record.
#[derive(Debug, Clone)]
pub struct NewEvaluation {
    /// The grade.
    pub rating: Rating,
    /// The reporter's words (may be empty, except for a reopening's reason).
    pub comment: String,
}

/// A recorded rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvaluation {
    /// The grade.
    pub rating: Rating,
    /// The reporter's words.
    pub comment: String,
    /// Who rated (`user:NAME`).
    pub evaluated_by: String,
    /// When (ms).
    pub at: i64,
    /// The department or lower unit that had handled what was rated.
    pub handler_unit: Option<String>,
}

/// Records `evaluation` of `event` by `actor` on `tx`.
pub(super) async fn record_evaluation(
    tx: &mut sqlx::AnyConnection,
    event: &StoredEvent,
    evaluation: &NewEvaluation,
    actor: &str,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO event_evaluations (event_id, rating, comment, evaluated_by, at, handler_unit) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(event.id)
    .bind(evaluation.rating.name())
    .bind(&evaluation.comment)
    .bind(actor)
    .bind(at)
    .bind(event.handler_unit.as_deref())
    .execute(&mut *tx)
    .await?;
    // Kept on the event too, so that its share of the assessment rollup
    // (`assessment_days`, kept by triggers on `events`) is a function of its row.
    sqlx::query(
        "UPDATE events SET evaluation_count = evaluation_count + 1, \
         satisfied_count = satisfied_count + $2 WHERE id = $1",
    )
    .bind(event.id)
    .bind(i64::from(evaluation.rating.is_satisfied()))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Records that `handler` returned event `event_id` on `tx`.
pub(super) async fn record_return(
    tx: &mut sqlx::AnyConnection,
    event_id: i64,
    handler: &str,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO event_returns (event_id, handler_unit, at) VALUES ($1, $2, $3)")
        .bind(event_id)
        .bind(handler)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

impl Db {
    /// The ratings of event `id`, oldest first.
    pub async fn event_evaluations(&self, id: i64) -> sqlx::Result<Vec<StoredEvaluation>> {
        let rows = sqlx::query(
            "SELECT rating, comment, evaluated_by, at, handler_unit FROM event_evaluations \
             WHERE event_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let rating: String = row.try_get("rating")?;
                Ok(StoredEvaluation {
                    rating: Rating::parse(&rating).ok_or_else(|| {
                        sqlx::Error::Decode(format!("unknown rating {rating}").into())
                    })?,
                    comment: row.try_get("comment")?,
                    evaluated_by: row.try_get("evaluated_by")?,
                    at: row.try_get("at")?,
                    handler_unit: row.try_get("handler_unit")?,
                })
            })
            .collect()
    }

    /// The ids of the later events that said they repeat event `id`, oldest first.
    pub async fn repeats_of(&self, id: i64) -> sqlx::Result<Vec<i64>> {
        sqlx::query_scalar("SELECT id FROM events WHERE repeat_of = $1 ORDER BY id")
            .bind(id)
            .fetch_all(self.pool())
            .await
    }
}

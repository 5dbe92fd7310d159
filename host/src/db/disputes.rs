//! 矛盾纠纷调处 in the store: the items of each dispute class (`dispute_items`, seeded by
//! the migration), the item a dispute event was registered as (`dispute_cases`), its parties
//! (`dispute_parties`) and its mediation sessions (`mediation_sessions`, each on the event's
//! timeline in the same transaction). Who may read or write them is
//! `rules::events::mediation`'s to say.

use sqlx::Row;

use super::events::{StoredEvent, add_timeline};
use super::{Db, now_ms};
use crate::grid::dispute::{Outcome, Side};

/// One item (事项) of a dispute class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeItem {
    /// `CLASS.NN`.
    pub code: String,
    /// The class: a `dispute.*` category code.
    pub category: String,
    /// Its Chinese name.
    pub name: String,
}

/// A party to a dispute, as stored (unmasked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Its id.
    pub id: i64,
    /// 申请人 or 被申请人.
    pub side: Side,
    /// 姓名 (or an organization's name).
    pub name: String,
    /// The GB 11643 ID number, if given.
    pub id_number: Option<String>,
    /// A mobile number, if given.
    pub phone: Option<String>,
}

/// A party to add.
#[derive(Debug, Clone, Copy)]
pub struct NewParty<'a> {
    /// 申请人 or 被申请人.
    pub side: Side,
    /// Name.
    pub name: &'a str,
    /// ID number, checked.
    pub id_number: Option<&'a str>,
    /// Mobile number, checked.
    pub phone: Option<&'a str>,
}

/// A mediation session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its id.
    pub id: i64,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// 调解员.
    pub mediator: String,
    /// 调解地点.
    pub place: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Whether a written 调解协议 was signed.
    pub agreement_signed: bool,
    /// What happened.
    pub note: String,
    /// Who recorded it (`user:NAME`), and when (ms).
    pub recorded_by: String,
    /// When (ms).
    pub recorded_at: i64,
}

/// A session to record.
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    /// `YYYY-MM-DD`, checked.
    pub held_on: &'a str,
    /// 调解员.
    pub mediator: &'a str,
    /// 调解地点.
    pub place: &'a str,
    /// How it ended.
    pub outcome: Outcome,
    /// Whether a written 调解协议 was signed.
    pub agreement_signed: bool,
    /// What happened.
    pub note: &'a str,
}

fn item(row: &sqlx::any::AnyRow) -> sqlx::Result<DisputeItem> {
    Ok(DisputeItem {
        code: row.try_get("code")?,
        category: row.try_get("category")?,
        name: row.try_get("name")?,
    })
}

fn party(row: &sqlx::any::AnyRow) -> sqlx::Result<Party> {
    let side: String = row.try_get("side")?;
    Ok(Party {
        id: row.try_get("id")?,
        side: Side::parse(&side)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown side `{side}`").into()))?,
        name: row.try_get("name")?,
        id_number: row.try_get("id_number")?,
        phone: row.try_get("phone")?,
    })
}

fn session(row: &sqlx::any::AnyRow) -> sqlx::Result<Session> {
    let outcome: String = row.try_get("outcome")?;
    Ok(Session {
        id: row.try_get("id")?,
        held_on: row.try_get("held_on")?,
        mediator: row.try_get("mediator")?,
        place: row.try_get("place")?,
        outcome: Outcome::parse(&outcome)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown outcome `{outcome}`").into()))?,
        agreement_signed: row.try_get::<i64, _>("agreement_signed")? != 0,
        note: row.try_get("note")?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: row.try_get("recorded_at")?,
    })
}

impl Db {
    /// Every dispute item, by class and then in the class's order.
    pub async fn dispute_items(&self) -> sqlx::Result<Vec<DisputeItem>> {
        let rows = sqlx::query(
            "SELECT code, category, name FROM dispute_items ORDER BY category, position",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(item).collect()
    }

    /// The dispute item `code`.
    pub async fn dispute_item(&self, code: &str) -> sqlx::Result<Option<DisputeItem>> {
        let row = sqlx::query("SELECT code, category, name FROM dispute_items WHERE code = $1")
            .bind(code)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(item).transpose()
    }

    /// The item event `id` was registered as, if one was named.
    pub async fn dispute_case_item(&self, id: i64) -> sqlx::Result<Option<DisputeItem>> {
        let row = sqlx::query(
            "SELECT i.code, i.category, i.name FROM dispute_cases c \
             JOIN dispute_items i ON i.code = c.item WHERE c.event_id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(item).transpose()
    }

    /// Registers event `id` as item `code`, replacing an earlier item.
    pub async fn set_dispute_item(&self, id: i64, code: &str, by: &str) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO dispute_cases (event_id, item, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (event_id) DO UPDATE SET item = excluded.item, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(code)
        .bind(by)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The parties of event `id`, applicants first, then in the order added.
    pub async fn dispute_parties(&self, id: i64) -> sqlx::Result<Vec<Party>> {
        let rows = sqlx::query(
            "SELECT id, side, name, id_number, phone FROM dispute_parties \
             WHERE event_id = $1 ORDER BY side, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(party).collect()
    }

    /// Adds `party` to event `id` as `by`; its id.
    pub async fn add_dispute_party(
        &self,
        id: i64,
        party: NewParty<'_>,
        by: &str,
    ) -> sqlx::Result<i64> {
        let row = sqlx::query(
            "INSERT INTO dispute_parties (event_id, side, name, id_number, phone, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(id)
        .bind(party.side.name())
        .bind(party.name)
        .bind(party.id_number)
        .bind(party.phone)
        .bind(by)
        .bind(now_ms())
        .fetch_one(self.pool())
        .await?;
        row.try_get(0)
    }

    /// Removes party `party` of event `id`; false if there was none.
    pub async fn remove_dispute_party(&self, id: i64, party: i64) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM dispute_parties WHERE event_id = $1 AND id = $2")
            .bind(id)
            .bind(party)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The mediation sessions of event `id`, oldest first (by the day held, then as
    /// recorded).
    pub async fn mediation_sessions(&self, id: i64) -> sqlx::Result<Vec<Session>> {
        let rows = sqlx::query(
            "SELECT id, held_on, mediator, place, outcome, agreement_signed, note, recorded_by, \
             recorded_at FROM mediation_sessions WHERE event_id = $1 ORDER BY held_on, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(session).collect()
    }

    /// Records `new` on `event` as `by`, with `timeline_note` on its timeline (the state
    /// stays), in one transaction; false (nothing written) if a session concluding the
    /// mediation was recorded meanwhile, so two mediators at once cannot both conclude it.
    pub async fn record_mediation_session(
        &self,
        event: &StoredEvent,
        new: NewSession<'_>,
        by: &str,
        timeline_note: &str,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin_write().await?;
        let concluded: i64 = sqlx::query(
            "SELECT COUNT(*) FROM mediation_sessions WHERE event_id = $1 \
             AND outcome IN ('agreed', 'failed')",
        )
        .bind(event.id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        if concluded > 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO mediation_sessions (event_id, held_on, mediator, place, outcome, \
             agreement_signed, note, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(event.id)
        .bind(new.held_on)
        .bind(new.mediator)
        .bind(new.place)
        .bind(new.outcome.name())
        .bind(i64::from(new.agreement_signed))
        .bind(new.note)
        .bind(by)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        add_timeline(
            &mut tx,
            event.id,
            by,
            "mediate",
            Some(event.state),
            event.state,
            timeline_note,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

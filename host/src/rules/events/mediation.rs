//! 矛盾纠纷排查调处: a dispute event's mediation record as people read and keep it. The
//! item (事项) of its class it is registered as; its parties (申请人/被申请人), ID numbers
//! and phones masked as residents' are and unmasked only for the sensitive-data grant with
//! a reason (audited); and its mediation sessions (date, mediator, place, outcome, a signed
//! 调解协议), each on the event's timeline. The stage is read from the sessions
//! (`grid::dispute::stage`); once a session concluded the mediation (调解成功 or 调解不成功)
//! no further one is recorded.
//!
//! Everyone who sees the event reads the record. Those who work it keep it while it is
//! open: its unit's grid workers, department staff and unit admins, and the same roles at
//! the unit it was dispatched to (a 司法所 mediating a dispute, say).

use jiff::civil::Date;
use serde_json::json;

use super::read::in_scope;
use crate::auth::Role;
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::disputes::{DisputeItem, NewParty, NewSession, Party, Session};
use crate::db::events::StoredEvent;
use crate::grid::calendar::{day_in_china, parse_day, today_in_china};
use crate::grid::dispute::{self, Outcome, Side, Stage};
use crate::grid::id_number::IdNumber;
use crate::grid::masking::{checked_unmask_reason, mask_id_number, mask_phone};
use crate::grid::resident::is_mobile;
use crate::rules::actor::{Actor, Person};
use crate::rules::error::{FieldProblem, RuleError, RuleResult};
use crate::rules::text;
use crate::state::Ground;

/// Who keeps a dispute's record: the roles that handle events.
const MEDIATORS: [Role; 3] = [Role::GridWorker, Role::DepartmentStaff, Role::UnitAdmin];

/// Parties of one dispute at most: a dispute among a building's households has a dozen;
/// more is a 群体性 matter that is not kept party by party.
pub const MAX_PARTIES: usize = 20;

/// Sessions of one dispute at most.
pub const MAX_SESSIONS: usize = 50;

/// Characters of a party's name.
pub const PARTY_NAME_CHARS: (usize, usize) = (1, 50);

/// Characters of a mediator's name.
pub const MEDIATOR_CHARS: (usize, usize) = (1, 50);

/// Characters of a session's place.
pub const PLACE_CHARS: (usize, usize) = (1, 100);

/// Characters of a session's note.
pub const MAX_SESSION_NOTE_CHARS: usize = 1000;

/// A party as shown: ID number and phone masked unless `unmasked`.
#[derive(Debug, Clone)]
pub struct ShownParty {
    /// The party.
    pub party: Party,
    /// Whether its ID number and phone are as stored.
    pub unmasked: bool,
}

impl ShownParty {
    fn masked(mut party: Party) -> Self {
        party.id_number = party.id_number.as_deref().map(mask_id_number);
        party.phone = party.phone.as_deref().map(mask_phone);
        Self {
            party,
            unmasked: false,
        }
    }
}

/// A dispute event's mediation record.
#[derive(Debug, Clone)]
pub struct Record {
    /// The event.
    pub event: StoredEvent,
    /// The item it was registered as, once named.
    pub item: Option<DisputeItem>,
    /// Its parties, masked.
    pub parties: Vec<ShownParty>,
    /// Its sessions, oldest first.
    pub sessions: Vec<Session>,
    /// Where it stands.
    pub stage: Stage,
    /// Whether a written 调解协议 was signed.
    pub agreement_signed: bool,
    /// Whether the reader may keep it now.
    pub may_keep: bool,
}

/// Every dispute item, by class.
pub async fn items(db: &Db) -> RuleResult<Vec<DisputeItem>> {
    Ok(db.dispute_items().await?)
}

/// Whether `person` keeps `event`'s mediation record now: it is an open dispute and they
/// work it.
pub fn may_keep(person: &Person, event: &StoredEvent) -> bool {
    dispute::is_dispute(&event.category)
        && event.state.is_open()
        && (person.holds_any(&MEDIATORS, &event.unit_code)
            || event
                .handler_unit
                .as_deref()
                .is_some_and(|h| person.holds_any(&MEDIATORS, h)))
}

/// Event `id` if `actor` sees it and it is a dispute.
async fn dispute_event(db: &Db, actor: &Actor<'_>, id: i64) -> RuleResult<StoredEvent> {
    let event = in_scope(db, actor, id).await?;
    if !dispute::is_dispute(&event.category) {
        return Err(RuleError::NotFound(format!(
            "a mediation record of event {id} (it is not a 矛盾纠纷 event)"
        )));
    }
    Ok(event)
}

/// Event `id` if `person` keeps its record now; else why not.
async fn kept_event(db: &Db, person: &Person, id: i64) -> RuleResult<StoredEvent> {
    let event = dispute_event(db, &Actor::Person(person), id).await?;
    if !event.state.is_open() {
        return Err(RuleError::Conflict(format!(
            "the event is {} ({}): a mediation record is kept while the event is open",
            event.state.name(),
            event.state.name_zh()
        )));
    }
    if !may_keep(person, &event) {
        return Err(RuleError::Forbidden(format!(
            "keeping the mediation record of event {id} needs the grid-worker, \
             department-staff or unit-admin role at its unit or the unit handling it"
        )));
    }
    Ok(event)
}

/// Where the mediation of event `id` stands, from its sessions.
async fn stage_of(db: &Db, id: i64) -> RuleResult<Stage> {
    let sessions = db.mediation_sessions(id).await?;
    Ok(dispute::stage(sessions.iter().map(|s| s.outcome)))
}

/// Party `party` of event `id`, or `NotFound`.
async fn party_of(db: &Db, id: i64, party: i64) -> RuleResult<Party> {
    db.dispute_parties(id)
        .await?
        .into_iter()
        .find(|p| p.id == party)
        .ok_or_else(|| RuleError::NotFound(format!("party {party} of event {id}")))
}

/// The record of `event` as `person` reads it.
async fn assemble(db: &Db, person: &Person, event: StoredEvent) -> RuleResult<Record> {
    let item = db.dispute_case_item(event.id).await?;
    let parties = db.dispute_parties(event.id).await?;
    let sessions = db.mediation_sessions(event.id).await?;
    let stage = dispute::stage(sessions.iter().map(|s| s.outcome));
    Ok(Record {
        may_keep: may_keep(person, &event),
        agreement_signed: sessions.iter().any(|s| s.agreement_signed),
        item,
        parties: parties.into_iter().map(ShownParty::masked).collect(),
        sessions,
        stage,
        event,
    })
}

/// The mediation record of event `id`, for anyone who sees the event.
pub async fn record(db: &Db, person: &Person, id: i64) -> RuleResult<Record> {
    let event = dispute_event(db, &Actor::Person(person), id).await?;
    assemble(db, person, event).await
}

/// The record of `event` (already read and checked by the caller), for a page.
pub async fn record_of(db: &Db, person: &Person, event: &StoredEvent) -> RuleResult<Record> {
    assemble(db, person, event.clone()).await
}

/// Registers event `id` as item `code` of its class.
pub async fn set_item(ground: &Ground, person: &Person, id: i64, code: &str) -> RuleResult<Record> {
    let db = &ground.db;
    let event = kept_event(db, person, id).await?;
    let code = code.trim();
    let item = match db.dispute_item(code).await? {
        Some(item) if item.category == event.category => item,
        Some(item) => {
            return Err(RuleError::invalid(
                "item",
                format!(
                    "`{code}` ({}) is an item of {}, not of this event's class {}",
                    item.name, item.category, event.category
                ),
            ));
        }
        None => {
            return Err(RuleError::invalid(
                "item",
                format!(
                    "`{code}` is not a dispute item: GET /api/dispute-items lists them by class"
                ),
            ));
        }
    };
    db.set_dispute_item(id, &item.code, &person.actor_name())
        .await?;
    assemble(db, person, event).await
}

/// A party as a form or request gives it.
#[derive(Debug, Clone, Copy, Default)]
pub struct PartyInput<'a> {
    /// `applicant` or `respondent`.
    pub side: &'a str,
    /// Name.
    pub name: &'a str,
    /// ID number, may be empty.
    pub id_number: &'a str,
    /// Mobile number, may be empty.
    pub phone: &'a str,
}

/// `input` checked: every wrong field at once.
fn checked_party(
    input: PartyInput<'_>,
    today: Date,
) -> RuleResult<(Side, String, Option<String>, Option<String>)> {
    let mut problems = Vec::new();
    let side = Side::parse(input.side.trim());
    if side.is_none() {
        problems.push((
            "side",
            "expected `applicant` (申请人) or `respondent` (被申请人)".to_owned(),
        ));
    }
    let name = match text::within("name", input.name, PARTY_NAME_CHARS.0, PARTY_NAME_CHARS.1) {
        Ok(name) => name.to_owned(),
        Err(error) => {
            problems.push(("name", problem_of(error)));
            String::new()
        }
    };
    let id_number = match input.id_number.trim() {
        "" => None,
        text => match IdNumber::parse(text, today) {
            Ok(number) => Some(number.as_str().to_owned()),
            Err(error) => {
                problems.push(("id_number", error.to_string()));
                None
            }
        },
    };
    let phone = match input.phone.trim() {
        "" => None,
        phone if is_mobile(phone) => Some(phone.to_owned()),
        phone => {
            problems.push((
                "phone",
                format!("`{phone}`: expected an 11-digit mobile number starting with 1"),
            ));
            None
        }
    };
    match (side, problems.is_empty()) {
        (Some(side), true) => Ok((side, name, id_number, phone)),
        _ => Err(invalid_fields(problems)),
    }
}

/// The wrong fields of a form or request, as one refusal.
fn invalid_fields(problems: Vec<(&'static str, String)>) -> RuleError {
    RuleError::InvalidFields(
        problems
            .into_iter()
            .map(|(field, problem)| FieldProblem {
                row: None,
                field,
                problem,
            })
            .collect(),
    )
}

/// What a text check found wrong, without its field.
fn problem_of(error: RuleError) -> String {
    match error {
        RuleError::Invalid { problem, .. } => problem,
        other => other.to_string(),
    }
}

/// Checks `input` as [`add_party`] would, storing nothing: a form that reports a dispute
/// with its parties checks them before the event is stored.
pub fn check_party(input: PartyInput<'_>) -> RuleResult<()> {
    checked_party(input, today_in_china()).map(|_| ())
}

/// Adds a party to event `id` while its mediation has not concluded, audited
/// `dispute.party_added` (the ID number masked there).
pub async fn add_party(
    ground: &Ground,
    person: &Person,
    id: i64,
    input: PartyInput<'_>,
) -> RuleResult<Record> {
    let db = &ground.db;
    let event = kept_event(db, person, id).await?;
    let (side, name, id_number, phone) = checked_party(input, today_in_china())?;
    if stage_of(db, id).await?.is_concluded() {
        return Err(RuleError::Conflict(format!(
            "the mediation of event {id} has concluded: its parties are as they were"
        )));
    }
    if db.dispute_parties(id).await?.len() >= MAX_PARTIES {
        return Err(RuleError::Conflict(format!(
            "event {id} has {MAX_PARTIES} parties, the most one dispute keeps"
        )));
    }
    let by = person.actor_name();
    let party = db
        .add_dispute_party(
            id,
            NewParty {
                side,
                name: &name,
                id_number: id_number.as_deref(),
                phone: phone.as_deref(),
            },
            &by,
        )
        .await?;
    db.audit(AuditEntry {
        actor: &by,
        action: "dispute.party_added",
        subject: &format!("event:{id}"),
        unit_code: Some(&event.unit_code),
        detail: json!({
            "party": party,
            "side": side.name(),
            "name": name,
            "id_number": id_number.as_deref().map(mask_id_number),
        }),
    })
    .await?;
    assemble(db, person, event).await
}

/// Removes party `party` from event `id` (one added by mistake), audited
/// `dispute.party_removed`; not once the mediation concluded.
pub async fn remove_party(
    ground: &Ground,
    person: &Person,
    id: i64,
    party: i64,
) -> RuleResult<Record> {
    let db = &ground.db;
    let event = kept_event(db, person, id).await?;
    if stage_of(db, id).await?.is_concluded() {
        return Err(RuleError::Conflict(format!(
            "the mediation of event {id} has concluded: its parties stay on record"
        )));
    }
    let removed = party_of(db, id, party).await?;
    if !db.remove_dispute_party(id, party).await? {
        return Err(RuleError::NotFound(format!("party {party} of event {id}")));
    }
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "dispute.party_removed",
        subject: &format!("event:{id}"),
        unit_code: Some(&event.unit_code),
        detail: json!({ "party": party, "side": removed.side.name(), "name": removed.name }),
    })
    .await?;
    assemble(db, person, event).await
}

/// Party `party` of event `id` unmasked, for `reason`, audited `dispute.party_unmasked`:
/// holders of the sensitive-data grant over the event's unit. Someone who cannot see the
/// event learns nothing.
pub async fn unmask_party(
    db: &Db,
    person: &Person,
    id: i64,
    party: i64,
    reason: &str,
) -> RuleResult<ShownParty> {
    let reason =
        checked_unmask_reason(reason).map_err(|problem| RuleError::invalid("reason", problem))?;
    let event = dispute_event(db, &Actor::Person(person), id).await?;
    let found = party_of(db, id, party).await?;
    if !person
        .grants
        .has_role_at(Role::SensitiveData, &event.unit_code)
    {
        return Err(RuleError::Forbidden(
            "reading ID numbers and phones unmasked needs the sensitive-data grant for this unit"
                .into(),
        ));
    }
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "dispute.party_unmasked",
        subject: &format!("event:{id}"),
        unit_code: Some(&event.unit_code),
        detail: json!({ "party": party, "reason": reason }),
    })
    .await?;
    Ok(ShownParty {
        party: found,
        unmasked: true,
    })
}

/// A mediation session as a form or request gives it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionInput<'a> {
    /// `YYYY-MM-DD`.
    pub held_on: &'a str,
    /// 调解员.
    pub mediator: &'a str,
    /// 调解地点.
    pub place: &'a str,
    /// `agreed`, `partial`, `adjourned` or `failed`.
    pub outcome: &'a str,
    /// Whether a written 调解协议 was signed (only with `agreed`).
    pub agreement_signed: bool,
    /// What happened, may be empty.
    pub note: &'a str,
}

/// `input` checked against `event` and `today`: every wrong field at once.
fn checked_session<'a>(
    event: &StoredEvent,
    input: SessionInput<'a>,
    today: Date,
) -> RuleResult<NewSession<'a>> {
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let reported = day_in_china(event.reported_at);
    let held_on = input.held_on.trim();
    match parse_day(held_on) {
        None => problems.push((
            "held_on",
            format!("`{held_on}`: expected a day, YYYY-MM-DD"),
        )),
        Some(day) if day > today => {
            problems.push((
                "held_on",
                format!("{day} is after today ({today}): record a session once it was held"),
            ));
        }
        Some(day) if reported.is_some_and(|r| day < r) => problems.push((
            "held_on",
            format!(
                "{day} is before the event was reported ({})",
                reported.map(|r| r.to_string()).unwrap_or_default()
            ),
        )),
        Some(_) => {}
    }
    let mut text_field =
        |field: &'static str, value: &'a str, (min, max): (usize, usize)| match text::within(
            field, value, min, max,
        ) {
            Ok(kept) => kept,
            Err(error) => {
                problems.push((field, problem_of(error)));
                ""
            }
        };
    let mediator = text_field("mediator", input.mediator, MEDIATOR_CHARS);
    let place = text_field("place", input.place, PLACE_CHARS);
    let note = text_field("note", input.note, (0, MAX_SESSION_NOTE_CHARS));
    let outcome = Outcome::parse(input.outcome.trim());
    if outcome.is_none() {
        problems.push((
            "outcome",
            "expected `agreed` (调解成功), `partial` (部分达成), `adjourned` (择期再调) or `failed` (调解不成功)".to_owned(),
        ));
    }
    if input.agreement_signed && outcome.is_some_and(|o| o != Outcome::Agreed) {
        problems.push((
            "agreement_signed",
            "a 调解协议 is signed only when the parties agreed (`outcome`: `agreed`)".to_owned(),
        ));
    }
    match outcome {
        Some(outcome) if problems.is_empty() => Ok(NewSession {
            held_on,
            mediator,
            place,
            outcome,
            agreement_signed: input.agreement_signed,
            note,
        }),
        _ => Err(invalid_fields(problems)),
    }
}

/// The timeline's words for `session`.
pub fn timeline_note(session: &NewSession<'_>) -> String {
    let mut note = format!(
        "{} 于{}调解（调解员 {}）：{}",
        session.held_on,
        session.place,
        session.mediator,
        session.outcome.name_zh()
    );
    if session.agreement_signed {
        note.push_str("，签订书面调解协议");
    }
    if !session.note.is_empty() {
        note.push('；');
        note.push_str(session.note);
    }
    note
}

/// Records a mediation session on event `id`: the parties of both sides are on record,
/// the mediation has not concluded.
pub async fn record_session(
    ground: &Ground,
    person: &Person,
    id: i64,
    input: SessionInput<'_>,
) -> RuleResult<Record> {
    let db = &ground.db;
    let event = kept_event(db, person, id).await?;
    let new = checked_session(&event, input, today_in_china())?;
    let parties = db.dispute_parties(id).await?;
    if !Side::all().all(|side| parties.iter().any(|p| p.side == side)) {
        return Err(RuleError::Conflict(format!(
            "record the parties of both sides (申请人 and 被申请人) of event {id} before a session"
        )));
    }
    let sessions = db.mediation_sessions(id).await?;
    let stage = dispute::stage(sessions.iter().map(|s| s.outcome));
    if stage.is_concluded() {
        return Err(RuleError::Conflict(format!(
            "the mediation of event {id} has concluded ({}): no further session is recorded",
            stage.name_zh()
        )));
    }
    if sessions.len() >= MAX_SESSIONS {
        return Err(RuleError::Conflict(format!(
            "event {id} has {MAX_SESSIONS} sessions, the most one dispute keeps"
        )));
    }
    if !db
        .record_mediation_session(&event, new, &person.actor_name(), &timeline_note(&new))
        .await?
    {
        return Err(RuleError::Conflict(format!(
            "the mediation of event {id} was concluded a moment ago"
        )));
    }
    assemble(db, person, event).await
}

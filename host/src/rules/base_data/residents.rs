//! 实有人口 as people read and keep them: a unit's residents page by page and searched (by
//! name, ID number, phone or address) with ID numbers and phones masked; one record
//! unmasked for holders of the sensitive-data grant, with a stated reason that goes to the
//! audit log; and the record kept: registered (登记), edited, moved to another grid, house
//! or household (迁移) and closed (注销) as moved out or deceased, each checked as the import
//! checks a row, saved only at the version it was read, written to its history and
//! announced to the plugins that subscribed.

use jiff::civil::Date;
use serde_json::{Value, json};

use super::Saved;
use super::history::{self, Change, Snapshot};
use crate::auth::{BASE_DATA_ROLES, Role};
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::resident_upkeep::{SearchKey, UnitNote};
use crate::db::residents::{Closure, Living, StoredResident};
use crate::grid::address::address_key;
use crate::grid::calendar::{parse_day, today_in_china};
use crate::grid::masking::{checked_unmask_reason, mask_id_number, mask_phone};
use crate::grid::resident::{ResidentFields, gender_name, validate_resident};
use crate::grid::unit_code::level_of;
use crate::grid::unit_import::RowProblem;
use crate::plugins::hooks::{Notice, ResidentChange};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::{cursor_after, next_cursor};
use crate::state::Ground;

/// A resident as shown, the sensitive fields masked unless the read was an audited unmask.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The record.
    pub resident: StoredResident,
    /// Whether `resident.id_number` and `resident.phone` are as stored.
    pub unmasked: bool,
}

impl Shown {
    /// `resident` with its ID number and phone masked.
    pub fn masked(mut resident: StoredResident) -> Self {
        resident.id_number = mask_id_number(&resident.id_number);
        resident.phone = resident.phone.as_deref().map(mask_phone);
        Self {
            resident,
            unmasked: false,
        }
    }
}

/// One page of `unit`'s living residents, masked, and the next page's cursor.
pub async fn page(
    db: &Db,
    person: &Person,
    unit: &str,
    after: Option<&str>,
    limit: i64,
) -> RuleResult<(Vec<Shown>, Option<String>)> {
    person.require(&BASE_DATA_ROLES, unit, "listing residents")?;
    let after = cursor_after(after)?;
    let rows = db.residents_under(unit, after, limit).await?;
    let next = next_cursor(
        rows.len(),
        limit,
        rows.last().map(|r| (r.grid_code.as_str(), r.id)),
    );
    Ok((rows.into_iter().map(Shown::masked).collect(), next))
}

/// What a search looks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchBy {
    /// The start of the name.
    Name,
    /// The whole ID number (the search is audited; the answer stays masked).
    IdNumber,
    /// The whole phone number.
    Phone,
    /// The start of the house's standard address, in any of its common spellings.
    Address,
}

impl SearchBy {
    /// Every key with its name in the API.
    pub const ALL: [(Self, &'static str); 4] = [
        (Self::Name, "name"),
        (Self::IdNumber, "id_number"),
        (Self::Phone, "phone"),
        (Self::Address, "address"),
    ];

    /// The key named `name` in the API.
    pub fn parse(name: &str) -> RuleResult<Self> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(by, _)| *by)
            .ok_or_else(|| {
                RuleError::invalid("by", "expected one of name, id_number, phone, address")
            })
    }

    /// The key a search text looks like when none is named: an ID number's 18 characters,
    /// a mobile number's 11 digits, else a name.
    pub fn guess(text: &str) -> Self {
        let digits = text.bytes().all(|b| b.is_ascii_digit());
        if text.len() == 18
            && text.as_bytes()[..17].iter().all(u8::is_ascii_digit)
            && matches!(text.as_bytes()[17], b'0'..=b'9' | b'X' | b'x')
        {
            Self::IdNumber
        } else if digits && text.len() == 11 && text.starts_with('1') {
            Self::Phone
        } else {
            Self::Name
        }
    }
}

/// Characters of a search text at most.
pub const MAX_QUERY_CHARS: usize = 100;

/// A search of `unit`'s living residents for `text` by `by` (guessed from the text when
/// not named), masked, with the next page's cursor. A search by ID number is audited
/// `residents.searched_by_id_number` (the number masked there); finding a person by their
/// whole ID number is as sensitive as reading it.
pub async fn search(
    db: &Db,
    person: &Person,
    unit: &str,
    text: &str,
    by: Option<SearchBy>,
    after: Option<&str>,
    limit: i64,
) -> RuleResult<(Vec<Shown>, Option<String>)> {
    person.require(&BASE_DATA_ROLES, unit, "searching residents")?;
    let text = crate::rules::text::within("q", text, 1, MAX_QUERY_CHARS)?;
    let by = by.unwrap_or_else(|| SearchBy::guess(text));
    let after = cursor_after(after)?.map(|(_, id)| id);
    let upper = text.to_ascii_uppercase();
    let key_text = address_key(text);
    let key = match by {
        SearchBy::Name => SearchKey::NamePrefix(text),
        SearchBy::IdNumber => SearchKey::IdNumber(&upper),
        SearchBy::Phone => SearchKey::Phone(text),
        SearchBy::Address => SearchKey::AddressPrefix(&key_text),
    };
    let rows = db
        .search_residents(unit, key, Living::Only, after, limit)
        .await?;
    if by == SearchBy::IdNumber {
        db.audit(AuditEntry {
            actor: &person.actor_name(),
            action: "residents.searched_by_id_number",
            subject: &format!("unit:{unit}"),
            unit_code: Some(unit),
            detail: json!({ "id_number": mask_id_number(&upper), "rows": rows.len() }),
        })
        .await?;
    }
    let next = next_cursor(
        rows.len(),
        limit,
        rows.last().map(|r| (r.grid_code.as_str(), r.id)),
    );
    Ok((rows.into_iter().map(Shown::masked).collect(), next))
}

/// Resident `id` for someone who keeps the base data of its grid, or `NotFound` (the same
/// for a record that does not exist and one outside their units).
async fn kept(db: &Db, person: &Person, id: i64) -> RuleResult<StoredResident> {
    match db.resident(id).await? {
        Some(resident) if person.holds_any(&BASE_DATA_ROLES, &resident.grid_code) => Ok(resident),
        _ => Err(RuleError::NotFound(format!("resident {id}"))),
    }
}

/// Resident `id`, masked: living or closed, for those who keep its grid's base data.
pub async fn get(db: &Db, person: &Person, id: i64) -> RuleResult<Shown> {
    Ok(Shown::masked(kept(db, person, id).await?))
}

/// The history of resident `id`, newest first: every change with its fields before and
/// after, and every audited read of it.
pub async fn history(
    db: &Db,
    person: &Person,
    id: i64,
) -> RuleResult<Vec<crate::db::audit::AuditRow>> {
    kept(db, person, id).await?;
    history::of(db, &format!("resident:{id}")).await
}

/// Resident `id` unmasked, for `reason` (`grid::masking::checked_unmask_reason`),
/// audited `resident.unmasked`. Someone who cannot see the resident at all learns nothing,
/// not even that the record exists.
pub async fn unmask(db: &Db, person: &Person, id: i64, reason: &str) -> RuleResult<Shown> {
    let reason =
        checked_unmask_reason(reason).map_err(|problem| RuleError::invalid("reason", problem))?;
    let not_found = || RuleError::NotFound(format!("resident {id}"));
    let resident = db.resident(id).await?.ok_or_else(not_found)?;
    if !person.grants.reaches(&resident.grid_code) {
        return Err(not_found());
    }
    if !person
        .grants
        .has_role_at(Role::SensitiveData, &resident.grid_code)
    {
        return Err(RuleError::Forbidden(
            "reading ID numbers and phones unmasked needs the sensitive-data grant for this unit"
                .into(),
        ));
    }
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "resident.unmasked",
        subject: &format!("resident:{id}"),
        unit_code: Some(&resident.grid_code),
        detail: json!({ "reason": reason }),
    })
    .await?;
    Ok(Shown {
        resident,
        unmasked: true,
    })
}

/// A resident's own fields, as a form or a request gives them: checked together by
/// `grid::resident::validate_resident`, as the import checks a row.
#[derive(Debug, Clone, Default)]
pub struct PersonFields {
    /// 姓名.
    pub name: String,
    /// `male`/`female` or 男/女.
    pub gender: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// The GB 11643 ID number.
    pub id_number: String,
    /// An 11-digit mobile number, or empty for none.
    pub phone: String,
    /// `registered`, `floating`, `left-behind`, `foreign` or 户籍, 流动, 留守, 境外.
    pub population_type: String,
    /// Tags.
    pub tags: Vec<String>,
}

impl PersonFields {
    /// The fields of `resident` as stored.
    pub fn of(resident: &StoredResident) -> Self {
        Self {
            name: resident.name.clone(),
            gender: resident.gender.clone(),
            birth_date: resident.birth_date.clone(),
            id_number: resident.id_number.clone(),
            phone: resident.phone.clone().unwrap_or_default(),
            population_type: resident.population_type.clone(),
            tags: resident.tags.clone(),
        }
    }
}

/// Tags a resident carries at most, and characters of one.
pub const MAX_TAGS: usize = 20;
/// Characters of one tag at most.
pub const MAX_TAG_CHARS: usize = 32;

/// Checks `fields` for a resident of `grid_code` and writes them over `into` (stored
/// names: `male`, `registered` …). Every problem is named, not only the first.
fn apply_fields(
    fields: &PersonFields,
    grid_code: &str,
    today: Date,
    into: &mut StoredResident,
) -> RuleResult<()> {
    let mut problems = Vec::new();
    // Counted and measured as given, blank ones too; then trimmed, blank ones dropped.
    if fields.tags.len() > MAX_TAGS
        || fields
            .tags
            .iter()
            .any(|t| t.chars().count() > MAX_TAG_CHARS || t.contains('|'))
    {
        problems.push(RowProblem {
            row: 0,
            field: "tags",
            problem: format!(
                "expected at most {MAX_TAGS} tags of at most {MAX_TAG_CHARS} characters, without `|`"
            ),
        });
    }
    let tags: Vec<&str> = fields
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let joined = tags.join("|");
    let row = ResidentFields {
        name: &fields.name,
        gender: &fields.gender,
        birth_date: &fields.birth_date,
        id_number: &fields.id_number,
        phone: &fields.phone,
        population_type: &fields.population_type,
        grid_code,
        tags: &joined,
    };
    match validate_resident(0, &row, today) {
        Ok(valid) if problems.is_empty() => {
            into.name = valid.name;
            into.gender = gender_name(valid.gender).to_owned();
            into.birth_date = valid.birth_date.to_string();
            into.id_number = valid.id_number.as_str().to_owned();
            into.phone = valid.phone;
            into.population_type = valid.population_type.name().to_owned();
            into.grid_code = valid.grid_code;
            into.tags = valid.tags;
            Ok(())
        }
        Ok(_) => Err(RuleError::fields(problems)),
        Err(found) => {
            problems.extend(found);
            Err(RuleError::fields(problems))
        }
    }
}

/// The record's fields as its history compares them (masked when written).
pub fn snapshot(r: &StoredResident) -> Snapshot {
    vec![
        ("name", json!(r.name)),
        ("gender", json!(r.gender)),
        ("birth_date", json!(r.birth_date)),
        ("id_number", json!(r.id_number)),
        ("phone", json!(r.phone)),
        ("population_type", json!(r.population_type)),
        ("grid_code", json!(r.grid_code)),
        ("tags", json!(r.tags)),
        ("household_id", json!(r.household_id)),
        ("household_relation", json!(r.household_relation)),
        ("house_id", json!(r.house_id)),
        ("closed_reason", json!(r.closed.as_ref().map(|c| &c.reason))),
        ("closed_on", json!(r.closed.as_ref().map(|c| &c.on))),
    ]
}

/// A household relation as stored: `head` for the head (户主), else as written, 1 to 16
/// characters.
pub fn relation_name(text: &str) -> RuleResult<String> {
    let relation = crate::rules::text::within("household_relation", text, 1, 16)?;
    Ok(match relation {
        "户主" | "head" => "head".to_owned(),
        other => other.to_owned(),
    })
}

/// Where a resident lives: a house and a household (with the relation to its head) of
/// their grid, each optional.
#[derive(Debug, Clone, Default)]
pub struct Dwelling {
    /// The house (实有房屋).
    pub house_id: Option<i64>,
    /// The household (户) and the relation to its head.
    pub household: Option<(i64, String)>,
}

/// Checks that `dwelling` lies in `grid_code` (a house or household elsewhere, or none
/// with that id, is a bad field) and writes it over `into`.
async fn apply_dwelling(
    db: &Db,
    dwelling: &Dwelling,
    grid_code: &str,
    into: &mut StoredResident,
) -> RuleResult<()> {
    if let Some(house_id) = dwelling.house_id {
        match db.house(house_id).await? {
            Some(house) if house.grid_code == grid_code => {}
            _ => {
                return Err(RuleError::invalid(
                    "house_id",
                    format!("no house {house_id} in grid {grid_code}"),
                ));
            }
        }
    }
    into.house_id = dwelling.house_id;
    match &dwelling.household {
        None => {
            into.household_id = None;
            into.household_relation = None;
        }
        Some((household_id, relation)) => {
            let relation = relation_name(relation)?;
            match db.household(*household_id).await? {
                Some(household) if household.grid_code == grid_code => {
                    let other_head = household
                        .head_resident_id
                        .is_some_and(|head| head != into.id);
                    if relation == "head" && other_head {
                        return Err(RuleError::invalid(
                            "household_relation",
                            "the household has a head; change the head on the household's page",
                        ));
                    }
                }
                _ => {
                    return Err(RuleError::invalid(
                        "household_id",
                        format!("no household {household_id} in grid {grid_code}"),
                    ));
                }
            }
            into.household_id = Some(*household_id);
            into.household_relation = Some(relation);
        }
    }
    Ok(())
}

/// Refuses an ID number another record already has.
async fn refuse_taken_id_number(db: &Db, resident: &StoredResident) -> RuleResult<()> {
    let taken = db
        .residents_by_id_number(&[resident.id_number.as_str()])
        .await?;
    match taken.iter().find(|other| other.id != resident.id) {
        None => Ok(()),
        Some(other) => Err(RuleError::invalid(
            "id_number",
            if other.closed.is_some() {
                "a resident with this ID number is registered (a closed record)"
            } else {
                "a resident with this ID number is already registered"
            },
        )),
    }
}

/// Refuses the grid `grid_code` unless `person` keeps its base data. Outside their units
/// the answer is the same whether or not the grid exists; inside, a code that is no grid
/// is a bad field.
async fn require_grid(db: &Db, person: &Person, grid_code: &str) -> RuleResult<()> {
    if !person.holds_any(&BASE_DATA_ROLES, grid_code) {
        return Err(RuleError::Forbidden(format!(
            "you keep no base data at unit {grid_code}"
        )));
    }
    let is_grid = level_of(grid_code).is_ok_and(|level| level == wangge_registry::Level::Grid);
    if !is_grid || db.unit(grid_code).await?.is_none() {
        return Err(RuleError::invalid(
            "grid_code",
            format!("`{grid_code}` is not a grid"),
        ));
    }
    Ok(())
}

/// A resident to register.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// Their own fields.
    pub fields: PersonFields,
    /// The grid that keeps them.
    pub grid_code: String,
    /// Where they live.
    pub dwelling: Dwelling,
}

/// Registers a resident (登记) on behalf of `person`, who keeps the grid's base data:
/// every field checked as the import checks it, the ID number unique. Audited
/// `resident.registered` with every field (the record's first history row) and announced
/// `added`.
pub async fn register(ground: &Ground, person: &Person, new: &Registration) -> RuleResult<Shown> {
    let db = &ground.db;
    let grid_code = new.grid_code.trim();
    require_grid(db, person, grid_code).await?;
    let mut resident = StoredResident {
        id: 0,
        name: String::new(),
        gender: String::new(),
        birth_date: String::new(),
        id_number: String::new(),
        phone: None,
        population_type: String::new(),
        grid_code: grid_code.to_owned(),
        tags: Vec::new(),
        household_id: None,
        household_relation: None,
        house_id: None,
        version: 1,
        closed: None,
        verified_at: None,
    };
    apply_fields(&new.fields, grid_code, today_in_china(), &mut resident)?;
    apply_dwelling(db, &new.dwelling, grid_code, &mut resident).await?;
    refuse_taken_id_number(db, &resident).await?;
    let id = db.insert_resident(&resident, None).await?;
    let stored = db
        .resident(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("resident {id} vanished after its insert"))?;
    history::record(
        db,
        Change {
            actor: &person.actor_name(),
            action: "resident.registered",
            subject: &format!("resident:{id}"),
            unit_code: grid_code,
        },
        &Vec::new(),
        &snapshot(&stored),
        Value::Null,
    )
    .await?;
    ground.hooks.announce(Notice::ResidentChanged {
        change: ResidentChange::Added,
        resident_id: id,
        left: None,
    });
    Ok(Shown::masked(stored))
}

/// An edit of a living resident's record, made at `version` (the one read): each field
/// given is changed, each left out stays as stored.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    /// The version the editor read.
    pub version: i64,
    /// 姓名.
    pub name: Option<String>,
    /// 性别.
    pub gender: Option<String>,
    /// 出生日期.
    pub birth_date: Option<String>,
    /// 身份证号.
    pub id_number: Option<String>,
    /// 电话; `Some("")` clears it.
    pub phone: Option<String>,
    /// 人口类型.
    pub population_type: Option<String>,
    /// Tags, all of them.
    pub tags: Option<Vec<String>>,
    /// The house (`Some(None)` for none), of the resident's grid.
    pub house_id: Option<Option<i64>>,
    /// The household and the relation to its head (`Some(None)` for none), of the
    /// resident's grid.
    pub household: Option<Option<(i64, String)>>,
}

impl Edit {
    /// `stored`'s fields and dwelling with the edit's written over them.
    fn over(&self, stored: &StoredResident) -> (PersonFields, Dwelling) {
        let mut fields = PersonFields::of(stored);
        let take = |field: &mut String, given: &Option<String>| {
            if let Some(given) = given {
                field.clone_from(given);
            }
        };
        take(&mut fields.name, &self.name);
        take(&mut fields.gender, &self.gender);
        take(&mut fields.birth_date, &self.birth_date);
        take(&mut fields.id_number, &self.id_number);
        take(&mut fields.phone, &self.phone);
        take(&mut fields.population_type, &self.population_type);
        if let Some(tags) = &self.tags {
            fields.tags.clone_from(tags);
        }
        let household = stored
            .household_id
            .map(|id| (id, stored.household_relation.clone().unwrap_or_default()));
        let dwelling = Dwelling {
            house_id: self.house_id.unwrap_or(stored.house_id),
            household: self.household.clone().unwrap_or(household),
        };
        (fields, dwelling)
    }
}

/// The record as it stands, for a refused save.
async fn current(db: &Db, id: i64) -> RuleResult<Shown> {
    db.resident(id)
        .await?
        .map(Shown::masked)
        .ok_or_else(|| RuleError::NotFound(format!("resident {id}")))
}

/// Saves `after` over `before` at `before`'s version, writes the history row and
/// announces the change; `Stale` (nothing written) when someone saved first.
async fn save(
    ground: &Ground,
    person: &Person,
    before: &StoredResident,
    after: &StoredResident,
    action: &str,
    note: Option<UnitNote<'_>>,
    extra: Value,
) -> RuleResult<Saved<Shown>> {
    let db = &ground.db;
    if !db.save_resident(after, None, note).await? {
        return Ok(Saved::Stale(current(db, before.id).await?));
    }
    history::record(
        db,
        Change {
            actor: &person.actor_name(),
            action,
            subject: &format!("resident:{}", before.id),
            unit_code: &after.grid_code,
        },
        &snapshot(before),
        &snapshot(after),
        extra,
    )
    .await?;
    let (change, left) = match (&after.closed, before.grid_code != after.grid_code) {
        (Some(_), _) => (ResidentChange::Removed, None),
        (None, true) => (ResidentChange::Updated, Some(before.grid_code.clone())),
        (None, false) => (ResidentChange::Updated, None),
    };
    ground.hooks.announce(Notice::ResidentChanged {
        change,
        resident_id: before.id,
        left,
    });
    Ok(Saved::Done(current(db, before.id).await?))
}

/// A living resident `id` that `person` keeps, read for a change made at `version`:
/// `Err(Stale)` when the record moved past that version already.
async fn for_change(
    db: &Db,
    person: &Person,
    id: i64,
    version: i64,
) -> RuleResult<Result<StoredResident, Shown>> {
    let stored = kept(db, person, id).await?;
    if stored.closed.is_some() {
        return Err(RuleError::Conflict(format!(
            "resident {id}'s record is closed; it is kept as it was"
        )));
    }
    if stored.version != version {
        return Ok(Err(Shown::masked(stored)));
    }
    Ok(Ok(stored))
}

/// Edits a living resident's record on behalf of `person`: the fields checked as the
/// import checks them, the house and household within the resident's grid. Audited
/// `resident.updated` with the fields changed; announced `updated` when something did.
pub async fn edit(
    ground: &Ground,
    person: &Person,
    id: i64,
    edit: &Edit,
) -> RuleResult<Saved<Shown>> {
    let db = &ground.db;
    let before = match for_change(db, person, id, edit.version).await? {
        Ok(stored) => stored,
        Err(current) => return Ok(Saved::Stale(current)),
    };
    let mut after = before.clone();
    let (fields, dwelling) = edit.over(&before);
    apply_fields(&fields, &before.grid_code, today_in_china(), &mut after)?;
    apply_dwelling(db, &dwelling, &before.grid_code, &mut after).await?;
    if after == before {
        return Ok(Saved::Done(Shown::masked(before)));
    }
    if after.id_number != before.id_number {
        refuse_taken_id_number(db, &after).await?;
    }
    save(
        ground,
        person,
        &before,
        &after,
        "resident.updated",
        None,
        Value::Null,
    )
    .await
}

/// A move (迁移) to another grid, house or household, made at `version`.
#[derive(Debug, Clone)]
pub struct Move {
    /// The version the mover read.
    pub version: i64,
    /// The grid they now live in (their own, to change only the house or household).
    pub grid_code: String,
    /// Where in it.
    pub dwelling: Dwelling,
}

/// Moves a living resident on behalf of `person`, who must keep the base data of both
/// grids. A grid outside their units is refused with the same words whether or not it
/// exists. The receiving grid's workers are told in its inbox, in the same transaction.
/// Audited `resident.moved`; announced `updated` (and `removed` to the installations that
/// covered the old grid but not the new).
pub async fn relocate(
    ground: &Ground,
    person: &Person,
    id: i64,
    to: &Move,
) -> RuleResult<Saved<Shown>> {
    let db = &ground.db;
    let grid_code = to.grid_code.trim();
    // The destination is checked first, so nothing about the resident is said to someone
    // who may not move anyone there.
    require_grid(db, person, grid_code).await?;
    let before = match for_change(db, person, id, to.version).await? {
        Ok(stored) => stored,
        Err(current) => return Ok(Saved::Stale(current)),
    };
    let mut after = before.clone();
    after.grid_code = grid_code.to_owned();
    apply_dwelling(db, &to.dwelling, grid_code, &mut after).await?;
    if after == before {
        return Ok(Saved::Done(Shown::masked(before)));
    }
    let title = format!("居民迁入：{}", before.name);
    let body = format!(
        "{}（身份证号 {}）由网格 {} 迁入本网格，请核实其住址与联系方式。",
        before.name,
        mask_id_number(&before.id_number),
        before.grid_code
    );
    let note = (before.grid_code != after.grid_code).then_some(UnitNote {
        unit_code: grid_code,
        title: &title,
        body: &body,
    });
    let extra = json!({ "from_grid": before.grid_code });
    let saved = save(
        ground,
        person,
        &before,
        &after,
        "resident.moved",
        note,
        extra,
    )
    .await?;
    if let Saved::Done(_) = &saved
        && before.grid_code != after.grid_code
    {
        super::special_populations::follow_move(db, person, &after, &before.grid_code).await?;
    }
    Ok(saved)
}

/// Why a record is closed.
const CLOSE_REASONS: [(&str, &str); 2] = [("moved-out", "迁出"), ("deceased", "死亡")];

/// A closing (注销), made at `version`.
#[derive(Debug, Clone)]
pub struct Close {
    /// The version the closer read.
    pub version: i64,
    /// `moved-out` (迁出) or `deceased` (死亡).
    pub reason: String,
    /// When it happened (`YYYY-MM-DD`), not before the birth date nor after today.
    pub on: String,
}

/// Closes a living resident's record on behalf of `person`: kept, no longer counted or
/// offered to plugins as living; their open special-population records are closed with
/// it. Audited `resident.closed`; announced `removed`.
pub async fn close(
    ground: &Ground,
    person: &Person,
    id: i64,
    close: &Close,
) -> RuleResult<Saved<Shown>> {
    let db = &ground.db;
    let reason = CLOSE_REASONS
        .iter()
        .find(|(name, zh)| *name == close.reason.trim() || *zh == close.reason.trim())
        .map(|(name, _)| *name)
        .ok_or_else(|| {
            RuleError::invalid("reason", "expected moved-out (迁出) or deceased (死亡)")
        })?;
    let on = parse_day(&close.on)
        .ok_or_else(|| RuleError::invalid("on", "expected a date YYYY-MM-DD"))?;
    if on > today_in_china() {
        return Err(RuleError::invalid("on", "expected a date not after today"));
    }
    let before = match for_change(db, person, id, close.version).await? {
        Ok(stored) => stored,
        Err(current) => return Ok(Saved::Stale(current)),
    };
    if before.birth_date.as_str() > on.to_string().as_str() {
        return Err(RuleError::invalid(
            "on",
            "expected a date after the birth date",
        ));
    }
    let mut after = before.clone();
    after.closed = Some(Closure {
        reason: reason.to_owned(),
        on: on.to_string(),
        at: crate::db::now_ms(),
    });
    let saved = save(
        ground,
        person,
        &before,
        &after,
        "resident.closed",
        None,
        Value::Null,
    )
    .await?;
    if matches!(saved, Saved::Done(_)) {
        super::special_populations::close_all_of(db, person, &before, reason).await?;
    }
    Ok(saved)
}

/// Puts living resident `id` (read at `version`) in household `household` with its
/// relation, or takes them out of theirs with `None`: a household's page adding or
/// removing a member. The household must be of the resident's grid. Audited
/// `resident.updated`; announced `updated`.
pub async fn set_household(
    ground: &Ground,
    person: &Person,
    id: i64,
    version: i64,
    household: Option<(i64, String)>,
) -> RuleResult<Saved<Shown>> {
    let db = &ground.db;
    let before = match for_change(db, person, id, version).await? {
        Ok(stored) => stored,
        Err(current) => return Ok(Saved::Stale(current)),
    };
    let mut after = before.clone();
    let dwelling = Dwelling {
        house_id: before.house_id,
        household,
    };
    apply_dwelling(db, &dwelling, &before.grid_code, &mut after).await?;
    if after == before {
        return Ok(Saved::Done(Shown::masked(before)));
    }
    save(
        ground,
        person,
        &before,
        &after,
        "resident.updated",
        None,
        Value::Null,
    )
    .await
}

//! 实有单位/组织: a unit's organizations page by page, contact phones masked like
//! residents'; registering one in a grid, its credit code checked (GB 32100), its grid the
//! one named or else that of the registered house at its address, audited
//! `organization.registered`; and editing one at the version read, checked the same way,
//! written to its history.

use serde_json::{Value, json};

use super::Saved;
use super::history::{self, Change, Snapshot};

use crate::auth::BASE_DATA_ROLES;
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::organizations::{NewOrganization, OrganizationError, StoredOrganization};
use crate::grid::house::MAX_ADDRESS_CHARS;
use crate::grid::masking::mask_phone;
use crate::grid::organization::{KINDS, check_credit_code, parse_kind};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::{cursor_after, next_cursor};
use crate::rules::text;

/// Characters of an organization's name.
pub const MAX_NAME_CHARS: usize = 100;
/// Characters of a unified social credit code.
pub const CREDIT_CODE_CHARS: usize = 18;
/// Characters of a contact's name.
pub const MAX_CONTACT_NAME_CHARS: usize = 50;
/// Characters of a contact phone.
pub const MAX_CONTACT_PHONE_CHARS: usize = 20;

/// One page of `unit`'s organizations (contact phones masked) and the next page's cursor.
pub async fn page(
    db: &Db,
    person: &Person,
    unit: &str,
    after: Option<&str>,
    limit: i64,
) -> RuleResult<(Vec<StoredOrganization>, Option<String>)> {
    person.require(&BASE_DATA_ROLES, unit, "listing organizations")?;
    let after = cursor_after(after)?;
    let mut rows = db.organizations_under(unit, after, limit).await?;
    let next = next_cursor(
        rows.len(),
        limit,
        rows.last().map(|o| (o.grid_code.as_str(), o.id)),
    );
    for row in &mut rows {
        row.contact_phone = row.contact_phone.as_deref().map(mask_phone);
    }
    Ok((rows, next))
}

/// An organization to register, as the door read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct NewRegistration<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its kind (see `grid::organization::KINDS`).
    pub kind: &'a str,
    /// Its unified social credit code, if it has one.
    pub credit_code: Option<&'a str>,
    /// Its standard address.
    pub address: &'a str,
    /// Its grid; may be left out when `address` is a registered house's.
    pub grid_code: Option<&'a str>,
    /// Whom to contact.
    pub contact_name: Option<&'a str>,
    /// Their phone.
    pub contact_phone: Option<&'a str>,
}

/// `new` checked, its grid decided and kept by `person`.
async fn checked(
    db: &Db,
    person: &Person,
    new: &NewRegistration<'_>,
) -> RuleResult<NewOrganization> {
    let name = text::within("name", new.name, 1, MAX_NAME_CHARS)?;
    let kind = parse_kind(new.kind).ok_or_else(|| {
        let choices: Vec<String> = KINDS
            .iter()
            .map(|(name, zh)| format!("{name} ({zh})"))
            .collect();
        RuleError::invalid("kind", format!("expected one of {}", choices.join(", ")))
    })?;
    let credit_code = text::optional("credit_code", new.credit_code, CREDIT_CODE_CHARS)?;
    if let Some(code) = &credit_code {
        check_credit_code(code).map_err(|problem| RuleError::invalid("credit_code", problem))?;
    }
    let address = text::within("address", new.address, 1, MAX_ADDRESS_CHARS)?;
    let contact_name = text::optional("contact_name", new.contact_name, MAX_CONTACT_NAME_CHARS)?;
    let contact_phone =
        text::optional("contact_phone", new.contact_phone, MAX_CONTACT_PHONE_CHARS)?;
    let house = db.houses_at(&[address]).await?.remove(address);
    let grid_code = match (new.grid_code.map(str::trim), &house) {
        (Some(grid), _) if !grid.is_empty() => grid.to_owned(),
        (_, Some(house)) => house.grid_code.clone(),
        _ => {
            return Err(RuleError::invalid(
                "grid_code",
                "name the grid, or give the standard address of a registered house",
            ));
        }
    };
    if crate::grid::unit_code::level_of(&grid_code) != Ok(wangge_registry::Level::Grid) {
        return Err(RuleError::invalid(
            "grid_code",
            format!("`{grid_code}` is not a grid code (15 digits)"),
        ));
    }
    person.require(&BASE_DATA_ROLES, &grid_code, "registering organizations")?;
    if db.unit(&grid_code).await?.is_none() {
        return Err(RuleError::invalid(
            "grid_code",
            format!("`{grid_code}` is not a known grid"),
        ));
    }
    Ok(NewOrganization {
        name: name.to_owned(),
        kind,
        credit_code,
        address: address.to_owned(),
        house_id: house.as_ref().map(|h| h.id),
        contact_name,
        contact_phone,
        grid_code,
    })
}

/// Registers `new` on behalf of `person`, a keeper of the grid's base data; its id.
pub async fn register(db: &Db, person: &Person, new: &NewRegistration<'_>) -> RuleResult<i64> {
    let organization = checked(db, person, new).await?;
    let id = db
        .insert_organization(&organization)
        .await
        .map_err(|e| match e {
            OrganizationError::DuplicateCreditCode => RuleError::Conflict(e.to_string()),
            OrganizationError::Database(e) => RuleError::from(e),
        })?;
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "organization.registered",
        subject: &format!("organization:{id}"),
        unit_code: Some(&organization.grid_code),
        detail: json!({ "name": organization.name }),
    })
    .await?;
    Ok(id)
}

/// Organization `id`, contact phone unmasked, for those who keep its grid's base data.
async fn kept(db: &Db, person: &Person, id: i64) -> RuleResult<StoredOrganization> {
    match db.organization(id).await? {
        Some(o) if person.holds_any(&BASE_DATA_ROLES, &o.grid_code) => Ok(o),
        _ => Err(RuleError::NotFound(format!("organization {id}"))),
    }
}

fn masked(mut organization: StoredOrganization) -> StoredOrganization {
    organization.contact_phone = organization.contact_phone.as_deref().map(mask_phone);
    organization
}

/// Organization `id` (contact phone masked) with its history.
pub async fn get(
    db: &Db,
    person: &Person,
    id: i64,
) -> RuleResult<(StoredOrganization, Vec<crate::db::audit::AuditRow>)> {
    let organization = kept(db, person, id).await?;
    let rows = history::of(db, &format!("organization:{id}")).await?;
    Ok((masked(organization), rows))
}

fn snapshot(o: &StoredOrganization) -> Snapshot {
    vec![
        ("name", json!(o.name)),
        ("kind", json!(o.kind)),
        ("credit_code", json!(o.credit_code)),
        ("address", json!(o.address)),
        ("house_id", json!(o.house_id)),
        ("contact_name", json!(o.contact_name)),
        ("contact_phone", json!(o.contact_phone)),
        ("grid_code", json!(o.grid_code)),
    ]
}

/// Edits organization `id` at `version` on behalf of `person`, who keeps the base data of
/// its grid and of the grid it goes to. Audited `organization.updated` with the fields
/// changed.
pub async fn edit(
    db: &Db,
    person: &Person,
    id: i64,
    version: i64,
    form: &NewRegistration<'_>,
) -> RuleResult<Saved<StoredOrganization>> {
    let before = kept(db, person, id).await?;
    if before.version != version {
        return Ok(Saved::Stale(masked(before)));
    }
    let mut new = checked(db, person, form).await?;
    // The phone as read is masked: sent back unchanged, it keeps the stored one.
    let read_as = before.contact_phone.as_deref().map(mask_phone);
    if new.contact_phone.is_some() && new.contact_phone == read_as {
        new.contact_phone.clone_from(&before.contact_phone);
    }
    let after = StoredOrganization {
        id,
        name: new.name,
        kind: new.kind.to_owned(),
        credit_code: new.credit_code,
        address: new.address,
        house_id: new.house_id,
        contact_name: new.contact_name,
        contact_phone: new.contact_phone,
        grid_code: new.grid_code,
        version,
    };
    if after == before {
        return Ok(Saved::Done(masked(before)));
    }
    let saved = db.save_organization(&after).await.map_err(|e| match e {
        OrganizationError::DuplicateCreditCode => RuleError::invalid("credit_code", e.to_string()),
        OrganizationError::Database(e) => RuleError::from(e),
    })?;
    let current = kept(db, person, id).await;
    if !saved {
        return Ok(Saved::Stale(masked(current?)));
    }
    history::record(
        db,
        Change {
            actor: &person.actor_name(),
            action: "organization.updated",
            subject: &format!("organization:{id}"),
            unit_code: &after.grid_code,
        },
        &snapshot(&before),
        &snapshot(&after),
        Value::Null,
    )
    .await?;
    Ok(Saved::Done(masked(current?)))
}

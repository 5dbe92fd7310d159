//! 实有人口 as people read them: a unit's residents page by page with ID numbers and phones
//! masked, for those who keep the unit's base data; and one record unmasked, for holders of
//! the sensitive-data grant over its grid, with a stated reason that goes to the audit log.

use serde_json::json;

use crate::auth::{BASE_DATA_ROLES, Role};
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::residents::StoredResident;
use crate::grid::masking::{checked_unmask_reason, mask_id_number, mask_phone};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::{cursor_after, next_cursor};

/// A resident as shown, the sensitive fields masked unless the read was an audited unmask.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The record.
    pub resident: StoredResident,
    /// Whether `resident.id_number` and `resident.phone` are as stored.
    pub unmasked: bool,
}

impl Shown {
    fn masked(mut resident: StoredResident) -> Self {
        resident.id_number = mask_id_number(&resident.id_number);
        resident.phone = resident.phone.as_deref().map(mask_phone);
        Self {
            resident,
            unmasked: false,
        }
    }
}

/// One page of `unit`'s residents, masked, and the next page's cursor.
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

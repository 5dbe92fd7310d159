//! `residents`: residents in the installation's scope (its unit's subtree), sensitive
//! fields masked before they cross into the plugin; `get-sensitive` unmasks one record for
//! a stated reason and audits it; tags need `residents:tag`.

use jiff::ToSpan;
use serde_json::json;
use wangge_registry::Permission;

use crate::db::audit::AuditEntry;
use crate::db::residents::{ResidentQuery, StoredResident, parse_cursor};
use crate::grid::calendar::today_in_china;
use crate::grid::masking::{MIN_UNMASK_REASON_CHARS, mask_id_number, mask_phone};
use crate::grid::resident::PopulationType as StoredPopulationType;
use crate::grid::unit_code::is_within;
use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::residents::{Host, ResidentFilter};
use crate::runtime::bindings::wangge::plugin::types::{Gender, PopulationType, Resident};
use crate::runtime::call_state::CallState;

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

/// Rows one query may return; plugins page with `after`.
const MAX_ROWS: u32 = 500;

fn host_fault(error: sqlx::Error) -> wasmtime::Error {
    wasmtime::format_err!("resident records: {error}")
}

fn to_contract(resident: &StoredResident, unmasked: bool) -> Resident {
    let population_type = match resident.population_type.as_str() {
        "floating" => PopulationType::Floating,
        "left-behind" => PopulationType::LeftBehind,
        "foreign" => PopulationType::Foreign,
        _ => PopulationType::Registered,
    };
    Resident {
        id: resident.id.to_string(),
        name: resident.name.clone(),
        gender: if resident.gender == "female" {
            Gender::Female
        } else {
            Gender::Male
        },
        birth_date: resident.birth_date.clone(),
        id_number: if unmasked {
            resident.id_number.clone()
        } else {
            mask_id_number(&resident.id_number)
        },
        phone: if unmasked {
            resident.phone.clone()
        } else {
            resident.phone.as_deref().map(mask_phone)
        },
        population_type,
        // Households and houses arrive with the rest of the base data.
        household_id: None,
        house_id: None,
        grid_code: resident.grid_code.clone(),
        tags: resident.tags.clone(),
    }
}

fn stored_population_type(kind: PopulationType) -> &'static str {
    match kind {
        PopulationType::Registered => StoredPopulationType::Registered,
        PopulationType::Floating => StoredPopulationType::Floating,
        PopulationType::LeftBehind => StoredPopulationType::LeftBehind,
        PopulationType::Foreign => StoredPopulationType::Foreign,
    }
    .name()
}

fn valid_tag(tag: &str) -> Result<(), PluginError> {
    let ok = (1..=32).contains(&tag.len())
        && tag
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(PluginError::Invalid(format!(
            "tag `{tag}`: expected 1 to 32 characters of a-z, 0-9 and `-`"
        )))
    }
}

impl CallState {
    /// The resident with `id` if it lies in the installation's scope. Out-of-scope residents
    /// are reported as not found: a plugin learns nothing about them.
    async fn resident_in_scope(
        &mut self,
        id: &str,
    ) -> wasmtime::Result<Result<StoredResident, PluginError>> {
        let not_found = || PluginError::NotFound(format!("no resident `{id}` in scope"));
        let Ok(numeric) = id.parse::<i64>() else {
            return Ok(Err(not_found()));
        };
        let found = self
            .installation
            .db
            .resident(numeric)
            .await
            .map_err(host_fault)?;
        Ok(match found {
            Some(r) if is_within(&r.grid_code, &self.installation.unit.code) => Ok(r),
            _ => Err(not_found()),
        })
    }

    async fn gate(
        &mut self,
        permission: Permission,
        import: &'static str,
    ) -> wasmtime::Result<Result<(), PluginError>> {
        self.enter()?;
        self.require(&permission, import).await
    }

    async fn retag(&mut self, id: &str, tag: &str, add: bool) -> Answer<()> {
        if let Err(e) = valid_tag(tag) {
            return Ok(Err(e));
        }
        let resident = match self.resident_in_scope(id).await? {
            Ok(resident) => resident,
            Err(e) => return Ok(Err(e)),
        };
        let mut tags = resident.tags.clone();
        tags.retain(|t| t != tag);
        if add {
            tags.push(tag.to_owned());
        }
        self.installation
            .db
            .set_resident_tags(resident.id, &tags)
            .await
            .map_err(host_fault)?;
        Ok(Ok(()))
    }
}

impl Host for CallState {
    async fn get(&mut self, id: String) -> Answer<Resident> {
        if let Err(e) = self
            .gate(Permission::ResidentsRead, "residents.get")
            .await?
        {
            return Ok(Err(e));
        }
        Ok(self
            .resident_in_scope(&id)
            .await?
            .map(|r| to_contract(&r, false)))
    }

    async fn query(&mut self, filter: ResidentFilter) -> Answer<Vec<Resident>> {
        if let Err(e) = self
            .gate(Permission::ResidentsRead, "residents.query")
            .await?
        {
            return Ok(Err(e));
        }
        let scope = self.installation.unit.code.clone();
        // A narrower prefix inside the scope is honoured; a broader one is clipped to it.
        let unit = match filter.grid_prefix.as_deref() {
            None => scope.clone(),
            Some(prefix) if is_within(prefix, &scope) => prefix.to_owned(),
            Some(prefix) if is_within(&scope, prefix) => scope.clone(),
            Some(prefix) => {
                return Ok(Err(PluginError::Denied(format!(
                    "grid-prefix `{prefix}` lies outside this installation's unit {scope}"
                ))));
            }
        };
        if let Some(tag) = &filter.tag
            && let Err(e) = valid_tag(tag)
        {
            return Ok(Err(e));
        }
        let after = match filter.after.as_deref() {
            None => None,
            Some(cursor) => match parse_cursor(cursor) {
                Some(after) => Some(after),
                None => {
                    return Ok(Err(PluginError::Invalid(
                        "after: expected `GRID_CODE:ID` of the last resident of the previous page"
                            .into(),
                    )));
                }
            },
        };
        let today = today_in_china();
        let years_ago = |years: u32| {
            today
                .checked_sub(i64::from(years).years())
                .map(|date| date.to_string())
                .ok()
        };
        let query = ResidentQuery {
            unit_code: &unit,
            population_type: filter.population_type.map(stored_population_type),
            born_on_or_before: filter.min_age.and_then(years_ago),
            born_after: filter
                .max_age
                .and_then(|age| years_ago(age.saturating_add(1))),
            tag: filter.tag.as_deref(),
            after,
            limit: i64::from(filter.limit.clamp(1, MAX_ROWS)),
        };
        let rows = self
            .installation
            .db
            .query_residents(&query)
            .await
            .map_err(host_fault)?;
        Ok(Ok(rows.iter().map(|r| to_contract(r, false)).collect()))
    }

    async fn get_sensitive(&mut self, id: String, reason: String) -> Answer<Resident> {
        if let Err(e) = self
            .gate(
                Permission::ResidentsReadSensitive,
                "residents.get-sensitive",
            )
            .await?
        {
            return Ok(Err(e));
        }
        let reason = reason.trim();
        if reason.chars().count() < MIN_UNMASK_REASON_CHARS {
            return Ok(Err(PluginError::Invalid(format!(
                "reason: state why the unmasked record is needed (at least {MIN_UNMASK_REASON_CHARS} characters)"
            ))));
        }
        let resident = match self.resident_in_scope(&id).await? {
            Ok(resident) => resident,
            Err(e) => return Ok(Err(e)),
        };
        let installation = &self.installation;
        installation
            .db
            .audit(AuditEntry {
                actor: &installation.actor(),
                action: "resident.unmasked",
                subject: &format!("resident:{}", resident.id),
                unit_code: Some(&resident.grid_code),
                detail: json!({ "reason": reason }),
            })
            .await
            .map_err(host_fault)?;
        Ok(Ok(to_contract(&resident, true)))
    }

    async fn add_tag(&mut self, id: String, tag: String) -> Answer<()> {
        if let Err(e) = self
            .gate(Permission::ResidentsTag, "residents.add-tag")
            .await?
        {
            return Ok(Err(e));
        }
        self.retag(&id, &tag, true).await
    }

    async fn remove_tag(&mut self, id: String, tag: String) -> Answer<()> {
        if let Err(e) = self
            .gate(Permission::ResidentsTag, "residents.remove-tag")
            .await?
        {
            return Ok(Err(e));
        }
        self.retag(&id, &tag, false).await
    }
}

//! `residents`: residents in the installation's scope (its unit's subtree), sensitive
//! fields masked before they cross into the plugin; `get-sensitive` unmasks one record for
//! a stated reason and audits it; tags need `residents:tag`; `count` (contract 1.1) answers
//! with one COUNT query under the small-cell rule of the host's statistics.

use jiff::ToSpan;
use serde_json::json;
use wangge_registry::Permission;

use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::residents::{Living, ResidentQuery, StoredResident, parse_cursor};
use crate::grid::calendar::today_in_china;
use crate::grid::masking::checked_unmask_reason;
use crate::grid::small_cells::SMALL_CELL_THRESHOLD;
use crate::grid::unit_code::is_within;
use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::residents::{Host, ResidentCount, ResidentFilter};
use crate::runtime::bindings::wangge::plugin::types::Resident;
use crate::runtime::call_state::CallState;
use crate::runtime::conversions::resident::{stored_population_type, to_contract};

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

/// Rows one query may return; plugins page with `after`.
const MAX_ROWS: u32 = 500;

/// Code length of a community: a count over a prefix at least this long stays within one
/// community, where the host's statistics show exact numbers too.
const COMMUNITY_CODE_LEN: usize = 12;

fn host_fault(error: sqlx::Error) -> wasmtime::Error {
    wasmtime::format_err!("resident records: {error}")
}

/// A count as a plugin may see it: the host's small-cell rule (`grid::small_cells`) hides
/// counts of 1 to 4 taken over more than one community, exactly as `/api/stats` does for
/// the people reading the host's own dashboards. A plugin holding `residents:read` could
/// page through the rows instead, so this is no barrier against the plugin; it keeps the
/// count primitive from putting a number on a street-wide dashboard that singles people out.
fn small_cell_count(count: i64, counted_prefix: &str) -> ResidentCount {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    let within_one_community = counted_prefix.len() >= COMMUNITY_CODE_LEN;
    let threshold = u32::try_from(SMALL_CELL_THRESHOLD).unwrap_or(u32::MAX);
    if !within_one_community && (1..threshold).contains(&count) {
        ResidentCount::FewerThan(threshold)
    } else {
        ResidentCount::Exact(count)
    }
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

/// The scope and filters of `filter` over `unit` (already clipped to the installation's
/// scope), without cursor or limit: shared by `query` and `count` so both always agree.
fn resident_query<'a>(
    unit: &'a str,
    filter: &'a ResidentFilter,
) -> Result<ResidentQuery<'a>, PluginError> {
    if let Some(tag) = &filter.tag {
        valid_tag(tag)?;
    }
    let today = today_in_china();
    let years_ago = |years: u32| {
        today
            .checked_sub(i64::from(years).years())
            .map(|date| date.to_string())
            .ok()
    };
    Ok(ResidentQuery {
        unit_code: unit,
        population_type: filter.population_type.map(stored_population_type),
        born_on_or_before: filter.min_age.and_then(years_ago),
        born_after: filter
            .max_age
            .and_then(|age| years_ago(age.saturating_add(1))),
        tag: filter.tag.as_deref(),
        after: None,
        limit: 0,
        // Plugins are offered living residents only: a closed record (迁出, 死亡) is kept
        // for the platform, and its closing was delivered to them as `removed`.
        living: Living::Only,
    })
}

/// Where to resume a query: the contract's `after` is the last resident's id (the host's
/// own `GRID_CODE:ID` form is accepted too), and the keyset is (grid, id). Takes the
/// database by value-like handle rather than `&CallState`, which is not `Sync`.
async fn resident_cursor(db: Db, text: &str) -> wasmtime::Result<Option<(String, i64)>> {
    if let Some((grid, id)) = parse_cursor(text) {
        return Ok(Some((grid.to_owned(), id)));
    }
    let Ok(id) = text.parse::<i64>() else {
        return Ok(None);
    };
    let stored = db.resident(id).await.map_err(host_fault)?;
    Ok(stored.map(|resident| (resident.grid_code, id)))
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
            .db()
            .resident(numeric)
            .await
            .map_err(host_fault)?;
        Ok(match found {
            Some(r)
                if r.closed.is_none() && is_within(&r.grid_code, &self.installation.unit.code) =>
            {
                Ok(r)
            }
            _ => Err(not_found()),
        })
    }

    /// The subtree a query asked for, within the installation's: a narrower prefix inside
    /// the scope is honoured, a broader one is clipped to it, another one is denied.
    pub(super) fn clip_to_scope(&self, prefix: Option<&str>) -> Result<String, PluginError> {
        let scope = &self.installation.unit.code;
        match prefix {
            None => Ok(scope.clone()),
            Some(prefix) if is_within(prefix, scope) => Ok(prefix.to_owned()),
            Some(prefix) if is_within(scope, prefix) => Ok(scope.clone()),
            Some(prefix) => Err(PluginError::Denied(format!(
                "grid-prefix `{prefix}` lies outside this installation's unit {scope}"
            ))),
        }
    }

    pub(super) async fn gate(
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
            .db()
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
        let unit = match self.clip_to_scope(filter.grid_prefix.as_deref()) {
            Ok(unit) => unit,
            Err(e) => return Ok(Err(e)),
        };
        let cursor = match filter.after.as_deref() {
            None => None,
            Some(text) => match resident_cursor(self.installation.db().clone(), text).await? {
                Some(cursor) => Some(cursor),
                None => {
                    return Ok(Err(PluginError::Invalid(format!(
                        "after: `{text}` is not the id of a resident (the last one of the \
                         previous page)"
                    ))));
                }
            },
        };
        let query = match resident_query(&unit, &filter) {
            Ok(query) => ResidentQuery {
                after: cursor.as_ref().map(|(grid, id)| (grid.as_str(), *id)),
                limit: i64::from(filter.limit.clamp(1, MAX_ROWS)),
                ..query
            },
            Err(e) => return Ok(Err(e)),
        };
        let rows = self
            .installation
            .db()
            .query_residents(&query)
            .await
            .map_err(host_fault)?;
        Ok(Ok(rows.iter().map(|r| to_contract(r, false)).collect()))
    }

    async fn count(&mut self, filter: ResidentFilter) -> Answer<ResidentCount> {
        if let Err(e) = self
            .gate(Permission::ResidentsRead, "residents.count")
            .await?
        {
            return Ok(Err(e));
        }
        let unit = match self.clip_to_scope(filter.grid_prefix.as_deref()) {
            Ok(unit) => unit,
            Err(e) => return Ok(Err(e)),
        };
        let query = match resident_query(&unit, &filter) {
            Ok(query) => query,
            Err(e) => return Ok(Err(e)),
        };
        let count = self
            .installation
            .db()
            .count_residents(&query)
            .await
            .map_err(host_fault)?;
        Ok(Ok(small_cell_count(count, &unit)))
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
        let reason = match checked_unmask_reason(&reason) {
            Ok(reason) => reason,
            Err(problem) => return Ok(Err(PluginError::Invalid(format!("reason: {problem}")))),
        };
        let resident = match self.resident_in_scope(&id).await? {
            Ok(resident) => resident,
            Err(e) => return Ok(Err(e)),
        };
        let installation = &self.installation;
        installation
            .db()
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
